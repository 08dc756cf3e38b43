//! The monitor's life: start the container, relay its streams to the log
//! and to attach clients until it ends, run it again as `--restart` asks
//! (the root filesystem stays mounted), record the end, apply `--rm`.

use super::log::{LogWriter, Stream};
use super::{Launch, prepare, protocol, restart};
use crate::runtime::{self, StartFailed, Stdio};
use crate::store::containers::{ContainerRecord, process_start_time};
use anyhow::{Context, Result};
use rustix::event::{PollFd, PollFlags};
use rustix::fd::{FromRawFd, OwnedFd};
use rustix::process::{Pid, Signal};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Runs the monitor to the end; the exit code is the monitor's own.
/// `report` hears `[0]` once the workload runs, or the exit code and the
/// reason it could not start.
pub fn run(launch: Launch, report: OwnedFd) -> i32 {
    crate::process::detach_stdio();
    let Launch {
        store,
        record,
        runtime_dir,
        mapping,
        attach,
        terminal_size,
    } = launch;
    let mut relay = match start(store, &record, mapping, &runtime_dir, terminal_size) {
        Ok(relay) => relay,
        Err(e) => {
            let failed = start_failure(e);
            let _ = std::fs::remove_dir_all(&runtime_dir);
            let _ = rustix::io::write(&report, &failed.encode());
            let leftover = record_end(store, &record, |state| {
                state.status = "created".into();
                state.exit_code = Some(failed.code);
            });
            delete(leftover);
            return 1;
        }
    };
    relay.clients.extend(attach.map(Client::new));
    let _ = rustix::io::write(&report, &[0]);
    drop(report);
    // `ps` shows `rpod-monitor NAME`, not the command that started it.
    let _ = rustix::thread::set_name(c"rpod-monitor");
    crate::process::set_title(&format!("rpod-monitor {}", record.name));
    let mut backoff = restart::Backoff::default();
    let mut code = relay.serve();
    while relay.failure.is_none() {
        let ran = relay.started.elapsed();
        let Some(delay) = restart_delay(store, &record, code, backoff.next(ran)) else {
            break;
        };
        // Attached clients end with this run, as Docker's do.
        relay.end_sessions(code);
        if !relay.pause(delay) {
            break;
        }
        code = match relay.restart(store, &record) {
            Ok(()) => relay.serve(),
            Err(e) => {
                let failed = start_failure(e);
                relay
                    .log
                    .write(Stream::Stderr, format!("{}\n", failed.message).as_bytes());
                failed.code
            }
        };
    }
    // Gone before the record says the container ended: a next start may
    // then make the directory again, and this monitor must not remove it.
    let _ = std::fs::remove_dir_all(&runtime_dir);
    let finished = jiff::Timestamp::now().to_string();
    let failure = relay.failure.take();
    let leftover = record_end(store, &record, |state| {
        state.status = "exited".into();
        state.error = failure;
        state.exit_code = Some(code);
        state.finished_at = Some(finished);
        state.monitor = None;
        state.pid = None;
        state.ports.clear();
    });
    relay.end_sessions(code);
    // The clients (a foreground `run --rm`) need not wait for this.
    delete(leftover);
    0
}

