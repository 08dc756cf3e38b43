//! `--userns=keep-id`: the container runs in a user namespace of its own
//! where the caller's uid and gid keep their values (or the ones asked
//! for with `keep-id:uid=N,gid=N`), so files the container writes as
//! that user belong to the caller on the host.
//!
//! rpod's usual mapping puts the caller at 0 and the subordinate range at
//! 1 and up; keep-id lays the same host ids out around the kept id: the
//! subordinate range fills 0 up to the kept id and goes on after it. The
//! monitor stays in rpod's usual namespace (its files stay the caller's);
//! the container's init gets a namespace of its own nested in it, whose
//! maps are the keep-id layout written in the usual namespace's ids. The
//! image's files were unpacked under the usual mapping, so a keep-id
//! container sees a copy of them whose owners went through an
//! [`OwnerShift`], which gives each file the container owner it had.

use super::{IdMap, IdMapping, User};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// The ids the caller keeps inside, and how the container's
/// `/etc/passwd` names them when the image does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeepId {
    pub uid: u32,
    pub gid: u32,
    pub name: String,
    pub home: String,
}

/// Parses `--userns`: `None` for rpod's usual namespace (`""`, `host`),
/// the kept ids for `keep-id[:uid=N,gid=N]`.
pub fn parse_userns(value: &str, caller: &User) -> Result<Option<KeepId>> {
    let (mode, options) = value.split_once(':').unwrap_or((value, ""));
    match mode {
        "" | "host" if options.is_empty() => return Ok(None),
        "keep-id" => {}
        _ => bail!(
            "unsupported --userns {value:?}: rpod has host (its own rootless namespace) and keep-id[:uid=N,gid=N]"
        ),
    }
    if caller.uid == 0 {
        bail!("--userns=keep-id is for rootless use: root keeps its ids already");
    }
    let mut keep = KeepId {
        uid: caller.uid,
        gid: caller.gid,
        name: caller.name.clone(),
        home: caller.home.display().to_string(),
    };
    for option in options.split(',').filter(|o| !o.is_empty()) {
        let (key, number) = option.split_once('=').unwrap_or((option, ""));
        // u32::MAX is no id: it means "unchanged" to setresuid(2).
        let Some(number) = number.parse::<u32>().ok().filter(|&n| n != u32::MAX) else {
            bail!("bad --userns=keep-id option {option:?}: expected uid=N or gid=N");
        };
        match key {
            "uid" => keep.uid = number,
            "gid" => keep.gid = number,
            _ => bail!("bad --userns=keep-id option {option:?}: expected uid=N or gid=N"),
        }
    }
    Ok(Some(keep))
}

impl IdMapping {
    /// The keep-id namespace built from rpod's usual one (`self`).
    pub fn keep_id(&self, keep: &KeepId) -> Result<IdMapping> {
        if self.is_single() {
            bail!(
                "--userns=keep-id needs subordinate ids: add a range for your user to /etc/subuid and /etc/subgid"
            );
        }
        Ok(IdMapping {
            uids: keep_one(&self.uids, keep.uid),
            gids: keep_one(&self.gids, keep.gid),
        })
    }

    /// The maps of a namespace nested in `usual` that shows what `self`
    /// shows: `self`'s host ids written as `usual`'s container ids.
    pub fn nested_in(&self, usual: &IdMapping) -> Result<IdMapping> {
        Ok(IdMapping {
            uids: nest(&self.uids, &usual.uids)?,
            gids: nest(&self.gids, &usual.gids)?,
        })
    }

    /// The host uid of container uid `uid`.
    pub fn host_uid(&self, uid: u32) -> Option<u32> {
        to_host(&self.uids, uid)
    }

    /// The container uid of host uid `uid`.
    pub fn container_uid(&self, uid: u32) -> Option<u32> {
        to_container(&self.uids, uid)
    }

