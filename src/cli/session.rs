//! An attach session, the client side of the monitor's protocol: the
//! container's output to this terminal, this terminal's input (raw, for
//! `-t`), window sizes and proxied signals to the container, until it
//! exits or the user types the detach keys (ctrl-p ctrl-q).

use crate::monitor::protocol;
use anyhow::{Context, Result, bail};
use rustix::event::{PollFd, PollFlags};
use rustix::fd::{AsFd, FromRawFd, OwnedFd};
use rustix::termios::{OptionalActions, Termios};

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The container exited with this code.
    Exited(i32),
    /// The user typed the detach keys.
    Detached,
    /// The monitor went away without saying how the container ended.
    Lost,
}

/// What the session relays.
pub struct Options {
    /// Pass this terminal's input to the container.
    pub stdin: bool,
    /// The container has a terminal: make ours raw and follow its size.
    pub tty: bool,
    /// Pass INT, TERM, HUP, QUIT, USR1 and USR2 on to the container.
    pub sig_proxy: bool,
    /// The detach sequence.
    pub detach_keys: Vec<u8>,
}

/// Docker's default detach keys.
pub const DEFAULT_DETACH_KEYS: &str = "ctrl-p,ctrl-q";

/// Parses `--detach-keys` (`ctrl-p,ctrl-q`, `a,b`; empty for none).
pub fn parse_detach_keys(text: &str) -> Result<Vec<u8>> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|key| {
            let lower = key.to_ascii_lowercase();
            match (lower.strip_prefix("ctrl-"), key.len()) {
                (Some(c), _) if c.len() == 1 => {
                    let c = c.as_bytes()[0];
                    match c {
                        b'a'..=b'z' => Ok(c - b'a' + 1),
                        b'@' | b'[' | b'\\' | b']' | b'^' | b'_' => Ok(c & 0x1f),
                        _ => bail!("invalid detach key {key:?}"),
                    }
                }
                (None, 1) => Ok(key.as_bytes()[0]),
                _ => bail!("invalid detach key {key:?}: use ctrl-X or single characters"),
            }
        })
        .collect()
}

/// This terminal's size, when standard input is one.
pub fn terminal_size() -> Option<rustix::termios::Winsize> {
    rustix::termios::tcgetwinsize(std::io::stdin()).ok()
}

/// Relays between this terminal and the monitor on `socket`.
pub fn relay(socket: &OwnedFd, options: &Options) -> Result<Ended> {
    let _raw = if options.tty {
        RawTerminal::enter()
    } else {
        None
    };
    let signals = watch_signals(options)?;
    if options.tty
        && let Some(size) = terminal_size()
    {
        send_size(socket, size)?;
    }
    let mut buffer = protocol::buffer();
    let mut reading_stdin = options.stdin;
    let mut detach = Detach::new(&options.detach_keys);
    let stdin = std::io::stdin();
    loop {
        let ready = wait_for_any(socket, &signals, reading_stdin.then_some(&stdin))?;
        if ready[0] {
            match protocol::receive(socket, &mut buffer)? {
                None => return Ok(Ended::Lost),
                Some((protocol::STDOUT, data)) => write_all(std::io::stdout(), data),
                Some((protocol::STDERR, data)) => write_all(std::io::stderr(), data),
                Some((protocol::EXIT, code)) => {
                    return Ok(Ended::Exited(protocol::int(code).unwrap_or(125)));
                }
                Some(_) => {}
            }
        }
        if ready[1] {
            forward_signals(&signals, socket, options)?;
        }
        if reading_stdin && ready[2] {
            let n = match rustix::io::read(&stdin, &mut buffer[..protocol::MAX_PAYLOAD]) {
                Ok(n) => n,
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
                Err(_) => 0,
            };
            if n == 0 {
                reading_stdin = false;
                protocol::send(socket, protocol::STDIN_EOF, &[])?;
                continue;
            }
            let (data, detached) = detach.filter(&buffer[..n]);
            if !data.is_empty() {
                protocol::send(socket, protocol::STDIN, &data)?;
            }
            if detached {
                return Ok(Ended::Detached);
            }
        }
    }
}

/// Relays between this terminal and a pseudo-terminal master of the
/// container's (an `exec -t`), until the container side closes it or the
/// user types the detach keys.
pub fn relay_terminal(master: &OwnedFd, options: &Options) -> Result<Ended> {
    let _raw = RawTerminal::enter();
    let signals = watch_signals(options)?;
    let mut buffer = protocol::buffer();
    let mut reading_stdin = options.stdin;
    let mut detach = Detach::new(&options.detach_keys);
    let stdin = std::io::stdin();
    loop {
        let ready = wait_for_any(master, &signals, reading_stdin.then_some(&stdin))?;
        if ready[0] {
            match rustix::io::read(master, &mut buffer) {
                Ok(n) if n > 0 => write_all(std::io::stdout(), &buffer[..n]),
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                // EIO: the last process holding the terminal is gone.
                _ => return Ok(Ended::Lost),
            }
        }
        if ready[1] {
            while rustix::io::read(&signals, &mut buffer).is_ok_and(|n| n > 0) {}
            if let Some(size) = terminal_size() {
                let _ = rustix::termios::tcsetwinsize(master, size);
            }
        }
        if reading_stdin && ready[2] {
            match rustix::io::read(&stdin, &mut buffer) {
                Ok(0) | Err(rustix::io::Errno::BADF | rustix::io::Errno::IO) => {
                    reading_stdin = false
                }
                Ok(n) => {
                    let (data, detached) = detach.filter(&buffer[..n]);
                    write_all(master, &data);
                    if detached {
                        return Ok(Ended::Detached);
                    }
                }
                Err(_) => {}
            }
        }
    }
}