fn delete(leftover: Vec<PathBuf>) {
    for dir in leftover {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// Why the workload could not start, with Docker's exit code.
fn start_failure(e: anyhow::Error) -> StartFailed {
    match e.downcast::<StartFailed>() {
        Ok(failed) => failed,
        Err(e) => StartFailed {
            code: runtime::SETUP_FAILED,
            message: crate::cli::one_line(&e),
        },
    }
}

/// After the workload ended with `code`: when the restart policy wants
/// it again and nobody stopped the container, records it as restarting
/// and returns how long to wait (`delay`).
fn restart_delay(
    store: &crate::store::Store,
    record: &ContainerRecord,
    code: i32,
    delay: Duration,
) -> Option<Duration> {
    let finished = jiff::Timestamp::now().to_string();
    let mut wanted = false;
    store
        .update_container(&record.id, |r| {
            wanted = !r.state.stop_requested
                && restart::wanted(&r.config.restart, code, r.state.restart_count);
            if wanted {
                r.state.status = "restarting".into();
                r.state.exit_code = Some(code);
                r.state.finished_at = Some(finished);
                r.state.pid = None;
                r.state.ports.clear();
                r.state.restart_count += 1;
            }
        })
        .ok()?;
    wanted.then_some(delay)
}

/// Unmounts the root filesystem, then removes the container with its
/// anonymous volumes (`--rm`: returns the directories they were moved
/// to, still to be deleted) or records how it ended.
fn record_end(
    store: &crate::store::Store,
    record: &ContainerRecord,
    change: impl FnOnce(&mut crate::store::containers::ContainerState),
) -> Vec<PathBuf> {
    let rootfs = store.container_dir(&record.id).join("rootfs");
    let _ = rustix::mount::unmount(&rootfs, rustix::mount::UnmountFlags::DETACH);
    if record.config.auto_remove {
        let Ok(container) = store.take_away_container(&record.id) else {
            return Vec::new();
        };
        let mut leftover = store.take_away_anonymous_volumes(&record.config.binds);
        leftover.push(container);
        return leftover;
    }
    let _ = store.update_container(&record.id, |r| change(&mut r.state));
    Vec::new()
}

/// Mounts, starts the init and records the container as running.
fn start(
    store: &crate::store::Store,
    record: &ContainerRecord,
    mapping: &crate::userns::IdMapping,
    runtime_dir: &Path,
    terminal_size: Option<rustix::termios::Winsize>,
) -> Result<Relay> {
    let spec = prepare::spec(store, record, mapping, runtime_dir)?;
    let signals = monitor_signals()?;
    let listener = protocol::listen(runtime_dir)?;
    let log = LogWriter::open(
        &super::log_path(store, &record.id),
        record.config.log_max_size,
    )?;
    let workload = Workload::spawn(&spec, record, terminal_size)?;
    let ports = workload.network.ports.clone();
    let mut relay = Relay {
        spec,
        terminal_size,
        started: Instant::now(),
        init: workload.init,
        exit_code: None,
        signals,
        listener,
        clients: Vec::new(),
        outputs: Vec::new(),
        input: None,
        pending_input: Vec::new(),
        close_input: false,
        terminal: None,
        network: None,
        log,
        failure: None,
    };
    relay.take(workload);
    // Its end may have come before the signals were watched.
    relay.rootfs_server_ended();
    record_running(store, record, relay.init, ports, true)?;
    Ok(relay)
}

/// Records the container as running with `init` and its published
/// `ports`; a `first` start (not a restart) also forgets earlier
/// restarts and stop requests.
fn record_running(
    store: &crate::store::Store,
    record: &ContainerRecord,
    init: Pid,
    ports: Vec<crate::network::ports::PortBinding>,
    first: bool,
) -> Result<()> {
    let me = std::process::id() as i32;
    let started = jiff::Timestamp::now().to_string();
    let init_raw = init.as_raw_nonzero().get();
    store.update_container(&record.id, |r| {
        r.state.status = "running".into();
        r.state.started_at = Some(started);
        r.state.finished_at = None;
        r.state.exit_code = None;
        r.state.error = None;
        r.state.monitor = process_start_time(me).map(|t| (me, t));
        r.state.pid = process_start_time(init_raw).map(|t| (init_raw, t));
        r.state.ports = ports;
        if first {
            r.state.restart_count = 0;
            r.state.stop_requested = false;
        }
    })?;
    Ok(())
}

/// One run of the workload: its init, its network helper and the
/// monitor's ends of its streams.
struct Workload {
    init: Pid,
    network: crate::network::Attached,
    outputs: Vec<Output>,
    input: Option<OwnedFd>,
    terminal: Option<OwnedFd>,
}

impl Workload {
    fn spawn(
        spec: &runtime::Spec,
        record: &ContainerRecord,
        terminal_size: Option<rustix::termios::Winsize>,
    ) -> Result<Self> {
        let (stdio, outputs, input, console) = streams(record, terminal_size)?;
        let runtime::Started { init, network } = runtime::spawn(spec, stdio)?;
        let (outputs, input, terminal) = match console {
            Some(socket) => {
                let master = runtime::tty::receive_master(&socket)?;
                let input = rustix::io::dup(&master)?;
                let terminal = rustix::io::dup(&master)?;
                (
                    vec![Output::new(master, Stream::Stdout)],
                    Some(input),
                    Some(terminal),
                )
            }
            None => (outputs, input, None),
        };
        if let Some(input) = &input {
            set_nonblocking(input)?;
        }
        Ok(Self {
            init,
            network,
            outputs,
            input,
            terminal,
        })
    }
}

type Streams = (Stdio, Vec<Output>, Option<OwnedFd>, Option<OwnedFd>);

/// The container's side of its streams and the monitor's: pipes, or a
/// socket on which the init sends its terminal.
fn streams(
    record: &ContainerRecord,
    terminal_size: Option<rustix::termios::Winsize>,
) -> Result<Streams> {
    let pipe = || rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC);
    if record.config.tty {
        let (mine, theirs) = runtime::tty::console_pair()?;
        let stdio = Stdio::Tty {
            console: theirs,
            size: terminal_size,
        };
        return Ok((stdio, Vec::new(), None, Some(mine)));
    }
    let (stdin, input) = if record.config.interactive {
        let (read, write) = pipe()?;
        (read, Some(write))
    } else {
        (
            OwnedFd::from(std::fs::File::open("/dev/null").context("cannot open /dev/null")?),
            None,
        )
    };
    let (out_read, out_write) = pipe()?;
    let (err_read, err_write) = pipe()?;
    let stdio = Stdio::Pipes {
        stdin,
        stdout: out_write,
        stderr: err_write,
    };
    let outputs = vec![
        Output::new(out_read, Stream::Stdout),
        Output::new(err_read, Stream::Stderr),
    ];
    Ok((stdio, outputs, input, None))
}

/// Signals the monitor handles (blocked, so they arrive only on its
/// signalfd): SIGCHLD, and the ones `stop` and `kill` send it when the
/// container's init is unknown (they go on to the init, or end a
/// container waiting to restart).
const HANDLED_SIGNALS: &[i32] = &[
    libc::SIGCHLD,
    libc::SIGTERM,
    libc::SIGINT,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
];

/// A descriptor that reports [`HANDLED_SIGNALS`].
fn monitor_signals() -> Result<OwnedFd> {
    // SAFETY: plain signal-mask syscalls; the fd returned is new and owned.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &signal in HANDLED_SIGNALS {
            libc::sigaddset(&mut set, signal);
        }
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        let fd = libc::signalfd(-1, &set, libc::SFD_CLOEXEC | libc::SFD_NONBLOCK);
        if fd < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot watch for SIGCHLD");
        }
        Ok(OwnedFd::from_raw_fd(fd))
    }
}

