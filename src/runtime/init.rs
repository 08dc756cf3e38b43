//! The container's init, PID 1 of its PID namespace: its own mount
//! namespace, the container's mounts, `pivot_root`, masked `/proc` paths,
//! hostname, working directory, no inherited descriptors, the capability
//! bounding set, the container's user and capabilities, the seccomp
//! filter, then the workload.
//! Its standard streams are the monitor's pipes, or a terminal it opens
//! in the container's own devpts.

use super::{Process, Security, Spec, StartFailed, Stdio, capabilities, exec, mounts, tty};
use anyhow::{Context, Result};
use rustix::fd::{AsRawFd, OwnedFd};
use rustix::process::Signal;

/// Exit code when rpod could not set the container up (Docker's 125).
pub const SETUP_FAILED: i32 = 125;

/// Pipes the init waits on until the monitor closes them.
pub struct Waits {
    /// In a user namespace of its own: its id maps are written.
    pub maps_written: Option<OwnedFd>,
    /// The network helper has connected the namespace.
    pub network_ready: Option<OwnedFd>,
}

/// Sets up and execs the workload. On failure the exit code and the
/// reason go to `status` (close-on-exec: a successful exec closes it
/// empty) and the process ends. In a user namespace of its own, the init
/// first waits for its maps; the workload waits for the network.
pub fn start(spec: &Spec, stdio: Stdio, status: OwnedFd, waits: Waits) -> ! {
    let prepared = waits
        .maps_written
        .map_or(Ok(()), become_root_of_own_namespace)
        .and_then(|()| prepare(spec, stdio, waits.network_ready));
    if spec.init && prepared.is_ok() {
        super::reaper::run(&spec.process, status);
    }
    exec_or_report(prepared, &spec.process, &status)
}

/// Execs the workload once `prepared` succeeded; otherwise, or when the
/// exec fails, reports the exit code and reason on `status` and ends
/// the process.
pub(super) fn exec_or_report(prepared: Result<()>, process: &Process, status: &OwnedFd) -> ! {
    let (code, message) = match prepared {
        Ok(()) => exec::exec(&process.args, &process.env),
        Err(e) => (SETUP_FAILED, crate::cli::one_line(&e)),
    };
    let _ = rustix::io::write(status, &StartFailed { code, message }.encode());
    // SAFETY: leaving the forked child without unwinding the parent's state.
    unsafe { libc::_exit(code) }
}

/// Once the monitor has written the maps (it closes `maps_written`),
/// becomes uid and gid 0 of the new namespace, so that what the set-up
/// creates belongs to the container's root.
fn become_root_of_own_namespace(maps_written: OwnedFd) -> Result<()> {
    wait_for_close(&maps_written);
    // SAFETY: plain syscalls in a single-threaded process.
    let failed = unsafe { libc::setresgid(0, 0, 0) != 0 || libc::setresuid(0, 0, 0) != 0 };
    if failed {
        return Err(std::io::Error::last_os_error())
            .context("cannot become root of the container's user namespace");
    }
    Ok(())
}

/// Blocks until every write end of the pipe is closed.
fn wait_for_close(pipe: &OwnedFd) {
    let mut byte = [0u8; 1];
    while let Err(rustix::io::Errno::INTR) = rustix::io::read(pipe, &mut byte) {}
}

fn prepare(spec: &Spec, stdio: Stdio, network_ready: Option<OwnedFd>) -> Result<()> {
    // The container dies with the process that waits for it.
    rustix::process::set_parent_process_death_signal(Some(Signal::KILL))?;
    let terminal = use_stdio(stdio)?;
    // A mount namespace of its own, so that pivot_root does not move the
    // waiting parent into the container.
    // SAFETY: only the mount namespace is unshared.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNS) }
        .context("cannot create a mount namespace")?;
    let etc_mounted = mounts::prepare(spec)?;
    mounts::pivot(&spec.rootfs)?;
    if let Some((socket, size)) = terminal {
        tty::take_new_terminal(&socket, size, tty::Console::Bind)?;
    }
    if !spec.security.privileged {
        mounts::mask_kernel_files()?;
    }
    rustix::system::sethostname(spec.hostname.as_bytes()).context("cannot set the hostname")?;
    if !spec.domainname.is_empty() {
        rustix::system::setdomainname(spec.domainname.as_bytes())
            .context("cannot set the domain name")?;
    }
    enter_workdir(&spec.process.cwd)?;
    if spec.read_only {
        mounts::make_root_read_only(&etc_mounted)?;
    }
    mounts::set_binds_propagation(&spec.binds)?;
    mounts::make_binds_read_only(&spec.binds)?;
    super::ulimits::apply(&spec.ulimits)?;
    // The mounts above went on while the monitor connected the network.
    if let Some(ready) = network_ready {
        wait_for_close(&ready);
    }
    become_workload(&spec.process, &spec.security)
}

