//! The kernel overlay driver: the image's layer directories as read-only
//! lower layers, and a per-container upper and work directory, mounted
//! inside the user namespace with `userxattr` (so whiteouts and opaque
//! markers are the `user.overlay.*` ones rpod writes when unpacking).

use anyhow::{Context, Result};
use rustix::mount::{MountFlags, mount};
use std::ffi::CString;
use std::path::{Path, PathBuf};

/// Mounts `lowers` (top layer first) with `upper`/`work` at `target`.
///
/// Mount options are limited to one page; paths are given relative to
/// `layers_dir`, the common parent of every lower directory, which this
/// process enters for the mount (and leaves again).
pub fn mount_overlay(
    layers_dir: &Path,
    lowers: &[PathBuf],
    upper: &Path,
    work: &Path,
    target: &Path,
) -> Result<()> {
    let relative: Vec<String> = lowers
        .iter()
        .map(|l| {
            l.strip_prefix(layers_dir)
                .map(|p| p.display().to_string())
                .with_context(|| {
                    format!("layer {} is outside {}", l.display(), layers_dir.display())
                })
        })
        .collect::<Result<_>>()?;
    let options = format!(
        "lowerdir={},upperdir={},workdir={},userxattr",
        relative.join(":"),
        upper.display(),
        work.display()
    );
    let options = CString::new(options).context("layer path contains a NUL byte")?;
    let previous = std::env::current_dir().ok();
    std::env::set_current_dir(layers_dir)
        .with_context(|| format!("cannot enter {}", layers_dir.display()))?;
    let mounted = mount(
        "overlay",
        target,
        "overlay",
        MountFlags::empty(),
        Some(options.as_c_str()),
    );
    if let Some(previous) = previous {
        let _ = std::env::set_current_dir(previous);
    }
    mounted.with_context(|| {
        format!(
            "cannot mount the overlay root filesystem at {}",
            target.display()
        )
    })
}
