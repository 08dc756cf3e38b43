//! What the monitor and its attached clients say to each other: one
//! `SOCK_SEQPACKET` message per event, a kind byte then its payload.
//! Message boundaries are the kernel's, so there is no framing to get
//! wrong, and a client that vanishes is just a closed socket.

use rustix::fd::{AsFd, AsRawFd, OwnedFd};
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketAddrUnix, SocketFlags, SocketType};
use std::io;
use std::path::Path;

/// Client → monitor: bytes for the container's standard input.
pub const STDIN: u8 = 0;
/// Monitor → client: bytes the container wrote to standard output.
pub const STDOUT: u8 = 1;
/// Monitor → client: bytes the container wrote to standard error.
pub const STDERR: u8 = 2;
/// Monitor → client: the container ended; payload is the exit code (i32 LE).
pub const EXIT: u8 = 3;
/// Client → monitor: the client's input ended.
pub const STDIN_EOF: u8 = 4;
/// Client → monitor: the terminal's size (rows, columns as u16 LE).
pub const RESIZE: u8 = 5;
/// Client → monitor: a signal for the container (i32 LE).
pub const SIGNAL: u8 = 6;

/// Largest payload in one message.
pub const MAX_PAYLOAD: usize = 32 * 1024;

/// A connected pair: one end for the client, one for the monitor.
pub fn pair() -> io::Result<(OwnedFd, OwnedFd)> {
    Ok(rustix::net::socketpair(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )?)
}

/// The listening attach socket `attach` in `dir`, bound through the
/// directory's descriptor so that long paths fit in a socket address.
pub fn listen(dir: &Path) -> io::Result<OwnedFd> {
    let socket = seqpacket_socket()?;
    let _ = std::fs::remove_file(dir.join(SOCKET));
    let (_dir, address) = address_in(dir)?;
    rustix::net::bind(&socket, &address)?;
    rustix::net::listen(&socket, 16)?;
    Ok(socket)
}

/// Connects to the attach socket in `dir`.
pub fn connect(dir: &Path) -> io::Result<OwnedFd> {
    let socket = seqpacket_socket()?;
    let (_dir, address) = address_in(dir)?;
    rustix::net::connect(&socket, &address)?;
    Ok(socket)
}

fn seqpacket_socket() -> io::Result<OwnedFd> {
    Ok(rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        SocketFlags::CLOEXEC,
        None,
    )?)
}

/// The socket's file name in a container's runtime directory.
const SOCKET: &str = "attach";

fn address_in(dir: &Path) -> io::Result<(OwnedFd, SocketAddrUnix)> {
    unix_address_in(dir, SOCKET)
}

/// The address of socket `name` in `dir`, reached through a descriptor of
/// `dir` (kept open with it), so that long directory paths stay within
/// the 108 bytes of a socket address.
pub fn unix_address_in(dir: &Path, name: &str) -> io::Result<(OwnedFd, SocketAddrUnix)> {
    let fd = rustix::fs::open(
        dir,
        rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )?;
    let path = format!("/proc/self/fd/{}/{name}", fd.as_raw_fd());
    Ok((fd, SocketAddrUnix::new(path)?))
}

/// Sends one message (blocking; payloads above [`MAX_PAYLOAD`] are split).
pub fn send(socket: impl AsFd, kind: u8, payload: &[u8]) -> io::Result<()> {
    let mut message = Vec::with_capacity(1 + payload.len().min(MAX_PAYLOAD));
    let mut chunks = payload.chunks(MAX_PAYLOAD).peekable();
    if chunks.peek().is_none() {
        return send_one(&socket, &[kind]);
    }
    for chunk in chunks {
        message.clear();
        message.push(kind);
        message.extend_from_slice(chunk);
        send_one(&socket, &message)?;
    }
    Ok(())
}

fn send_one(socket: &impl AsFd, message: &[u8]) -> io::Result<()> {
    loop {
        match rustix::net::send(socket, message, SendFlags::NOSIGNAL) {
            Ok(_) => return Ok(()),
            Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// Receives one message into `buffer`: its kind and payload, or `None`
/// when the other side closed.
pub fn receive(socket: impl AsFd, buffer: &mut [u8]) -> io::Result<Option<(u8, &[u8])>> {
    let length = loop {
        match rustix::net::recv(&socket, &mut *buffer, RecvFlags::empty()) {
            Ok((n, _)) => break n,
            Err(rustix::io::Errno::INTR) => {}
            Err(rustix::io::Errno::CONNRESET) => return Ok(None),
            Err(e) => return Err(e.into()),
        }
    };
    match buffer[..length].split_first() {
        Some((&kind, payload)) => Ok(Some((kind, payload))),
        None => Ok(None),
    }
}

/// A buffer that holds any one message.
pub fn buffer() -> Vec<u8> {
    vec![0; MAX_PAYLOAD + 1]
}

/// The i32 in a payload (exit codes, signals).
pub fn int(payload: &[u8]) -> Option<i32> {
    Some(i32::from_le_bytes(payload.get(..4)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_their_boundaries_and_split_large_payloads() {
        let (a, b) = pair().unwrap();
        send(&a, STDOUT, b"hello").unwrap();
        send(&a, EXIT, &42i32.to_le_bytes()).unwrap();
        send(&a, STDERR, &vec![7u8; MAX_PAYLOAD + 10]).unwrap();
        let mut buf = buffer();
        assert_eq!(
            receive(&b, &mut buf).unwrap(),
            Some((STDOUT, &b"hello"[..]))
        );
        let (kind, payload) = receive(&b, &mut buf).unwrap().unwrap();
        assert_eq!((kind, int(payload)), (EXIT, Some(42)));
        assert_eq!(receive(&b, &mut buf).unwrap().unwrap().1.len(), MAX_PAYLOAD);
        assert_eq!(receive(&b, &mut buf).unwrap().unwrap().1.len(), 10);
        drop(a);
        assert_eq!(receive(&b, &mut buf).unwrap(), None);
    }
}
