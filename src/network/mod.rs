//! The container's network. Rootless users cannot make veth pairs or
//! bridges, so a container either gets a network namespace of its own
//! that a user-mode helper (slirp4netns, or pasta) connects to the host
//! through the host's sockets, or shares one that exists: the host's,
//! another container's, or one named by path. Ports are published by the
//! helper, which listens on the host and forwards into the namespace, or
//! by rpod's own forwarder where slirp4netns cannot or is not asked to.

mod etc;
mod forwarder;
mod helper;
mod host;
pub mod pasta;
pub mod ports;
pub mod slirp;

pub use etc::{DnsConfig, EtcFiles, parse_add_host};
pub use helper::Namespaces;

use anyhow::{Context, Result, bail};
use ports::PortBinding;
use rustix::process::Pid;
use std::path::{Path, PathBuf};

/// `--network`: what the container's network namespace is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// A namespace of its own with only a loopback device.
    None,
    /// The host's (not isolated).
    Host,
    /// A namespace of its own, connected by slirp4netns (the default).
    Slirp4netns(slirp::Options),
    /// A namespace of its own, connected by pasta with these extra options.
    Pasta(Vec<String>),
    /// Another container's namespace (its full ID).
    Container(String),
    /// The namespace behind a path (`/proc/PID/ns/net`, a bind mount).
    Namespace(PathBuf),
}