fn set_nonblocking(fd: &OwnedFd) -> Result<()> {
    let flags = rustix::fs::fcntl_getfl(fd)?;
    rustix::fs::fcntl_setfl(fd, flags | rustix::fs::OFlags::NONBLOCK)?;
    Ok(())
}

/// An attached client; `gone` once it hung up or could not be written to.
struct Client {
    socket: OwnedFd,
    gone: bool,
}

impl Client {
    fn new(socket: OwnedFd) -> Self {
        Self {
            socket,
            gone: false,
        }
    }
}

/// One of the container's output streams; `closed` at its end.
struct Output {
    fd: OwnedFd,
    stream: Stream,
    closed: bool,
}

impl Output {
    fn new(fd: OwnedFd, stream: Stream) -> Self {
        Self {
            fd,
            stream,
            closed: false,
        }
    }
}

/// The running container as the monitor sees it.
struct Relay {
    /// What each run of the workload starts from.
    spec: runtime::Spec,
    terminal_size: Option<rustix::termios::Winsize>,
    /// When the current run started.
    started: Instant,
    init: Pid,
    exit_code: Option<i32>,
    signals: OwnedFd,
    listener: OwnedFd,
    clients: Vec<Client>,
    /// Where the container's output comes from (pipes or the terminal).
    outputs: Vec<Output>,
    /// Where clients' input goes, while open.
    input: Option<OwnedFd>,
    /// Input the container has not taken yet.
    pending_input: Vec<u8>,
    /// A client ended its input: close ours once `pending_input` is out.
    close_input: bool,
    /// The terminal's master, for window sizes.
    terminal: Option<OwnedFd>,
    /// The network helper of the current run (told to end with it, and
    /// waited for when replaced or dropped).
    network: Option<crate::network::Attached>,
    log: LogWriter,
    /// Why the container had to be stopped, for its record.
    failure: Option<String>,
}

