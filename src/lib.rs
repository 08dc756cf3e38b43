//! rpod: a daemonless, rootless, Docker-compatible container tool.
//!
//! The map of this crate is `../shared/DESIGN.md` §3: one folder per thing a
//! user would name (images come from a `registry`, live in the `store`, are
//! unpacked by `archive` inside the `userns` mapping, and `cli` ties it up).

// The `json!` of a container's inspect output nests deeper than the default.
#![recursion_limit = "256"]

pub mod archive;
pub mod cli;
pub mod config;
pub mod format;
pub mod memory;
pub mod monitor;
pub mod network;
pub mod process;
pub mod reference;
pub mod registry;
pub mod rootfs;
pub mod runtime;
pub mod store;
pub mod userns;
