//! Subordinate id ranges from `/etc/subuid` and `/etc/subgid`, and the
//! id mapping rpod builds from them.

use super::User;
use std::path::Path;

/// One line of a uid_map/gid_map: `inside outside count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdMap {
    pub inside: u32,
    pub outside: u32,
    pub count: u32,
}

/// The uid and gid maps of rpod's user namespace. With no subordinate
/// range, both maps hold the single line `0 <user> 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdMapping {
    pub uids: Vec<IdMap>,
    pub gids: Vec<IdMap>,
}

impl IdMapping {
    /// True when only the user's own id is mapped (no subordinate range).
    pub fn is_single(&self) -> bool {
        self.uids.len() == 1 || self.gids.len() == 1
    }

    /// How many uids the namespace has.
    pub fn uid_count(&self) -> u64 {
        self.uids.iter().map(|m| u64::from(m.count)).sum()
    }
}

/// Builds the mapping for `user` from the two files (missing files mean no
/// ranges).
pub fn mapping_for(user: &User, subuid: &Path, subgid: &Path) -> IdMapping {
    let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
    IdMapping {
        uids: build(user.uid, &ranges_for(&read(subuid), user)),
        gids: build(user.gid, &ranges_for(&read(subgid), user)),
    }
}

fn build(own: u32, ranges: &[(u32, u32)]) -> Vec<IdMap> {
    let mut maps = vec![IdMap {
        inside: 0,
        outside: own,
        count: 1,
    }];
    let mut next_inside: u32 = 1;
    for &(start, count) in ranges {
        let Some(end) = next_inside.checked_add(count) else {
            break;
        };
        maps.push(IdMap {
            inside: next_inside,
            outside: start,
            count,
        });
        next_inside = end;
    }
    maps
}

/// The `start:count` ranges of the lines naming the user (by name or uid).
fn ranges_for(text: &str, user: &User) -> Vec<(u32, u32)> {
    let uid = user.uid.to_string();
    text.lines()
        .filter_map(|line| {
            let mut fields = line.trim().split(':');
            let (owner, start, count) = (fields.next()?, fields.next()?, fields.next()?);
            if owner != user.name && owner != uid {
                return None;
            }
            let (start, count) = (start.parse().ok()?, count.parse::<u32>().ok()?);
            (count > 0).then_some((start, count))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            home: "/home/alice".into(),
        }
    }

    #[test]
    fn ranges_by_name_and_uid_are_stacked() {
        let text = "bob:100000:65536\nalice:200000:65536\n1000:300000:10\n# x\nalice:bad:1\n";
        let maps = build(1000, &ranges_for(text, &user()));
        assert_eq!(
            maps,
            [
                IdMap {
                    inside: 0,
                    outside: 1000,
                    count: 1
                },
                IdMap {
                    inside: 1,
                    outside: 200000,
                    count: 65536
                },
                IdMap {
                    inside: 65537,
                    outside: 300000,
                    count: 10
                },
            ]
        );
    }

    #[test]
    fn no_range_is_single() {
        let dir = tempfile::tempdir().unwrap();
        let m = mapping_for(&user(), &dir.path().join("none"), &dir.path().join("none"));
        assert!(m.is_single());
        assert_eq!(m.uid_count(), 1);
    }
}
