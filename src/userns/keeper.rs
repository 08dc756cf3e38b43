//! rpod's user namespace kept alive between commands, as Podman's pause
//! process does. Making the namespace costs two setuid helper programs
//! (`newuidmap`, `newgidmap`), a few milliseconds per command; so the
//! first command that makes one leaves a small process in it, the keeper,
//! and later commands join the keeper's namespace with `setns(2)`, which
//! the namespace's owner may do without help.
//!
//! The keeper is named in `RUNROOT/userns.pid` with its start time and
//! the maps its namespace has. A keeper that died, a reused PID, or maps
//! that no longer match `/etc/subuid` and `/etc/subgid` mean the next
//! command makes a new namespace, whose keeper replaces the old one. A
//! keeper watches the pid file (with inotify, or every few seconds when
//! the user has no inotify instance left) and ends once it no longer
//! names it (or the runtime directory goes, as at the end of a login
//! session).

use super::IdMapping;
use crate::store::containers::process_start_time;
use anyhow::{Context, Result};
use rustix::fd::OwnedFd;
use rustix::fs::{Mode, OFlags};
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

const PIDFILE: &str = "userns.pid";
const LOCK: &str = "userns.lock";
/// The keeper's name in `ps`.
const NAME: &str = "rpod-userns";

/// The keeper's namespace, when `runroot` names a live keeper whose
/// namespace has `mapping` and is one this process may join: a child of
/// its own namespace, owned by its user (a runtime directory shared with
/// a process in another namespace, as in a toolbox, names one it may not).
pub fn kept_namespace(runroot: &Path, mapping: &IdMapping) -> Option<OwnedFd> {
    let keeper = Keeper::read(runroot)?;
    if keeper.maps != maps_text(mapping) || !keeper.alive() {
        return None;
    }
    let ns = rustix::fs::open(
        format!("/proc/{}/ns/user", keeper.pid),
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()?;
    // Still the same process once the namespace is held open.
    (keeper.alive() && joinable(&ns)).then_some(ns)
}

/// Whether `ns` is a child of this process's user namespace whose owner
/// is this process's user, which is what lets `setns(2)` into it succeed.
fn joinable(ns: &OwnedFd) -> bool {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::fs::MetadataExt;
    // From <linux/nsfs.h>: _IO(0xb7, 0x2) and _IO(0xb7, 0x4).
    const NS_GET_PARENT: libc::c_ulong = 0xb702;
    const NS_GET_OWNER_UID: libc::c_ulong = 0xb704;
    let mut owner: libc::uid_t = 0;
    // SAFETY: the ioctl writes one uid_t through the pointer.
    let got_owner = unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_OWNER_UID, &raw mut owner) };
    if got_owner != 0 || owner != rustix::process::geteuid().as_raw() {
        return false;
    }
    // SAFETY: the ioctl returns a new descriptor (or -1), owned here.
    let parent = unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_PARENT) };
    if parent < 0 {
        return false;
    }
    // SAFETY: `parent` is a new descriptor nobody else owns.
    let parent = unsafe { std::fs::File::from_raw_fd(parent) };
    let ours = std::fs::metadata("/proc/self/ns/user");
    matches!((parent.metadata(), ours), (Ok(p), Ok(o)) if p.ino() == o.ino() && p.dev() == o.dev())
}

/// Called by the first process of a new namespace, as its root: leaves a
/// keeper in it (a grandchild, so that nobody waits for it) and returns
/// once the keeper has named itself in the pid file or found another
/// keeper named there, so that the next command joins a named keeper.
pub fn leave_keeper(runroot: &Path, mapping: &IdMapping) {
    let Ok((settled_read, settled_write)) =
        rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
    else {
        return;
    };
    // SAFETY: the caller is single-threaded (it just made the namespace).
    match unsafe { libc::fork() } {
        0 => {
            // SAFETY: as above; the child forks the keeper and leaves.
            if unsafe { libc::fork() } == 0 {
                drop(settled_read);
                keep(runroot, &maps_text(mapping), settled_write);
            }
            // SAFETY: leaving the forked child without the parent's state.
            unsafe { libc::_exit(0) }
        }
        pid if pid > 0 => {
            drop(settled_write);
            let _ = rustix::process::waitpid(
                rustix::process::Pid::from_raw(pid),
                rustix::process::WaitOptions::empty(),
            );
            // One byte once settled, or the end of the pipe if it died.
            let mut byte = [0u8];
            while rustix::io::read(&settled_read, &mut byte) == Err(rustix::io::Errno::INTR) {}
        }
        _ => {}
    }
}

