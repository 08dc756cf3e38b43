//! The mounts `-v` and `--mount` ask for: bind mounts of host paths, and
//! named and anonymous volumes (`NAME:/path`, `/path`), which are bind
//! mounts of a volume's data directory in the store.
//!
//! A host path must be absolute; `-v` creates it as a directory when
//! missing, while `--mount` refuses a missing one (both as Docker does).
//! The container path is resolved inside the root filesystem, so a
//! symlink in the image cannot send the mount outside it. Options: `ro`
//! and `rw`; `z` and `Z`, accepted and meaningless here (no SELinux
//! labels); `U`, which gives the source to the container's user;
//! `nocopy`, which keeps an empty volume from being filled with what the
//! image has at the path; and the propagation modes.

use anyhow::{Context, Result, bail};
use rustix::mount::MountPropagationFlags;
use serde::{Deserialize, Serialize};

/// One mount of a host directory or of a volume, as the container record
/// keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bind {
    /// The absolute host path (a volume's data directory for a volume).
    pub source: String,
    /// The absolute path inside the container.
    pub destination: String,
    pub read_only: bool,
    /// The options as given (Docker's `Mode` in `inspect`).
    pub options: String,
    /// The volume's name; empty for an anonymous volume until `create`
    /// names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<String>,
    /// An anonymous volume (`-v /path`, an image's `VOLUME`): removed
    /// with its container by `rm -v` and `run --rm`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub anonymous: bool,
}

impl Bind {
    /// Docker's `HostConfig.Binds` entry (none for an anonymous volume).
    pub fn flag(&self) -> Option<String> {
        let source = match &self.volume {
            Some(_) if self.anonymous => return None,
            Some(name) => name,
            None => &self.source,
        };
        Some(match self.options.as_str() {
            "" => format!("{source}:{}", self.destination),
            options => format!("{source}:{}:{options}", self.destination),
        })
    }

    fn has_option(&self, option: &str) -> bool {
        self.options.split(',').any(|o| o == option)
    }

    /// A volume that takes what the image has at its path when empty.
    pub fn copies_image_content(&self) -> bool {
        self.volume.is_some() && !self.has_option("nocopy")
    }

    /// `U`: the source is given to the container's user first.
    pub fn chowns_source(&self) -> bool {
        self.has_option("U")
    }

    /// The propagation asked for (Docker's default is `rprivate`).
    pub fn propagation(&self) -> Option<MountPropagationFlags> {
        PROPAGATIONS
            .iter()
            .find(|(name, _)| self.has_option(name))
            .map(|&(_, flags)| flags)
    }

    /// Docker's `Propagation` in `inspect`.
    pub fn propagation_name(&self) -> &'static str {
        PROPAGATIONS
            .iter()
            .find(|(name, _)| self.has_option(name))
            .map_or("rprivate", |&(name, _)| name)
    }
}

const PROPAGATIONS: &[(&str, MountPropagationFlags)] = &[
    ("shared", MountPropagationFlags::SHARED),
    ("slave", MountPropagationFlags::DOWNSTREAM),
    ("private", MountPropagationFlags::PRIVATE),
    (
        "rshared",
        MountPropagationFlags::SHARED.union(MountPropagationFlags::REC),
    ),
    (
        "rslave",
        MountPropagationFlags::DOWNSTREAM.union(MountPropagationFlags::REC),
    ),
    (
        "rprivate",
        MountPropagationFlags::PRIVATE.union(MountPropagationFlags::REC),
    ),
];

