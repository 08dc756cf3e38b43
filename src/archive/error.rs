//! What can go wrong while unpacking a layer. Every message is one line and,
//! where an entry is at fault, names it as written in the tar stream.

use std::io;
use std::path::PathBuf;

/// Why a layer could not be unpacked. The directory being unpacked into may
/// hold a partial layer afterwards; the caller discards it.
///
/// The underlying `io::Error` is part of the message rather than a
/// `source()`, so that `anyhow`'s `{:#}` does not print it twice.
#[derive(Debug, thiserror::Error)]
pub enum UnpackError {
    /// The layer directory itself could not be opened.
    #[error("opening layer directory {}: {err}", path.display())]
    Dest { path: PathBuf, err: io::Error },

    /// The tar stream is unreadable or malformed (bad checksum, truncated
    /// header, decompression error, I/O error underneath).
    #[error("reading layer tar stream: {err}")]
    Stream { err: io::Error },

    /// The extension headers (GNU long name / long link, PAX records, sparse
    /// maps) in front of one entry are larger than the limit.
    #[error(
        "layer tar stream: headers of one entry exceed {limit} bytes (corrupt or hostile layer)"
    )]
    HeaderTooLarge { limit: u64 },

    /// The entry is not acceptable in a layer (escapes it, bad name,
    /// unsupported type, missing hardlink target, ...).
    #[error("layer entry {path:?}: {problem}")]
    Invalid { path: String, problem: String },

    /// A filesystem operation for the entry failed.
    #[error("layer entry {path:?}: {action}: {err}")]
    Io {
        path: String,
        action: &'static str,
        err: io::Error,
    },
}

impl UnpackError {
    pub(crate) fn invalid(path: &str, problem: impl Into<String>) -> Self {
        UnpackError::Invalid {
            path: path.to_string(),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(path: &str, action: &'static str, err: impl Into<io::Error>) -> Self {
        UnpackError::Io {
            path: path.to_string(),
            action,
            err: err.into(),
        }
    }
}
