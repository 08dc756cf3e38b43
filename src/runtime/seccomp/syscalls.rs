//! System call names to numbers on the architecture rpod was built for
//! (x86_64 or aarch64), read from the tables beside this file. Names a
//! table lacks (another architecture's calls, or 32-bit variants) have
//! no number here, and profiles skip them as libseccomp does.

use std::collections::HashMap;

#[cfg(target_arch = "x86_64")]
const TABLE: &str = include_str!("x86_64.tbl");
#[cfg(target_arch = "aarch64")]
const TABLE: &str = include_str!("aarch64.tbl");
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const TABLE: &str = "";

/// The numbers of this architecture's system calls, by name.
pub fn numbers() -> HashMap<&'static str, i64> {
    entries(TABLE).map(|(nr, name)| (name, nr)).collect()
}

/// The `(number, name)` lines of a table, comments skipped.
fn entries(table: &str) -> impl Iterator<Item = (i64, &str)> {
    table
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let (nr, name) = line.split_once(' ')?;
            Some((nr.parse().ok()?, name))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tables_are_well_formed() {
        for table in [include_str!("x86_64.tbl"), include_str!("aarch64.tbl")] {
            let lines = table.lines().filter(|l| !l.starts_with('#')).count();
            let entries: Vec<_> = entries(table).collect();
            assert_eq!(entries.len(), lines, "a malformed line");
            let numbers: HashSet<_> = entries.iter().map(|e| e.0).collect();
            let names: HashSet<_> = entries.iter().map(|e| e.1).collect();
            assert_eq!(numbers.len(), entries.len(), "a number twice");
            assert_eq!(names.len(), entries.len(), "a name twice");
        }
    }

    #[test]
    fn numbers_agree_with_libc() {
        let known = [
            ("read", libc::SYS_read),
            ("execve", libc::SYS_execve),
            ("clone", libc::SYS_clone),
            ("clone3", libc::SYS_clone3),
            ("mkdirat", libc::SYS_mkdirat),
            ("unshare", libc::SYS_unshare),
            ("personality", libc::SYS_personality),
            ("socket", libc::SYS_socket),
            ("ptrace", libc::SYS_ptrace),
            ("close_range", libc::SYS_close_range),
            ("exit_group", libc::SYS_exit_group),
        ];
        let numbers = numbers();
        for (name, nr) in known {
            assert_eq!(numbers.get(name), Some(&nr), "{name}");
        }
        assert_eq!(numbers.get("no_such_call"), None);
        assert_eq!(numbers.get("chown32"), None);
    }
}