/// The record's error when the FUSE root filesystem's server ended.
const ROOTFS_SERVER_ENDED: &str = "the FUSE root filesystem's server ended";

/// How long the relay stays quiet before it sheds memory and sleeps.
const IDLE: Duration = Duration::from_secs(2);

/// How often a relay that is never quiet for that long sheds anyway.
const BUSY_SHEDDING: Duration = Duration::from_secs(60);

/// Which descriptor a poll entry watches.
#[derive(Clone, Copy)]
enum Watched {
    Signals,
    Listener,
    Client(usize),
    Output(usize),
    Input,
}

impl Relay {
    /// Relays until the init has exited and its output is drained;
    /// returns its exit code.
    fn serve(&mut self) -> i32 {
        let mut buffer = protocol::buffer();
        let mut busy = true;
        let mut last_shed = Instant::now();
        loop {
            if let Some(code) = self.exit_code
                && self.outputs.is_empty()
            {
                // No helper outlives the run it served. Published ports
                // must be free again once the container shows as ended;
                // a helper that has let go of them (or never had any) is
                // only told now, and waited for once the clients have
                // heard the end (its sandbox takes a while to go).
                let released = self.network.as_mut().is_none_or(|n| n.release_ports());
                match &mut self.network {
                    Some(network) if released => network.stop(),
                    _ => self.network = None,
                }
                return code;
            }
            // After a burst of work, a quiet spell lets the monitor give
            // back what it touched before it sleeps for good; one that is
            // never quiet gives back now and then.
            let shed = !busy || last_shed.elapsed() >= BUSY_SHEDDING;
            if shed {
                last_shed = Instant::now();
            }
            let ready = match self.wait(busy.then_some(IDLE), shed) {
                Ok(ready) => ready,
                Err(_) => continue,
            };
            busy = !ready.is_empty();
            for watched in ready {
                match watched {
                    Watched::Signals => {
                        for signal in self.take_signals() {
                            self.forward(signal);
                        }
                        self.reap();
                    }
                    Watched::Listener => self.accept(),
                    Watched::Client(i) => self.on_client_message(i, &mut buffer),
                    Watched::Output(i) => self.on_container_output(i, &mut buffer),
                    Watched::Input => self.flush_input(),
                }
            }
            self.clients.retain(|c| !c.gone);
            self.outputs.retain(|o| !o.closed);
        }
    }

