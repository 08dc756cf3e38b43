//! Root filesystem drivers (DESIGN.md §3): the seam every driver fits
//! (`driver`), the probe that tells whether the kernel overlay works here
//! (`probe`), the kernel `overlay` driver, the copying `vfs` driver
//! (`vfs`, with the layer-applying walk in `copy`), the owner-shifted
//! image copies of `--userns=keep-id` (`mapped`), and mounting a
//! container's root filesystem from its record (`container`).

mod container;
pub(crate) mod copy;
mod driver;
mod fuse;
pub mod mapped;
mod overlay;
mod probe;
mod vfs;

pub use container::mount_container;
pub use driver::{Driver, Mounted};
pub use probe::overlay_works;
