//! rpod's own port forwarder, for what slirp4netns's API cannot publish
//! (host addresses in IPv6) and for everything with
//! `port_handler=rootlesskit`. Its sockets listen on the host; it is a
//! fork of the monitor that then enters the container's network
//! namespace, so each connection it accepts is relayed through a socket
//! of the namespace's own, to the container's address. Unlike
//! slirp4netns's forwarding, the workload sees connections come from its
//! own address, not from the client's.
//!
//! It dies with the monitor (parent-death signal) and is killed when the
//! network stops.

mod tcp;
mod udp;

use super::helper::{Namespaces, unblock_signals, wait_ready};
use super::ports::HeldPort;
use anyhow::{Context, Result};
use rustix::fd::{AsFd, AsRawFd, OwnedFd};
use rustix::process::Pid;
use std::net::SocketAddr;

/// A running forwarder; dropping it kills it and waits.
pub struct Forwarder {
    /// `None` once reaped: its PID may belong to another process then.
    pid: Option<Pid>,
}

/// A host socket and where what reaches it goes inside.
pub struct Route {
    pub listener: HeldPort,
    pub target: SocketAddr,
}

impl Forwarder {
    /// Forks the forwarder for `routes` and returns once it is in the
    /// container's `namespaces`.
    pub fn start(routes: Vec<Route>, namespaces: &Namespaces) -> Result<Self> {
        let (ready_read, ready_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
            .context("cannot create a pipe")?;
        // SAFETY: the monitor is single-threaded; the child only runs
        // `serve`, which never returns.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot start the port forwarder");
        }
        if pid == 0 {
            drop(ready_read);
            serve(routes, namespaces, ready_write);
        }
        drop((ready_write, routes));
        let pid = Pid::from_raw(pid).context("fork returned an invalid pid")?;
        let mut forwarder = Self { pid: Some(pid) };
        wait_ready(&ready_read).map_err(|e| {
            forwarder.stop();
            e.context("the port forwarder could not enter the container's network")
        })?;
        Ok(forwarder)
    }

    /// Kills the forwarder and reaps it.
    pub fn stop(&mut self) {
        if let Some(pid) = self.pid.take() {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            let _ = rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::empty());
        }
    }

    /// Reaps a forwarder that has died (killed, say), so that it leaves
    /// no zombie and its PID is not signalled again.
    pub fn reap_if_ended(&mut self) {
        if let Some(pid) = self.pid
            && let Ok(Some(_)) =
                rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG)
        {
            self.pid = None;
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.stop();
    }
}

/// In the forked child: enters the namespaces, says so on `ready`, and
/// relays until killed.
fn serve(routes: Vec<Route>, namespaces: &Namespaces, ready: OwnedFd) -> ! {
    if enter(&routes, namespaces, &ready).is_ok() {
        drop(ready);
        relay(routes);
    }
    // SAFETY: leaving the forked child without the monitor's destructors.
    unsafe { libc::_exit(1) }
}

/// Dies with the monitor, keeps only its own descriptors, and enters the
/// container's user (when not the monitor's) and network namespaces.
fn enter(routes: &[Route], namespaces: &Namespaces, ready: &OwnedFd) -> std::io::Result<()> {
    // SAFETY: plain process-attribute syscalls in a single-threaded child.
    unsafe {
        let monitor = libc::getppid();
        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 || libc::getppid() != monitor {
            return Err(std::io::ErrorKind::Other.into());
        }
    }
    let _ = rustix::thread::set_name(c"rpod-forwarder");
    crate::process::set_title("rpod-port-forwarder");
    // Six descriptors per TCP connection.
    crate::process::raise_open_files_limit();
    // Not the monitor's blocked signals: a plain `kill` ends it too
    // (SIGPIPE stays ignored: a client gone is an error, not a death).
    unblock_signals()?;
    let mut kept: Vec<i32> = routes
        .iter()
        .map(|r| r.listener.as_fd().as_raw_fd())
        .collect();
    kept.extend([
        ready.as_raw_fd(),
        namespaces.net.as_raw_fd(),
        namespaces.user.as_raw_fd(),
    ]);
    close_all_but(&mut kept);
    namespaces.enter()?;
    rustix::io::write(ready, b"1")?;
    Ok(())
}

/// Closes every descriptor above the standard streams (the monitor's
/// `/dev/null`) but `kept` (sorted here): a copy of the container's stdin
/// or start-up pipes must not stay open in the forwarder.
fn close_all_but(kept: &mut [i32]) {
    kept.sort_unstable();
    let mut first = 3u32;
    for &fd in kept.iter() {
        let fd = fd as u32;
        if fd > first {
            // SAFETY: closes descriptors this process no longer uses.
            unsafe { libc::syscall(libc::SYS_close_range, first, fd - 1, 0u32) };
        }
        first = fd + 1;
    }
    // SAFETY: as above.
    unsafe { libc::syscall(libc::SYS_close_range, first, u32::MAX, 0u32) };
}

/// One thread per host socket; the calling thread then sheds memory and
/// waits forever.
fn relay(routes: Vec<Route>) -> ! {
    for Route { listener, target } in routes {
        let spawned = match listener {
            HeldPort::Tcp(listener) => tcp::spawn(listener, target),
            HeldPort::Udp(socket) => udp::spawn(socket, target),
        };
        if spawned.is_err() {
            // SAFETY: leaving the forked child; the monitor sees it end.
            unsafe { libc::_exit(1) };
        }
    }
    // Like a monitor, it gives back what the start left it (the relaying
    // threads fault back in what they use).
    crate::memory::Shedding::survey().shed_then(|| {
        loop {
            std::thread::park();
        }
    })
}

/// The stack each relaying thread gets: they only move bytes.
const THREAD_STACK: usize = 64 * 1024;

/// Starts `work` on a thread of its own.
fn on_thread(work: impl FnOnce() + Send + 'static) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .stack_size(THREAD_STACK)
        .spawn(work)
}
