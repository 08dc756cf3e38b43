//! `--tmpfs PATH[:OPTIONS]` and `--shm-size`: the options Docker takes
//! for a tmpfs, split into mount flags and the data tmpfs reads. Like
//! Docker, a `--tmpfs` mount is `noexec,nosuid,nodev` unless told
//! otherwise.

use anyhow::{Context, Result, bail};
use rustix::mount::MountFlags;

/// `/dev/shm`'s size when `--shm-size` is not given (Docker's 64 MiB).
pub const DEFAULT_SHM_SIZE: u64 = 64 << 20;

/// Splits `--tmpfs PATH[:OPTIONS]`, checking both.
pub fn parse_flag(text: &str) -> Result<(String, String)> {
    let (path, options) = text.split_once(':').unwrap_or((text, ""));
    if !path.starts_with('/') || path.split('/').any(|c| c == "..") || path == "/" {
        bail!("invalid --tmpfs {text:?}: the mount point must be an absolute path below /");
    }
    mount_options(options).with_context(|| format!("invalid --tmpfs {text:?}"))?;
    Ok((path.to_string(), options.to_string()))
}

/// Parses `--shm-size` (a size with an optional b, k, m or g unit).
pub fn parse_shm_size(text: &str) -> Result<u64> {
    crate::format::parse_size(text)
        .filter(|&size| size > 0)
        .with_context(|| format!("invalid --shm-size {text:?}: give a size such as 64m"))
}

/// The flags and data of a `--tmpfs` mount with `options`
/// (comma-separated).
pub fn mount_options(options: &str) -> Result<(MountFlags, String)> {
    let mut flags = MountFlags::NOEXEC | MountFlags::NOSUID | MountFlags::NODEV;
    let mut data = Vec::new();
    for option in options.split(',').filter(|o| !o.is_empty()) {
        let (set, clear) = match option {
            "rw" => (MountFlags::empty(), MountFlags::RDONLY),
            "ro" => (MountFlags::RDONLY, MountFlags::empty()),
            "exec" => (MountFlags::empty(), MountFlags::NOEXEC),
            "noexec" => (MountFlags::NOEXEC, MountFlags::empty()),
            "suid" => (MountFlags::empty(), MountFlags::NOSUID),
            "nosuid" => (MountFlags::NOSUID, MountFlags::empty()),
            "dev" => (MountFlags::empty(), MountFlags::NODEV),
            "nodev" => (MountFlags::NODEV, MountFlags::empty()),
            "atime" => (MountFlags::empty(), MountFlags::NOATIME),
            "noatime" => (MountFlags::NOATIME, MountFlags::empty()),
            "nodiratime" => (MountFlags::NODIRATIME, MountFlags::empty()),
            "relatime" => (MountFlags::RELATIME, MountFlags::empty()),
            "strictatime" => (MountFlags::STRICTATIME, MountFlags::empty()),
            "sync" => (MountFlags::SYNCHRONOUS, MountFlags::empty()),
            "async" => (MountFlags::empty(), MountFlags::SYNCHRONOUS),
            _ => {
                data.push(data_option(option)?);
                continue;
            }
        };
        flags = (flags | set) - clear;
    }
    Ok((flags, data.join(",")))
}

/// One `key=value` option for tmpfs itself, checked and normalised.
fn data_option(option: &str) -> Result<String> {
    let Some((key, value)) = option.split_once('=') else {
        bail!("unknown option {option:?}");
    };
    let valid = match key {
        "size" => {
            let bytes = crate::format::parse_size(value)
                .with_context(|| format!("invalid size {value:?}"))?;
            return Ok(format!("size={bytes}"));
        }
        "mode" => u32::from_str_radix(value, 8).is_ok_and(|m| m <= 0o7777),
        "uid" | "gid" | "nr_inodes" | "nr_blocks" => value.parse::<u64>().is_ok(),
        _ => bail!("unknown option {option:?}"),
    };
    if !valid {
        bail!("invalid value in {option:?}");
    }
    Ok(option.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_defaults_and_overrides() {
        let (flags, data) = mount_options("").unwrap();
        assert_eq!(
            flags,
            MountFlags::NOEXEC | MountFlags::NOSUID | MountFlags::NODEV
        );
        assert_eq!(data, "");
        let (flags, data) = mount_options("rw,exec,size=64m,mode=1777").unwrap();
        assert_eq!(flags, MountFlags::NOSUID | MountFlags::NODEV);
        assert_eq!(data, "size=67108864,mode=1777");
        assert!(mount_options("ro").unwrap().0.contains(MountFlags::RDONLY));
        for bad in ["size=lots", "mode=9", "colour=red", "bogus", "uid=-1"] {
            assert!(mount_options(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_split_path_and_options() {
        assert_eq!(
            parse_flag("/run:size=1m").unwrap(),
            ("/run".to_string(), "size=1m".to_string())
        );
        assert_eq!(parse_flag("/run").unwrap().1, "");
        for bad in ["run", "/", "/a/../b", "/x:bogus"] {
            assert!(parse_flag(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_shm_size("1g").unwrap(), 1 << 30);
        assert!(parse_shm_size("0").is_err());
    }
}
