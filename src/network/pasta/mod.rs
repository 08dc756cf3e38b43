//! pasta (Debian package `passt`): a faster user-mode network than
//! slirp4netns. It copies the host's addresses and routes into the
//! container's namespace, forwards published ports itself, and maps the
//! gateway's address to the host. It runs in the foreground under a small
//! guard process (see `guard`), and tells it is ready by writing its PID
//! into a pipe.

mod guard;

use super::helper::{Namespaces, last_line, wait_ready};
use super::ports::PortBinding;
use anyhow::{Context, Result, bail};
use rustix::fd::{AsRawFd, OwnedFd};
use std::path::Path;

/// The address inside at which pasta answers DNS queries with the host's
/// resolver.
pub const DNS_ADDRESS: &str = "169.254.1.1";

/// A running pasta, behind its guard; dropping it ends it and waits.
pub struct Pasta {
    /// `None` once reaped: its PID may belong to another process then.
    guard: Option<rustix::process::Pid>,
    /// pasta itself, signalled too when it stops: a guard killed with
    /// SIGKILL would leave it running.
    pasta: Option<OwnedFd>,
}

/// The guard's exit code when there is no pasta to run.
const NOT_INSTALLED: i32 = 127;

impl Pasta {
    /// Starts pasta on the container's namespaces with the user's extra
    /// `options`, publishing `ports` (host ports already chosen), and
    /// returns once it has configured the namespace. Its messages go to
    /// `pasta.log` in `runtime_dir`; a failure quotes the last one.
    pub fn start(
        options: &[String],
        namespaces: &Namespaces,
        runtime_dir: &Path,
        ports: &[PortBinding],
    ) -> Result<Self> {
        let log_path = runtime_dir.join("pasta.log");
        let log = std::fs::File::create(&log_path)
            .with_context(|| format!("cannot create {}", log_path.display()))?;
        let (ready_read, ready_write) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)
            .context("cannot create a pipe")?;
        let mut command = std::process::Command::new("pasta");
        command
            .args(["--foreground", "--quiet", "--config-net", "--no-netns-quit"])
            // Its PID, written once it is ready, goes into the pipe.
            .args(["--pid", "/proc/self/fd/3"])
            .args(["--netns", "/proc/self/fd/4"])
            // pasta refuses to enter the namespace it is in already.
            .args(
                (!namespaces.user_is_ours)
                    .then_some(["--userns", "/proc/self/fd/5"])
                    .into_iter()
                    .flatten(),
            )
            .args(["--dns-forward", DNS_ADDRESS])
            .args(forwarding_flags(ports, options))
            .args(options)
            .current_dir(runtime_dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null());
        let sources = [
            ready_write.as_raw_fd(),
            namespaces.net.as_raw_fd(),
            namespaces.user.as_raw_fd(),
            log.as_raw_fd(),
        ];
        // SAFETY: the monitor is single-threaded; the child only runs
        // `guard`, which never returns.
        let guard = unsafe { libc::fork() };
        if guard < 0 {
            return Err(std::io::Error::last_os_error()).context("cannot start pasta");
        }
        if guard == 0 {
            guard::run(command, &sources);
        }
        drop((ready_write, log));
        let guard =
            rustix::process::Pid::from_raw(guard).context("fork returned an invalid pid")?;
        let mut pasta = Self {
            guard: Some(guard),
            pasta: None,
        };
        let ready = wait_ready(&ready_read);
        pasta.pasta = ready.as_ref().ok().and_then(|word| {
            let pid = rustix::process::Pid::from_raw(word.trim().parse().ok()?)?;
            let pidfd = rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty());
            // Still the guard's child once held (not a reused PID).
            pidfd
                .ok()
                .filter(|_| parent_of(pid) == Some(guard.as_raw_nonzero().get()))
        });
        if let Err(e) = ready {
            let code = pasta.end();
            if code == Some(NOT_INSTALLED) {
                bail!(
                    "pasta is not installed: install the passt package, \
                     or run with --network slirp4netns, none or host"
                );
            }
            let said = last_line(&log_path);
            bail!("pasta could not set up the network: {e}{said}");
        }
        Ok(pasta)
    }

    /// Tells pasta (through its guard, and directly) to exit; it is
    /// waited for when dropped.
    pub fn stop(&mut self) {
        if let Some(guard) = self.guard {
            let _ = rustix::process::kill_process(guard, rustix::process::Signal::TERM);
        }
        if let Some(pasta) = &self.pasta {
            let _ = rustix::process::pidfd_send_signal(pasta, rustix::process::Signal::TERM);
        }
    }

    /// Reaps a guard that has ended (killed, say) and ends pasta with it:
    /// without its guard nothing would end pasta if the monitor died too.
    pub fn end_if_unguarded(&mut self) {
        let Some(guard) = self.guard else {
            return;
        };
        let nohang = rustix::process::WaitOptions::NOHANG;
        if let Ok(Some(_)) = rustix::process::waitpid(Some(guard), nohang) {
            self.guard = None;
            self.stop();
        }
    }

    /// Stops pasta and waits for its guard; returns the guard's exit code.
    fn end(mut self) -> Option<i32> {
        self.stop();
        self.guard
            .take()
            .and_then(|guard| crate::process::wait_exit_code(guard).ok())
    }
}

