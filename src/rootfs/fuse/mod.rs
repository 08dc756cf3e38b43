//! rpod's own union filesystem, the `fuse` rootfs driver: the image's
//! layer directories (the very ones the kernel overlay reads) merged
//! under the container's `upper/`, served over FUSE (`fuser`) by a child
//! process of whoever mounts it, inside rpod's user namespace.
//!
//! The server runs in a mount namespace of its own, made before the
//! mount exists, so it holds no reference to the mount it serves: when
//! the last process that sees the mount (the monitor and the container)
//! is gone, the kernel ends the connection and the server exits. No
//! mount of it is ever left behind, dead or alive, since it only exists
//! in private mount namespaces.
//!
//! `layers` holds the directories, `merge` the overlay's rules, `tree`
//! the inodes, `copy_up` the copy into `upper/` (`links` keeps an image's
//! hard links through it), `union` the operations (`make` the new
//! entries, `rename` the renames), `handles` and `descriptors` the open
//! files (`file_io` what is done with them) and `serve` the answers to
//! the kernel.

mod copy_up;
mod descriptors;
mod file_io;
mod handles;
mod layers;
mod links;
mod make;
mod merge;
mod rename;
mod serve;
mod tree;
mod union;

use anyhow::{Context, Result, bail};
use rustix::fd::{AsRawFd, OwnedFd, RawFd};
use rustix::process::Pid;
use std::path::{Path, PathBuf};

/// The filesystem type shown in `/proc/self/mountinfo`.
const FS_TYPE: &str = "fuse.rpod";

/// Mounts the union of `lowers` (image layer directories, top first)
/// under `upper` (staging in `work`) at `target`. The server is a child
/// of this process, shown as `title`; its PID is returned so that the
/// caller can tell when it ends.
pub fn mount(
    lowers: &[PathBuf],
    upper: &Path,
    work: &Path,
    target: &Path,
    title: &str,
) -> Result<Pid> {
    let layers = layers::Layers::open_all(upper, work, lowers)
        .context("cannot open the layers of the FUSE root filesystem")?;
    let mut keep = layers.raw_fds();
    let union = union::Union::new(layers).context("cannot read the FUSE root filesystem's root")?;
    let fuse = rustix::fs::open(
        "/dev/fuse",
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .context("cannot open /dev/fuse, which the fuse storage driver needs")?;
    keep.push(fuse.as_raw_fd());
    let pipe = || {
        rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC).context("cannot create a pipe")
    };
    // The child says when it has its own mount namespace; this process
    // says when the mount exists (reading /dev/fuse before fails).
    let (ready_read, ready_write) = pipe()?;
    let (mounted_read, mounted_write) = pipe()?;
    keep.extend([ready_write.as_raw_fd(), mounted_read.as_raw_fd()]);
    // SAFETY: the callers (the monitor, a command's helper) are
    // single-threaded; the child only serves and then exits.
    let child = unsafe { libc::fork() };
    if child < 0 {
        return Err(std::io::Error::last_os_error()).context("cannot start the FUSE server");
    }
    if child == 0 {
        drop(ready_read);
        drop(mounted_write);
        serve_in_child(union, fuse, (ready_write, mounted_read), &keep, title);
    }
    drop(ready_write);
    drop(mounted_read);
    drop(union);
    let mut ready = [0u8; 1];
    if rustix::io::read(&ready_read, &mut ready) != Ok(1) {
        bail!("the FUSE server could not start");
    }
    let options = format!(
        "fd={},rootmode=40000,user_id=0,group_id=0,allow_other,default_permissions",
        fuse.as_raw_fd()
    );
    let options = std::ffi::CString::new(options).expect("no NUL in numbers");
    rustix::mount::mount(
        "rpod",
        target,
        FS_TYPE,
        rustix::mount::MountFlags::empty(),
        Some(options.as_c_str()),
    )
    .with_context(|| {
        format!(
            "cannot mount the FUSE root filesystem at {}",
            target.display()
        )
    })?;
    rustix::io::write(&mounted_write, &[1]).context("the FUSE server is gone")?;
    Pid::from_raw(child).context("fork returned an invalid pid")
}

/// The server's life: its own mount namespace, none of its parent's
/// descriptors but its own, no umask (modes come masked by the kernel),
/// then, once its parent has mounted it, requests until the mount is
/// gone. `pipes` are the one it says it is ready on and the one its
/// parent says the mount exists on.
fn serve_in_child(
    union: union::Union,
    fuse: OwnedFd,
    (ready, mounted): (OwnedFd, OwnedFd),
    keep: &[RawFd],
    title: &str,
) -> ! {
    crate::process::detach_stdio();
    close_all_but(keep);
    if crate::process::private_mount_namespace().is_err() {
        // SAFETY: leaving the forked child.
        unsafe { libc::_exit(1) };
    }
    let _ = rustix::io::write(&ready, &[1]);
    drop(ready);
    let mut byte = [0u8; 1];
    if rustix::io::read(&mounted, &mut byte) != Ok(1) {
        // SAFETY: leaving the forked child; the mount failed.
        unsafe { libc::_exit(1) };
    }
    drop(mounted);
    rustix::process::umask(rustix::fs::Mode::empty());
    // Each file the container holds open is open here too.
    crate::process::raise_open_files_limit();
    crate::process::set_title(title);
    let mut config = fuser::Config::default();
    config.acl = fuser::SessionACL::All;
    // More threads than cores: a thread waits on the disk as often as it
    // computes.
    config.n_threads = Some(
        std::thread::available_parallelism()
            .map_or(4, |n| 2 * n.get())
            .clamp(4, 16),
    );
    config.clone_fd = true;
    let served = fuser::Session::from_fd(union, fuse, fuser::SessionACL::All, config)
        .and_then(fuser::Session::run);
    // SAFETY: leaving the forked child without the parent's destructors.
    unsafe { libc::_exit(i32::from(served.is_err())) }
}

/// Closes every descriptor from 3 up but those in `keep`.
fn close_all_but(keep: &[RawFd]) {
    let mut keep: Vec<u32> = keep.iter().map(|&fd| fd as u32).collect();
    keep.sort_unstable();
    let mut from = 3u32;
    for fd in keep.into_iter().filter(|&fd| fd >= 3) {
        if fd > from {
            // SAFETY: closing descriptors this process does not use.
            unsafe { libc::syscall(libc::SYS_close_range, from, fd - 1, 0u32) };
        }
        from = fd + 1;
    }
    // SAFETY: as above.
    unsafe { libc::syscall(libc::SYS_close_range, from, u32::MAX, 0u32) };
}
