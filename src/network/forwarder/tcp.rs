//! TCP through the forwarder: each connection accepted on the host gets
//! one made inside, and the bytes move between the two through a pipe
//! (`splice`), without being copied into the forwarder.

use rustix::pipe::{SpliceFlags, fcntl_setpipe_size, pipe_with, splice};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// What one `splice` moves at most, and the pipe's size for it.
const CHUNK: usize = 256 * 1024;

/// Accepts on `listener` for as long as the forwarder lives.
pub(super) fn spawn(listener: TcpListener, target: SocketAddr) -> std::io::Result<()> {
    super::on_thread(move || {
        for client in listener.incoming() {
            // A client gone before it was accepted is no reason to stop.
            let Ok(client) = client else { continue };
            let _ = super::on_thread(move || connect(client, target));
        }
    })
}

/// Relays one client to a new connection to `target`, both ways; a
/// target that refuses closes the client.
fn connect(client: TcpStream, target: SocketAddr) {
    let Ok(inside) = TcpStream::connect(target) else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = inside.set_nodelay(true);
    let client = Arc::new(client);
    let inside = Arc::new(inside);
    let (to_inside, from_inside) = (Arc::clone(&client), Arc::clone(&inside));
    let incoming = super::on_thread(move || pump(&to_inside, &from_inside));
    if incoming.is_err() {
        return;
    }
    pump(&inside, &client);
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
    // A bigger pipe moves more per call; the default one works too.
    let size = fcntl_setpipe_size(&pipe_in, CHUNK).unwrap_or(CHUNK.min(64 * 1024));
    loop {
        let moved = splice(from, None, &pipe_in, None, size, SpliceFlags::MOVE)?;
        if moved == 0 {
            return Ok(());
        }
        let mut left = moved;
        while left > 0 {
            left -= splice(&pipe_out, None, to, None, left, SpliceFlags::MOVE)?;
        }
    }
}
