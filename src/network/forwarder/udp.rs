//! UDP through the forwarder. Each client (source address and port) gets
//! a socket of its own inside, connected to the target, so that replies
//! find their way back; a client whose traffic stops, both ways, for
//! one to two `IDLE` periods is forgotten, as a connection-tracking
//! entry would be. Replies leave from the host address the kernel's
//! routing picks for the client, which on a host with several addresses
//! in one family may not be the one the client sent to.

use std::collections::HashMap;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a client's socket inside is checked for traffic.
const IDLE: Duration = Duration::from_secs(60);

/// The most clients relayed at once: beyond, new clients' datagrams are
/// dropped (a flood of spoofed sources must not exhaust the forwarder).
const MOST_CLIENTS: usize = 1024;

/// The largest datagram UDP carries.
const DATAGRAM: usize = 65536;

/// A client's socket inside, and whether it has been quiet since the
/// last check.
struct Inside {
    socket: UdpSocket,
    quiet: AtomicBool,
}

type Clients = Arc<Mutex<HashMap<SocketAddr, Arc<Inside>>>>;

/// Relays what arrives on `host` for as long as the forwarder lives.
pub(super) fn spawn(host: UdpSocket, target: SocketAddr) -> std::io::Result<()> {
    let host = Arc::new(host);
    super::on_thread(move || {
        let clients = Clients::default();
        let mut datagram = vec![0u8; DATAGRAM];
        loop {
            let Ok((length, client)) = host.recv_from(&mut datagram) else {
                continue;
            };
            if let Some(inside) = inside_for(&clients, client, &host, target) {
                // A datagram the target cannot take is lost, as on a network.
                let _ = inside.socket.send(&datagram[..length]);
            }
        }
    })
    .map(drop)
}

/// The socket inside for `client`, marked as used: the one it has, or a
/// new one with a thread that sends replies back through `host`.
fn inside_for(
    clients: &Clients,
    client: SocketAddr,
    host: &Arc<UdpSocket>,
    target: SocketAddr,
) -> Option<Arc<Inside>> {
    let mut known = clients.lock().ok()?;
    if let Some(inside) = known.get(&client) {
        inside.quiet.store(false, Ordering::Relaxed);
        return Some(Arc::clone(inside));
    }
    if known.len() >= MOST_CLIENTS {
        return None;
    }
    let unspecified: SocketAddr = match target {
        SocketAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(unspecified).ok()?;
    socket.connect(target).ok()?;
    socket.set_read_timeout(Some(IDLE)).ok()?;
    let inside = Arc::new(Inside {
        socket,
        quiet: AtomicBool::new(false),
    });
    let (replies, host, clients) = (Arc::clone(&inside), Arc::clone(host), Arc::clone(clients));
    super::on_thread(move || send_back(&replies, &host, client, &clients)).ok()?;
    known.insert(client, Arc::clone(&inside));
    Some(inside)
}

/// Sends what the target answers to `client` until the two have been
/// quiet for a whole `IDLE` period, then forgets the client.
fn send_back(inside: &Inside, host: &UdpSocket, client: SocketAddr, clients: &Clients) {
    let mut datagram = vec![0u8; DATAGRAM];
    loop {
        match inside.socket.recv(&mut datagram) {
            Ok(length) => {
                inside.quiet.store(false, Ordering::Relaxed);
                let _ = host.send_to(&datagram[..length], client);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                // Checked under the lock that hands the socket out, so
                // that no datagram goes to a socket just forgotten.
                let Ok(mut known) = clients.lock() else {
                    return;
                };
                if inside.quiet.swap(true, Ordering::Relaxed) {
                    known.remove(&client);
                    return;
                }
            }
            // The target not listening (yet) is reported as refused.
            Err(_) => continue,
        }
    }
}
