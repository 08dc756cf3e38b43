//! Image references: parsing `busybox`, `localhost:5000/a/b:tag`,
//! `name@sha256:…`, validating them with Docker's grammar, and normalising
//! them to fully qualified names.

use std::fmt;

/// The registry short names resolve to when nothing else is configured.
pub const DOCKER_HUB: &str = "docker.io";
/// Tag assumed when a reference names neither a tag nor a digest.
pub const DEFAULT_TAG: &str = "latest";

const MAX_NAME_LEN: usize = 255;
const MAX_TAG_LEN: usize = 128;

/// A reference as the user typed it: the registry may be missing
/// (a short name), and so may the tag and the digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub registry: Option<String>,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// A fully qualified reference: registry, repository path and either a tag,
/// a digest, or both.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Why a reference was refused; the message is shown to the user as is.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid reference format {input:?}: {reason}")]
pub struct InvalidReference {
    input: String,
    reason: &'static str,
}

impl Parsed {
    /// True when no registry was named, so search registries apply.
    pub fn is_short(&self) -> bool {
        self.registry.is_none()
    }

    /// Qualifies the reference with `registry`; Docker Hub's official
    /// images get their implicit `library/` prefix. With neither tag nor
    /// digest, the tag is `latest`.
    pub fn qualify(&self, registry: &str) -> Reference {
        let repository = if registry == DOCKER_HUB && !self.path.contains('/') {
            format!("library/{}", self.path)
        } else {
            self.path.clone()
        };
        let tag = match (&self.tag, &self.digest) {
            (None, None) => Some(DEFAULT_TAG.to_string()),
            (tag, _) => tag.clone(),
        };
        Reference {
            registry: registry.to_string(),
            repository,
            tag,
            digest: self.digest.clone(),
        }
    }

    /// The reference as written, qualified by Docker Hub when short.
    pub fn qualify_default(&self) -> Reference {
        self.qualify(self.registry.as_deref().unwrap_or(DOCKER_HUB))
    }
}

impl Reference {
    /// Parses a reference and qualifies it with Docker Hub when short.
    pub fn parse_qualified(input: &str) -> Result<Self, InvalidReference> {
        Ok(parse(input)?.qualify_default())
    }

    /// `registry/repository`, without tag or digest.
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// `registry/repository:tag` when there is a tag.
    pub fn tagged_name(&self) -> Option<String> {
        self.tag.as_ref().map(|t| format!("{}:{t}", self.name()))
    }

    /// What to ask the registry for: the digest when pinned, else the tag.
    pub fn manifest_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or(DEFAULT_TAG)
    }

    /// The same name pinned to `digest`, without tag.
    pub fn with_digest(&self, digest: &str) -> Reference {
        Reference {
            tag: None,
            digest: Some(digest.to_string()),
            ..self.clone()
        }
    }

    /// Docker's short display form: `busybox:latest` for official Hub
    /// images, the full name otherwise.
    pub fn familiar(&self) -> String {
        let mut name = if self.registry == DOCKER_HUB {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.name()
        };
        if let Some(tag) = &self.tag {
            name.push(':');
            name.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            name.push('@');
            name.push_str(digest);
        }
        name
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())?;
        if let Some(tag) = &self.tag {
            write!(f, ":{tag}")?;
        }
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// Parses a reference with Docker's grammar, without qualifying it.
pub fn parse(input: &str) -> Result<Parsed, InvalidReference> {
    let fail = |reason| InvalidReference {
        input: input.to_string(),
        reason,
    };
    if input.is_empty() {
        return Err(fail("empty reference"));
    }
    let (rest, digest) = match input.split_once('@') {
        Some((rest, digest)) => {
            validate_digest(digest).map_err(fail)?;
            (rest, Some(digest.to_string()))
        }
        None => (input, None),
    };
    // A tag follows the last ':' that comes after the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => {
            let (name, tag) = rest.split_at(last_slash + i);
            (name, Some(tag[1..].to_string()))
        }
        None => (rest, None),
    };
    if let Some(tag) = &tag {
        validate_tag(tag).map_err(fail)?;
    }
    if name.len() > MAX_NAME_LEN {
        return Err(fail(
            "repository name must not be longer than 255 characters",
        ));
    }
    let (registry, path) = match name.split_once('/') {
        Some((first, path)) if looks_like_registry(first) => {
            validate_registry(first).map_err(fail)?;
            (Some(first.to_string()), path)
        }
        _ => (None, name),
    };
    for component in path.split('/') {
        validate_path_component(component).map_err(fail)?;
    }
    Ok(Parsed {
        registry,
        path: path.to_string(),
        tag,
        digest,
    })
}