    pub fn host_gid(&self, gid: u32) -> Option<u32> {
        to_host(&self.gids, gid)
    }

    pub fn container_gid(&self, gid: u32) -> Option<u32> {
        to_container(&self.gids, gid)
    }
}

/// Lays out `maps` (the caller at 0, then the subordinate ranges) with
/// the caller at `kept` and the subordinate ids around it.
fn keep_one(maps: &[IdMap], kept: u32) -> Vec<IdMap> {
    let mut out = Vec::new();
    let mut inside = 0u32;
    let mut place = |outside: u32, count: u32, inside: &mut u32| {
        if count > 0 {
            out.push(IdMap {
                inside: *inside,
                outside,
                count,
            });
            *inside = inside.saturating_add(count);
        }
    };
    for range in &maps[1..] {
        let (mut outside, mut count) = (range.outside, range.count);
        if inside <= kept && kept - inside < count {
            let before = kept - inside;
            place(outside, before, &mut inside);
            outside += before;
            count -= before;
        }
        if inside == kept {
            inside += 1;
        }
        place(outside, count, &mut inside);
    }
    out.push(IdMap {
        inside: kept,
        outside: maps[0].outside,
        count: 1,
    });
    out.sort_by_key(|m| m.inside);
    out
}

/// `maps` with each host id replaced by its id in `usual` (a range that
/// spans two of `usual`'s is split).
fn nest(maps: &[IdMap], usual: &[IdMap]) -> Result<Vec<IdMap>> {
    let mut out = Vec::new();
    for map in maps {
        let (mut inside, mut outside, mut count) = (map.inside, map.outside, map.count);
        while count > 0 {
            let Some(range) = usual
                .iter()
                .find(|u| outside >= u.outside && outside - u.outside < u.count)
            else {
                bail!("host id {outside} is not in rpod's user namespace");
            };
            let offset = outside - range.outside;
            let taken = count.min(range.count - offset);
            out.push(IdMap {
                inside,
                outside: range.inside + offset,
                count: taken,
            });
            (inside, outside, count) = (inside + taken, outside + taken, count - taken);
        }
    }
    Ok(out)
}

fn to_host(maps: &[IdMap], id: u32) -> Option<u32> {
    maps.iter()
        .find(|m| id >= m.inside && id - m.inside < m.count)
        .map(|m| m.outside + (id - m.inside))
}

fn to_container(maps: &[IdMap], id: u32) -> Option<u32> {
    maps.iter()
        .find(|m| id >= m.outside && id - m.outside < m.count)
        .map(|m| m.inside + (id - m.outside))
}

/// How an image file's owner changes in the copy a keep-id container
/// sees: the copy is made in rpod's `usual` namespace, and the owner
/// must show in the `container`'s namespace as the image meant.
#[derive(Debug, Clone)]
pub struct OwnerShift {
    pub container: IdMapping,
    pub usual: IdMapping,
}

impl OwnerShift {
    /// The shift of a container with `keep` (`None` without keep-id, and
    /// for `keep-id:uid=0,gid=0`, which is rpod's `usual` mapping).
    pub fn for_container(keep: Option<&KeepId>, usual: &IdMapping) -> Result<Option<Self>> {
        let Some(keep) = keep else {
            return Ok(None);
        };
        let container = usual.keep_id(keep)?;
        Ok((container != *usual).then(|| OwnerShift {
            container,
            usual: usual.clone(),
        }))
    }

