//! Root filesystem drivers: the probe that decides which driver works on
//! this machine, and the kernel overlay driver (rpod's FUSE union
//! filesystem and the copying `vfs` driver plug in beside it).

mod overlay;
mod probe;

pub use overlay::mount_overlay;
pub use probe::{Driver, overlay_works};