/// True for a 64-hex-digit image ID or a `sha256:`-prefixed one.
pub fn looks_like_id_prefix(input: &str) -> bool {
    let hex = input.strip_prefix("sha256:").unwrap_or(input);
    !hex.is_empty() && hex.len() <= 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Docker's rule: the first component names a registry when it has a dot,
/// a port, or is `localhost`.
fn looks_like_registry(first: &str) -> bool {
    first.contains('.') || first.contains(':') || first == "localhost"
}

fn validate_registry(host: &str) -> Result<(), &'static str> {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
        _ => (host, None),
    };
    if let Some(port) = port
        && (port.is_empty() || port.parse::<u16>().is_err())
    {
        return Err("registry port must be a number");
    }
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'[' | b']' | b':'));
    if ok {
        Ok(())
    } else {
        Err("registry host contains invalid characters")
    }
}

fn validate_path_component(component: &str) -> Result<(), &'static str> {
    const REASON: &str =
        "repository name must be lowercase letters, digits and separators (. _ __ -)";
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return Err(REASON);
    }
    // Separators between alphanumeric runs: '.', '_', '__' or any number of '-'.
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &component[start..i];
        let valid = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !valid {
            return Err(REASON);
        }
    }
    Ok(())
}

fn validate_tag(tag: &str) -> Result<(), &'static str> {
    let bytes = tag.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    if bytes.is_empty()
        || bytes.len() > MAX_TAG_LEN
        || !word(bytes[0])
        || !bytes.iter().all(|&b| word(b) || b == b'.' || b == b'-')
    {
        return Err(
            "tag must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'",
        );
    }
    Ok(())
}

/// Validates `algorithm:hex`; only sha256 and sha512 digests are accepted.
pub fn validate_digest(digest: &str) -> Result<(), &'static str> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err("digest must look like sha256:<64 hex digits>");
    };
    let expected = match algorithm {
        "sha256" => 64,
        "sha512" => 128,
        _ => return Err("unsupported digest algorithm (sha256 and sha512 are)"),
    };
    if hex.len() != expected || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("digest must look like sha256:<64 lowercase hex digits>");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn q(s: &str) -> String {
        Reference::parse_qualified(s).unwrap().to_string()
    }

    #[test]
    fn short_names_go_to_docker_hub_library() {
        assert_eq!(q("busybox"), "docker.io/library/busybox:latest");
        assert_eq!(q("user/app:1.0"), "docker.io/user/app:1.0");
        assert_eq!(q("docker.io/busybox"), "docker.io/library/busybox:latest");
    }

    #[test]
    fn registries_ports_tags_and_digests() {
        assert_eq!(
            q("localhost:5000/library/busybox"),
            "localhost:5000/library/busybox:latest"
        );
        assert_eq!(q("127.0.0.1:5000/a/b/c:v1"), "127.0.0.1:5000/a/b/c:v1");
        assert_eq!(q("localhost/x"), "localhost/x:latest");
        assert_eq!(q(&format!("quay.io/a/b@{D}")), format!("quay.io/a/b@{D}"));
        assert_eq!(q(&format!("a:t@{D}")), format!("docker.io/library/a:t@{D}"));
    }

    #[test]
    fn familiar_names() {
        let r = Reference::parse_qualified("busybox").unwrap();
        assert_eq!(r.familiar(), "busybox:latest");
        let r = Reference::parse_qualified("localhost:5000/x:1").unwrap();
        assert_eq!(r.familiar(), "localhost:5000/x:1");
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "UPPER",
            "a//b",
            "a:",
            "a:-x",
            "a@sha256:12",
            "a@md5:0123",
            "-a",
            "a--",
            "a/.b",
            "host:99999/a",
            "a b",
            &"x".repeat(300),
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn accepts_separators() {
        for good in ["a.b", "a_b", "a__b", "a---b", "x/a-b.c_d", "0"] {
            assert!(parse(good).is_ok(), "{good:?} should parse");
        }
    }

    #[test]
    fn ids() {
        assert!(looks_like_id_prefix("abc123"));
        assert!(looks_like_id_prefix(&D[7..]));
        assert!(looks_like_id_prefix(D));
        assert!(!looks_like_id_prefix("busybox"));
    }
}
