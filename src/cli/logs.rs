//! `rpod logs`: a container's output from its k8s-file log, with
//! `--tail`, `--since`/`--until`, `-t` timestamps and `-f` to follow it
//! while the container runs.

use super::Context;
use super::containers::find;
use crate::monitor::{self, LogLine, Stream};
use anyhow::{Context as _, Result, bail};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct LogsArgs {
    /// Follow the log output while the container runs
    #[arg(short, long)]
    pub follow: bool,
    /// Number of lines to show from the end ("all" for every line)
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show logs since a time (RFC 3339, Unix seconds, or a duration such as 10m)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a time (RFC 3339, Unix seconds, or a duration such as 10m)
    #[arg(long)]
    pub until: Option<String>,
    /// Show a timestamp before each line
    #[arg(short, long)]
    pub timestamps: bool,
    /// Container (name or ID)
    pub container: String,
}

pub fn logs(ctx: &Context, args: LogsArgs) -> Result<()> {
    let now = jiff::Timestamp::now();
    let since = args
        .since
        .as_deref()
        .map(|t| parse_time(t, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| parse_time(t, now))
        .transpose()?;
    let tail = match args.tail.as_str() {
        "all" | "-1" => None,
        n => Some(
            n.parse::<usize>()
                .with_context(|| format!("invalid --tail {n:?}: give a number or \"all\""))?,
        ),
    };
    let store = ctx.store()?;
    let record = find(&store.containers()?, &args.container)?.clone();
    let path = monitor::log_path(&store, &record.id);
    let mut text = std::fs::read(path.with_extension("log.1")).unwrap_or_default();
    let mut file = match std::fs::File::open(&path) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).context("cannot read the container's log"),
    };
    if let Some(file) = &mut file {
        file.read_to_end(&mut text)?;
    }
    let complete = complete_lines(&text);
    let mut lines = monitor::parse_log(&text[..complete]);
    lines.retain(|l| since.is_none_or(|s| l.time >= s) && until.is_none_or(|u| l.time <= u));
    if let Some(n) = tail {
        lines.drain(..lines.len().saturating_sub(n));
    }
    print_lines(&lines, args.timestamps);
    if args.follow && until.is_none() {
        follow(
            &store,
            &record.id,
            &path,
            text[complete..].to_vec(),
            args.timestamps,
        )?;
    }
    Ok(())
}

/// The length of the text up to its last newline.
fn complete_lines(text: &[u8]) -> usize {
    text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
}

fn print_lines(lines: &[LogLine], timestamps: bool) {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    for line in lines {
        let out: &mut dyn Write = match line.stream {
            Stream::Stdout => &mut stdout,
            Stream::Stderr => &mut stderr,
        };
        if timestamps {
            let _ = write!(out, "{} ", monitor::timestamp(line.time));
        }
        let _ = out.write_all(&line.content);
    }
    let _ = stdout.flush();
}

/// Prints what the monitor appends until the container is no longer
/// running; follows a rotation to the new file.
fn follow(
    store: &crate::store::Store,
    id: &str,
    path: &Path,
    mut pending: Vec<u8>,
    timestamps: bool,
) -> Result<()> {
    let mut file = std::fs::File::open(path).ok();
    let mut offset = file
        .as_ref()
        .and_then(|f| f.metadata().ok())
        .map_or(0, |m| m.len());
    let mut inode = file
        .as_ref()
        .and_then(|f| f.metadata().ok())
        .map(|m| m.ino());
    loop {
        let running = store.container(id).is_ok_and(|r| r.state.is_running());
        let current = std::fs::metadata(path).ok().map(|m| m.ino());
        if current != inode {
            file = std::fs::File::open(path).ok();
            inode = current;
            offset = 0;
        }
        if let Some(file) = &mut file {
            file.seek(SeekFrom::Start(offset))?;
            let read = file.read_to_end(&mut pending)?;
            offset += read as u64;
        }
        let complete = complete_lines(&pending);
        print_lines(&monitor::parse_log(&pending[..complete]), timestamps);
        pending.drain(..complete);
        if !running {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `--since`/`--until`: an RFC 3339 time, Unix seconds, or a duration
/// before now (`10m`, `1h30m`).
pub(super) fn parse_time(text: &str, now: jiff::Timestamp) -> Result<jiff::Timestamp> {
    if let Ok(time) = text.parse::<jiff::Timestamp>() {
        return Ok(time);
    }
    if let Ok(seconds) = text.parse::<f64>() {
        let nanos = (seconds * 1e9) as i128;
        return jiff::Timestamp::from_nanosecond(nanos).context("time out of range");
    }
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return Ok(date.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp());
    }
    match text.parse::<jiff::SignedDuration>() {
        Ok(ago) if !ago.is_negative() => Ok(now.checked_sub(ago)?),
        _ => bail!("invalid time {text:?}: give RFC 3339, Unix seconds, or a duration such as 10m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_durations() {
        let now: jiff::Timestamp = "2026-01-01T12:00:00Z".parse().unwrap();
        let at = |t: &str| parse_time(t, now).unwrap().to_string();
        assert_eq!(at("10m"), "2026-01-01T11:50:00Z");
        assert_eq!(at("1h30m"), "2026-01-01T10:30:00Z");
        assert_eq!(at("2025-12-31T00:00:00Z"), "2025-12-31T00:00:00Z");
        assert_eq!(at("1767225600"), "2026-01-01T00:00:00Z");
        assert!(parse_time("yesterday", now).is_err());
    }
}
