//! Manifests as registries serve them: OCI image index, Docker manifest
//! list, OCI image manifest and Docker schema2 (schema1 is refused with a
//! clear message), and choosing one platform from an index.

use anyhow::{Result, bail};
use oci_spec::image::{Arch, Descriptor, ImageIndex, ImageManifest, Os};
use std::fmt;

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The Accept header for manifest requests: everything rpod can use, and
/// schema1 so that it can be recognised and refused clearly.
pub const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.v1+prettyjws;q=0.1";

/// Manifests larger than this are refused (the spec suggests 4 MiB).
pub const MAX_MANIFEST_SIZE: u64 = 4 << 20;

/// A parsed manifest.
#[derive(Debug)]
pub enum Manifest {
    Index(Box<ImageIndex>),
    Image(Box<ImageManifest>),
}

/// Parses manifest bytes, using the `mediaType` field (or, when absent,
/// the HTTP content type, then the shape of the document).
pub fn parse(bytes: &[u8], content_type: Option<&str>) -> Result<Manifest> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| anyhow::anyhow!("manifest is not valid JSON: {e}"))?;
    if value["schemaVersion"] == 1 {
        bail!(
            "this image uses the Docker schema1 manifest format, which rpod does not support (re-push it with a current tool)"
        );
    }
    let media_type = value["mediaType"]
        .as_str()
        .or(content_type)
        .map(|t| t.split(';').next().unwrap_or(t).trim().to_string());
    let is_index = match media_type.as_deref() {
        Some(OCI_INDEX | DOCKER_LIST) => true,
        Some(OCI_MANIFEST | DOCKER_MANIFEST) => false,
        _ => value.get("manifests").is_some(),
    };
    let bad = |e: serde_json::Error| anyhow::anyhow!("malformed manifest: {e}");
    if is_index {
        Ok(Manifest::Index(Box::new(
            serde_json::from_value(value).map_err(bad)?,
        )))
    } else {
        let manifest: ImageManifest = serde_json::from_value(value).map_err(bad)?;
        for layer in manifest.layers() {
            check_layer(layer)?;
        }
        Ok(Manifest::Image(Box::new(manifest)))
    }
}

/// Refuses layers rpod cannot unpack: encrypted ones and foreign
/// (non-distributable, URL-only) ones.
fn check_layer(layer: &Descriptor) -> Result<()> {
    let media_type = layer.media_type().to_string();
    if media_type.contains("encrypted") {
        bail!(
            "layer {} is encrypted, which rpod does not support",
            layer.digest()
        );
    }
    if media_type.contains("foreign") || media_type.contains("nondistributable") {
        bail!(
            "layer {} is a foreign layer ({media_type}), which rpod does not support",
            layer.digest()
        );
    }
    Ok(())
}