    /// The (uid, gid), in the usual namespace, of the copy of a file the
    /// image gives `uid:gid`; an id either namespace lacks stays as it is.
    pub fn owner(&self, uid: u32, gid: u32) -> (u32, u32) {
        let uid = self
            .container
            .host_uid(uid)
            .and_then(|host| self.usual.container_uid(host))
            .unwrap_or(uid);
        let gid = self
            .container
            .host_gid(gid)
            .and_then(|host| self.usual.container_gid(host))
            .unwrap_or(gid);
        (uid, gid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(inside: u32, outside: u32, count: u32) -> IdMap {
        IdMap {
            inside,
            outside,
            count,
        }
    }

    fn usual() -> IdMapping {
        let maps = vec![map(0, 1001, 1), map(1, 100000, 65536)];
        IdMapping {
            uids: maps.clone(),
            gids: maps,
        }
    }

    fn keep(uid: u32, gid: u32) -> KeepId {
        KeepId {
            uid,
            gid,
            name: "alice".into(),
            home: "/home/alice".into(),
        }
    }

    #[test]
    fn the_caller_keeps_its_id_and_the_range_goes_around_it() {
        let kept = usual().keep_id(&keep(1001, 1001)).unwrap();
        assert_eq!(
            kept.uids,
            [
                map(0, 100000, 1001),
                map(1001, 1001, 1),
                map(1002, 101001, 64535)
            ]
        );
        // Ranges that end before, or at, the kept id; an id past them all.
        let split = vec![map(0, 1001, 1), map(1, 100000, 3), map(4, 200000, 2)];
        assert_eq!(
            keep_one(&split, 3),
            [map(0, 100000, 3), map(3, 1001, 1), map(4, 200000, 2)]
        );
        assert_eq!(
            keep_one(&split, 9),
            [map(0, 100000, 3), map(3, 200000, 2), map(9, 1001, 1)]
        );
        assert_eq!(keep_one(&split, 0)[0], map(0, 1001, 1));
        assert_eq!(keep_one(&split, 0)[1], map(1, 100000, 3));
    }

    #[test]
    fn nested_maps_and_image_owners() {
        let usual = usual();
        let kept = usual.keep_id(&keep(1001, 1001)).unwrap();
        let nested = kept.nested_in(&usual).unwrap();
        assert_eq!(
            nested.uids,
            [map(0, 1, 1001), map(1001, 0, 1), map(1002, 1002, 64535)]
        );
        let shift = OwnerShift {
            container: kept,
            usual,
        };
        // The image's root files must belong to the container's root,
        // host 100000, which is the usual namespace's 1.
        assert_eq!(shift.owner(0, 0), (1, 1));
        // The image's uid 1001 must belong to the kept user: the caller.
        assert_eq!(shift.owner(1001, 1001), (0, 0));
        assert_eq!(shift.owner(4, 4), (5, 5));
        // Above the kept id nothing moves.
        assert_eq!(shift.owner(2000, 2000), (2000, 2000));
    }

    #[test]
    fn flags() {
        let caller = User {
            name: "alice".into(),
            uid: 1001,
            gid: 1002,
            home: "/home/alice".into(),
        };
        assert_eq!(parse_userns("", &caller).unwrap(), None);
        assert_eq!(parse_userns("host", &caller).unwrap(), None);
        let kept = parse_userns("keep-id", &caller).unwrap().unwrap();
        assert_eq!((kept.uid, kept.gid), (1001, 1002));
        let kept = parse_userns("keep-id:uid=0,gid=5", &caller)
            .unwrap()
            .unwrap();
        assert_eq!((kept.uid, kept.gid, kept.name.as_str()), (0, 5, "alice"));
        for bad in [
            "auto",
            "keep-id:uid=x",
            "keep-id:uid=4294967295",
            "keep-id:size=3",
            "host:x",
            "ns:/proc/1/ns/user",
        ] {
            assert!(parse_userns(bad, &caller).is_err(), "{bad}");
        }
        let root = User {
            uid: 0,
            gid: 0,
            ..caller
        };
        assert!(parse_userns("keep-id", &root).is_err());
        assert!(usual_single().keep_id(&keep(1, 1)).is_err());
    }

    fn usual_single() -> IdMapping {
        IdMapping {
            uids: vec![map(0, 1001, 1)],
            gids: vec![map(0, 1001, 1)],
        }
    }
}
