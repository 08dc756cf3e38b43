//! `rpod pause` and `rpod unpause`: freezing and thawing every process of
//! a container with the cgroup freezer, as Docker does. rpod makes no
//! cgroups of its own, so this works only where the container's processes
//! are alone in a cgroup the user may write: a cgroup v2 directory with
//! `cgroup.freeze` (systemd --user delegation) or a v1 `freezer` cgroup the
//! user owns. Elsewhere it says so and changes nothing. SIGSTOP is no
//! substitute: the container's processes could see it and undo it.

use super::Context;
use super::lifecycle::{Running, each_container};
use super::top::container_pids;
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use anyhow::{Context as _, Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, clap::Args)]
pub struct PauseArgs {
    /// Containers (names or IDs)
    #[arg(required = true)]
    pub containers: Vec<String>,
}

pub fn pause(ctx: &Context, args: PauseArgs) -> Result<()> {
    each_container(ctx, &args.containers, |store, record| {
        set_paused(store, record, true)
    })
}

pub fn unpause(ctx: &Context, args: PauseArgs) -> Result<()> {
    each_container(ctx, &args.containers, |store, record| {
        set_paused(store, record, false)
    })
}

/// Freezes (`pause`) or thaws the container and records it.
pub(super) fn set_paused(store: &Store, record: &ContainerRecord, pause: bool) -> Result<()> {
    let name = &record.name;
    let init = Running::of(record)
        .and_then(|running| running.init())
        .map(|pid| pid.as_raw_nonzero().get())
        .with_context(|| format!("container {name} is not running"))?;
    match (pause, record.state.effective_status()) {
        (true, "paused") => bail!("container {name} is already paused"),
        (false, "running") => bail!("container {name} is not paused"),
        _ => {}
    }
    let freezer = Freezer::of(init)?;
    freezer.set(pause)?;
    let status = if pause { "paused" } else { "running" };
    store.update_container(&record.id, |r| r.state.status = status.into())?;
    Ok(())
}

/// The freezer of the cgroup that holds a container.
#[derive(Debug, PartialEq)]
enum Freezer {
    /// A cgroup v2 directory (`cgroup.freeze`, `cgroup.events`).
    V2(PathBuf),
    /// A cgroup v1 freezer directory (`freezer.state`).
    V1(PathBuf),
}

impl Freezer {
    /// The writable freezer of the init's cgroup, which must hold nothing
    /// but the container's processes.
    fn of(init: i32) -> Result<Self> {
        let cgroups = std::fs::read_to_string(format!("/proc/{init}/cgroup"))
            .context("cannot read the container's cgroup")?;
        let mounts = std::fs::read_to_string("/proc/self/mountinfo")
            .context("cannot read /proc/self/mountinfo")?;
        let freezer = candidates(&cgroups, &mounts)
            .into_iter()
            .find(|f| rustix::fs::access(f.control(), rustix::fs::Access::WRITE_OK).is_ok())
            .context(
                "pause needs a cgroup delegated to you (cgroup v2 with systemd --user delegation); this machine has none",
            )?;
        let ours = container_pids(init)?;
        let members = std::fs::read_to_string(freezer.members())
            .with_context(|| format!("cannot read {}", freezer.members().display()))?;
        if members
            .split_whitespace()
            .filter_map(|pid| pid.parse::<i32>().ok())
            .any(|pid| !ours.contains(&pid))
        {
            bail!(
                "pause needs the container in a cgroup of its own; {} also holds other processes",
                freezer.dir().display()
            );
        }
        Ok(freezer)
    }

    fn dir(&self) -> &Path {
        match self {
            Freezer::V2(dir) | Freezer::V1(dir) => dir,
        }
    }

    /// The file that freezes and thaws.
    fn control(&self) -> PathBuf {
        match self {
            Freezer::V2(dir) => dir.join("cgroup.freeze"),
            Freezer::V1(dir) => dir.join("freezer.state"),
        }
    }

    /// The file listing the cgroup's processes.
    fn members(&self) -> PathBuf {
        match self {
            Freezer::V2(dir) => dir.join("cgroup.procs"),
            Freezer::V1(dir) => dir.join("tasks"),
        }
    }

