//! Published ports: the `-p` forms Docker accepts, `-P` over the image's
//! exposed ports, free host ports for the random ones, and the ways
//! `port`, `ps` and `inspect` print them.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

/// One container port published on the host.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PortBinding {
    /// `tcp` or `udp`.
    pub protocol: String,
    pub container_port: u16,
    /// The host address it listens on (`0.0.0.0` for every one).
    pub host_ip: IpAddr,
    /// 0 until a free port is chosen at start.
    pub host_port: u16,
}

impl PortBinding {
    /// The host address as Docker prints it before a port: `0.0.0.0`,
    /// `[::1]`.
    pub fn host_ip_text(&self) -> String {
        match self.host_ip {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        }
    }

    /// `80/tcp`: the key Docker files a port under.
    pub fn key(&self) -> String {
        format!("{}/{}", self.container_port, self.protocol)
    }
}

/// Parses one `-p`/`--publish` value: `[[IP:][HOST]:]CONTAINER[/PROTO]`,
/// where HOST and CONTAINER may be ranges of equal length and an IPv6 IP
/// is in brackets (`[::1]:8080:80`).
pub fn parse_publish(flag: &str) -> Result<Vec<PortBinding>> {
    let invalid =
        || format!("invalid -p {flag:?}: expected [[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp]");
    let (spec, protocol) = match flag.rsplit_once('/') {
        Some((spec, protocol)) => (spec, protocol),
        None => (flag, "tcp"),
    };
    if !matches!(protocol, "tcp" | "udp") {
        bail!("invalid -p {flag:?}: the protocol must be tcp or udp, not {protocol:?}");
    }
    // An IPv6 IP is written in brackets: [::1]:8080:80.
    let (ip, ports) = match spec.strip_prefix('[') {
        Some(bracketed) => {
            let (ip, rest) = bracketed.split_once(']').with_context(invalid)?;
            let ip: std::net::Ipv6Addr = ip
                .parse()
                .with_context(|| format!("invalid -p {flag:?}: {ip:?} is not an IPv6 address"))?;
            let ports = rest.strip_prefix(':').with_context(invalid)?;
            (Some(IpAddr::V6(ip)), ports)
        }
        None => (None, spec),
    };
    let parts: Vec<&str> = ports.split(':').collect();
    let (ip, host, container) = match (ip, parts.as_slice()) {
        (None, [container]) => (None, "", *container),
        (None, [host, container]) => (None, *host, *container),
        (None, ["", host, container]) => (None, *host, *container),
        (None, [ip, host, container]) => {
            let ip: Ipv4Addr = ip
                .parse()
                .with_context(|| format!("invalid -p {flag:?}: {ip:?} is not an IPv4 address"))?;
            (Some(IpAddr::V4(ip)), *host, *container)
        }
        (Some(ip), [host, container]) => (Some(ip), *host, *container),
        _ => bail!(invalid()),
    };
    let host_ip = ip.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let containers = parse_range(container).with_context(invalid)?;
    let hosts = if host.is_empty() {
        vec![0; containers.len()]
    } else {
        parse_range(host).with_context(invalid)?
    };
    if hosts.len() != containers.len() {
        bail!("invalid -p {flag:?}: the host and container port ranges differ in length");
    }
    Ok(hosts
        .into_iter()
        .zip(containers)
        .map(|(host_port, container_port)| PortBinding {
            protocol: protocol.to_string(),
            container_port,
            host_ip,
            host_port,
        })
        .collect())
}

/// `N` or `FIRST-LAST`, ports 1 to 65535.
fn parse_range(text: &str) -> Option<Vec<u16>> {
    let port = |s: &str| s.parse::<u16>().ok().filter(|&p| p != 0);
    let (first, last) = match text.split_once('-') {
        Some((first, last)) => (port(first)?, port(last)?),
        None => (port(text)?, port(text)?),
    };
    (first <= last).then(|| (first..=last).collect())
}

