//! Bind mounts of host paths: `-v HOST:CONTAINER[:OPTIONS]` and
//! `--mount type=bind,…` (which also takes `type=tmpfs`). The host path
//! must be absolute; `-v` creates it as a directory when missing, while
//! `--mount` refuses a missing one (both as Docker does). The container
//! path is resolved inside the root filesystem, so a symlink in the image
//! cannot send the mount outside it. Options: `ro`/`rw`, and `z`/`Z` and
//! `rprivate`/`private`, accepted and meaningless here (no SELinux labels;
//! rpod's mounts never propagate). Named and anonymous volumes come with
//! the volumes work.

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

/// What a `--mount` flag asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Mount {
    Bind(Bind),
    /// A tmpfs: its path and `--tmpfs` options.
    Tmpfs(String, String),
}

/// Parses `--mount type=bind|tmpfs,KEY=VALUE,…`.
pub fn parse_mount_flag(text: &str) -> Result<Mount> {
    let mut kind = "";
    let (mut source, mut target, mut read_only) = (None, None, false);
    let mut tmpfs_options = Vec::new();
    for field in text.split(',').filter(|f| !f.is_empty()) {
        let (key, value) = field.split_once('=').unwrap_or((field, ""));
        match key {
            "type" => kind = value,
            "source" | "src" => source = Some(value),
            "target" | "destination" | "dst" => target = Some(value),
            "readonly" | "ro" => {
                read_only = match value {
                    "" | "true" | "1" => true,
                    "false" | "0" => false,
                    _ => bail!("invalid --mount {text:?}: readonly takes true or false"),
                }
            }
            "bind-propagation" if matches!(value, "private" | "rprivate") => {}
            "consistency" => {}
            "tmpfs-size" => tmpfs_options.push(format!("size={value}")),
            "tmpfs-mode" => tmpfs_options.push(format!("mode={value}")),
            _ => bail!("invalid --mount {text:?}: rpod does not know {field:?}"),
        }
    }
    let Some(target) = target else {
        bail!("invalid --mount {text:?}: a target is needed");
    };
    match kind {
        "bind" => {
            let Some(source) = source else {
                bail!("invalid --mount {text:?}: a bind needs a source");
            };
            let options = if read_only { ":ro" } else { "" };
            let bind = parse_volume_flag(&format!("{source}:{target}{options}"))?;
            if std::fs::symlink_metadata(source).is_err() {
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
        "volume" => bail!("--mount type=volume is not supported yet: use type=bind"),
        _ => bail!("invalid --mount {text:?}: type must be bind or tmpfs"),
    }
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
        assert_eq!(
            parse_mount_flag("type=bind,src=/,dst=/host,readonly").unwrap(),
            Mount::Bind(parse_volume_flag("/:/host:ro").unwrap())
        );
        assert_eq!(
            parse_mount_flag("type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1777").unwrap(),
            Mount::Tmpfs("/t".into(), "size=64m,mode=1777".into())
        );
        for (bad, says) in [
            ("type=bind,dst=/x", "source"),
            (
                "type=bind,src=/nonexistent-rpod-path,dst=/x",
                "does not exist",
            ),
            ("type=volume,src=data,dst=/d", "not supported"),
            ("type=bind,src=/", "target"),
            (
                "type=bind,src=/,dst=/x,bind-propagation=shared",
                "does not know",
            ),
        ] {
            let err = parse_mount_flag(bad).unwrap_err().to_string();
            assert!(err.contains(says), "{bad}: {err}");
        }
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
