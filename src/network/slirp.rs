//! slirp4netns: user-mode networking for the container's network
//! namespace. The monitor starts it once the container's init exists,
//! waits on its ready pipe, publishes ports through its API socket, and
//! ends it by closing its exit pipe (which also happens when the monitor
//! dies, however it dies).

use super::helper::{
    Namespaces, READY_TIMEOUT_SECONDS, default_signals, keep_open, last_line, wait_ready,
};
use super::ports::{HeldPort, PortBinding};
use anyhow::{Context, Result, bail};
use rustix::fd::{AsRawFd, OwnedFd};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};

/// `--network slirp4netns[:OPTION,…]`, Podman's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub mtu: u32,
    /// Whether the container may reach the host's 127.0.0.1 at the
    /// network's gateway (`.2`).
    pub allow_host_loopback: bool,
    /// The container's network, `cidr=`; slirp4netns's 10.0.2.0/24 when
    /// absent.
    pub cidr: Option<Network>,
    /// Where outbound connections leave the host from: an IPv4 address
    /// or an interface's name.
    pub outbound_addr: Option<String>,
    /// The IPv6 address they leave from (with `enable_ipv6`).
    pub outbound_addr6: Option<Ipv6Addr>,
    /// Also IPv6 inside (slirp4netns's announced network, experimental).
    pub enable_ipv6: bool,
    /// Who forwards published ports.
    pub port_handler: PortHandler,
}

/// `port_handler=`: who forwards published ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PortHandler {
    /// slirp4netns, which keeps the client's address visible inside;
    /// rpod's own forwarder for host addresses in IPv6, which
    /// slirp4netns cannot listen on.
    #[default]
    Slirp4netns,
    /// rpod's own forwarder for every port (Podman's name for one that
    /// relays from inside the namespace): faster, but the container sees
    /// connections come from its own address.
    Rootlesskit,
}

/// An IPv4 network: its address (host bits zero) and prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: Ipv4Addr,
    prefix: u8,
}

impl Network {
    /// slirp4netns's default network.
    const DEFAULT: Network = Network {
        address: Ipv4Addr::new(10, 0, 2, 0),
        prefix: 24,
    };

    /// `A.B.C.D/N`, with room for the guest's `.100` (N at most 25).
    fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = text.split_once('/')?;
        let address: Ipv4Addr = address.parse().ok()?;
        let prefix: u8 = prefix.parse().ok().filter(|p| (1..=25).contains(p))?;
        let host_bits = u32::MAX >> prefix;
        (u32::from(address) & host_bits == 0).then_some(Self { address, prefix })
    }

    /// The network's `n`th address.
    fn nth(&self, n: u32) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.address).saturating_add(n))
    }
}

/// A network interface's name as the kernel allows it.
fn is_interface_name(name: &str) -> bool {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.@".contains(c);
    (1..16).contains(&name.len()) && name.chars().all(allowed) && name != "." && name != ".."
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.address, self.prefix)
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mtu: 65520,
            allow_host_loopback: false,
            cidr: None,
            outbound_addr: None,
            outbound_addr6: None,
            enable_ipv6: false,
            port_handler: PortHandler::default(),
        }
    }
}