    /// Polls everything (at most for `timeout`) and returns what is ready;
    /// `shed` gives back unused memory first.
    fn wait(&self, timeout: Option<Duration>, shed: bool) -> rustix::io::Result<Vec<Watched>> {
        // A timeout too long to express waits without one.
        let timeout = timeout.and_then(|t| rustix::event::Timespec::try_from(t).ok());
        let timeout = timeout.as_ref();
        let mut watched = vec![Watched::Signals, Watched::Listener];
        let mut fds = vec![
            PollFd::new(&self.signals, PollFlags::IN),
            PollFd::new(&self.listener, PollFlags::IN),
        ];
        // Clients are not read while the container has not taken what
        // they sent: that holds them back instead of buffering forever.
        if self.pending_input.is_empty() {
            for (i, client) in self.clients.iter().enumerate() {
                watched.push(Watched::Client(i));
                fds.push(PollFd::new(&client.socket, PollFlags::IN));
            }
        }
        for (i, output) in self.outputs.iter().enumerate() {
            watched.push(Watched::Output(i));
            fds.push(PollFd::new(&output.fd, PollFlags::IN));
        }
        if let Some(input) = &self.input
            && !self.pending_input.is_empty()
        {
            watched.push(Watched::Input);
            fds.push(PollFd::new(input, PollFlags::OUT));
        }
        if shed {
            let memory = crate::memory::Shedding::survey();
            memory.shed_then(|| rustix::event::poll(&mut fds, timeout))?;
        } else {
            rustix::event::poll(&mut fds, timeout)?;
        }
        Ok(watched
            .into_iter()
            .zip(fds.iter().map(PollFd::revents))
            .filter(|(_, flags)| !flags.is_empty())
            .map(|(watched, _)| watched)
            .collect())
    }

    /// The signals that arrived, SIGCHLD left out.
    fn take_signals(&self) -> Vec<i32> {
        // One `signalfd_siginfo` (128 bytes) per signal; the number first.
        let mut info = [0u8; 128];
        let mut signals = Vec::new();
        while rustix::io::read(&self.signals, &mut info).is_ok_and(|n| n == info.len()) {
            let number = i32::from_ne_bytes([info[0], info[1], info[2], info[3]]);
            if number != libc::SIGCHLD {
                signals.push(number);
            }
        }
        signals
    }

    /// Passes a signal sent to the monitor on to the running init.
    fn forward(&self, signal: i32) {
        if self.exit_code.is_none()
            && let Some(signal) = Signal::from_named_raw(signal)
        {
            let _ = rustix::process::kill_process(self.init, signal);
        }
    }

    /// Takes over a new run of the workload.
    fn take(&mut self, workload: Workload) {
        self.init = workload.init;
        self.network = Some(workload.network);
        self.outputs = workload.outputs;
        self.input = workload.input;
        self.terminal = workload.terminal;
        self.exit_code = None;
        self.pending_input.clear();
        self.close_input = false;
        self.started = Instant::now();
    }

    /// Tells the attached clients that the workload ended, and lets them go.
    fn end_sessions(&mut self, code: i32) {
        for client in self.clients.drain(..) {
            let _ = protocol::send(&client.socket, protocol::EXIT, &code.to_le_bytes());
        }
    }

