//! `--user` and the image's `User`: `name`, `uid`, `uid:gid`,
//! `name:group`, resolved against the image's own `/etc/passwd` and
//! `/etc/group` (read inside the root filesystem, never following a
//! symlink out of it), with supplementary groups.

use anyhow::{Result, bail};
use rustix::fs::{Mode, OFlags, ResolveFlags};
use std::io::Read;
use std::path::Path;

/// Who the workload runs as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
    pub home: String,
}

/// Resolves `spec` (empty means root) in the image at `rootfs`.
pub fn resolve(rootfs: &Path, spec: &str) -> Result<User> {
    let passwd = read_in_root(rootfs, "etc/passwd");
    let group = read_in_root(rootfs, "etc/group");
    resolve_in(&passwd, &group, spec)
}

/// The text of `relative` inside `rootfs` (empty when unreadable).
pub fn read_in_root(rootfs: &Path, relative: &str) -> String {
    let how = ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS;
    let Ok(root) = rustix::fs::open(
        rootfs,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return String::new();
    };
    let Ok(fd) = crate::archive::confined::openat2_retrying(&root, relative, OFlags::RDONLY, how)
    else {
        return String::new();
    };
    let mut text = String::new();
    let _ = std::fs::File::from(fd)
        .take(4 << 20)
        .read_to_string(&mut text);
    text
}

/// Resolves `spec` against the texts of a passwd and a group file.
pub fn resolve_in(passwd: &str, group: &str, spec: &str) -> Result<User> {
    let (user_part, group_part) = match spec.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (spec, None),
    };
    let user_part = if user_part.is_empty() { "0" } else { user_part };
    let entry = passwd
        .lines()
        .map(|l| l.split(':').collect::<Vec<_>>())
        .find(|f| f.len() >= 7 && (f[0] == user_part || f[2] == user_part));
    let (uid, mut gid, name, home) = match (&entry, user_part.parse::<u32>()) {
        (Some(f), _) => (
            f[2].parse()?,
            f[3].parse()?,
            f[0].to_string(),
            f[5].to_string(),
        ),
        (None, Ok(uid)) => (uid, 0, String::new(), "/".to_string()),
        (None, Err(_)) => {
            bail!("unable to find user {user_part}: no matching entries in passwd file")
        }
    };
    if let Some(group_part) = group_part {
        gid = match group_part.parse::<u32>() {
            Ok(gid) => gid,
            Err(_) => group
                .lines()
                .map(|l| l.split(':').collect::<Vec<_>>())
                .find(|f| f.len() >= 3 && f[0] == group_part)
                .map(|f| f[2].parse())
                .transpose()?
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "unable to find group {group_part}: no matching entries in group file"
                    )
                })?,
        };
    }
    let mut groups = vec![gid];
    if !name.is_empty() {
        for fields in group.lines().map(|l| l.split(':').collect::<Vec<_>>()) {
            if fields.len() >= 4
                && fields[3].split(',').any(|member| member == name)
                && let Ok(g) = fields[2].parse()
                && !groups.contains(&g)
            {
                groups.push(g);
            }
        }
    }
    Ok(User {
        uid,
        gid,
        groups,
        home,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n";
    const GROUP: &str = "root:x:0:\napp:x:1000:\nwheel:x:10:app,other\ntty:x:5:\n";

    #[test]
    fn forms_of_user() {
        let r = |s| resolve_in(PASSWD, GROUP, s).unwrap();
        assert_eq!(
            r(""),
            User {
                uid: 0,
                gid: 0,
                groups: vec![0],
                home: "/root".into()
            }
        );
        assert_eq!(
            r("app"),
            User {
                uid: 1000,
                gid: 1000,
                groups: vec![1000, 10],
                home: "/home/app".into()
            }
        );
        assert_eq!(r("1000:5").gid, 5);
        assert_eq!(r("app:tty").gid, 5);
        assert_eq!(
            r("4242"),
            User {
                uid: 4242,
                gid: 0,
                groups: vec![0],
                home: "/".into()
            }
        );
        assert_eq!(r("4242:4343").gid, 4343);
        let err = resolve_in(PASSWD, GROUP, "nobody").unwrap_err().to_string();
        assert_eq!(
            err,
            "unable to find user nobody: no matching entries in passwd file"
        );
        assert!(resolve_in(PASSWD, GROUP, "app:nogroup").is_err());
    }
}