/// The keeper's life: detach, take the pid file unless a live keeper
/// with the same maps has it, say so on `settled`, then wait while the
/// pid file names it.
fn keep(runroot: &Path, maps: &str, settled: OwnedFd) -> ! {
    // The command that made it may have blocked signals it relays (a
    // foreground `run`): the keeper must die of SIGTERM and SIGHUP.
    // SAFETY: plain signal-mask calls on a zeroed set.
    unsafe {
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
    let _ = rustix::process::setsid();
    let _ = std::env::set_current_dir("/");
    crate::process::detach_stdio();
    close_inherited_except(&settled);
    let _ = std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(runroot);
    // Without inotify (the user's instances may be used up) the keeper
    // looks at the pid file now and then instead.
    let watch = watch_runroot(runroot).ok();
    // Named first, so that a keeper starting at the same time tells it
    // from another process of the user's.
    let _ = rustix::thread::set_name(c"rpod-userns");
    crate::process::set_title(NAME);
    let me = take_pidfile(runroot, maps).unwrap_or(None);
    let _ = rustix::io::write(&settled, &[1]);
    drop(settled);
    let Some(me) = me else {
        // SAFETY: leaving without the parent's state.
        unsafe { libc::_exit(0) }
    };
    crate::memory::Shedding::survey().shed_then(|| ());
    let mut events = [0u8; 1024];
    loop {
        match &watch {
            Some(watch) => match rustix::io::read(watch, &mut events) {
                Err(rustix::io::Errno::INTR) | Ok(_) => {}
                Err(_) => break,
            },
            None => std::thread::sleep(POLL_INTERVAL),
        }
        let named = Keeper::read(runroot)
            .is_some_and(|keeper| keeper.pid == me.pid && keeper.started == me.started);
        if !named {
            break;
        }
    }
    // SAFETY: leaving without the parent's state.
    unsafe { libc::_exit(0) }
}

/// How often a keeper without inotify looks at the pid file.
const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_secs(2);

/// Closes every descriptor inherited from the command but `keep`.
fn close_inherited_except(keep: &OwnedFd) {
    use std::os::fd::AsRawFd;
    let fd = u32::try_from(keep.as_raw_fd()).unwrap_or(0);
    // SAFETY: closes descriptors this process inherited and never uses;
    // `keep` lies outside both ranges.
    unsafe {
        if fd > 3 {
            libc::syscall(libc::SYS_close_range, 3u32, fd - 1, 0u32);
        }
        libc::syscall(libc::SYS_close_range, fd + 1, u32::MAX, 0u32);
    }
}

/// An inotify descriptor that wakes when files in `runroot` are written,
/// renamed in or removed, or `runroot` itself goes.
fn watch_runroot(runroot: &Path) -> rustix::io::Result<OwnedFd> {
    use rustix::fs::inotify::{CreateFlags, WatchFlags};
    let watch = rustix::fs::inotify::init(CreateFlags::CLOEXEC)?;
    rustix::fs::inotify::add_watch(
        &watch,
        runroot,
        WatchFlags::CLOSE_WRITE
            | WatchFlags::MOVED_TO
            | WatchFlags::DELETE
            | WatchFlags::DELETE_SELF
            | WatchFlags::MOVE_SELF,
    )?;
    Ok(watch)
}

/// Names this process in the pid file, unless a live keeper of the same
/// maps is named there already (another command made a namespace at the
/// same time); a keeper of other maps is stopped. Returns this process
/// as named when it is now the keeper.
fn take_pidfile(runroot: &Path, maps: &str) -> Result<Option<Keeper>> {
    let _lock = crate::store::Lock::exclusive(&runroot.join(LOCK))?;
    if let Some(keeper) = Keeper::read(runroot).filter(Keeper::is_a_keeper) {
        if keeper.maps == maps {
            return Ok(None);
        }
        let _ = rustix::process::kill_process(keeper.pid, rustix::process::Signal::TERM);
    }
    let me = rustix::process::getpid();
    let started = process_start_time(me.as_raw_nonzero().get()).context("no start time")?;
    let text = format!("{} {started}\n{maps}", me.as_raw_nonzero());
    crate::store::atomic::replace_file(&runroot.join(PIDFILE), text.as_bytes(), 0o644)?;
    Ok(Some(Keeper {
        pid: me,
        started,
        maps: maps.to_string(),
    }))
}

/// A keeper as its pid file names it.
struct Keeper {
    pid: rustix::process::Pid,
    started: u64,
    maps: String,
}

impl Keeper {
    fn read(runroot: &Path) -> Option<Keeper> {
        let text = std::fs::read_to_string(runroot.join(PIDFILE)).ok()?;
        let (first, maps) = text.split_once('\n')?;
        let (pid, started) = first.split_once(' ')?;
        Some(Keeper {
            pid: rustix::process::Pid::from_raw(pid.parse().ok()?)?,
            started: started.parse().ok()?,
            maps: maps.to_string(),
        })
    }

    /// Alive, and a keeper (not some other process of the user's that a
    /// damaged pid file names).
    fn is_a_keeper(&self) -> bool {
        let comm = std::fs::read_to_string(format!("/proc/{}/comm", self.pid));
        self.alive() && comm.is_ok_and(|name| name.trim_end() == NAME)
    }

    fn alive(&self) -> bool {
        process_start_time(self.pid.as_raw_nonzero().get()) == Some(self.started)
    }
}

/// The uid and gid maps as text, to tell whether a namespace has them.
fn maps_text(mapping: &IdMapping) -> String {
    let lines = |prefix: &str, maps: &[super::IdMap]| {
        maps.iter()
            .map(|m| format!("{prefix} {} {} {}\n", m.inside, m.outside, m.count))
            .collect::<String>()
    };
    lines("uid", &mapping.uids) + &lines("gid", &mapping.gids)
}
