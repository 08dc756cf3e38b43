//! Root filesystem drivers: the probe that decides which driver works on
//! this machine, the kernel overlay driver (rpod's FUSE union filesystem
//! and the copying `vfs` driver plug in beside it), and mounting a
//! container's root filesystem from its record.

mod container;
mod overlay;
mod probe;

pub use container::mount_container;
pub use overlay::mount_overlay;
pub use probe::{Driver, overlay_works};