impl Options {
    /// Parses Podman's `mtu=N,allow_host_loopback=BOOL,cidr=A.B.C.D/N,
    /// enable_ipv6=BOOL,outbound_addr=IPv4,outbound_addr6=IPv6,
    /// port_handler=slirp4netns|rootlesskit`.
    pub fn parse(text: &str) -> Result<Self> {
        let mut options = Self::default();
        for option in text.split(',').filter(|o| !o.is_empty()) {
            let (key, value) = option.split_once('=').unwrap_or((option, ""));
            let invalid = || format!("invalid slirp4netns option {option:?}");
            match key {
                "mtu" => {
                    options.mtu = value
                        .parse()
                        .ok()
                        .filter(|m| (68..=65521).contains(m))
                        .with_context(|| format!("{}: the MTU must be 68 to 65521", invalid()))?
                }
                "allow_host_loopback" => {
                    options.allow_host_loopback = value.parse().with_context(invalid)?
                }
                "cidr" => {
                    let network = Network::parse(value).with_context(|| {
                        format!(
                            "{}: expected a network such as 10.0.3.0/24, host bits zero, /25 at most",
                            invalid()
                        )
                    })?;
                    options.cidr = Some(network);
                }
                "enable_ipv6" => options.enable_ipv6 = value.parse().with_context(invalid)?,
                "outbound_addr" => {
                    let address_or_interface =
                        value.parse::<Ipv4Addr>().is_ok() || is_interface_name(value);
                    if !address_or_interface {
                        bail!("{}: expected an IPv4 address or an interface", invalid());
                    }
                    options.outbound_addr = Some(value.to_string());
                }
                "outbound_addr6" => {
                    let address = value
                        .parse::<Ipv6Addr>()
                        .ok()
                        .filter(|a| a.to_ipv4_mapped().is_none())
                        .with_context(|| format!("{}: expected an IPv6 address", invalid()))?;
                    options.outbound_addr6 = Some(address);
                }
                "port_handler" => {
                    options.port_handler = match value {
                        "slirp4netns" => PortHandler::Slirp4netns,
                        "rootlesskit" => PortHandler::Rootlesskit,
                        _ => bail!("{}: expected slirp4netns or rootlesskit", invalid()),
                    }
                }
                _ => bail!(
                    "{}: rpod takes mtu, allow_host_loopback, cidr, enable_ipv6, \
                     outbound_addr, outbound_addr6 and port_handler",
                    invalid()
                ),
            }
        }
        if options.outbound_addr6.is_some() && !options.enable_ipv6 {
            bail!("invalid slirp4netns options {text:?}: outbound_addr6 needs enable_ipv6=true");
        }
        Ok(options)
    }

    fn network(&self) -> Network {
        self.cidr.unwrap_or(Network::DEFAULT)
    }

    /// The container's address in its network (`.100`).
    pub fn guest_address(&self) -> Ipv4Addr {
        self.network().nth(100)
    }

    /// The gateway (`.2`): the host's loopback, when allowed.
    pub fn gateway_address(&self) -> Ipv4Addr {
        self.network().nth(2)
    }

    /// slirp4netns's DNS forwarder (`.3`).
    pub fn dns_address(&self) -> Ipv4Addr {
        self.network().nth(3)
    }

    /// slirp4netns's arguments for these options (but the MTU).
    fn arguments(&self) -> Vec<String> {
        let mut arguments = Vec::new();
        if !self.allow_host_loopback {
            arguments.push("--disable-host-loopback".to_string());
        }
        if let Some(network) = self.cidr {
            arguments.push(format!("--cidr={network}"));
        }
        if self.enable_ipv6 {
            arguments.push("--enable-ipv6".to_string());
        }
        if let Some(address) = &self.outbound_addr {
            arguments.push(format!("--outbound-addr={address}"));
        }
        if let Some(address) = self.outbound_addr6 {
            arguments.push(format!("--outbound-addr6={address}"));
        }
        arguments
    }
}

/// A running slirp4netns; dropping it ends it.
pub struct Slirp {
    child: std::process::Child,
    /// Closing it tells slirp4netns to exit.
    exit: Option<OwnedFd>,
    /// The directory of its API socket, `API_SOCKET`.
    runtime_dir: PathBuf,
    /// Where published ports lead.
    guest_address: Ipv4Addr,
    /// The API's IDs of the ports it publishes.
    forwards: Vec<u64>,
}

/// slirp4netns's API socket, in the container's runtime directory (its
/// working directory: the full path may be too long for a socket).
const API_SOCKET: &str = "slirp4netns.sock";

