//! Tar layers in and out: safe, streaming unpacking of one OCI/Docker image
//! layer into a layer directory, with whiteouts converted to the kernel
//! overlay format (DESIGN.md §2, §3, §5).
//!
//! - [`decompressed`] sniffs gzip / zstd / plain tar by magic bytes.
//! - [`unpack_layer`] writes one layer's entries below a directory, resolving
//!   every path with `openat2(RESOLVE_IN_ROOT)` on a directory fd, so no
//!   entry can create or touch anything outside it.
//!
//! Each file has one job: `compression` (magic-byte sniffing), `error`
//! (what went wrong, per entry), `name` (entry names to clean relative
//! paths), `limit` (bounding tar's in-memory header reads), `confined`
//! (fd-relative filesystem primitives, also used by the `vfs` rootfs copy), `whiteout` (OCI whiteout names),
//! `unpack` (the entry loop and metadata).

mod compression;
pub(crate) mod confined;
mod error;
mod limit;
mod name;
mod unpack;
mod whiteout;

#[cfg(test)]
mod tests;

pub use compression::decompressed;
pub use error::UnpackError;
pub use limit::METADATA_LIMIT;
pub use unpack::{UnpackOptions, UnpackReport, unpack_layer};
pub(crate) use whiteout::OPAQUE_XATTR;
