//! rpod: a daemonless, rootless, Docker-compatible container tool.
//!
//! The map of this crate is `../shared/DESIGN.md` §3: one folder per thing a
//! user would name (images come from a `registry`, live in the `store`, are
//! unpacked by `archive` inside the `userns` mapping, and `cli` ties it up).

pub mod archive;
pub mod cli;
pub mod config;
pub mod format;
pub mod memory;
pub mod monitor;
pub mod process;
pub mod reference;
pub mod registry;
pub mod rootfs;
pub mod runtime;
pub mod store;
pub mod userns;