impl Drop for Pasta {
    fn drop(&mut self) {
        self.stop();
        if let Some(guard) = self.guard {
            let _ = crate::process::wait_exit_code(guard);
        }
    }
}

/// The parent of process `pid`, from `/proc/PID/status`.
fn parent_of(pid: rustix::process::Pid) -> Option<i32> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.as_raw_nonzero())).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("PPid:")?.trim().parse().ok())
}

/// The port forwarding flags: the published ports, and nothing else
/// forwarded either way, except where the user's own `options` say how.
fn forwarding_flags(ports: &[PortBinding], options: &[String]) -> Vec<String> {
    let given = |short: &str, long: &str| {
        options
            .iter()
            .any(|o| o == short || o == long || o.starts_with(&format!("{long}=")))
    };
    let mut flags = Vec::new();
    for (protocol, short, long, back_short, back_long) in [
        ("tcp", "-t", "--tcp-ports", "-T", "--tcp-ns"),
        ("udp", "-u", "--udp-ports", "-U", "--udp-ns"),
    ] {
        let published = port_flags(ports, protocol, short);
        if !(published.is_empty() && given(short, long)) {
            flags.extend(if published.is_empty() {
                vec![short.to_string(), "none".to_string()]
            } else {
                published
            });
        }
        if !given(back_short, back_long) {
            flags.extend([back_short.to_string(), "none".to_string()]);
        }
    }
    flags
}

/// `-t`/`-u` flags for the bindings of `protocol`: `[ADDRESS/]HOST:CTR`.
fn port_flags(ports: &[PortBinding], protocol: &str, flag: &'static str) -> Vec<String> {
    let specs: Vec<String> = ports
        .iter()
        .filter(|b| b.protocol == protocol)
        .map(|b| {
            // pasta listens on every address, IPv4 and IPv6, when given
            // none: `[::]` is named, so that it takes IPv6 only.
            let every_ipv4_address = b.host_ip == std::net::Ipv4Addr::UNSPECIFIED;
            let address = match every_ipv4_address {
                true => String::new(),
                false => format!("{}/", b.host_ip),
            };
            format!("{address}{}:{}", b.host_port, b.container_port)
        })
        .collect();
    specs
        .into_iter()
        .flat_map(|spec| [flag.to_string(), spec])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_specs_follow_pastas_syntax() {
        let mut ports = super::super::ports::parse_publish("127.0.0.1:18080:80").unwrap();
        ports.extend(super::super::ports::parse_publish("9000:9000/udp").unwrap());
        assert_eq!(
            forwarding_flags(&ports, &[]),
            [
                "-t",
                "127.0.0.1/18080:80",
                "-T",
                "none",
                "-u",
                "9000:9000",
                "-U",
                "none"
            ]
        );
        // The user's own forwarding options replace rpod's defaults.
        let options = [
            "-T".to_string(),
            "5432".to_string(),
            "--udp-ports=53".to_string(),
        ];
        assert_eq!(
            forwarding_flags(&[], &options),
            ["-t", "none", "-U", "none"]
        );
    }
}