/// An exposed port as the image config and `--expose` name it: `80`,
/// `80/tcp`, `53/udp`, or a range `8000-8002/tcp`.
pub fn parse_exposed(text: &str) -> Result<Vec<(u16, String)>> {
    let (ports, protocol) = text.split_once('/').unwrap_or((text, "tcp"));
    if !matches!(protocol, "tcp" | "udp") {
        bail!("invalid exposed port {text:?}: the protocol must be tcp or udp");
    }
    let ports = parse_range(ports).with_context(|| format!("invalid exposed port {text:?}"))?;
    Ok(ports
        .into_iter()
        .map(|p| (p, protocol.to_string()))
        .collect())
}

/// `-P`: every exposed port not published yet, on a random host port.
pub fn publish_all(exposed: &[(u16, String)], published: &mut Vec<PortBinding>) {
    for (port, protocol) in exposed {
        let taken = published
            .iter()
            .any(|b| b.container_port == *port && &b.protocol == protocol);
        if !taken {
            published.push(PortBinding {
                protocol: protocol.clone(),
                container_port: *port,
                host_ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
                host_port: 0,
            });
        }
    }
}

/// A socket bound to a host port: it holds the port until dropped.
pub enum HeldPort {
    Tcp(std::net::TcpListener),
    Udp(std::net::UdpSocket),
}

impl HeldPort {
    /// Binds `binding`'s address and port (0: a free one); the error says
    /// which port is in use.
    pub fn bind(binding: &PortBinding) -> Result<Self> {
        let address = std::net::SocketAddr::from((binding.host_ip, binding.host_port));
        let held = Self::bind_address(address, binding.protocol == "udp");
        held.with_context(|| {
            format!(
                "cannot publish {}:{}/{}: the host port is not available",
                binding.host_ip_text(),
                binding.host_port,
                binding.protocol
            )
        })
    }

    /// A UDP socket, or a listening TCP one, bound to `address`. On an
    /// IPv6 address it takes IPv6 only, as Docker's do: `[::]:80` and
    /// `0.0.0.0:80` are then two ports that two bindings may hold.
    fn bind_address(address: std::net::SocketAddr, udp: bool) -> std::io::Result<Self> {
        use rustix::net::{AddressFamily, SocketFlags, SocketType, sockopt};
        let family = match address {
            std::net::SocketAddr::V4(_) => AddressFamily::INET,
            std::net::SocketAddr::V6(_) => AddressFamily::INET6,
        };
        let kind = if udp {
            SocketType::DGRAM
        } else {
            SocketType::STREAM
        };
        let socket = rustix::net::socket_with(family, kind, SocketFlags::CLOEXEC, None)?;
        if address.is_ipv6() {
            sockopt::set_ipv6_v6only(&socket, true)?;
        }
        if udp {
            rustix::net::bind(&socket, &address)?;
            return Ok(Self::Udp(socket.into()));
        }
        sockopt::set_socket_reuseaddr(&socket, true)?;
        rustix::net::bind(&socket, &address)?;
        rustix::net::listen(&socket, 128)?;
        Ok(Self::Tcp(socket.into()))
    }

    pub fn port(&self) -> u16 {
        self.address().map(|a| a.port()).unwrap_or(0)
    }

    /// Whether this socket holds `binding`'s host address and port.
    pub fn holds(&self, binding: &PortBinding) -> bool {
        let protocol = match self {
            Self::Tcp(_) => "tcp",
            Self::Udp(_) => "udp",
        };
        let wanted = std::net::SocketAddr::from((binding.host_ip, binding.host_port));
        protocol == binding.protocol && self.address().ok() == Some(wanted)
    }

    fn address(&self) -> std::io::Result<std::net::SocketAddr> {
        match self {
            Self::Tcp(socket) => socket.local_addr(),
            Self::Udp(socket) => socket.local_addr(),
        }
    }
}

