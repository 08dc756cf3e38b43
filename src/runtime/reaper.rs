//! `--init`: the container's PID 1 stays rpod's own small init instead
//! of becoming the workload. It runs the command as its child, passes
//! every signal it gets on to it, reaps every process that ends up as
//! its child, and exits with the command's exit code (128+N when signal
//! N ended it).

use super::{Process, init};
use anyhow::anyhow;
use rustix::fd::OwnedFd;

/// Forks the workload and reaps until it has ended.
pub fn run(process: &Process, status: OwnedFd) -> ! {
    // Every signal waits for `sigwaitinfo` below (the child unblocks
    // them): PID 1 has no default actions to fall back on.
    let all = signal_set(true);
    // SAFETY: plain signal-mask syscall.
    unsafe { libc::sigprocmask(libc::SIG_SETMASK, &all, std::ptr::null_mut()) };
    // SAFETY: the init is single-threaded.
    let child = unsafe { libc::fork() };
    if child < 0 {
        let error = anyhow!(std::io::Error::last_os_error()).context("cannot start the command");
        init::exec_or_report(Err(error), process, &status);
    }
    if child == 0 {
        become_foreground();
        let none = signal_set(false);
        // SAFETY: plain signal-mask syscall.
        unsafe { libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut()) };
        init::exec_or_report(Ok(()), process, &status);
    }
    // The child reports its own exec. This process never execs, so it
    // closes what it inherited beyond its standard streams (the start-up
    // pipe, and the monitor's descriptors that close-on-exec would have
    // closed): nothing waiting for their end may wait for this process.
    drop(status);
    // SAFETY: a plain syscall on this process's own descriptor table.
    unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
    // SAFETY: plain prctl calls on this process: a short name for `ps`,
    // and no ptrace or /proc/1/exe access for the container's processes
    // (this process is the rpod binary).
    unsafe {
        libc::prctl(libc::PR_SET_NAME, c"rpod-init".as_ptr());
        libc::prctl(libc::PR_SET_DUMPABLE, 0);
    }
    loop {
        // SAFETY: waiting for one of the blocked signals.
        let signal = unsafe { libc::sigwaitinfo(&all, std::ptr::null_mut()) };
        if signal == libc::SIGCHLD {
            if let Some(code) = reap(child) {
                // SAFETY: ending the process without unwinding.
                unsafe { libc::_exit(code) };
            }
        } else if signal > 0 {
            // SAFETY: signalling the child this process started.
            unsafe { libc::kill(child, signal) };
        }
    }
}

/// Reaps every child that has ended; the exit code once `child` has.
fn reap(child: libc::pid_t) -> Option<i32> {
    let mut code = None;
    loop {
        let mut status = 0;
        // SAFETY: waiting for this process's children.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
        if pid <= 0 {
            return code;
        }
        if pid == child {
            code = Some(if libc::WIFSIGNALED(status) {
                128 + libc::WTERMSIG(status)
            } else {
                libc::WEXITSTATUS(status)
            });
        }
    }
}

/// The command gets a process group of its own and, on a terminal, the
/// foreground: keyboard signals then reach it once, not also through
/// PID 1. Done while every signal is still blocked (SIGTTOU included).
fn become_foreground() {
    // SAFETY: plain syscalls on this process and its terminal.
    unsafe {
        libc::setpgid(0, 0);
        if libc::isatty(0) == 1 {
            libc::tcsetpgrp(0, libc::getpid());
        }
    }
}

fn signal_set(full: bool) -> libc::sigset_t {
    // SAFETY: initialising a sigset_t the libc way.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        if full {
            libc::sigfillset(&mut set);
        } else {
            libc::sigemptyset(&mut set);
        }
        set
    }
}
