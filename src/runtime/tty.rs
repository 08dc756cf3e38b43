//! Terminals for `-t`: a container process opens a pseudo-terminal in
//! the container's own devpts (so `tty` names `/dev/pts/N`), makes it its
//! controlling terminal and standard streams, and sends the master side
//! over a unix socket to whoever relays it (the monitor for the init,
//! `rpod exec` for an exec'd process). The init's terminal is also
//! `/dev/console`.

use anyhow::{Context, Result, bail};
use rustix::fd::{AsFd, AsRawFd, OwnedFd};
use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use rustix::pty::OpenptFlags;
use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt;

/// Whether the new terminal is also bound over `/dev/console`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Console {
    Bind,
    Leave,
}

/// Inside the container (after `pivot_root` or joining its mount
/// namespace): opens a terminal, hands its master out through `socket`
/// and takes the terminal as this process's own.
pub fn take_new_terminal(
    socket: &OwnedFd,
    size: Option<rustix::termios::Winsize>,
    console: Console,
) -> Result<()> {
    let master = rustix::pty::openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY)
        .context("cannot open /dev/ptmx in the container")?;
    rustix::pty::unlockpt(&master).context("cannot unlock the terminal")?;
    let terminal = rustix::pty::ioctl_tiocgptpeer(&master, OpenptFlags::RDWR | OpenptFlags::NOCTTY)
        .context("cannot open the terminal")?;
    if let Some(size) = size {
        rustix::termios::tcsetwinsize(&terminal, size).context("cannot size the terminal")?;
    }
    if console == Console::Bind {
        let name = rustix::pty::ptsname(&master, Vec::new()).context("cannot name the terminal")?;
        let name = std::path::PathBuf::from(std::ffi::OsStr::from_bytes(name.as_bytes()));
        std::fs::File::create("/dev/console").context("cannot create /dev/console")?;
        rustix::mount::mount_bind(&name, "/dev/console").context("cannot bind /dev/console")?;
    }
    send_fd(socket, &master)?;
    drop(master);
    rustix::process::setsid().context("cannot start a session")?;
    rustix::process::ioctl_tiocsctty(&terminal).context("cannot take the terminal")?;
    for target in 0..3 {
        // SAFETY: duplicating a descriptor this process owns onto a
        // standard stream.
        if unsafe { libc::dup2(terminal.as_raw_fd(), target) } < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot use the terminal");
        }
    }
    Ok(())
}

/// The socket pair over which a container process sends its terminal's
/// master: the relaying side's end first, the container side's second.
pub fn console_pair() -> Result<(OwnedFd, OwnedFd)> {
    rustix::net::socketpair(
        rustix::net::AddressFamily::UNIX,
        rustix::net::SocketType::STREAM,
        rustix::net::SocketFlags::CLOEXEC,
        None,
    )
    .context("cannot create the terminal's socket pair")
}

fn send_fd(socket: &OwnedFd, fd: &OwnedFd) -> Result<()> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    let fds = [fd.as_fd()];
    control.push(SendAncillaryMessage::ScmRights(&fds));
    rustix::net::sendmsg(
        socket,
        &[IoSlice::new(b"t")],
        &mut control,
        SendFlags::empty(),
    )
    .context("cannot pass the terminal on")?;
    Ok(())
}

/// In the relaying process: the master side the container process sent.
pub fn receive_master(socket: &OwnedFd) -> Result<OwnedFd> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut byte = [0u8];
    rustix::net::recvmsg(
        socket,
        &mut [IoSliceMut::new(&mut byte)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )
    .context("cannot receive the container's terminal")?;
    for message in control.drain() {
        if let RecvAncillaryMessage::ScmRights(mut fds) = message
            && let Some(fd) = fds.next()
        {
            return Ok(fd);
        }
    }
    bail!("the container sent no terminal")
}