    /// Waits `delay` before a restart, taking attach clients meanwhile;
    /// false when a signal (from `stop`, `kill` or `rm -f`) ended the wait.
    fn pause(&mut self, delay: Duration) -> bool {
        let mut buffer = protocol::buffer();
        let deadline = Instant::now() + delay;
        // A long back-off is a quiet spell: shed once at its start.
        let mut shed = delay >= IDLE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            let ready = self.wait(Some(left), std::mem::take(&mut shed));
            for watched in ready.unwrap_or_default() {
                match watched {
                    Watched::Signals => {
                        let stopped = !self.take_signals().is_empty();
                        if self.rootfs_server_ended() || stopped {
                            return false;
                        }
                    }
                    Watched::Listener => self.accept(),
                    Watched::Client(i) => self.on_client_message(i, &mut buffer),
                    _ => {}
                }
            }
            self.clients.retain(|c| !c.gone);
        }
    }

    /// Runs the workload again and records it as running.
    fn restart(&mut self, store: &crate::store::Store, record: &ContainerRecord) -> Result<()> {
        // The last run's helper is gone before the next one binds.
        self.network = None;
        // A shared network may have been replaced meanwhile (the other
        // container restarted): join the one it has now.
        crate::network::join_shared(&self.spec.network, |id| prepare::running_init(store, id))?;
        let workload = Workload::spawn(&self.spec, record, self.terminal_size)?;
        let ports = workload.network.ports.clone();
        self.take(workload);
        record_running(store, record, self.init, ports, false)
    }

    /// Whether the FUSE root filesystem's server has ended; the container
    /// is then killed (nothing in it can read its files any more) and
    /// must not run again.
    fn rootfs_server_ended(&mut self) -> bool {
        if let Some(server) = self.spec.rootfs_server
            && let Ok(Some(_)) =
                rustix::process::waitpid(Some(server), rustix::process::WaitOptions::NOHANG)
        {
            self.spec.rootfs_server = None;
            self.failure = Some(ROOTFS_SERVER_ENDED.to_string());
            if self.exit_code.is_none() {
                let _ = rustix::process::kill_process(self.init, Signal::KILL);
            }
        }
        self.failure.is_some()
    }

    fn reap(&mut self) {
        self.rootfs_server_ended();
        if let Some(network) = &mut self.network {
            network.reap();
        }
        if self.exit_code.is_some() {
            return;
        }
        if let Ok(Some((_, status))) =
            rustix::process::waitpid(Some(self.init), rustix::process::WaitOptions::NOHANG)
        {
            self.exit_code = status
                .exit_status()
                .or(status.terminating_signal().map(|s| 128 + s));
        }
    }

    fn accept(&mut self) {
        if let Ok(socket) =
            rustix::net::accept_with(&self.listener, rustix::net::SocketFlags::CLOEXEC)
        {
            self.clients.push(Client::new(socket));
        }
    }

    fn on_client_message(&mut self, i: usize, buffer: &mut [u8]) {
        let message = match protocol::receive(&self.clients[i].socket, buffer) {
            Ok(Some(message)) => message,
            _ => {
                self.clients[i].gone = true;
                return;
            }
        };
        match message {
            (protocol::STDIN, data) if self.input.is_some() => {
                self.pending_input.extend_from_slice(data);
                self.flush_input();
            }
            (protocol::STDIN_EOF, _) if self.terminal.is_none() => {
                self.close_input = true;
                self.flush_input();
            }
            (protocol::RESIZE, size) => {
                if let (Some(terminal), Some(rows), Some(cols)) =
                    (&self.terminal, size.get(..2), size.get(2..4))
                {
                    let size = rustix::termios::Winsize {
                        ws_row: u16::from_le_bytes([rows[0], rows[1]]),
                        ws_col: u16::from_le_bytes([cols[0], cols[1]]),
                        ws_xpixel: 0,
                        ws_ypixel: 0,
                    };
                    let _ = rustix::termios::tcsetwinsize(terminal, size);
                }
            }
            (protocol::SIGNAL, number) => {
                if self.exit_code.is_none()
                    && let Some(signal) = protocol::int(number).and_then(Signal::from_named_raw)
                {
                    let _ = rustix::process::kill_process(self.init, signal);
                }
            }
            _ => {}
        }
    }

    fn flush_input(&mut self) {
        let Some(input) = &self.input else {
            self.pending_input.clear();
            return;
        };
        while !self.pending_input.is_empty() {
            match rustix::io::write(input, &self.pending_input) {
                Ok(n) => {
                    self.pending_input.drain(..n);
                }
                Err(rustix::io::Errno::INTR) => {}
                Err(rustix::io::Errno::AGAIN) => return,
                Err(_) => {
                    // The container closed its input: what is left is lost.
                    self.pending_input.clear();
                    self.input = None;
                    return;
                }
            }
        }
        if self.close_input {
            self.input = None;
        }
    }

    fn on_container_output(&mut self, i: usize, buffer: &mut [u8]) {
        let output = &mut self.outputs[i];
        let n = match rustix::io::read(&output.fd, &mut buffer[..protocol::MAX_PAYLOAD]) {
            Ok(n) if n > 0 => n,
            Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => return,
            // End of file, or EIO: the terminal's last user closed it.
            _ => {
                output.closed = true;
                return;
            }
        };
        let data = &buffer[..n];
        self.log.write(output.stream, data);
        let kind = match output.stream {
            Stream::Stdout => protocol::STDOUT,
            Stream::Stderr => protocol::STDERR,
        };
        for client in self.clients.iter_mut().filter(|c| !c.gone) {
            client.gone = protocol::send(&client.socket, kind, data).is_err();
        }
    }
}