impl Mode {
    /// Parses `--network`; `container:` names stay as given (the CLI
    /// resolves them to an ID before keeping them).
    pub fn parse(text: &str) -> Result<Self> {
        let (name, options) = text.split_once(':').unwrap_or((text, ""));
        let with_options = text.contains(':');
        Ok(match name {
            "none" if !with_options => Self::None,
            "host" if !with_options => Self::Host,
            // Docker's and Podman's names for the default.
            "bridge" | "default" if !with_options => Self::Slirp4netns(slirp::Options::default()),
            "slirp4netns" => Self::Slirp4netns(slirp::Options::parse(options)?),
            "container" if !options.is_empty() => Self::Container(options.to_string()),
            "ns" if options.starts_with('/') => Self::Namespace(PathBuf::from(options)),
            "pasta" => Self::Pasta(
                options
                    .split(',')
                    .filter(|o| !o.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            _ => bail!(
                "invalid --network {text:?}: rpod takes none, host, slirp4netns[:OPTIONS], \
                 pasta[:OPTIONS], container:NAME or ns:PATH"
            ),
        })
    }

    /// Whether the container gets a network namespace of its own.
    pub fn own_namespace(&self) -> bool {
        matches!(self, Self::None | Self::Slirp4netns(_) | Self::Pasta(_))
    }

    /// Whether a helper connects the namespace, and so `-p` can publish
    /// ports on it.
    pub fn publishes_ports(&self) -> bool {
        matches!(self, Self::Slirp4netns(_) | Self::Pasta(_))
    }

    /// The container's own address and its gateway (`None` without a
    /// network of its own that reaches out). pasta copies the host's.
    pub fn addresses(&self) -> Option<(String, String)> {
        match self {
            Self::Slirp4netns(options) => Some((
                options.guest_address().to_string(),
                options.gateway_address().to_string(),
            )),
            Self::Pasta(_) => Some((
                host::outward_address()?.to_string(),
                host::default_gateway()?.to_string(),
            )),
            _ => None,
        }
    }
}

/// `--network` when none is given: `network` in rpod.conf, else
/// slirp4netns.
pub fn default_mode(config: &crate::config::Config) -> String {
    config
        .network
        .clone()
        .unwrap_or_else(|| "slirp4netns".to_string())
}

/// The user-mode helper that connects a container's namespace, running
/// until stopped (or this value is dropped, which also waits for it), and
/// the ports it publishes.
#[derive(Default)]
pub struct Attached {
    helper: Option<Helper>,
    /// rpod's own forwarder, for the ports the helper does not publish.
    forwarder: Option<forwarder::Forwarder>,
    /// Every published port, with its host port.
    pub ports: Vec<PortBinding>,
}

enum Helper {
    Slirp(slirp::Slirp),
    Pasta(pasta::Pasta),
}

impl Attached {
    /// Tells the helper to end, without waiting for it, and kills the
    /// forwarder (reaped at once: it has no clean-up to do).
    pub fn stop(&mut self) {
        if let Some(forwarder) = &mut self.forwarder {
            forwarder.stop();
        }
        match &mut self.helper {
            Some(Helper::Slirp(slirp)) => slirp.stop(),
            Some(Helper::Pasta(pasta)) => pasta.stop(),
            None => {}
        }
    }

    /// Lets go of the published host ports now, where that needs no wait
    /// for the helper to exit: slirp4netns drops them on request and the
    /// forwarder is killed. Returns whether they are all free (pasta
    /// holds its own until it exits).
    pub fn release_ports(&mut self) -> bool {
        if let Some(forwarder) = &mut self.forwarder {
            forwarder.stop();
        }
        match &mut self.helper {
            Some(Helper::Slirp(slirp)) => slirp.remove_hostfwds().is_ok(),
            Some(Helper::Pasta(_)) => self.ports.is_empty(),
            None => true,
        }
    }

    /// After a SIGCHLD: a helper that lost its guard is ended (pasta's;
    /// slirp4netns needs none, it watches its exit pipe), and a dead
    /// forwarder reaped.
    pub fn reap(&mut self) {
        if let Some(Helper::Pasta(pasta)) = &mut self.helper {
            pasta.end_if_unguarded();
        }
        if let Some(forwarder) = &mut self.forwarder {
            forwarder.reap_if_ended();
        }
    }
}

/// Connects the container's `namespaces` (its init waits until this
/// returns before it runs the workload) as `mode` asks, and publishes
/// `ports`. The helper's files go in `runtime_dir`.
pub fn attach(
    mode: &Mode,
    ports: &[PortBinding],
    namespaces: &Namespaces,
    runtime_dir: &Path,
) -> Result<Attached> {
    match mode {
        Mode::Slirp4netns(options) => {
            let mut ports = ports.to_vec();
            let mut held = ports::choose_free(&mut ports)?;
            let by_forwarder = |binding: &PortBinding| {
                options.port_handler == slirp::PortHandler::Rootlesskit || binding.host_ip.is_ipv6()
            };
            let (forwarded, by_slirp): (Vec<_>, Vec<_>) =
                ports.iter().cloned().partition(by_forwarder);
            let target = std::net::IpAddr::V4(options.guest_address());
            let routes = forwarded
                .iter()
                .map(|binding| {
                    let listener = match held.iter().position(|h| h.holds(binding)) {
                        Some(index) => held.swap_remove(index),
                        None => ports::HeldPort::bind(binding)?,
                    };
                    let target = (target, binding.container_port).into();
                    Ok(forwarder::Route { listener, target })
                })
                .collect::<Result<Vec<_>>>()?;
            let mut slirp =
                slirp::Slirp::start(options, namespaces, runtime_dir, !by_slirp.is_empty())?;
            slirp.publish(&by_slirp, &mut held)?;
            let forwarder = (!routes.is_empty())
                .then(|| forwarder::Forwarder::start(routes, namespaces))
                .transpose()?;
            Ok(Attached {
                helper: Some(Helper::Slirp(slirp)),
                forwarder,
                ports,
            })
        }
        Mode::Pasta(options) => {
            // pasta binds the host ports itself at its start: the chosen
            // ports are let go just before.
            let mut ports = ports.to_vec();
            drop(ports::choose_free(&mut ports)?);
            let pasta = pasta::Pasta::start(options, namespaces, runtime_dir, &ports)?;
            Ok(Attached {
                helper: Some(Helper::Pasta(pasta)),
                forwarder: None,
                ports,
            })
        }
        _ => Ok(Attached::default()),
    }
}

/// Moves the calling process (a monitor, before it clones the init) into
/// the network namespace `mode` shares, if it names one; `running_init`
/// finds a container's init by ID.
pub fn join_shared(mode: &Mode, running_init: impl Fn(&str) -> Result<Pid>) -> Result<()> {
    let path = match mode {
        Mode::Container(id) => {
            let pid = running_init(id)?;
            PathBuf::from(format!("/proc/{}/ns/net", pid.as_raw_nonzero()))
        }
        Mode::Namespace(path) => path.clone(),
        _ => return Ok(()),
    };
    let namespace = std::fs::File::open(&path)
        .with_context(|| format!("cannot open the network namespace {}", path.display()))?;
    rustix::thread::move_into_link_name_space(
        rustix::fd::AsFd::as_fd(&namespace),
        Some(rustix::thread::LinkNameSpaceType::Network),
    )
    .with_context(|| format!("cannot join the network namespace {}", path.display()))
}