    /// Freezes or thaws, and waits until the kernel reports it done.
    fn set(&self, frozen: bool) -> Result<()> {
        let (request, done_file, done) = match (self, frozen) {
            (Freezer::V2(dir), _) => (
                if frozen { "1" } else { "0" },
                dir.join("cgroup.events"),
                if frozen { "frozen 1" } else { "frozen 0" },
            ),
            (Freezer::V1(_), true) => ("FROZEN", self.control(), "FROZEN"),
            (Freezer::V1(_), false) => ("THAWED", self.control(), "THAWED"),
        };
        std::fs::write(self.control(), request)
            .with_context(|| format!("cannot write {}", self.control().display()))?;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let state = std::fs::read_to_string(&done_file)
                .with_context(|| format!("cannot read {}", done_file.display()))?;
            if state.lines().any(|line| line.trim() == done) {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("the cgroup {} did not reach {done:?}", self.dir().display());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The freezers of a process's cgroups (`/proc/PID/cgroup`), found under
/// the cgroup mounts of `mountinfo`; v2 first.
fn candidates(cgroups: &str, mountinfo: &str) -> Vec<Freezer> {
    let mut found = Vec::new();
    for line in cgroups.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(_), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if controllers.is_empty() {
            if let Some(dir) = cgroup_dir(mountinfo, path, |fstype, _| fstype == "cgroup2") {
                found.insert(0, Freezer::V2(dir));
            }
        } else if controllers.split(',').any(|c| c == "freezer")
            && let Some(dir) = cgroup_dir(mountinfo, path, |fstype, options| {
                fstype == "cgroup" && options.split(',').any(|o| o == "freezer")
            })
        {
            found.push(Freezer::V1(dir));
        }
    }
    found
}

/// Where cgroup `path` is, under the first mount that `wanted` accepts
/// (by file system type and super options) and whose root contains it.
fn cgroup_dir(mountinfo: &str, path: &str, wanted: impl Fn(&str, &str) -> bool) -> Option<PathBuf> {
    mountinfo.lines().find_map(|line| {
        let (mount, rest) = line.split_once(" - ")?;
        let fields: Vec<&str> = mount.split(' ').collect();
        let (root, point) = (*fields.get(3)?, *fields.get(4)?);
        let mut tail = rest.split(' ');
        let (fstype, _, options) = (tail.next()?, tail.next()?, tail.next().unwrap_or(""));
        if !wanted(fstype, options) {
            return None;
        }
        let inside = path
            .strip_prefix(root.trim_end_matches('/'))
            .filter(|inside| inside.is_empty() || inside.starts_with('/'))?;
        Some(Path::new(point).join(inside.trim_start_matches('/')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";

    #[test]
    fn finds_the_freezers_of_a_hybrid_machine() {
        let cgroups = "6:freezer:/user/app\n4:memory:/x\n0::/user.slice/app.scope\n";
        assert_eq!(
            candidates(cgroups, MOUNTS),
            [
                Freezer::V2("/sys/fs/cgroup/unified/user.slice/app.scope".into()),
                Freezer::V1("/sys/fs/cgroup/freezer/user/app".into()),
            ]
        );
        assert_eq!(
            candidates("0::/\n", MOUNTS),
            [Freezer::V2("/sys/fs/cgroup/unified".into())]
        );
        assert!(candidates("garbage", MOUNTS).is_empty());
    }

    #[test]
    fn paths_are_relative_to_the_mount_root() {
        let mounts = "50 1 0:40 /user.slice /cg rw - cgroup2 cgroup2 rw\n";
        assert_eq!(
            cgroup_dir(mounts, "/user.slice/a.scope", |t, _| t == "cgroup2"),
            Some(PathBuf::from("/cg/a.scope"))
        );
        assert_eq!(
            cgroup_dir(mounts, "/system.slice", |t, _| t == "cgroup2"),
            None
        );
        assert_eq!(
            cgroup_dir(mounts, "/user.slice2", |t, _| t == "cgroup2"),
            None
        );
    }
}
