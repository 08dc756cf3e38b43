//! Container logs in the k8s-file format Podman and CRI-O write: one line
//! per line of output, `TIMESTAMP STREAM TAG CONTENT`, where TAG is `F`
//! for a full line and `P` for a partial one (output that did not end in
//! a newline yet). The monitor writes them; `rpod logs` reads them.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Which stream a piece of output came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn name(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// Appends output to a container's log, rotating it past `max_size`.
pub struct LogWriter {
    path: PathBuf,
    file: File,
    size: u64,
    max_size: Option<u64>,
}

impl LogWriter {
    pub fn open(path: &Path, max_size: Option<u64>) -> Result<Self> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("cannot open the log {}", path.display()))?;
        let size = file.metadata()?.len();
        Ok(Self {
            path: path.to_path_buf(),
            file,
            size,
            max_size,
        })
    }

    /// Logs one chunk of output: each line with the time it arrived. The
    /// log is rotated between lines, so it passes `max_size` only by a
    /// line longer than that.
    pub fn write(&mut self, stream: Stream, data: &[u8]) {
        let prefix = format!("{} {} ", timestamp(jiff::Timestamp::now()), stream.name());
        let mut entry = Vec::with_capacity(prefix.len() + 2 + data.len().min(4096));
        for line in data.split_inclusive(|&b| b == b'\n') {
            let (content, tag) = match line.strip_suffix(b"\n") {
                Some(content) => (content, "F "),
                None => (line, "P "),
            };
            entry.clear();
            entry.extend_from_slice(prefix.as_bytes());
            entry.extend_from_slice(tag.as_bytes());
            entry.extend_from_slice(content);
            entry.push(b'\n');
            if self
                .max_size
                .is_some_and(|max| self.size > 0 && self.size + entry.len() as u64 > max)
            {
                self.rotate();
            }
            // A full disk must not stop the container: the line is dropped.
            if self.file.write_all(&entry).is_ok() {
                self.size += entry.len() as u64;
            }
        }
    }

    /// Keeps one previous file (`ctr.log.1`), as `--log-opt max-size` does.
    fn rotate(&mut self) {
        let old = self.path.with_extension("log.1");
        if std::fs::rename(&self.path, old).is_ok()
            && let Ok(fresh) = Self::open(&self.path, self.max_size)
        {
            *self = fresh;
        }
    }
}

/// RFC 3339 with nanoseconds, in UTC.
pub fn timestamp(time: jiff::Timestamp) -> String {
    format!("{time:.9}")
}

/// One line of output read back from a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub time: jiff::Timestamp,
    pub stream: Stream,
    /// The content, with its newline when the line was complete.
    pub content: Vec<u8>,
}

/// Parses log text into whole lines (partial pieces joined), skipping
/// lines that are not in the format. A trailing partial line is returned
/// as it stands, without a newline.
pub fn parse(text: &[u8]) -> Vec<LogLine> {
    let mut lines: Vec<LogLine> = Vec::new();
    let mut pending: [Option<LogLine>; 2] = [None, None];
    for raw in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let mut fields = raw.splitn(4, |&b| b == b' ');
        let (Some(time), Some(stream), Some(tag)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let content = fields.next().unwrap_or_default();
        let Some(time) = std::str::from_utf8(time)
            .ok()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        else {
            continue;
        };
        let stream = match stream {
            b"stdout" => Stream::Stdout,
            b"stderr" => Stream::Stderr,
            _ => continue,
        };
        let slot = &mut pending[stream as usize];
        let line = slot.get_or_insert_with(|| LogLine {
            time,
            stream,
            content: Vec::new(),
        });
        line.content.extend_from_slice(content);
        if tag == b"F" {
            let mut done = slot.take().expect("just filled");
            done.content.push(b'\n');
            lines.push(done);
        }
    }
    lines.extend(pending.into_iter().flatten());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_full_and_partial_lines_and_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ctr.log");
        let mut log = LogWriter::open(&path, None).unwrap();
        log.write(Stream::Stdout, b"one\ntw");
        log.write(Stream::Stderr, b"err\n");
        log.write(Stream::Stdout, b"o\nthree");
        let text = std::fs::read(&path).unwrap();
        let tags: Vec<String> = String::from_utf8_lossy(&text)
            .lines()
            .map(|l| l.split(' ').skip(1).take(3).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            tags,
            [
                "stdout F one",
                "stdout P tw",
                "stderr F err",
                "stdout F o",
                "stdout P three"
            ]
        );
        let lines = parse(&text);
        let shown: Vec<(Stream, &[u8])> =
            lines.iter().map(|l| (l.stream, &l.content[..])).collect();
        assert_eq!(
            shown,
            [
                (Stream::Stdout, &b"one\n"[..]),
                (Stream::Stderr, b"err\n"),
                (Stream::Stdout, b"two\n"),
                (Stream::Stdout, b"three"),
            ]
        );
    }

    #[test]
    fn rotates_past_the_maximum_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ctr.log");
        let mut log = LogWriter::open(&path, Some(100)).unwrap();
        log.write(Stream::Stdout, b"first line of output\n");
        log.write(Stream::Stdout, b"second line of output\n");
        let old = std::fs::read_to_string(dir.path().join("ctr.log.1")).unwrap();
        assert!(old.ends_with(" stdout F first line of output\n"), "{old}");
        let new = std::fs::read_to_string(&path).unwrap();
        assert!(new.ends_with(" stdout F second line of output\n"), "{new}");
        // Many lines in one chunk still rotate between lines.
        log.write(Stream::Stdout, "a line of output\n".repeat(20).as_bytes());
        assert!(std::fs::metadata(&path).unwrap().len() <= 100);
        assert!(
            std::fs::metadata(dir.path().join("ctr.log.1"))
                .unwrap()
                .len()
                <= 100
        );
    }

    #[test]
    fn skips_garbage() {
        let lines = parse(b"not a log line\n2024-01-01T00:00:00Z stdout F ok\nx y z w\n");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].content, b"ok\n");
    }
}