/// An os/architecture/variant triple, as `--platform` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// The machine rpod runs on.
    pub fn host() -> Self {
        let architecture = Arch::default().to_string();
        let variant = match architecture.as_str() {
            "arm" => Some("v7".to_string()),
            _ => None,
        };
        Self {
            os: Os::default().to_string(),
            architecture,
            variant,
        }
    }

    /// Parses `os/arch[/variant]` and applies `--os`/`--arch`/`--variant`
    /// overrides over the host platform.
    pub fn choose(
        platform: Option<&str>,
        os: Option<&str>,
        arch: Option<&str>,
        variant: Option<&str>,
    ) -> Result<Self> {
        let mut chosen = Self::host();
        if let Some(spec) = platform {
            let parts: Vec<&str> = spec.split('/').collect();
            if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
                bail!(
                    "invalid platform {spec:?}: expected os/arch or os/arch/variant, e.g. linux/arm64"
                );
            }
            chosen = Self {
                os: parts[0].to_string(),
                architecture: normalise_arch(parts[1]).to_string(),
                variant: parts.get(2).map(|v| v.to_string()),
            };
        }
        if let Some(os) = os {
            chosen.os = os.to_string();
        }
        if let Some(arch) = arch {
            chosen.architecture = normalise_arch(arch).to_string();
            chosen.variant = None;
        }
        if let Some(variant) = variant {
            chosen.variant = Some(variant.to_string());
        }
        Ok(chosen)
    }

    /// Whether an index entry for `other` can serve this platform: the
    /// same os and architecture, and the variant when one is asked for
    /// (arm64's `v8` is the default and matches a missing variant).
    fn accepts(&self, other: &Platform) -> bool {
        let default_variant = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        self.os == other.os
            && self.architecture == other.architecture
            && (self.variant.is_none() || default_variant(self) == default_variant(other))
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

fn normalise_arch(arch: &str) -> &str {
    match arch {
        "x86_64" | "x86-64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// Picks the manifest for `wanted` from an index, or says which platforms
/// the index offers.
pub fn select<'a>(index: &'a ImageIndex, wanted: &Platform) -> Result<&'a Descriptor> {
    let entries: Vec<(&Descriptor, Platform)> = index
        .manifests()
        .iter()
        .filter_map(|d| {
            let p = d.platform().as_ref()?;
            Some((
                d,
                Platform {
                    os: p.os().to_string(),
                    architecture: p.architecture().to_string(),
                    variant: p.variant().clone(),
                },
            ))
        })
        .collect();
    // An exact variant match beats the default-variant rule.
    let exact = entries.iter().find(|(_, p)| p == wanted);
    if let Some((descriptor, _)) = exact.or_else(|| entries.iter().find(|(_, p)| wanted.accepts(p)))
    {
        return Ok(descriptor);
    }
    let available: Vec<String> = entries.iter().map(|(_, p)| p.to_string()).collect();
    bail!(
        "no image for platform {wanted} in this manifest list; available: {}",
        if available.is_empty() {
            "none".to_string()
        } else {
            available.join(", ")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn index() -> ImageIndex {
        let json = format!(
            r#"{{"schemaVersion":2,"mediaType":"{DOCKER_LIST}","manifests":[
            {{"mediaType":"{DOCKER_MANIFEST}","digest":"{D1}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}},
            {{"mediaType":"{DOCKER_MANIFEST}","digest":"{D2}","size":1,"platform":{{"os":"linux","architecture":"arm64","variant":"v8"}}}}]}}"#
        );
        match parse(json.as_bytes(), None).unwrap() {
            Manifest::Index(i) => *i,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn selects_platforms() {
        let index = index();
        let arm = Platform::choose(Some("linux/arm64"), None, None, None).unwrap();
        assert_eq!(select(&index, &arm).unwrap().digest().to_string(), D2);
        let amd = Platform::choose(None, Some("linux"), Some("x86_64"), None).unwrap();
        assert_eq!(select(&index, &amd).unwrap().digest().to_string(), D1);
        let s390 = Platform::choose(Some("linux/s390x"), None, None, None).unwrap();
        let err = select(&index, &s390).unwrap_err().to_string();
        assert_eq!(
            err,
            "no image for platform linux/s390x in this manifest list; available: linux/amd64, linux/arm64/v8"
        );
    }

    #[test]
    fn refuses_schema1_and_garbage() {
        let err = parse(br#"{"schemaVersion":1,"name":"x"}"#, None).unwrap_err();
        assert!(err.to_string().contains("schema1"));
        assert!(parse(b"not json", None).is_err());
        assert!(parse(br#"{"schemaVersion":2,"layers":"x"}"#, None).is_err());
        assert!(Platform::choose(Some("linux"), None, None, None).is_err());
    }

    #[test]
    fn parses_image_manifest() {
        let json = format!(
            r#"{{"schemaVersion":2,"mediaType":"{DOCKER_MANIFEST}","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"{D1}","size":5}},
            "layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":"{D2}","size":7}}]}}"#
        );
        let Manifest::Image(m) = parse(json.as_bytes(), None).unwrap() else {
            panic!()
        };
        assert_eq!(m.layers().len(), 1);
        assert_eq!(m.layers()[0].size(), 7);
    }
}
