//! TCP through the forwarder: each connection accepted on the host gets
//! one made inside, and the bytes move between the two through a pipe
//! (`splice`), without being copied into the forwarder.

use rustix::pipe::{SpliceFlags, fcntl_getpipe_size, fcntl_setpipe_size, pipe_with, splice};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// What one `splice` moves at most once a connection carries bulk data:
/// its pipe grows to this from the default 64 KiB.
const CHUNK: usize = 256 * 1024;

/// The most connections relayed at once through one host port; beyond,
/// new ones are closed at once (each costs two threads and two pipes,
/// and anyone who reaches the port can open them).
const MOST_CONNECTIONS: usize = 1024;

/// How long accepting pauses after a failure such as running out of
/// descriptors, which would otherwise fail again at once.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// Accepts on `listener` for as long as the forwarder lives.
pub(super) fn spawn(listener: TcpListener, target: SocketAddr) -> std::io::Result<()> {
    super::on_thread(move || {
        let open = Arc::new(AtomicUsize::new(0));
        loop {
            match listener.accept() {
                Ok((client, _)) => {
                    let Some(slot) = Slot::take(&open) else {
                        continue;
                    };
                    let _ = super::on_thread(move || {
                        connect(client, target);
                        drop(slot);
                    });
                }
                // A client gone before it was accepted is no reason to wait.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionAborted => {}
                Err(_) => std::thread::sleep(ACCEPT_BACKOFF),
            }
        }
    })
    .map(drop)
}

/// One of a port's `MOST_CONNECTIONS`, given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(open: &Arc<AtomicUsize>) -> Option<Self> {
        let taken = open.fetch_add(1, Ordering::Relaxed);
        let slot = Self(Arc::clone(open));
        (taken < MOST_CONNECTIONS).then_some(slot)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Relays one client to a new connection to `target`, both ways, and
/// returns once both directions have ended (so that the connection holds
/// its slot until then); a target that refuses closes the client.
fn connect(client: TcpStream, target: SocketAddr) {
    let Ok(inside) = TcpStream::connect(target) else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = inside.set_nodelay(true);
    // A client that vanishes without a word must not hold its threads
    // forever.
    let _ = rustix::net::sockopt::set_socket_keepalive(&client, true);
    let client = Arc::new(client);
    let inside = Arc::new(inside);
    let (to_inside, from_inside) = (Arc::clone(&client), Arc::clone(&inside));
    let Ok(incoming) = super::on_thread(move || pump(&to_inside, &from_inside)) else {
        return;
    };
    pump(&inside, &client);
    let _ = incoming.join();
}

/// Moves what `from` sends to `to` until `from` has sent everything,
/// then tells `to` so; on an error both connections are shut, which
/// also ends the other direction.
fn pump(from: &TcpStream, to: &TcpStream) {
    match splice_all(from, to) {
        Ok(()) => {
            let _ = to.shutdown(Shutdown::Write);
        }
        Err(_) => {
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
        }
    }
}

fn splice_all(from: &TcpStream, to: &TcpStream) -> std::io::Result<()> {
    let (pipe_out, pipe_in) = pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    let mut size = fcntl_getpipe_size(&pipe_in)?;
    loop {
        let moved = splice(from, None, &pipe_in, None, size, SpliceFlags::MOVE)?;
        if moved == 0 {
            return Ok(());
        }
        if moved == size && size < CHUNK {
            // Bulk data: a bigger pipe moves more per call (the user's
            // pipe quota may refuse it; the pipe works as it is).
            size = fcntl_setpipe_size(&pipe_in, CHUNK).unwrap_or(size);
        }
        let mut left = moved;
        while left > 0 {
            left -= splice(&pipe_out, None, to, None, left, SpliceFlags::MOVE)?;
        }
    }
}
