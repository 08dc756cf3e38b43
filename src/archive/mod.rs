//! Tar layers in and out: safe, streaming unpacking of one OCI/Docker image
//! layer into a layer directory, with whiteouts converted to the kernel
//! overlay format (DESIGN.md §2, §3, §5).
//!
//! - [`decompressed`] sniffs gzip / zstd / plain tar by magic bytes.
//! - [`unpack_layer`] writes one layer's entries below a directory, resolving
//!   every path with `openat2(RESOLVE_IN_ROOT)` on a directory fd, so no
//!   entry can create or touch anything outside it.
//! - [`send`] and [`receive`] copy a tree between two roots by Docker's
//!   `cp` rules, resolving paths the same confined way.
//!
//! Each file has one job: `compression` (magic-byte sniffing), `error`
//! (what went wrong, per entry), `name` (entry names to clean relative
//! paths), `limit` (bounding tar's in-memory header reads), `confined`
//! (fd-relative filesystem primitives, also used by the `vfs` rootfs
//! copy), `whiteout` (OCI whiteout names), `unpack` (the entry loop and
//! metadata), `pack` (writing a tree as tar), `copy` (`cp`'s path rules).

mod compression;
pub(crate) mod confined;
mod copy;
mod error;
mod header;
mod limit;
mod name;
mod pack;
mod unpack;
mod whiteout;

#[cfg(test)]
mod copy_tests;
#[cfg(test)]
mod tests;

pub use compression::decompressed;
pub use copy::{CopyPath, SourceInfo, open_source, receive, receive_archive, send};
pub use error::UnpackError;
pub use limit::METADATA_LIMIT;
pub use pack::{PackSource, pack};
pub use unpack::{CopyRules, UnpackOptions, UnpackReport, unpack_copy, unpack_layer};
pub(crate) use whiteout::OPAQUE_XATTR;
