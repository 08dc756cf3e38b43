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
            path: shortened(path),
            problem: problem.into(),
        }
    }

    pub(crate) fn io(path: &str, action: &'static str, err: impl Into<io::Error>) -> Self {
        UnpackError::Io {
            path: shortened(path),
            action,
            err: err.into(),
        }
    }
}

/// Entry names shown in errors keep their start and end; a hostile layer
/// can make them megabytes long.
fn shortened(path: &str) -> String {
    const KEEP: usize = 100;
    let chars: Vec<char> = path.chars().collect();
    if chars.len() <= 2 * KEEP + 1 {
        return path.to_string();
    }
    let head: String = chars[..KEEP].iter().collect();
    let tail: String = chars[chars.len() - KEEP..].iter().collect();
    format!("{head}…{tail}")
}