impl Slirp {
    /// Starts slirp4netns on the container's namespaces and returns once
    /// it has configured `tap0` there. Its messages go to
    /// `slirp4netns.log` in `runtime_dir`; a failure quotes the last one
    /// (its standard output, progress only, is dropped).
    /// It listens on an API socket only when it `publishes` ports.
    pub fn start(
        options: &Options,
        namespaces: &Namespaces,
        runtime_dir: &Path,
        publishes: bool,
    ) -> Result<Self> {
        if options.enable_ipv6 {
            // As Podman does: the address slirp4netns announces is used at
            // once, not a second or two later once no other host claims it
            // (none can, on tap0).
            namespaces
                .run_inside(|| std::fs::write("/proc/sys/net/ipv6/conf/default/accept_dad", "0"))
                .context("cannot turn IPv6 duplicate address detection off")?;
        }
        let log_path = runtime_dir.join("slirp4netns.log");
        let log = std::fs::File::create(&log_path)
            .with_context(|| format!("cannot create {}", log_path.display()))?;
        let pipe = || rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC);
        let (ready_read, ready_write) = pipe().context("cannot create a pipe")?;
        let (exit_read, exit_write) = pipe().context("cannot create a pipe")?;
        let [ready, exit, net, user] = [
            ready_write.as_raw_fd(),
            exit_read.as_raw_fd(),
            namespaces.net.as_raw_fd(),
            namespaces.user.as_raw_fd(),
        ];
        let mut command = std::process::Command::new("slirp4netns");
        command
            .arg("--configure")
            .arg(format!("--ready-fd={ready}"))
            .arg(format!("--exit-fd={exit}"))
            .arg(format!("--mtu={}", options.mtu))
            .args(["--enable-sandbox", "--enable-seccomp"])
            .args(
                publishes
                    .then_some(["--api-socket", API_SOCKET])
                    .into_iter()
                    .flatten(),
            )
            .args(options.arguments())
            // It opens the namespaces through the descriptors it inherits.
            .arg("--netns-type=path")
            .arg(format!("--userns-path=/proc/self/fd/{user}"))
            .arg(format!("/proc/self/fd/{net}"))
            .arg("tap0")
            .current_dir(runtime_dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(log);
        // SAFETY: between fork and exec the closure only makes raw
        // syscalls (fcntl, sigprocmask), which are async-signal-safe.
        unsafe {
            command.pre_exec(move || {
                keep_open(&[ready, exit, net, user])?;
                default_signals()
            });
        }
        let child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => anyhow::anyhow!(
                "slirp4netns is not installed: install the slirp4netns package, \
                 or run with --network none, host or pasta"
            ),
            _ => anyhow::Error::new(e).context("cannot start slirp4netns"),
        })?;
        drop((ready_write, exit_read));
        let mut slirp = Self {
            child,
            exit: Some(exit_write),
            runtime_dir: runtime_dir.to_path_buf(),
            guest_address: options.guest_address(),
            forwards: Vec::new(),
        };
        if let Err(e) = wait_ready(&ready_read) {
            // Before it is ready it does not watch its exit pipe.
            let _ = slirp.child.kill();
            drop(slirp);
            let said = last_line(&log_path);
            bail!("slirp4netns could not set up the network: {e}{said}");
        }
        Ok(slirp)
    }

    /// Publishes `binding` (its host port is no longer 0) through the API
    /// socket.
    pub fn add_hostfwd(&mut self, binding: &PortBinding) -> Result<()> {
        let reply = self.ask(serde_json::json!({
            "execute": "add_hostfwd",
            "arguments": {
                "proto": binding.protocol,
                "host_addr": binding.host_ip.to_string(),
                "host_port": binding.host_port,
                "guest_addr": self.guest_address.to_string(),
                "guest_port": binding.container_port,
            }
        }))?;
        if let Some(error) = reply.get("error") {
            let reason = error["desc"].as_str().unwrap_or("refused");
            bail!(
                "cannot publish {}:{}/{}: {reason} (is the host port in use?)",
                binding.host_ip_text(),
                binding.host_port,
                binding.protocol
            );
        }
        let id = reply["return"]["id"].as_u64();
        self.forwards
            .push(id.context("slirp4netns gave no ID for a published port")?);
        Ok(())
    }

    /// Lets go of every published host port at once, without waiting
    /// for slirp4netns to exit (its sandbox takes a while to go).
    pub fn remove_hostfwds(&mut self) -> Result<()> {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            // Gone already, and its ports with it.
            self.forwards.clear();
        }
        while let Some(&id) = self.forwards.last() {
            let request = serde_json::json!({
                "execute": "remove_hostfwd",
                "arguments": { "id": id }
            });
            if let Some(error) = self.ask(request)?.get("error") {
                bail!("slirp4netns kept a published port: {error}");
            }
            self.forwards.pop();
        }
        Ok(())
    }

    /// One request to the API socket, and its answer.
    fn ask(&self, request: serde_json::Value) -> Result<serde_json::Value> {
        let mut socket = self
            .connect()
            .context("cannot reach slirp4netns's API socket")?;
        // A slirp4netns that stops answering must not hang the monitor.
        socket.set_read_timeout(Some(std::time::Duration::from_secs(
            READY_TIMEOUT_SECONDS as u64,
        )))?;
        socket.write_all(request.to_string().as_bytes())?;
        socket.shutdown(std::net::Shutdown::Write)?;
        let mut reply = String::new();
        socket.read_to_string(&mut reply)?;
        serde_json::from_str(&reply).context("slirp4netns gave an unreadable answer")
    }

    fn connect(&self) -> std::io::Result<std::os::unix::net::UnixStream> {
        let (_dir, address) =
            crate::monitor::protocol::unix_address_in(&self.runtime_dir, API_SOCKET)?;
        let socket = rustix::net::socket_with(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::STREAM,
            rustix::net::SocketFlags::CLOEXEC,
            None,
        )?;
        // slirp4netns 1.2 binds its API socket before it reports ready;
        // older ones did it just after, so the socket may still be
        // missing or not yet listening for a moment.
        let deadline = std::time::Instant::now() + API_SOCKET_GRACE;
        loop {
            match rustix::net::connect(&socket, &address) {
                Err(rustix::io::Errno::NOENT | rustix::io::Errno::CONNREFUSED)
                    if std::time::Instant::now() < deadline =>
                {
                    std::thread::sleep(std::time::Duration::from_micros(200));
                }
                result => return Ok(result.map(|()| socket.into())?),
            }
        }
    }

    /// Publishes every binding (host ports chosen); the sockets in
    /// `held` that hold chosen ports let them go just before slirp4netns
    /// binds them, so that no two bindings get the same.
    pub fn publish(&mut self, bindings: &[PortBinding], held: &mut Vec<HeldPort>) -> Result<()> {
        for binding in bindings {
            if let Some(index) = held.iter().position(|h| h.holds(binding)) {
                drop(held.swap_remove(index));
            }
            self.add_hostfwd(binding)?;
        }
        Ok(())
    }
}

