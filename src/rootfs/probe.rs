//! Can the kernel mount overlayfs inside rpod's user namespace here?
//! The probe mounts a tiny overlay in a private mount namespace over
//! scratch directories under the store's `tmp/` (so the filesystem that
//! will hold layers is the one tested) and removes it again.

use anyhow::{Context, Result};
use rustix::mount::{MountFlags, UnmountFlags, mount, unmount};
use std::path::Path;

/// Runs inside the user namespace (as its root). Returns Ok when an
/// overlay with `userxattr` mounts over directories in `scratch_parent`.
pub fn overlay_works(scratch_parent: &Path) -> Result<()> {
    crate::process::private_mount_namespace()?;
    let scratch = tempfile::Builder::new()
        .prefix("overlay-probe-")
        .tempdir_in(scratch_parent)
        .context("cannot create probe directories")?;
    let dir = |name: &str| -> Result<std::path::PathBuf> {
        let path = scratch.path().join(name);
        std::fs::create_dir(&path)?;
        Ok(path)
    };
    let (lower, upper, work, merged) = (dir("lower")?, dir("upper")?, dir("work")?, dir("merged")?);
    std::fs::write(lower.join("probe"), b"ok")?;
    let options = format!(
        "lowerdir={},upperdir={},workdir={},userxattr",
        lower.display(),
        upper.display(),
        work.display()
    );
    let options = std::ffi::CString::new(options).context("probe path contains a NUL byte")?;
    mount(
        "overlay",
        &merged,
        "overlay",
        MountFlags::empty(),
        Some(options.as_c_str()),
    )
    .context("kernel overlay refused to mount in the user namespace")?;
    let readable = std::fs::read(merged.join("probe")).map(|c| c == b"ok");
    let _ = unmount(&merged, UnmountFlags::DETACH);
    match readable {
        Ok(true) => Ok(()),
        _ => anyhow::bail!("kernel overlay mounted but did not show the lower layer"),
    }
}
