//! The mounts a new container gets, in Docker's order of precedence:
//! `-v` and `--mount` first, then the mounts of `--volumes-from`
//! containers, then an anonymous volume for each `VOLUME` of the image,
//! each only where nothing earlier mounts already.

use crate::runtime::binds::{self, Bind, Mount};
use crate::store::containers::ContainerRecord;
use anyhow::{Result, bail};
use std::collections::BTreeMap;

/// What `-v`, `--mount`, `--tmpfs` and `--volumes-from` ask for.
pub struct MountFlags<'a> {
    pub volumes: &'a [String],
    pub mounts: &'a [String],
    pub tmpfs: &'a [String],
    pub volumes_from: &'a [String],
}

/// The binds and volumes, and the tmpfs mounts (path → options), that
/// the flags give a new container. `containers` are the existing ones,
/// for `--volumes-from`.
pub fn container_mounts(
    flags: &MountFlags,
    containers: &[ContainerRecord],
) -> Result<(Vec<Bind>, BTreeMap<String, String>)> {
    let mut tmpfs = BTreeMap::new();
    for flag in flags.tmpfs {
        let (path, options) = crate::runtime::tmpfs::parse_flag(flag)?;
        tmpfs.insert(path, options);
    }
    let mut given = Vec::new();
    for flag in flags.volumes {
        given.push(binds::parse_volume_flag(flag)?);
    }
    for flag in flags.mounts {
        match binds::parse_mount_flag(flag)? {
            Mount::Bind(bind) => given.push(bind),
            Mount::Tmpfs(path, options) => {
                tmpfs.insert(path, options);
            }
        }
    }
    let mut taken: Vec<String> = tmpfs.keys().map(|p| clean(p)).collect();
    for bind in &given {
        let destination = clean(&bind.destination);
        if taken.contains(&destination) {
            bail!("duplicate mount point: {destination}");
        }
        taken.push(destination);
    }
    let mut all = given;
    for flag in flags.volumes_from {
        for bind in volumes_from(flag, containers)? {
            if !taken.contains(&clean(&bind.destination)) {
                taken.push(clean(&bind.destination));
                all.push(bind);
            }
        }
    }
    Ok((all, tmpfs))
}

/// Adds an anonymous volume for each `VOLUME` of the image (its config is
/// `image_config`) where no bind, volume or tmpfs is mounted already.
pub fn add_image_volumes(
    binds: &mut Vec<Bind>,
    tmpfs: &BTreeMap<String, String>,
    image_config: &serde_json::Value,
) {
    let Some(volumes) = image_config["Volumes"].as_object() else {
        return;
    };
    let mut taken: Vec<String> = tmpfs
        .keys()
        .chain(binds.iter().map(|b| &b.destination))
        .map(|p| clean(p))
        .collect();
    for path in volumes.keys() {
        // The image is untrusted: a path that cannot be a mount point is
        // left out rather than refused, and it is a path, never options.
        if path.contains(':') {
            continue;
        }
        let Ok(bind) = binds::parse_volume_flag(path) else {
            continue;
        };
        let destination = clean(&bind.destination);
        if bind.anonymous && !taken.contains(&destination) {
            taken.push(destination);
            binds.push(bind);
        }
    }
}

/// The mounts `--volumes-from CONTAINER[:ro|rw]` takes: every bind and
/// volume of CONTAINER, read-only or read-write when asked.
fn volumes_from(flag: &str, containers: &[ContainerRecord]) -> Result<Vec<Bind>> {
    let (name, mode) = match flag.rsplit_once(':') {
        Some((name, mode)) if matches!(mode, "ro" | "rw") => (name, Some(mode == "ro")),
        Some(_) => bail!("invalid --volumes-from {flag:?}: the mode must be ro or rw"),
        None => (flag, None),
    };
    let source = super::containers::find(containers, name)?;
    Ok(source
        .config
        .binds
        .iter()
        .map(|bind| {
            let mut bind = bind.clone();
            if let Some(read_only) = mode {
                bind.read_only = read_only;
                let kept = bind
                    .options
                    .split(',')
                    .filter(|o| !o.is_empty() && !matches!(*o, "ro" | "rw"));
                let mode = if read_only { "ro" } else { "rw" };
                bind.options = std::iter::once(mode)
                    .chain(kept)
                    .collect::<Vec<_>>()
                    .join(",");
            }
            bind
        })
        .collect())
}

/// A container path without trailing or doubled slashes.
fn clean(path: &str) -> String {
    let parts: Vec<&str> = path
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn flags<'a>(volumes: &'a [String], mounts: &'a [String]) -> MountFlags<'a> {
        MountFlags {
            volumes,
            mounts,
            tmpfs: &[],
            volumes_from: &[],
        }
    }

    #[test]
    fn image_volumes_fill_what_flags_leave() {
        let image = json!({"Volumes": {
            "/data": {}, "/cache/": {}, "relative": {}, "/data:U": {}, "/x:rshared": {}
        }});
        let volumes = ["named:/data".to_string()];
        let (mut all, tmpfs) = container_mounts(&flags(&volumes, &[]), &[]).unwrap();
        add_image_volumes(&mut all, &tmpfs, &image);
        let shown: Vec<_> = all
            .iter()
            .map(|b| (b.destination.as_str(), b.volume.as_deref(), b.anonymous))
            .collect();
        assert_eq!(
            shown,
            [("/data", Some("named"), false), ("/cache/", Some(""), true)]
        );
    }

    #[test]
    fn one_mount_per_path() {
        let volumes = ["/a:/data".to_string(), "bb:/data/".to_string()];
        let err = container_mounts(&flags(&volumes, &[]), &[]).err();
        assert_eq!(err.unwrap().to_string(), "duplicate mount point: /data");
        let mounts = ["type=tmpfs,dst=/t".to_string()];
        let volumes = ["/t".to_string()];
        assert!(container_mounts(&flags(&volumes, &mounts), &[]).is_err());
    }
}
