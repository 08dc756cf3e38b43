//! Bounds what the tar parser may hold in memory for one entry's headers.
//!
//! `tar` 0.4 reads GNU long names (`L`), long link names (`K`) and PAX
//! records (`x`) wholly into a `Vec` with `read_to_end`, however large the
//! header says they are, and GNU sparse maps become one in-memory list item
//! per region. Through a compressed stream a few kilobytes can claim
//! gigabytes, so the stream is passed to `tar` through [`Metered`]: while
//! `Entries::next` runs (and only then), the parser may consume at most
//! [`METADATA_LIMIT`] bytes. The unpacker drains each entry's data before
//! asking for the next one, so those bytes are exactly the previous entry's
//! block padding plus the headers and extension records of the next entry.

use std::cell::Cell;
use std::io::{self, Read};
use std::rc::Rc;

/// Most bytes of headers and extension records (long names, PAX records,
/// sparse maps) accepted in front of a single entry: 1 MiB.
pub const METADATA_LIMIT: u64 = 1 << 20;

/// The shared switch between the unpack loop and the reader inside `tar`.
#[derive(Debug, Default)]
struct State {
    /// `Some(n)`: at most `n` more bytes may be read. `None`: unlimited.
    remaining: Cell<Option<u64>>,
    /// Set when a read was refused because the budget was spent.
    tripped: Cell<bool>,
}

/// Handle held by the unpack loop.
#[derive(Debug, Clone, Default)]
pub(crate) struct Meter(Rc<State>);

/// The stream as `tar` sees it.
pub(crate) struct Metered<R> {
    inner: R,
    state: Rc<State>,
}

impl Meter {
    pub(crate) fn wrap<R: Read>(&self, inner: R) -> Metered<R> {
        Metered {
            inner,
            state: Rc::clone(&self.0),
        }
    }

    /// From now on, allow at most `bytes` more bytes to be read.
    pub(crate) fn limit(&self, bytes: u64) {
        self.0.remaining.set(Some(bytes));
    }

    pub(crate) fn unlimited(&self) {
        self.0.remaining.set(None);
    }

    /// True once a read was refused for exceeding the limit.
    pub(crate) fn tripped(&self) -> bool {
        self.0.tripped.get()
    }
}

impl<R: Read> Read for Metered<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(remaining) = self.state.remaining.get() else {
            return self.inner.read(buf);
        };
        if buf.is_empty() {
            return Ok(0);
        }
        if remaining == 0 {
            self.state.tripped.set(true);
            return Err(io::Error::other(format!(
                "headers of one entry exceed {METADATA_LIMIT} bytes"
            )));
        }
        let cap = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..cap])?;
        self.state
            .remaining
            .set(Some(remaining.saturating_sub(n as u64)));
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_only_while_set() {
        let meter = Meter::default();
        let mut r = meter.wrap(io::repeat(7));
        let mut buf = [0u8; 100];
        assert_eq!(r.read(&mut buf).unwrap(), 100);
        meter.limit(30);
        assert_eq!(r.read(&mut buf).unwrap(), 30);
        assert!(r.read(&mut buf).is_err());
        assert!(meter.tripped());
        meter.unlimited();
        assert_eq!(r.read(&mut buf).unwrap(), 100);
    }
}