/// Parses `-v [SOURCE:]CONTAINER-PATH[:OPTIONS]`, where SOURCE is an
/// absolute host path or a volume name, and no SOURCE means an anonymous
/// volume.
pub fn parse_volume_flag(text: &str) -> Result<Bind> {
    let parts: Vec<&str> = text.splitn(3, ':').collect();
    let (source, destination, options) = match parts[..] {
        [destination] => ("", destination, ""),
        [destination, options] if !options.starts_with('/') => ("", destination, options),
        [source, destination] => (source, destination, ""),
        [source, destination, options] => (source, destination, options),
        _ => bail!("invalid -v {text:?}"),
    };
    let volume = if source.is_empty() {
        Some(String::new())
    } else if source.starts_with('/') {
        None
    } else if source.contains('/') || source.starts_with('.') {
        bail!("invalid -v {text:?}: the host path must be absolute (use \"$PWD/{source}\")");
    } else {
        crate::store::volumes::validate_name(source)
            .with_context(|| format!("invalid -v {text:?}"))?;
        Some(source.to_string())
    };
    if !destination.starts_with('/') || destination.split('/').any(|c| c == "..") {
        bail!("invalid -v {text:?}: the container path must be absolute");
    }
    if destination.trim_end_matches('/').is_empty() {
        bail!("invalid -v {text:?}: cannot mount over the container's root");
    }
    let mut read_only = false;
    for option in options.split(',').filter(|o| !o.is_empty()) {
        match option {
            "ro" => read_only = true,
            "rw" => read_only = false,
            "nocopy" if volume.is_none() => {
                bail!("invalid -v {text:?}: nocopy is for volumes, not host paths")
            }
            "z" | "Z" | "U" | "nocopy" => {}
            _ if PROPAGATIONS.iter().any(|(name, _)| *name == option) => {}
            _ => bail!(
                "invalid -v {text:?}: unknown option {option:?} (rpod takes ro, rw, z, Z, U, nocopy and the propagation modes)"
            ),
        }
    }
    Ok(Bind {
        source: source.to_string(),
        destination: destination.to_string(),
        read_only,
        options: options.to_string(),
        anonymous: source.is_empty(),
        volume,
    })
}

/// What a `--mount` flag asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Mount {
    /// A host path or a volume.
    Bind(Bind),
    /// A tmpfs: its path and `--tmpfs` options.
    Tmpfs(String, String),
}

/// Parses `--mount type=bind|volume|tmpfs,KEY=VALUE,…`.
pub fn parse_mount_flag(text: &str) -> Result<Mount> {
    let mut kind = "";
    let (mut source, mut target, mut read_only) = (None, None, false);
    let mut options = Vec::new();
    let mut tmpfs_options = Vec::new();
    for field in text.split(',').filter(|f| !f.is_empty()) {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        let flag = || -> Result<bool> {
            match value {
                "" | "true" | "1" => Ok(true),
                "false" | "0" => Ok(false),
                _ => bail!("invalid --mount {text:?}: {key} takes true or false"),
            }
        };
        match key {
            "type" => kind = value,
            "source" | "src" => source = Some(value),
            "target" | "destination" | "dst" => target = Some(value),
            "readonly" | "ro" => read_only = flag()?,
            "bind-propagation" if PROPAGATIONS.iter().any(|(name, _)| *name == value) => {
                options.push(value);
            }
            "volume-nocopy" => {
                if flag()? {
                    options.push("nocopy");
                }
            }
            "U" | "chown" => {
                if flag()? {
                    options.push("U");
                }
            }
            "volume-driver" if value == "local" => {}
            "consistency" => {}
            "tmpfs-size" => tmpfs_options.push(format!("size={value}")),
            "tmpfs-mode" => tmpfs_options.push(format!("mode={value}")),
            _ => bail!("invalid --mount {text:?}: rpod does not know {field:?}"),
        }
    }
    let Some(target) = target else {
        bail!("invalid --mount {text:?}: a target is needed");
    };
    if read_only {
        options.insert(0, "ro");
    }
    let options = options.join(",");
    match kind {
        "bind" | "volume" => {
            let source = match (kind, source) {
                ("bind", None) => bail!("invalid --mount {text:?}: a bind needs a source"),
                ("bind", Some(source)) if !source.starts_with('/') => {
                    bail!("invalid --mount {text:?}: a bind's source must be an absolute path")
                }
                ("volume", Some(source)) if source.starts_with('/') => {
                    bail!(
                        "invalid --mount {text:?}: a volume's source is a name; use type=bind for a host path"
                    )
                }
                (_, source) => source.unwrap_or_default(),
            };
            let flag = [source, target, &options]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(":");
            let bind = parse_volume_flag(&flag)
                .map_err(|e| anyhow::anyhow!("invalid --mount {text:?}: {}", e.root_cause()))?;
            if kind == "bind" && std::fs::symlink_metadata(source).is_err() {
                bail!("invalid --mount {text:?}: bind source path does not exist: {source}");
            }
            Ok(Mount::Bind(bind))
        }
        "tmpfs" => {
            if read_only {
                tmpfs_options.push("ro".into());
            }
            let flag = format!("{target}:{}", tmpfs_options.join(","));
            let (path, options) = super::tmpfs::parse_flag(&flag)?;
            Ok(Mount::Tmpfs(path, options))
        }
        _ => bail!("invalid --mount {text:?}: type must be bind, volume or tmpfs"),
    }
}