impl rustix::fd::AsFd for HeldPort {
    fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
        match self {
            Self::Tcp(socket) => socket.as_fd(),
            Self::Udp(socket) => socket.as_fd(),
        }
    }
}

/// Checks that every fixed host port is free now (so that `run` and
/// `create` refuse a taken one before making anything).
pub fn check_available(bindings: &[PortBinding]) -> Result<()> {
    for binding in bindings.iter().filter(|b| b.host_port != 0) {
        HeldPort::bind(binding)?;
    }
    Ok(())
}

/// Gives every random host port (0) a free one, none of the fixed ones
/// asked for beside it. The ports chosen stay held by the returned
/// sockets, so that no two bindings get the same.
pub fn choose_free(bindings: &mut [PortBinding]) -> Result<Vec<HeldPort>> {
    let fixed: Vec<(String, u16)> = bindings
        .iter()
        .filter(|b| b.host_port != 0)
        .map(|b| (b.protocol.clone(), b.host_port))
        .collect();
    let mut held = Vec::new();
    // Ports the kernel offered that a fixed binding wants: held while
    // choosing, so that it offers others.
    let mut passed_over = Vec::new();
    for binding in bindings.iter_mut().filter(|b| b.host_port == 0) {
        loop {
            let socket = HeldPort::bind(binding)?;
            if fixed.contains(&(binding.protocol.clone(), socket.port())) {
                passed_over.push(socket);
                continue;
            }
            binding.host_port = socket.port();
            held.push(socket);
            break;
        }
    }
    Ok(held)
}

/// `80/tcp -> 0.0.0.0:8080` lines, as `rpod port` prints them.
pub fn port_lines(bindings: &[PortBinding]) -> Vec<String> {
    let mut sorted = bindings.to_vec();
    // IPv4 before IPv6, as Docker lists a port published on both.
    sorted.sort_by_key(|b| {
        (
            b.container_port,
            b.protocol.clone(),
            b.host_ip.is_ipv6(),
            b.host_port,
        )
    });
    sorted
        .iter()
        .map(|b| format!("{} -> {}:{}", b.key(), b.host_ip_text(), b.host_port))
        .collect()
}

