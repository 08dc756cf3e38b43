//! Advisory file locks (`flock`) that coordinate concurrent rpod processes.
//! A lock dies with its process, so a `kill -9` never leaves one behind.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions};
use std::path::Path;

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

fn open(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open lock file {}", path.display()))
}

impl Lock {
    /// Waits for the exclusive lock on `path`.
    pub fn exclusive(path: &Path) -> Result<Self> {
        let file = open(path)?;
        file.lock()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(Self { _file: file })
    }

    /// Waits for a shared lock on `path`.
    pub fn shared(path: &Path) -> Result<Self> {
        let file = open(path)?;
        file.lock_shared()
            .with_context(|| format!("cannot lock {}", path.display()))?;
        Ok(Self { _file: file })
    }

    /// Takes the exclusive lock if nobody holds any lock on `path`.
    pub fn try_exclusive(path: &Path) -> Result<Option<Self>> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusive_excludes_and_releases_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l");
        let held = Lock::exclusive(&path).unwrap();
        assert!(Lock::try_exclusive(&path).unwrap().is_none());
        drop(held);
        assert!(Lock::try_exclusive(&path).unwrap().is_some());
        let _a = Lock::shared(&path).unwrap();
        let _b = Lock::shared(&path).unwrap();
        assert!(Lock::try_exclusive(&path).unwrap().is_none());
    }
}
