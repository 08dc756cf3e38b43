//! Root filesystem drivers. This first slice holds the probe that decides
//! which driver works on this machine; the drivers themselves (kernel
//! overlay, rpod's FUSE union filesystem, copying `vfs`) build on it.

mod probe;

pub use probe::{Driver, overlay_works};