/// At create: makes a missing host path a directory, as Docker does.
pub fn make_missing_sources(binds: &[Bind]) -> Result<()> {
    for bind in binds.iter().filter(|b| b.volume.is_none()) {
        if std::fs::symlink_metadata(&bind.source).is_err() {
            std::fs::create_dir_all(&bind.source)
                .with_context(|| format!("cannot create the host path {}", bind.source))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_paths() {
        let bind = parse_volume_flag("/srv/data:/data:ro,z").unwrap();
        assert_eq!(
            bind,
            Bind {
                source: "/srv/data".into(),
                destination: "/data".into(),
                read_only: true,
                options: "ro,z".into(),
                volume: None,
                anonymous: false,
            }
        );
        assert_eq!(bind.flag().unwrap(), "/srv/data:/data:ro,z");
        let rw = parse_volume_flag("/a:/b:rshared,U").unwrap();
        assert!(!rw.read_only && rw.chowns_source() && !rw.copies_image_content());
        assert_eq!(rw.propagation_name(), "rshared");
        assert_eq!(
            parse_volume_flag("/a:/b").unwrap().propagation_name(),
            "rprivate"
        );
        assert_eq!(
            parse_mount_flag("type=bind,src=/,dst=/host,readonly,bind-propagation=rslave").unwrap(),
            Mount::Bind(parse_volume_flag("/:/host:ro,rslave").unwrap())
        );
        assert_eq!(
            parse_mount_flag("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1777").unwrap(),
            Mount::Tmpfs("/t".into(), "size=64m,mode=1777".into())
        );
    }

    #[test]
    fn volumes() {
        let named = parse_volume_flag("data:/data:ro,nocopy").unwrap();
        assert_eq!(named.volume.as_deref(), Some("data"));
        assert!(named.read_only && !named.anonymous && !named.copies_image_content());
        assert_eq!(named.flag().unwrap(), "data:/data:ro,nocopy");
        let anonymous = parse_volume_flag("/cache").unwrap();
        assert_eq!(anonymous.volume.as_deref(), Some(""));
        assert!(anonymous.anonymous && anonymous.copies_image_content());
        assert_eq!(anonymous.flag(), None);
        assert!(parse_volume_flag("/cache:ro").unwrap().read_only);
        assert_eq!(
            parse_mount_flag("type=volume,src=data,dst=/data,readonly,volume-nocopy").unwrap(),
            Mount::Bind(named)
        );
        assert_eq!(
            parse_mount_flag("type=volume,target=/cache").unwrap(),
            Mount::Bind(anonymous)
        );
    }

    #[test]
    fn bad_flags() {
        for (bad, says) in [
            ("type=bind,dst=/x", "source"),
            (
                "type=bind,src=/nonexistent-rpod-path,dst=/x",
                "does not exist",
            ),
            ("type=bind,src=rel,dst=/x", "absolute"),
            ("type=volume,src=/srv,dst=/d", "type=bind"),
            (
                "type=volume,src=data,dst=/d,volume-opt=o=uid=1",
                "does not know",
            ),
            ("type=bind,src=/", "target"),
            (
                "type=bind,src=/,dst=/x,bind-propagation=sideways",
                "does not know",
            ),
            ("type=nfs,dst=/x", "type must be"),
        ] {
            let err = parse_mount_flag(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
        for (bad, says) in [
            ("./src:/src", "absolute"),
            ("src/x:/src", "absolute"),
            ("-data:/data", "invalid volume name"),
            ("/a:b", "unknown option"),
            ("/a:/../etc", "container path"),
            ("/a:/", "root"),
            ("/a:/b:rx", "unknown option"),
            ("/a:/b:nocopy", "for volumes"),
        ] {
            let err = format!("{:#}", parse_volume_flag(bad).unwrap_err());
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