/// Puts pipes in place as the standard streams; for a terminal, returns
/// the socket and size to make one with once inside the container.
pub(super) fn use_stdio(
    stdio: Stdio,
) -> Result<Option<(OwnedFd, Option<rustix::termios::Winsize>)>> {
    match stdio {
        Stdio::Pipes {
            stdin,
            stdout,
            stderr,
        } => {
            for (fd, target) in [(stdin, 0), (stdout, 1), (stderr, 2)] {
                // SAFETY: duplicating a descriptor this process owns onto a
                // standard stream.
                if unsafe { libc::dup2(fd.as_raw_fd(), target) } < 0 {
                    return Err(std::io::Error::last_os_error())
                        .context("cannot set up the standard streams");
                }
            }
            Ok(None)
        }
        Stdio::Tty { console, size } => Ok(Some((console, size))),
    }
}

/// The last steps of every container process before its exec: no
/// inherited descriptors, the capability bounding set, the user, the
/// capabilities, no_new_privs, default signal handling.
pub(super) fn become_workload(process: &Process, security: &Security) -> Result<()> {
    close_inherited_descriptors();
    capabilities::limit_bounding_set(security.capabilities)?;
    // Without no_new_privs, installing a filter takes CAP_SYS_ADMIN (in
    // rpod's user namespace), which the workload's user may lack: install
    // it now, so that the calls from here to the exec pass through it.
    if !security.no_new_privileges {
        install_seccomp(security)?;
    }
    become_user(process)?;
    if process.uid == 0 {
        capabilities::apply(security.capabilities)?;
    }
    if security.no_new_privileges {
        rustix::thread::set_no_new_privs(true).context("cannot set no_new_privs")?;
    }
    default_signals();
    // With no_new_privs the filter needs no privilege: install it last,
    // so that little more than the exec passes through it.
    if security.no_new_privileges {
        install_seccomp(security)?;
    }
    Ok(())
}

fn install_seccomp(security: &super::Security) -> Result<()> {
    security.seccomp.as_ref().map_or(Ok(()), |f| f.install())
}

/// The workload starts with every signal at its default and none blocked
/// (the monitor blocks some and Rust ignores SIGPIPE).
fn default_signals() {
    // SAFETY: plain signal-state syscalls on this single-threaded process.
    unsafe {
        for signal in 1..libc::SIGRTMAX() {
            if signal != libc::SIGKILL && signal != libc::SIGSTOP {
                libc::signal(signal, libc::SIG_DFL);
            }
        }
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
}

/// Creates the working directory if the image lacks it (inside the
/// container: symlinks resolve within it), and enters it.
fn enter_workdir(cwd: &str) -> Result<()> {
    let cwd = if cwd.is_empty() { "/" } else { cwd };
    std::fs::create_dir_all(cwd)
        .with_context(|| format!("cannot create the working directory {cwd}"))?;
    std::env::set_current_dir(cwd)
        .with_context(|| format!("cannot enter the working directory {cwd}"))
}

/// Marks every descriptor above stderr close-on-exec, so nothing of the
/// host leaks into the workload.
fn close_inherited_descriptors() {
    const CLOSE_RANGE_CLOEXEC: libc::c_uint = 1 << 2;
    // SAFETY: a plain syscall on this process's own descriptor table.
    unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, CLOSE_RANGE_CLOEXEC) };
}

fn become_user(process: &Process) -> Result<()> {
    // Under a single-uid mapping setgroups is denied for the whole
    // namespace: the process keeps no supplementary group at all.
    let denied =
        std::fs::read_to_string("/proc/self/setgroups").is_ok_and(|state| state.trim() == "deny");
    if !denied {
        let groups: Vec<libc::gid_t> = process.groups.clone();
        // SAFETY: a valid pointer and length.
        if unsafe { libc::setgroups(groups.len(), groups.as_ptr()) } != 0 {
            return Err(std::io::Error::last_os_error())
                .context("cannot set the supplementary groups");
        }
    }
    // SAFETY: plain syscalls; glibc applies them to every thread.
    if unsafe { libc::setresgid(process.gid, process.gid, process.gid) } != 0 {
        return Err(std::io::Error::last_os_error()).with_context(|| {
            format!(
                "cannot become group {} (is it mapped? see /etc/subgid)",
                process.gid
            )
        });
    }
    // SAFETY: as above.
    if unsafe { libc::setresuid(process.uid, process.uid, process.uid) } != 0 {
        return Err(std::io::Error::last_os_error()).with_context(|| {
            format!(
                "cannot become user {} (is it mapped? see /etc/subuid)",
                process.uid
            )
        });
    }
    Ok(())
}
