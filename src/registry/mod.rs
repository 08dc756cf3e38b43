//! Registry access: registries.conf, credentials, TLS, the HTTP client,
//! manifests, short-name resolution and pulling.

mod challenge;
pub mod client;
pub mod config;
pub mod credentials;
pub mod manifest;
pub mod pull;
pub mod search;
mod tls;

pub use client::{ConnectOptions, Registry, RegistryError};
pub use config::RegistriesConf;
pub use manifest::Platform;
