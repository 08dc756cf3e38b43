//! The container's mounts: `/proc`, `/sys` (read-only), a minimal `/dev`
//! (device nodes bound from the host, a private devpts, `shm`, `mqueue`),
//! the container's `/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf`,
//! `pivot_root`, and Docker's masked and read-only kernel files.
//!
//! Every mount target inside the root filesystem is resolved with
//! `openat2(RESOLVE_IN_ROOT)` and mounted through `/proc/self/fd/N`, so a
//! symlink in the image (`/proc -> /etc`) can only ever point inside it.

use super::Spec;
use crate::archive::confined::openat2_retrying;
use anyhow::{Context, Result};
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{Mode, OFlags, ResolveFlags};
use rustix::mount::{MountFlags, MountPropagationFlags, UnmountFlags};
use std::path::Path;

/// Host devices every container gets.
const DEVICES: &[&str] = &["null", "zero", "full", "random", "urandom", "tty"];
/// Kernel files hidden from containers (Docker's list).
const MASKED: &[&str] = &[
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
];
/// Kernel files containers may read but not write (Docker's list).
const READ_ONLY: &[&str] = &[
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

#[derive(Clone, Copy)]
enum Kind {
    Dir,
    File,
}

/// Mounts everything below the root filesystem, before `pivot_root`;
/// returns the files of `/etc` it mounted from the container's state.
pub fn prepare(spec: &Spec) -> Result<Vec<&'static str>> {
    if spec.userns.is_some() {
        // The root filesystem was mounted in the monitor's namespaces and
        // is locked in this nested one; pivot_root needs a mount of its own.
        bind(&spec.rootfs, &spec.rootfs)?;
    }
    let root = rustix::fs::open(
        &spec.rootfs,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .with_context(|| format!("cannot open {}", spec.rootfs.display()))?;
    let nosuid = MountFlags::NOSUID | MountFlags::NODEV | MountFlags::NOEXEC;
    mount_fs(&root, "proc", Kind::Dir, "proc", nosuid, None)?;
    if spec.network.own_namespace() {
        mount_fs(
            &root,
            "sys",
            Kind::Dir,
            "sysfs",
            nosuid | MountFlags::RDONLY,
            None,
        )?;
    } else {
        // Without a network namespace of its own, the kernel refuses a new
        // sysfs: bind the host's, read-only.
        let target = resolve(&root, "sys", Kind::Dir)?;
        rustix::mount::mount_bind_recursive("/sys", fd_path(&target))
            .context("cannot bind the host's /sys into the container")?;
        // Resolved again: a descriptor from before the mount names the
        // directory underneath it.
        remount_read_only(&fd_path(&resolve(&root, "sys", Kind::Dir)?))?;
    }
    mount_fs(
        &root,
        "dev",
        Kind::Dir,
        "tmpfs",
        MountFlags::NOSUID | MountFlags::STRICTATIME,
        Some("mode=755,size=65536k"),
    )?;
    // Resolved again: a descriptor from before the mount names the
    // directory underneath it.
    let dev = resolve(&root, "dev", Kind::Dir)?;
    let dev_path = fd_path(&dev);
    for name in DEVICES {
        let node = dev_path.join(name);
        std::fs::File::create(&node).with_context(|| format!("cannot create /dev/{name}"))?;
        bind(&Path::new("/dev").join(name), &node)?;
    }
    std::fs::create_dir(dev_path.join("pts"))?;
    let pts_options = if spec.tty_group_mapped {
        "newinstance,ptmxmode=0666,mode=0620,gid=5"
    } else {
        "newinstance,ptmxmode=0666,mode=0620"
    };
    mount_path(
        "devpts",
        &dev_path.join("pts"),
        "devpts",
        MountFlags::NOSUID | MountFlags::NOEXEC,
        Some(pts_options),
    )?;
    std::os::unix::fs::symlink("pts/ptmx", dev_path.join("ptmx"))?;
    std::fs::create_dir(dev_path.join("shm"))?;
    mount_path(
        "shm",
        &dev_path.join("shm"),
        "tmpfs",
        nosuid,
        Some(&format!("mode=1777,size={}", spec.shm_size)),
    )?;
    std::fs::create_dir(dev_path.join("mqueue"))?;
    mount_path("mqueue", &dev_path.join("mqueue"), "mqueue", nosuid, None)?;
    for (link, target) in [
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        std::os::unix::fs::symlink(target, dev_path.join(link))?;
    }
    // A parent before what is mounted below it, as Docker orders them.
    let mut binds: Vec<_> = spec.binds.iter().collect();
    binds.sort_by_key(|b| b.destination.split('/').filter(|c| !c.is_empty()).count());
    for bind in binds {
        let kind = match std::fs::metadata(&bind.source) {
            Ok(meta) if !meta.is_dir() => Kind::File,
            Ok(_) => Kind::Dir,
            Err(e) => return Err(e).with_context(|| format!("cannot mount {}", bind.source)),
        };
        if bind.copies_image_content() {
            super::volumes::fill_if_empty(&root, bind)?;
        }
        if bind.chowns_source() {
            super::volumes::give_to_user(bind, spec.process.uid, spec.process.gid)?;
        }
        let target = resolve(&root, &bind.destination, kind)?;
        rustix::mount::mount_bind_recursive(&bind.source, fd_path(&target))
            .with_context(|| format!("cannot mount {} at {}", bind.source, bind.destination))?;
    }
    for (path, options) in &spec.tmpfs {
        let (flags, data) = super::tmpfs::mount_options(options)?;
        let target = resolve(&root, path, Kind::Dir)?;
        mount_path("tmpfs", &fd_path(&target), "tmpfs", flags, Some(&data))
            .with_context(|| format!("cannot mount a tmpfs on {path}"))?;
    }
    // Last, so that a volume or tmpfs on /etc does not hide them; a file
    // the user mounts there wins, as in Docker.
    let mut etc_mounted = Vec::new();
    for &file in &spec.etc_files {
        let path = format!("/etc/{file}");
        if spec.binds.iter().any(|b| b.destination == path) {
            continue;
        }
        // Nor is a mount point made in a read-only bind of the user's.
        let in_read_only_bind = spec.binds.iter().any(|b| {
            let top = b.destination.trim_end_matches('/');
            b.read_only
                && path
                    .strip_prefix(top)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        if in_read_only_bind && !exists_in_root(&root, &path) {
            continue;
        }
        let target = resolve(&root, &path, Kind::File)?;
        bind(&spec.state_dir.join(file), &fd_path(&target))?;
        etc_mounted.push(file);
    }
    Ok(etc_mounted)
}

/// After `pivot_root` (which needs private mounts): gives the binds the
/// propagation they ask for.
pub fn set_binds_propagation(binds: &[super::binds::Bind]) -> Result<()> {
    for bind in binds {
        if let Some(propagation) = bind.propagation() {
            rustix::mount::mount_change(bind.destination.as_str(), propagation)
                .with_context(|| format!("cannot set the propagation of {}", bind.destination))?;
        }
    }
    Ok(())
}

/// After `pivot_root`: makes the `ro` binds read-only, with the mounts
/// below them (as Docker does where the kernel has `mount_setattr`).
pub fn make_binds_read_only(binds: &[super::binds::Bind]) -> Result<()> {
    for bind in binds.iter().filter(|b| b.read_only) {
        let target = Path::new(&bind.destination);
        match set_read_only_recursively(target) {
            Err(rustix::io::Errno::NOSYS) => remount_read_only(target),
            done => done.map_err(anyhow::Error::from),
        }
        .with_context(|| format!("cannot make {} read-only", bind.destination))?;
    }
    Ok(())
}

/// `mount_setattr(2)` with MOUNT_ATTR_RDONLY on `target` and every mount
/// below it.
fn set_read_only_recursively(target: &Path) -> rustix::io::Result<()> {
    /// `struct mount_attr` of <linux/mount.h>.
    #[repr(C)]
    struct MountAttr {
        attr_set: u64,
        attr_clr: u64,
        propagation: u64,
        userns_fd: u64,
    }
    const MOUNT_ATTR_RDONLY: u64 = 0x1;
    const SYS_MOUNT_SETATTR: libc::c_long = 442;
    let path = std::ffi::CString::new(target.as_os_str().as_encoded_bytes())
        .map_err(|_| rustix::io::Errno::INVAL)?;
    let attr = MountAttr {
        attr_set: MOUNT_ATTR_RDONLY,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    // SAFETY: the kernel reads the path and `size_of` bytes of `attr`.
    let rc = unsafe {
        libc::syscall(
            SYS_MOUNT_SETATTR,
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::AT_RECURSIVE,
            &raw const attr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(rustix::io::Errno::from_raw_os_error(
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EINVAL),
        ))
    }
}

/// `--read-only`, after `pivot_root`: the root filesystem and the /etc
/// files rpod bind-mounts over it (the mounts on /dev, /proc, /sys and
/// `--tmpfs` keep their own modes).
pub fn make_root_read_only(etc_files: &[&str]) -> Result<()> {
    remount_read_only(Path::new("/"))?;
    for file in etc_files {
        remount_read_only(&Path::new("/etc").join(file))?;
    }
    Ok(())
}

/// Makes the root filesystem `/` and detaches the old root.
pub fn pivot(rootfs: &Path) -> Result<()> {
    rustix::mount::mount_change(
        "/",
        MountPropagationFlags::REC | MountPropagationFlags::PRIVATE,
    )?;
    std::env::set_current_dir(rootfs)?;
    rustix::process::pivot_root(".", ".").context("pivot_root failed")?;
    rustix::mount::unmount(".", UnmountFlags::DETACH).context("cannot detach the old root")?;
    std::env::set_current_dir("/")?;
    Ok(())
}

/// Hides and write-protects kernel files, after `pivot_root`.
pub fn mask_kernel_files() -> Result<()> {
    for path in MASKED {
        let path = Path::new(path);
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                rustix::mount::mount("tmpfs", path, "tmpfs", MountFlags::RDONLY, None)
                    .with_context(|| format!("cannot mask {}", path.display()))?;
            }
            Ok(_) => bind(Path::new("/dev/null"), path)?,
            Err(_) => {}
        }
    }
    for path in READ_ONLY {
        let path = Path::new(path);
        if path.exists() {
            bind(path, path)?;
            remount_read_only(path)?;
        }
    }
    Ok(())
}

/// Resolves `relative` inside `root`, creating missing directories (and
/// the final file for `Kind::File`), and returns an `O_PATH` descriptor.
/// Every prefix is resolved from `root` itself, so absolute symlinks in
/// the image mean the container's root.
fn resolve(root: &OwnedFd, relative: &str, kind: Kind) -> Result<OwnedFd> {
    let how = ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS;
    let open = |path: &str, flags: OFlags| openat2_retrying(root, path, flags, how);
    let components: Vec<&str> = relative.split('/').filter(|c| !c.is_empty()).collect();
    let mut resolved = open(".", OFlags::PATH | OFlags::DIRECTORY)?;
    for i in 0..components.len() {
        let prefix = components[..=i].join("/");
        match open(&prefix, OFlags::PATH) {
            Ok(fd) => resolved = fd,
            Err(rustix::io::Errno::NOENT) => {
                let parent_path = if i == 0 {
                    ".".to_string()
                } else {
                    components[..i].join("/")
                };
                let parent = open(&parent_path, OFlags::RDONLY | OFlags::DIRECTORY)?;
                let name = components[i];
                if rustix::fs::statat(&parent, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW).is_ok()
                {
                    anyhow::bail!(
                        "/{prefix} in the image is a symlink to a missing target; rpod does not mount through it"
                    );
                }
                if i + 1 == components.len() && matches!(kind, Kind::File) {
                    drop(rustix::fs::openat(
                        &parent,
                        name,
                        OFlags::CREATE | OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                        Mode::from_raw_mode(0o644),
                    )?);
                } else {
                    rustix::fs::mkdirat(&parent, name, Mode::from_raw_mode(0o755))?;
                }
                resolved = open(&prefix, OFlags::PATH)?;
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot resolve /{prefix} in the image"));
            }
        }
    }
    Ok(resolved)
}

/// Whether `path` is there inside `root` (following symlinks inside it).
fn exists_in_root(root: &OwnedFd, path: &str) -> bool {
    openat2_retrying(
        root,
        path.trim_start_matches('/'),
        OFlags::PATH,
        ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
    )
    .is_ok()
}

pub(super) fn fd_path(fd: &OwnedFd) -> std::path::PathBuf {
    use std::os::fd::AsRawFd;
    std::path::PathBuf::from(format!("/proc/self/fd/{}", fd.as_fd().as_raw_fd()))
}

fn mount_fs(
    root: &OwnedFd,
    relative: &str,
    kind: Kind,
    fs: &str,
    flags: MountFlags,
    data: Option<&str>,
) -> Result<()> {
    let target = resolve(root, relative, kind)?;
    mount_path(fs, &fd_path(&target), fs, flags, data)
}

fn mount_path(
    source: &str,
    target: &Path,
    fs: &str,
    flags: MountFlags,
    data: Option<&str>,
) -> Result<()> {
    let data = data.map(std::ffi::CString::new).transpose()?;
    rustix::mount::mount(source, target, fs, flags, data.as_deref())
        .with_context(|| format!("cannot mount {fs} in the container"))
}

fn bind(source: &Path, target: &Path) -> Result<()> {
    rustix::mount::mount_bind(source, target)
        .with_context(|| format!("cannot bind {} onto {}", source.display(), target.display()))
}

/// Remounts a bind mount read-only. Inside a user namespace the flags
/// the mount already has (nosuid, nodev, noexec, its atime choice) are
/// locked and must be repeated.
fn remount_read_only(target: &Path) -> Result<()> {
    use rustix::fs::StatVfsMountFlags as F;
    let current = rustix::fs::statvfs(target)?.f_flag;
    let mut flags = MountFlags::BIND | MountFlags::RDONLY;
    for (has, keep) in [
        (F::NOSUID, MountFlags::NOSUID),
        (F::NODEV, MountFlags::NODEV),
        (F::NOEXEC, MountFlags::NOEXEC),
        (F::NOATIME, MountFlags::NOATIME),
        (F::NODIRATIME, MountFlags::NODIRATIME),
        (F::RELATIME, MountFlags::RELATIME),
    ] {
        if current.contains(has) {
            flags |= keep;
        }
    }
    rustix::mount::mount_remount(target, flags, "")
        .with_context(|| format!("cannot make {} read-only", target.display()))
}