impl Slirp {
    /// Tells slirp4netns to exit (it tears its sandbox down, which takes
    /// a while); it is waited for when dropped.
    pub fn stop(&mut self) {
        drop(self.exit.take());
    }
}

impl Drop for Slirp {
    fn drop(&mut self) {
        self.stop();
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            // It exits as soon as it sees the pipe closed.
            let _ = self.child.wait();
        }
    }
}

/// How long an older slirp4netns may take to bind its API socket once
/// ready.
const API_SOCKET_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_parse_and_bad_ones_are_refused() {
        assert_eq!(Options::parse("").unwrap(), Options::default());
        let options = Options::parse("mtu=1500,allow_host_loopback=true").unwrap();
        assert_eq!(
            options,
            Options {
                mtu: 1500,
                allow_host_loopback: true,
                ..Options::default()
            }
        );
        assert_eq!(options.arguments(), Vec::<String>::new());
        assert_eq!(
            Options::default().guest_address(),
            Ipv4Addr::new(10, 0, 2, 100)
        );
        assert_eq!(
            Options::parse("port_handler=rootlesskit")
                .unwrap()
                .port_handler,
            PortHandler::Rootlesskit
        );
        let options = Options::parse(
            "cidr=10.99.0.0/25,enable_ipv6=true,outbound_addr=eth0,outbound_addr6=2001:db8::1,\
             port_handler=slirp4netns",
        )
        .unwrap();
        assert_eq!(
            (
                options.guest_address(),
                options.gateway_address(),
                options.dns_address()
            ),
            (
                Ipv4Addr::new(10, 99, 0, 100),
                Ipv4Addr::new(10, 99, 0, 2),
                Ipv4Addr::new(10, 99, 0, 3)
            )
        );
        assert_eq!(
            options.arguments(),
            [
                "--disable-host-loopback",
                "--cidr=10.99.0.0/25",
                "--enable-ipv6",
                "--outbound-addr=eth0",
                "--outbound-addr6=2001:db8::1"
            ]
        );
        for bad in [
            "mtu=0",
            "mtu=x",
            "allow_host_loopback=yes",
            "port_handler=rootless",
            "cidr=10.1.0.0/26",
            "cidr=10.1.0.1/24",
            "cidr=10.1.0.0",
            "enable_ipv6=1",
            "outbound_addr=a/b",
            "outbound_addr=",
            "enable_ipv6=true,outbound_addr6=10.0.0.1",
            "enable_ipv6=true,outbound_addr6=::ffff:10.0.0.1",
            "outbound_addr6=2001:db8::1",
            "dns=1.1.1.1",
        ] {
            assert!(Options::parse(bad).is_err(), "{bad}");
        }
    }
}
