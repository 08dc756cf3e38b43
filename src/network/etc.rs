//! The container's `/etc/hosts` and `/etc/resolv.conf`: its names, the
//! host as `host.containers.internal`, `--add-host`, and resolvers that
//! work from where the container sits (`--dns`, `--dns-search`,
//! `--dns-option` on top).

use super::Mode;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// `--dns`, `--dns-search` and `--dns-option`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DnsConfig {
    pub servers: Vec<IpAddr>,
    pub search: Vec<String>,
    pub options: Vec<String>,
}

/// The name Podman gives the host inside a container.
const HOST_NAME: &str = "host.containers.internal";

/// Parses `--add-host NAME:ADDRESS` (or `NAME=ADDRESS`); the address may
/// be `host-gateway`, the host as the container reaches it.
pub fn parse_add_host(flag: &str) -> Result<(String, String)> {
    let split = flag.split_once('=').or_else(|| flag.split_once(':'));
    let Some((name, address)) = split else {
        bail!("invalid --add-host {flag:?}: expected NAME:ADDRESS");
    };
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !name_ok {
        bail!("invalid --add-host {flag:?}: {name:?} is not a host name");
    }
    let address = address.trim_start_matches('[').trim_end_matches(']');
    if address != "host-gateway" && address.parse::<IpAddr>().is_err() {
        bail!("invalid --add-host {flag:?}: {address:?} is not an IP address");
    }
    Ok((name.to_string(), address.to_string()))
}

/// What the container's `/etc` files say.
pub struct EtcFiles<'a> {
    pub hostname: &'a str,
    /// The container's name.
    pub name: &'a str,
    pub mode: &'a Mode,
    pub dns: &'a DnsConfig,
    /// `--add-host` entries.
    pub add_hosts: &'a [(String, String)],
}

impl EtcFiles<'_> {
    /// The host's address as the container reaches it: slirp4netns's
    /// gateway when it may reach the host's loopback, else the host's
    /// first outward IPv4 address.
    fn host_address(&self) -> Option<String> {
        match self.mode {
            Mode::Slirp4netns(options) if options.allow_host_loopback => {
                Some(options.gateway_address().to_string())
            }
            Mode::Slirp4netns(_) => super::host::outward_address().map(|a| a.to_string()),
            // pasta maps the gateway's address to the host.
            Mode::Pasta(_) => super::host::default_gateway().map(|a| a.to_string()),
            Mode::Host => Some("127.0.0.1".to_string()),
            _ => None,
        }
    }

    pub fn hosts(&self) -> String {
        let mut hosts =
            String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        let own = self
            .mode
            .addresses()
            .map_or_else(|| "127.0.1.1".to_string(), |(own, _)| own);
        let mut names = vec![self.hostname];
        if !self.name.is_empty() && self.name != self.hostname {
            names.push(self.name);
        }
        hosts.push_str(&format!("{own}\t{}\n", names.join(" ")));
        let host = self.host_address();
        if let Some(host) = &host {
            hosts.push_str(&format!("{host}\t{HOST_NAME}\n"));
        }
        for (name, address) in self.add_hosts {
            let address = match address.as_str() {
                "host-gateway" => host.as_deref().unwrap_or("127.0.0.1"),
                address => address,
            };
            hosts.push_str(&format!("{address}\t{name}\n"));
        }
        hosts
    }

    /// `/etc/resolv.conf`, from the host's (`host_resolv`) with the
    /// resolver the container can reach.
    pub fn resolv_conf(&self, host_resolv: &str) -> String {
        let lines = |keyword: &str| -> Vec<String> {
            host_resolv
                .lines()
                .filter_map(|l| l.strip_prefix(keyword))
                .filter(|rest| rest.starts_with([' ', '\t']))
                .flat_map(|rest| rest.split_whitespace().map(str::to_string))
                .collect()
        };
        let servers: Vec<String> = if !self.dns.servers.is_empty() {
            self.dns.servers.iter().map(IpAddr::to_string).collect()
        } else {
            match self.mode {
                Mode::Slirp4netns(options) => vec![options.dns_address().to_string()],
                Mode::Pasta(_) => vec![super::pasta::DNS_ADDRESS.to_string()],
                Mode::Host | Mode::Container(_) | Mode::Namespace(_) => lines("nameserver"),
                Mode::None => Vec::new(),
            }
        };
        let pick = |given: &[String], keyword| match given {
            [] => lines(keyword),
            given => given.to_vec(),
        };
        let search = pick(&self.dns.search, "search");
        let options = pick(&self.dns.options, "options");
        let mut text = String::new();
        if !search.is_empty() {
            text.push_str(&format!("search {}\n", search.join(" ")));
        }
        for server in servers {
            text.push_str(&format!("nameserver {server}\n"));
        }
        if !options.is_empty() {
            text.push_str(&format!("options {}\n", options.join(" ")));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::slirp;

    fn files<'a>(
        mode: &'a Mode,
        dns: &'a DnsConfig,
        add_hosts: &'a [(String, String)],
    ) -> EtcFiles<'a> {
        EtcFiles {
            hostname: "h",
            name: "web",
            mode,
            dns,
            add_hosts,
        }
    }

    #[test]
    fn slirp_hosts_name_the_container_and_the_extra_hosts() {
        let mode = Mode::Slirp4netns(slirp::Options {
            allow_host_loopback: true,
            ..Default::default()
        });
        let dns = DnsConfig::default();
        let add = [
            ("db".to_string(), "10.0.2.2".to_string()),
            ("gw".to_string(), "host-gateway".to_string()),
        ];
        assert_eq!(
            files(&mode, &dns, &add).hosts(),
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
             10.0.2.100\th web\n10.0.2.2\thost.containers.internal\n\
             10.0.2.2\tdb\n10.0.2.2\tgw\n"
        );
    }

    #[test]
    fn resolv_conf_points_at_the_forwarder_and_keeps_host_search() {
        let host = "# comment\nsearch corp.example\nnameserver 127.0.0.53\noptions edns0\n";
        let mode = Mode::Slirp4netns(slirp::Options::default());
        let dns = DnsConfig::default();
        assert_eq!(
            files(&mode, &dns, &[]).resolv_conf(host),
            "search corp.example\nnameserver 10.0.2.3\noptions edns0\n"
        );
        let dns = DnsConfig {
            servers: vec!["1.1.1.1".parse().unwrap()],
            search: vec!["example.org".into()],
            options: vec!["ndots:2".into()],
        };
        assert_eq!(
            files(&mode, &dns, &[]).resolv_conf(host),
            "search example.org\nnameserver 1.1.1.1\noptions ndots:2\n"
        );
        assert_eq!(
            files(&Mode::Host, &DnsConfig::default(), &[]).resolv_conf(host),
            "search corp.example\nnameserver 127.0.0.53\noptions edns0\n"
        );
    }

    #[test]
    fn add_host_forms() {
        assert_eq!(
            parse_add_host("db:10.0.2.2").unwrap(),
            ("db".into(), "10.0.2.2".into())
        );
        assert_eq!(
            parse_add_host("v6:[::1]").unwrap(),
            ("v6".into(), "::1".into())
        );
        assert_eq!(
            parse_add_host("gw=host-gateway").unwrap(),
            ("gw".into(), "host-gateway".into())
        );
        for bad in ["db", ":1.2.3.4", "db:nope", "a b:1.2.3.4"] {
            assert!(parse_add_host(bad).is_err(), "{bad}");
        }
    }
}