/// The PORTS column of `ps`: `0.0.0.0:8080->80/tcp`, with runs of
/// consecutive ports folded into ranges as Docker prints them.
pub fn ps_column(bindings: &[PortBinding]) -> String {
    let mut sorted = bindings.to_vec();
    sorted.sort_by_key(|b| (b.protocol.clone(), b.host_ip, b.container_port));
    let mut groups: Vec<(PortBinding, u16)> = Vec::new();
    for binding in sorted {
        if let Some((first, count)) = groups.last_mut() {
            let follows = first.protocol == binding.protocol
                && first.host_ip == binding.host_ip
                && u32::from(first.container_port) + u32::from(*count)
                    == u32::from(binding.container_port)
                && u32::from(first.host_port) + u32::from(*count) == u32::from(binding.host_port);
            if follows {
                *count += 1;
                continue;
            }
        }
        groups.push((binding, 1));
    }
    let range = |first: u16, count: u16| match count {
        1 => first.to_string(),
        _ => format!("{first}-{}", u32::from(first) + u32::from(count) - 1),
    };
    groups
        .iter()
        .map(|(b, count)| {
            format!(
                "{}:{}->{}/{}",
                b.host_ip_text(),
                range(b.host_port, *count),
                range(b.container_port, *count),
                b.protocol
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Docker's map of ports (`NetworkSettings.Ports`,
/// `HostConfig.PortBindings`): `"80/tcp": [{"HostIp", "HostPort"}]`, a
/// random host port shown as `""`.
pub fn docker_map(bindings: &[PortBinding]) -> serde_json::Value {
    let mut map: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for b in bindings {
        let port = match b.host_port {
            0 => String::new(),
            port => port.to_string(),
        };
        map.entry(b.key())
            .or_default()
            .push(serde_json::json!({"HostIp": b.host_ip.to_string(), "HostPort": port}));
    }
    serde_json::json!(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(ip: &str, host: u16, container: u16, protocol: &str) -> PortBinding {
        PortBinding {
            protocol: protocol.into(),
            container_port: container,
            host_ip: ip.parse().unwrap(),
            host_port: host,
        }
    }

    #[test]
    fn every_docker_publish_form_parses() {
        assert_eq!(
            parse_publish("80").unwrap(),
            [binding("0.0.0.0", 0, 80, "tcp")]
        );
        assert_eq!(
            parse_publish("8080:80").unwrap(),
            [binding("0.0.0.0", 8080, 80, "tcp")]
        );
        assert_eq!(
            parse_publish("127.0.0.1:18080:8080").unwrap(),
            [binding("127.0.0.1", 18080, 8080, "tcp")]
        );
        assert_eq!(
            parse_publish("127.0.0.1::80/udp").unwrap(),
            [binding("127.0.0.1", 0, 80, "udp")]
        );
        let ipv6 = parse_publish("[::1]:8080:80").unwrap();
        assert_eq!(ipv6, [binding("::1", 8080, 80, "tcp")]);
        assert_eq!(port_lines(&ipv6), ["80/tcp -> [::1]:8080"]);
        assert_eq!(ps_column(&ipv6), "[::1]:8080->80/tcp");
        assert_eq!(
            parse_publish("[fd00::1]::53/udp").unwrap(),
            [binding("fd00::1", 0, 53, "udp")]
        );
        assert_eq!(
            parse_publish(":8080:80").unwrap(),
            [binding("0.0.0.0", 8080, 80, "tcp")]
        );
        assert_eq!(
            parse_publish("::80").unwrap(),
            [binding("0.0.0.0", 0, 80, "tcp")]
        );
        let mut mixed = ipv6.clone();
        mixed.extend(parse_publish("127.0.0.1:8081:81").unwrap());
        assert_eq!(
            ps_column(&mixed),
            "127.0.0.1:8081->81/tcp, [::1]:8080->80/tcp"
        );
        assert_eq!(
            parse_publish("20000-20002:30000-30002").unwrap(),
            [
                binding("0.0.0.0", 20000, 30000, "tcp"),
                binding("0.0.0.0", 20001, 30001, "tcp"),
                binding("0.0.0.0", 20002, 30002, "tcp"),
            ]
        );
    }

    #[test]
    fn bad_publish_flags_are_refused() {
        for bad in [
            "",
            "0",
            "70000",
            "a:80",
            "1:2:3:4",
            "80/sctp",
            "8080-8081:80",
            "x.y::80",
            "[::1]:80",
            "[::1]80:80",
            "[::1:80:80",
            "[127.0.0.1]:80:80",
            "[::1]:1:2:3",
            "90-80",
        ] {
            assert!(parse_publish(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ps_folds_consecutive_ports() {
        let top = parse_publish("65534-65535:65534-65535").unwrap();
        assert_eq!(ps_column(&top), "0.0.0.0:65534-65535->65534-65535/tcp");
        let mut bindings = parse_publish("20000-20002:30000-30002").unwrap();
        bindings.extend(parse_publish("127.0.0.1:18080:8080").unwrap());
        bindings.extend(parse_publish("9000:9000/udp").unwrap());
        assert_eq!(
            ps_column(&bindings),
            "0.0.0.0:20000-20002->30000-30002/tcp, 127.0.0.1:18080->8080/tcp, 0.0.0.0:9000->9000/udp"
        );
    }

    #[test]
    fn publish_all_adds_only_unpublished_exposed_ports() {
        let mut published = parse_publish("8080:80").unwrap();
        let exposed = [(80, "tcp".to_string()), (53, "udp".to_string())];
        publish_all(&exposed, &mut published);
        assert_eq!(
            published,
            [
                binding("0.0.0.0", 8080, 80, "tcp"),
                binding("0.0.0.0", 0, 53, "udp")
            ]
        );
    }
}