/// Waits until the container side, the signals or (when given) this
/// terminal's input can be read; returns which of them, in that order.
fn wait_for_any(
    container: &OwnedFd,
    signals: &OwnedFd,
    stdin: Option<&std::io::Stdin>,
) -> Result<Vec<bool>> {
    let mut fds = vec![
        PollFd::new(container, PollFlags::IN),
        PollFd::new(signals, PollFlags::IN),
    ];
    if let Some(stdin) = stdin {
        fds.push(PollFd::new(stdin, PollFlags::IN));
    }
    match rustix::event::poll(&mut fds, None) {
        Ok(_) | Err(rustix::io::Errno::INTR) => {}
        Err(e) => return Err(e).context("cannot wait for the container"),
    }
    Ok(fds.iter().map(|f| !f.revents().is_empty()).collect())
}

/// Output goes out as it comes; a closed stdout only loses it.
fn write_all(fd: impl AsFd, mut data: &[u8]) {
    while !data.is_empty() {
        match rustix::io::write(&fd, data) {
            Ok(n) => data = &data[n..],
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

fn send_size(socket: &OwnedFd, size: rustix::termios::Winsize) -> Result<()> {
    let mut payload = size.ws_row.to_le_bytes().to_vec();
    payload.extend_from_slice(&size.ws_col.to_le_bytes());
    Ok(protocol::send(socket, protocol::RESIZE, &payload)?)
}

const PROXIED: &[i32] = &[
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// Blocks the signals a session relays (the window size with a
/// terminal, the proxied ones with `--sig-proxy`), so that from now on
/// they wait for the session instead of ending this process; returns
/// their set.
pub fn hold_signals(options: &Options) -> libc::sigset_t {
    // SAFETY: plain signal-mask calls on a zeroed set.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        if options.tty {
            libc::sigaddset(&mut set, libc::SIGWINCH);
        }
        if options.sig_proxy {
            for &signal in PROXIED {
                libc::sigaddset(&mut set, signal);
            }
        }
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

/// A signalfd for the signals [`hold_signals`] blocks (those already
/// pending included).
fn watch_signals(options: &Options) -> Result<OwnedFd> {
    let set = hold_signals(options);
    // SAFETY: a plain syscall; the fd returned is new and owned.
    unsafe {
        let fd = libc::signalfd(-1, &set, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK);
        if fd < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot watch signals");
        }
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

fn forward_signals(signals: &OwnedFd, socket: &OwnedFd, options: &Options) -> Result<()> {
    // SAFETY: signalfd_siginfo is plain data.
    let mut info: libc::signalfd_siginfo = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<libc::signalfd_siginfo>();
    loop {
        // SAFETY: the buffer is exactly one signalfd_siginfo.
        let bytes = unsafe { std::slice::from_raw_parts_mut((&raw mut info).cast::<u8>(), size) };
        match rustix::io::read(signals, bytes) {
            Ok(n) if n == size => {}
            _ => return Ok(()),
        }
        let signal = info.ssi_signo as i32;
        if signal == libc::SIGWINCH {
            if let Some(size) = terminal_size() {
                send_size(socket, size)?;
            }
        } else if options.sig_proxy {
            protocol::send(socket, protocol::SIGNAL, &signal.to_le_bytes())?;
        }
    }
}

/// Watches input for the detach sequence, holding back a partial match.
struct Detach<'k> {
    keys: &'k [u8],
    matched: usize,
}

impl<'k> Detach<'k> {
    fn new(keys: &'k [u8]) -> Self {
        Self { keys, matched: 0 }
    }

    /// The bytes to pass on, and whether the sequence was completed.
    fn filter(&mut self, input: &[u8]) -> (Vec<u8>, bool) {
        if self.keys.is_empty() {
            return (input.to_vec(), false);
        }
        let mut out = Vec::with_capacity(input.len());
        for &byte in input {
            if byte == self.keys[self.matched] {
                self.matched += 1;
                if self.matched == self.keys.len() {
                    return (out, true);
                }
            } else {
                out.extend_from_slice(&self.keys[..self.matched]);
                self.matched = 0;
                if byte == self.keys[0] {
                    self.matched = 1;
                } else {
                    out.push(byte);
                }
            }
        }
        (out, false)
    }
}

/// The terminal in raw mode, restored when dropped.
struct RawTerminal {
    saved: Termios,
}

impl RawTerminal {
    fn enter() -> Option<Self> {
        let stdin = std::io::stdin();
        let saved = rustix::termios::tcgetattr(&stdin).ok()?;
        let mut raw = saved.clone();
        raw.make_raw();
        rustix::termios::tcsetattr(&stdin, OptionalActions::Now, &raw).ok()?;
        Some(Self { saved })
    }
}

impl Drop for RawTerminal {
    fn drop(&mut self) {
        let _ = rustix::termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detach_keys_parse_like_docker() {
        assert_eq!(parse_detach_keys(DEFAULT_DETACH_KEYS).unwrap(), [16, 17]);
        assert_eq!(parse_detach_keys("a,ctrl-[").unwrap(), [b'a', 27]);
        assert!(parse_detach_keys("").unwrap().is_empty());
        for bad in ["ctrl-", "ab", "ctrl-1"] {
            assert!(parse_detach_keys(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_detach_sequence_is_held_back_and_ends_the_session() {
        let keys = [16, 17];
        let mut detach = Detach::new(&keys);
        assert_eq!(detach.filter(b"ab\x10"), (b"ab".to_vec(), false));
        assert_eq!(detach.filter(b"x"), (b"\x10x".to_vec(), false));
        assert_eq!(detach.filter(b"\x10\x10"), (b"\x10".to_vec(), false));
        assert_eq!(detach.filter(b"\x11rest"), (Vec::new(), true));
    }
}
