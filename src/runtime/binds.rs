//! Bind mounts of host paths: `-v HOST:CONTAINER[:OPTIONS]`. The host
//! path must be absolute and is created as a directory when missing (as
//! Docker does); the container path is resolved inside the root
//! filesystem, so a symlink in the image cannot send the mount outside
//! it. Options: `ro`/`rw`, and `z`/`Z` and `rprivate`/`private`, accepted
//! and meaningless here (no SELinux labels; rpod's mounts never
//! propagate). Named and anonymous volumes come with the volumes work.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

/// One bind mount, as the container record keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bind {
    /// The absolute host path.
    pub source: String,
    /// The absolute path inside the container.
    pub destination: String,
    pub read_only: bool,
    /// The options as given (Docker's `Mode` in `inspect`).
    pub options: String,
}

impl Bind {
    /// Docker's `HostConfig.Binds` entry.
    pub fn flag(&self) -> String {
        match self.options.as_str() {
            "" => format!("{}:{}", self.source, self.destination),
            options => format!("{}:{}:{options}", self.source, self.destination),
        }
    }
}

/// Parses `-v TEXT`.
pub fn parse_volume_flag(text: &str) -> Result<Bind> {
    let mut parts = text.splitn(3, ':');
    let (source, destination, options) = (parts.next(), parts.next(), parts.next());
    let (Some(source), Some(destination)) = (source, destination) else {
        bail!("anonymous volumes (-v {text}) are not supported yet: give HOST-PATH:{text}");
    };
    if !source.starts_with('/') {
        if source.contains('/') || source.starts_with('.') {
            bail!("invalid -v {text:?}: the host path must be absolute (use \"$PWD/{source}\")");
        }
        bail!("named volumes (-v {text}) are not supported yet: give an absolute host path");
    }
    if !destination.starts_with('/') || destination.split('/').any(|c| c == "..") {
        bail!("invalid -v {text:?}: the container path must be absolute");
    }
    if destination.trim_end_matches('/').is_empty() {
        bail!("invalid -v {text:?}: cannot mount over the container's root");
    }
    let options = options.unwrap_or_default();
    let mut read_only = false;
    for option in options.split(',').filter(|o| !o.is_empty()) {
        match option {
            "ro" => read_only = true,
            "rw" => read_only = false,
            "z" | "Z" | "rprivate" | "private" => {}
            _ => bail!("invalid -v {text:?}: unknown option {option:?} (rpod takes ro, rw, z, Z)"),
        }
    }
    Ok(Bind {
        source: source.to_string(),
        destination: destination.to_string(),
        read_only,
        options: options.to_string(),
    })
}

/// At create: makes a missing host path a directory, as Docker does.
pub fn make_missing_sources(binds: &[Bind]) -> Result<()> {
    for bind in binds {
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
    fn flags() {
        let bind = parse_volume_flag("/srv/data:/data:ro,z").unwrap();
        assert_eq!(
            bind,
            Bind {
                source: "/srv/data".into(),
                destination: "/data".into(),
                read_only: true,
                options: "ro,z".into(),
            }
        );
        assert_eq!(bind.flag(), "/srv/data:/data:ro,z");
        let rw = parse_volume_flag("/a:/b").unwrap();
        assert!(!rw.read_only);
        assert_eq!(rw.flag(), "/a:/b");
        for (bad, says) in [
            ("/data", "anonymous"),
            ("data:/data", "named"),
            ("./src:/src", "absolute"),
            ("src/x:/src", "absolute"),
            ("/a:b", "container path"),
            ("/a:/../etc", "container path"),
            ("/a:/", "root"),
            ("/a:/b:rx", "unknown option"),
        ] {
            let err = parse_volume_flag(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }
}
