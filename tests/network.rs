//! Rootless networking: slirp4netns by default (outbound traffic, DNS
//! files, the host's loopback only when allowed), published TCP and UDP
//! ports that `port`, `ps` and `inspect` agree on, the client's address
//! seen inside, `-P`, a shared network namespace, slirp4netns's options,
//! and no slirp4netns left after stop, rm, or kill -9 of the container or
//! of its monitor.

mod common;

use common::{TestEnv, eventually};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, TcpListener, TcpStream, ToSocketAddrs, UdpSocket};
use std::time::Duration;

/// A host port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A host port nobody listens on now on any IPv4 or IPv6 address (a
/// dual-stack socket held it).
fn free_port_on_ipv4_and_ipv6() -> u16 {
    TcpListener::bind((Ipv6Addr::UNSPECIFIED, 0))
        .expect("the tests need IPv6")
        .local_addr()
        .unwrap()
        .port()
}

/// The first of three consecutive host ports nobody listens on now.
fn free_port_range() -> u16 {
    loop {
        let first = free_port();
        let free = (1..3).all(|i| {
            first
                .checked_add(i)
                .is_some_and(|p| TcpListener::bind((Ipv4Addr::UNSPECIFIED, p)).is_ok())
        });
        if free {
            return first;
        }
    }
}

/// The slirp4netns processes serving running container `name` (children
/// of its monitor), with their start times.
fn slirps(env: &TestEnv, name: &str) -> Vec<(i64, u64)> {
    helpers(env, name, "slirp4netns")
}

/// The processes running `program` below running container `name`'s
/// monitor (its children and theirs), with their start times.
fn helpers(env: &TestEnv, name: &str, program: &str) -> Vec<(i64, u64)> {
    let monitor: i64 = env
        .ok(&["inspect", "--format", "{{.State.ConmonPid}}", name])
        .trim()
        .parse()
        .unwrap();
    let parent_of = |pid: i64| -> Option<i64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:\t")?.parse().ok())
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i64>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let argv0 = cmdline.split(|&b| b == 0).next().unwrap_or_default();
        if argv0.rsplit(|&b| b == b'/').next() != Some(program.as_bytes()) {
            continue;
        }
        let below_monitor =
            std::iter::successors(parent_of(pid), |&p| parent_of(p)).any(|p| p == monitor);
        if below_monitor {
            found.extend(common::start_time(pid).map(|start| (pid, start)));
        }
    }
    found
}

/// Whether none of the `processes` lives on (a reused PID has another
/// start time).
fn all_gone(processes: &[(i64, u64)]) -> bool {
    processes
        .iter()
        .all(|&(pid, start)| common::start_time(pid) != Some(start))
}

/// The host's outward address, as a running container's /etc/hosts
/// names it (`host.containers.internal`).
fn host_address(env: &TestEnv, container: &str) -> Ipv4Addr {
    let hosts = env.ok(&["exec", container, "cat", "/etc/hosts"]);
    hosts
        .lines()
        .find(|l| l.ends_with("\thost.containers.internal"))
        .and_then(|l| l.split('\t').next())
        .unwrap()
        .parse()
        .unwrap()
}

/// Kills with SIGKILL the process that `inspect`'s `field` names for
/// container `name` (its init, or its monitor).
fn kill9(env: &TestEnv, name: &str, field: &str) {
    let pid = env.ok(&["inspect", "--format", field, name]);
    let killed = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .unwrap();
    assert!(killed.success(), "kill -9 {pid}");
}

/// An HTTP GET of `path` on `address`; returns the body.
fn http_get(address: impl ToSocketAddrs, path: &str) -> String {
    fetch(address, path).unwrap()
}

/// [`http_get`], with a server that may not answer yet.
fn fetch(address: impl ToSocketAddrs, path: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: x\r\n\r\n")?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    // A CGI script's own headers end with a bare newline.
    let end = ["\r\n\r\n", "\n\n"]
        .iter()
        .filter_map(|blank| reply.find(blank).map(|at| at + blank.len()))
        .min()
        .ok_or(std::io::ErrorKind::InvalidData)?;
    Ok(reply[end..].to_string())
}

/// busybox httpd on port 80 serving `index.html` ("hello") and a CGI
/// script that prints the client's address.
const WEB_SERVER: &str = "mkdir -p /w/cgi-bin && echo hello > /w/index.html && \
    printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho $REMOTE_ADDR\\n' > /w/cgi-bin/addr && \
    chmod +x /w/cgi-bin/addr && exec httpd -f -p 80 -h /w";

/// Starts a detached web server container with the `extra` flags;
/// returns its ID once it answers on 127.0.0.1:`port`.
fn start_web(env: &TestEnv, name: &str, extra: &[&str], port: u16) -> String {
    let image = env.pulled_busybox();
    let mut args = vec!["run", "-d", "--name", name];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[&image, "sh", "-c", WEB_SERVER]);
    let id = env.ok(&args).trim().to_string();
    eventually("the web server answers", || {
        TcpStream::connect((Ipv4Addr::LOCALHOST, port))
            .and_then(|mut s| {
                s.write_all(b"GET /index.html HTTP/1.0\r\n\r\n")?;
                let mut reply = String::new();
                s.read_to_string(&mut reply)?;
                Ok(reply.ends_with("hello\n"))
            })
            .unwrap_or(false)
    });
    id
}

#[test]
fn default_network_reaches_out_and_names_the_container() {
    let env = TestEnv::new();
    let out = env.run_sh(
        &[
            "--name",
            "named",
            "--hostname",
            "h1",
            "--domainname",
            "example.org",
            "--dns",
            "192.0.2.53",
            "--dns-search",
            "corp.example",
            "--dns-option",
            "ndots:2",
            "--add-host",
            "db:10.0.2.99",
        ],
        "ip -4 -o addr show tap0 | awk '{print $4}'; ip route | head -1; \
         cat /sys/class/net/tap0/mtu; \
         hostname; cat /proc/sys/kernel/domainname; cat /etc/resolv.conf; \
         grep -v host.containers.internal /etc/hosts; grep -c host.containers.internal /etc/hosts",
    );
    assert_eq!(
        out,
        "10.0.2.100/24\ndefault via 10.0.2.2 dev tap0 \n65520\nh1\nexample.org\n\
         search corp.example\nnameserver 192.0.2.53\noptions ndots:2\n\
         127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n\
         10.0.2.100\th1 named\n10.0.2.99\tdb\n1\n"
    );
    // Without --dns, the resolver is slirp4netns's forwarder.
    let resolv = env.run_sh(&[], "grep nameserver /etc/resolv.conf");
    assert_eq!(resolv, "nameserver 10.0.2.3\n");
}

#[test]
fn the_hosts_loopback_is_reached_only_when_allowed() {
    let env = TestEnv::new();
    let registry_port = common::registry().rsplit(':').next().unwrap().to_string();
    let url = format!("http://10.0.2.2:{registry_port}/v2/");
    let refused = env.rpod(&["run", "--rm", &env.pulled_busybox(), "wget", "-qO-", &url]);
    assert_eq!(refused.status.code(), Some(1));
    // slirp4netns answers with a reset or an ICMP error.
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.starts_with("wget: can't connect to remote host (10.0.2.2): "),
        "{stderr}"
    );
    let allowed = env.run_sh(
        &["--network", "slirp4netns:allow_host_loopback=true"],
        &format!("wget -qO- {url}; echo; grep host.containers.internal /etc/hosts"),
    );
    assert_eq!(allowed, "{}\n10.0.2.2\thost.containers.internal\n");
}

/// Podman's other slirp4netns options: another network (published ports
/// lead into it), IPv6 (slirp4netns's fd00::/64, by router
/// advertisement) and the host address outbound connections leave from.
#[test]
fn slirp4netns_takes_another_network_ipv6_and_an_outbound_address() {
    let env = TestEnv::new();
    let port = free_port();
    let network = "slirp4netns:cidr=10.99.0.0/24,enable_ipv6=true,outbound_addr=127.0.0.1";
    let publish = format!("{port}:80");
    start_web(&env, "other", &["--network", network, "-p", &publish], port);
    let inside = env.ok(&[
        "exec",
        "other",
        "sh",
        "-c",
        "ip -4 -o addr show tap0 | awk '{print $4}'; ip route | head -1; \
         grep nameserver /etc/resolv.conf; grep other /etc/hosts | cut -f1",
    ]);
    assert_eq!(
        inside,
        "10.99.0.100/24\ndefault via 10.99.0.2 dev tap0 \nnameserver 10.99.0.3\n\
         10.99.0.100\n"
    );
    let address = env.ok(&[
        "inspect",
        "--format",
        "{{.NetworkSettings.IPAddress}}",
        "other",
    ]);
    assert_eq!(address, "10.99.0.100\n");
    eventually("an IPv6 address from slirp4netns", || {
        let ipv6 = [
            "exec", "other", "ip", "-6", "-o", "addr", "show", "tap0", "scope", "global",
        ];
        env.ok(&ipv6).contains(" inet6 fd")
    });
    // Podman's way: the address is used at once, with no duplicate
    // address detection first.
    let dad = [
        "exec",
        "other",
        "cat",
        "/proc/sys/net/ipv6/conf/tap0/accept_dad",
    ];
    assert_eq!(env.ok(&dad), "0\n");

    // A server on the host's outward address sees connections come from
    // 127.0.0.1 (they would come from that address otherwise).
    let host = host_address(&env, "other");
    let listener = TcpListener::bind((host, 0)).unwrap();
    let server = format!("http://{host}:{}/", listener.local_addr().unwrap().port());
    let peer = std::thread::spawn(move || {
        let (stream, peer) = listener.accept().unwrap();
        let mut reader = std::io::BufReader::new(&stream);
        let mut line = String::new();
        // The request, to its blank line, before the answer.
        while std::io::BufRead::read_line(&mut reader, &mut line).unwrap() > 2 {
            line.clear();
        }
        (&stream).write_all(b"HTTP/1.0 200 OK\r\n\r\nok\n").unwrap();
        peer.ip()
    });
    assert_eq!(env.ok(&["exec", "other", "wget", "-qO-", &server]), "ok\n");
    assert_eq!(peer.join().unwrap(), Ipv4Addr::LOCALHOST);
    env.ok(&["rm", "-f", "other"]);
}

#[test]
fn published_tcp_ports_serve_and_port_ps_inspect_agree() {
    let env = TestEnv::new();
    let port = free_port();
    let published = format!("{port}:80");
    start_web(
        &env,
        "web",
        &[
            "-p",
            &published,
            "-p",
            "127.0.0.1::8081",
            "--expose",
            "9999",
        ],
        port,
    );
    assert_eq!(
        http_get((Ipv4Addr::LOCALHOST, port), "/index.html"),
        "hello\n"
    );
    // From the host's loopback the client shows as slirp4netns's gateway
    // (httpd listens on IPv6 and IPv4 at once).
    assert_eq!(
        http_get((Ipv4Addr::LOCALHOST, port), "/cgi-bin/addr"),
        "[::ffff:10.0.2.2]\n"
    );
    // From the host's outward address, the client's own address shows.
    let host_ip = host_address(&env, "web");
    assert_eq!(
        http_get((host_ip, port), "/cgi-bin/addr"),
        format!("[::ffff:{host_ip}]\n")
    );

    let lines = env.ok(&["port", "web"]);
    let random: u16 = lines
        .lines()
        .find_map(|l| l.strip_prefix("8081/tcp -> 127.0.0.1:"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        lines,
        format!("80/tcp -> 0.0.0.0:{port}\n8081/tcp -> 127.0.0.1:{random}\n")
    );
    assert_eq!(env.ok(&["port", "web", "80"]), format!("0.0.0.0:{port}\n"));
    assert_eq!(
        env.fails(&["port", "web", "53/udp"], 125),
        "Error: no public port \"53/udp\" published for web\n"
    );
    assert_eq!(
        env.ok(&["ps", "--format", "{{.Ports}}"]),
        format!("0.0.0.0:{port}->80/tcp, 127.0.0.1:{random}->8081/tcp\n")
    );
    // ps filters on the container's published and exposed ports.
    for (filter, shown) in [
        ("publish=80", "web\n"),
        ("publish=8080-8090/tcp", "web\n"),
        ("publish=80/udp", ""),
        ("publish=9999", ""),
        ("expose=9999", "web\n"),
        ("expose=81", ""),
    ] {
        assert_eq!(
            env.ok(&["ps", "--filter", filter, "--format", "{{.Names}}"]),
            shown,
            "{filter}"
        );
    }
    env.fails(&["ps", "--filter", "publish=http"], 125);
    let ports = env.ok(&[
        "inspect",
        "--format",
        "{{json .NetworkSettings.Ports}}",
        "web",
    ]);
    assert_eq!(
        ports.trim(),
        format!(
            "{{\"80/tcp\":[{{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"{port}\"}}],\
             \"8081/tcp\":[{{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"{random}\"}}],\
             \"9999/tcp\":null}}"
        )
    );
    let bindings = env.ok(&[
        "inspect",
        "--format",
        "{{json .HostConfig.PortBindings}}",
        "web",
    ]);
    assert_eq!(
        bindings.trim(),
        format!(
            "{{\"80/tcp\":[{{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"{port}\"}}],\
             \"8081/tcp\":[{{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"\"}}]}}"
        )
    );

    // A taken host port: one line, exit 125, and no container made.
    let taken = format!("{port}:80");
    let stderr = env.fails(
        &[
            "run",
            "-d",
            "--name",
            "web2",
            "-p",
            &taken,
            &env.pulled_busybox(),
            "true",
        ],
        125,
    );
    assert_eq!(
        stderr,
        format!(
            "Error: cannot publish 0.0.0.0:{port}/tcp: the host port is not available: \
             Address already in use (os error 98)\n"
        )
    );
    assert_eq!(env.ok(&["ps", "-a", "--format", "{{.Names}}"]), "web\n");

    // Stopped: the port is let go, and no slirp4netns is left.
    let helpers = slirps(&env, "web");
    assert_eq!(helpers.len(), 1);
    env.ok(&["stop", "-t", "1", "web"]);
    // Told to end with the container; its monitor reaps it right after.
    eventually("slirp4netns ends with the container", || all_gone(&helpers));
    assert_eq!(env.ok(&["port", "web"]), "");
    assert!(TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok());
}

#[test]
fn a_published_port_range_maps_port_by_port() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let first = free_port_range();
    let range = format!("{first}-{}:30000-30002", first + 2);
    let servers = "for p in 30000 30001 30002; do mkdir /w$p; echo $p > /w$p/index.html; \
                   httpd -p $p -h /w$p; done; exec sleep 1000";
    env.ok(&[
        "run", "-d", "--name", "range", "-p", &range, &image, "sh", "-c", servers,
    ]);
    for i in 0..3u16 {
        let served = format!("{}\n", 30000 + i);
        eventually("each port reaches its own", || {
            fetch((Ipv4Addr::LOCALHOST, first + i), "/index.html").is_ok_and(|b| b == served)
        });
    }
    assert_eq!(
        env.ok(&["port", "range"]),
        (0..3u16)
            .map(|i| format!("{}/tcp -> 0.0.0.0:{}\n", 30000 + i, first + i))
            .collect::<String>()
    );
    assert_eq!(
        env.ok(&["ps", "--format", "{{.Ports}}"]),
        format!("0.0.0.0:{first}-{}->30000-30002/tcp\n", first + 2)
    );
    // Ranges of different lengths do not map.
    let uneven = format!("{first}-{}:30000-30002", first + 1);
    env.fails(&["run", "--rm", "-p", &uneven, &image, "true"], 125);
}

#[test]
fn published_udp_port_echoes() {
    let env = TestEnv::new();
    let image = env.image("library/debian:minbase");
    env.ok(&["pull", "-q", &image]);
    let start_echo = |name: &str, network: &str, port: u16| {
        let published = format!("{port}:9000/udp");
        env.ok(&[
            "run",
            "-d",
            "--name",
            name,
            "--network",
            network,
            "-p",
            &published,
            &image,
            "perl",
            "-e",
            UDP_ECHO,
        ]);
    };
    // From the host's outward address: slirp4netns drops UDP replies to
    // the host's loopback unless the container may reach it (README).
    let port = free_udp_port(Ipv4Addr::UNSPECIFIED.into());
    start_echo("udp", "slirp4netns", port);
    let host_ip = host_address(&env, "udp").into();
    assert_eq!(udp_echo(host_ip, (host_ip, port).into()), b"echo:ping");
    assert_eq!(
        env.ok(&["port", "udp"]),
        format!("9000/udp -> 0.0.0.0:{port}\n")
    );
    // The same through pasta (whose 2023-03 build in Debian 12 does not
    // return UDP replies to the host's loopback either).
    let port = free_udp_port(Ipv4Addr::UNSPECIFIED.into());
    start_echo("udp-pasta", "pasta", port);
    assert_eq!(udp_echo(host_ip, (host_ip, port).into()), b"echo:ping");
}

#[test]
fn publish_all_gives_exposed_ports_random_host_ports() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "-d",
        "--name",
        "all",
        "--expose",
        "80",
        "--expose",
        "7000-7001/udp",
        "-P",
        &image,
        "sleep",
        "1000",
    ]);
    let lines = env.ok(&["port", "all"]);
    let shape: Vec<String> = lines
        .lines()
        .map(|l| l.rsplit_once(':').unwrap().0.to_string())
        .collect();
    assert_eq!(
        shape,
        [
            "80/tcp -> 0.0.0.0",
            "7000/udp -> 0.0.0.0",
            "7001/udp -> 0.0.0.0"
        ]
    );
    let host_ports: Vec<u16> = lines
        .lines()
        .map(|l| l.rsplit_once(':').unwrap().1.parse().unwrap())
        .collect();
    assert!(host_ports.iter().all(|&p| p != 0), "{lines}");
}

#[test]
fn a_container_joins_anothers_network() {
    let env = TestEnv::new();
    let port = free_port();
    let published = format!("127.0.0.1:{port}:80");
    start_web(&env, "first", &["-p", &published], port);
    let out = env.run_sh(
        &["--network", "container:first"],
        "wget -qO- http://127.0.0.1/index.html; ip -4 -o addr show tap0 | awk '{print $4}'",
    );
    assert_eq!(out, "hello\n10.0.2.100/24\n");
    let mode = env.ok(&[
        "inspect",
        "--format",
        "{{.HostConfig.NetworkMode}}",
        "first",
    ]);
    assert_eq!(mode, "slirp4netns\n");
    // The same namespace named by its path.
    let pid = env.ok(&["inspect", "--format", "{{.State.Pid}}", "first"]);
    let by_path = format!("ns:/proc/{}/ns/net", pid.trim());
    let out = env.run_sh(
        &["--network", &by_path],
        "wget -qO- http://127.0.0.1/index.html",
    );
    assert_eq!(out, "hello\n");
    env.ok(&["stop", "-t", "1", "first"]);
    let stderr = env.fails(
        &[
            "run",
            "--rm",
            "--network",
            "container:first",
            &env.pulled_busybox(),
            "true",
        ],
        125,
    );
    assert_eq!(
        stderr,
        "Error: cannot join the network of container first: it is not running\n"
    );
    let stderr = env.fails(
        &[
            "run",
            "--rm",
            "--network",
            "container:first",
            "-p",
            "80",
            &env.pulled_busybox(),
            "true",
        ],
        125,
    );
    assert!(
        stderr.starts_with("Error: conflicting options: port publishing"),
        "{stderr}"
    );
}

#[test]
fn no_slirp4netns_outlives_its_container() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    // Each container's slirp4netns, found while its monitor lives.
    let run = |name: &str| {
        env.ok(&["run", "-d", "--name", name, &image, "sleep", "1000"]);
        let helpers = slirps(&env, name);
        assert_eq!(helpers.len(), 1);
        helpers
    };
    let removed = run("removed");
    env.ok(&["rm", "-f", "removed"]);
    eventually("slirp4netns ends with rm -f", || all_gone(&removed));

    let killed = run("killed");
    kill9(&env, "killed", "{{.State.Pid}}");
    env.ok(&["wait", "killed"]);
    eventually("slirp4netns ends with the container", || all_gone(&killed));

    let orphaned = run("orphaned");
    let id = env.ok(&["inspect", "--format", "{{.Id}}", "orphaned"]);
    let runtime_dir = env.dir.join("run/rpod").join(id.trim());
    assert!(runtime_dir.is_dir());
    kill9(&env, "orphaned", "{{.State.ConmonPid}}");
    eventually("slirp4netns ends with the monitor", || all_gone(&orphaned));
    // Its sockets went with the container's removal.
    env.ok(&["rm", "-f", "orphaned"]);
    assert!(!runtime_dir.exists());
}

#[test]
fn missing_or_failing_slirp4netns_is_one_clear_error() {
    let mut env = TestEnv::new();
    let image = env.pulled_busybox();
    // A PATH with the id-mapping helpers (and the suite's setpriv) but no
    // slirp4netns.
    let bin = env.dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["newuidmap", "newgidmap", "setpriv"] {
        std::os::unix::fs::symlink(format!("/usr/bin/{tool}"), bin.join(tool)).unwrap();
    }
    env.env("PATH", bin.to_str().unwrap());
    let stderr = env.fails(&["run", "--rm", &image, "true"], 125);
    assert_eq!(
        stderr,
        "Error: slirp4netns is not installed: install the slirp4netns package, \
         or run with --network none, host or pasta\n"
    );
    let stderr = env.fails(&["run", "--rm", "--network", "pasta", &image, "true"], 125);
    assert_eq!(
        stderr,
        "Error: pasta is not installed: install the passt package, \
         or run with --network slirp4netns, none or host\n"
    );
    // A slirp4netns that dies before the network is up.
    env.write_file(
        &bin.join("slirp4netns"),
        b"#!/bin/sh\necho 'cannot open tap: out of luck' >&2\nexit 1\n",
    );
    std::fs::set_permissions(
        bin.join("slirp4netns"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let stderr = env.fails(&["run", "--rm", &image, "true"], 125);
    assert_eq!(
        stderr,
        "Error: slirp4netns could not set up the network: it exited (cannot open tap: out of luck)\n"
    );
    assert_eq!(
        env.ok(&["run", "--rm", "--network", "none", &image, "echo", "ok"]),
        "ok\n"
    );
}

#[test]
fn bad_network_flags_are_refused_before_anything_is_made() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    env.ok(&["create", "--name", "first", &image]);
    for (flags, message) in [
        (
            vec!["--network", "bogus"],
            "invalid --network \"bogus\": rpod takes none, host, slirp4netns[:OPTIONS], pasta[:OPTIONS], container:NAME or ns:PATH",
        ),
        (
            vec!["--network", "slirp4netns:mtu=9"],
            "invalid slirp4netns option \"mtu=9\": the MTU must be 68 to 65521",
        ),
        (
            vec!["-p", "80/sctp"],
            "invalid -p \"80/sctp\": the protocol must be tcp or udp, not \"sctp\"",
        ),
        (
            vec!["-p", "1-3:4-5"],
            "invalid -p \"1-3:4-5\": the host and container port ranges differ in length",
        ),
        (
            vec!["--network", "slirp4netns:port_handler=builtin", "-p", "80"],
            "invalid slirp4netns option \"port_handler=builtin\": expected slirp4netns or rootlesskit",
        ),
        (
            vec!["-p", "[::1:8080:80"],
            "invalid -p \"[::1:8080:80\": expected [[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp]",
        ),
        (
            vec!["--network", "none", "-p", "80"],
            "conflicting options: port publishing and the network mode \"none\"",
        ),
        (
            vec!["--dns", "nope"],
            "invalid --dns \"nope\": not an IP address",
        ),
        (
            vec!["--add-host", "db"],
            "invalid --add-host \"db\": expected NAME:ADDRESS",
        ),
        (
            vec!["--network", "container:nobody"],
            "no such container: nobody",
        ),
        (
            vec!["--network", "container:first", "--dns", "1.1.1.1"],
            "conflicting options: --dns and the network mode container",
        ),
        (
            vec!["--network", "container:first", "--hostname", "h"],
            "conflicting options: --hostname and the network mode container",
        ),
    ] {
        let mut args = vec!["create"];
        args.extend(flags);
        args.push(&image);
        let stderr = env.fails(&args, 125);
        assert_eq!(stderr, format!("Error: {message}\n"));
    }
    assert_eq!(env.ok(&["ps", "-a", "--format", "{{.Names}}"]), "first\n");
}

#[test]
fn host_network_is_shared_with_a_warning() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let out = env.rpod(&[
        "run",
        "--rm",
        "--network",
        "host",
        "-p",
        "80",
        &image,
        "sh",
        "-c",
        "test -e /sys/class/net/tap0 || echo no tap; grep -c nameserver /etc/resolv.conf",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let host_servers = std::fs::read_to_string("/etc/resolv.conf")
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("nameserver"))
        .count();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("no tap\n{host_servers}\n")
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "WARNING: --network host: the container shares the host's network, it is not isolated from it\n\
         WARNING: published ports are discarded when using host network mode\n"
    );
}

#[test]
fn pasta_publishes_ports_and_ends_with_its_container() {
    let env = TestEnv::new();
    let port = free_port();
    let published = format!("{port}:80");
    start_web(&env, "web", &["--network", "pasta", "-p", &published], port);
    assert_eq!(
        http_get((Ipv4Addr::LOCALHOST, port), "/index.html"),
        "hello\n"
    );
    assert_eq!(
        env.ok(&["port", "web"]),
        format!("80/tcp -> 0.0.0.0:{port}\n")
    );
    // The host is the gateway's address (pasta maps it); the resolver is
    // pasta's DNS forwarder.
    let gateway = host_address(&env, "web");
    let route = env.ok(&["exec", "web", "ip", "route", "show", "default"]);
    assert!(
        route.starts_with(&format!("default via {gateway} ")),
        "{route}"
    );
    let resolv = env.ok(&["exec", "web", "grep", "nameserver", "/etc/resolv.conf"]);
    assert_eq!(resolv, "nameserver 169.254.1.1\n");
    let inspected = env.ok(&["inspect", "--format", "{{.NetworkSettings.Gateway}}", "web"]);
    assert_eq!(inspected.trim(), gateway.to_string());
    let pastas = helpers(&env, "web", "pasta");
    assert_eq!(pastas.len(), 1);
    env.ok(&["stop", "-t", "1", "web"]);
    eventually("pasta ends with the container", || all_gone(&pastas));

    // It dies with its monitor, however the monitor dies.
    env.ok(&["start", "web"]);
    let pastas = helpers(&env, "web", "pasta");
    assert_eq!(pastas.len(), 1);
    kill9(&env, "web", "{{.State.ConmonPid}}");
    eventually("pasta ends with the monitor", || all_gone(&pastas));

    // And with its container when its guard was killed.
    eventually("the container's end with its monitor", || {
        env.ok(&["inspect", "--format", "{{.State.Running}}", "web"]) == "false\n"
    });
    env.ok(&["start", "web"]);
    let pastas = helpers(&env, "web", "pasta");
    let guards = helpers(&env, "web", "rpod-pasta-guard");
    assert_eq!((pastas.len(), guards.len()), (1, 1));
    // SAFETY: killing the guard this test's container started.
    unsafe { libc::kill(guards[0].0 as i32, libc::SIGKILL) };
    // Without its guard nothing would end pasta if the monitor died too:
    // the monitor reaps the guard and ends pasta at once.
    eventually("pasta ends with its guard", || all_gone(&pastas));
    eventually("the guard is reaped", || all_gone(&guards));
    let running = env.ok(&["inspect", "--format", "{{.State.Running}}", "web"]);
    assert_eq!(running, "true\n");
    env.ok(&["stop", "-t", "1", "web"]);
}

/// pasta publishes on an IPv6 host address too, and `port`, `ps` and
/// `inspect` print it as Docker does.
#[test]
fn pasta_publishes_on_an_ipv6_address() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let port = TcpListener::bind((Ipv6Addr::LOCALHOST, 0))
        .expect("the tests need IPv6 on the loopback")
        .local_addr()
        .unwrap()
        .port();
    // A pasta web server named `name`, published on `address`, once it
    // answers on [::1].
    let serve_on = |name: &str, address: &str, port: u16| {
        let published = format!("{address}:{port}:80");
        let run = [
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "pasta",
            "-p",
            &published,
        ];
        env.ok(&[&run[..], &[&image, "sh", "-c", WEB_SERVER]].concat());
        eventually("the web server answers on [::1]", || {
            fetch((Ipv6Addr::LOCALHOST, port), "/index.html").is_ok_and(|body| body == "hello\n")
        });
    };
    serve_on("six", "[::1]", port);
    assert_eq!(
        env.ok(&["port", "six"]),
        format!("80/tcp -> [::1]:{port}\n")
    );
    let ps = env.ok(&["ps", "--format", "{{.Ports}}"]);
    assert_eq!(ps, format!("[::1]:{port}->80/tcp\n"));
    let ports = env.ok(&[
        "inspect",
        "--format",
        "{{json .NetworkSettings.Ports}}",
        "six",
    ]);
    assert_eq!(
        ports,
        format!("{{\"80/tcp\":[{{\"HostIp\":\"::1\",\"HostPort\":\"{port}\"}}]}}\n")
    );
    env.ok(&["rm", "-f", "six"]);

    // `[::]` is every IPv6 address only: the IPv4 port stays free.
    let port = free_port_on_ipv4_and_ipv6();
    serve_on("any6", "[::]", port);
    assert!(TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok());
    env.ok(&["rm", "-f", "any6"]);
}

/// A UDP port on the host's `address` nobody uses now.
fn free_udp_port(address: std::net::IpAddr) -> u16 {
    UdpSocket::bind((address, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// perl's UDP echo on port 9000 (in the Debian image), answering
/// `echo:` and what it got.
const UDP_ECHO: &str = "use IO::Socket::INET; \
    my $s = IO::Socket::INET->new(LocalPort => 9000, Proto => 'udp') or die; \
    while ($s->recv(my $m, 1024)) { $s->send(\"echo:$m\") }";

/// What the UDP echo published at `address` answers a client bound on
/// `from` (resending while the server is not listening yet).
fn udp_echo(from: std::net::IpAddr, address: std::net::SocketAddr) -> Vec<u8> {
    let client = UdpSocket::bind((from, 0)).unwrap();
    client
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut reply = [0u8; 64];
    let mut got = None;
    eventually("the UDP echo answers", || {
        client.send_to(b"ping", address).unwrap();
        got = client.recv(&mut reply).ok();
        got.is_some()
    });
    reply[..got.unwrap()].to_vec()
}

#[test]
fn slirp4netns_publishes_on_an_ipv6_address_through_rpods_forwarder() {
    let env = TestEnv::new();
    let loopback6 = std::net::IpAddr::V6(Ipv6Addr::LOCALHOST);
    // One port number on IPv6 and on IPv4: two ports, as with Docker.
    let port = free_port_on_ipv4_and_ipv6();
    let published = [format!("[::]:{port}:80"), format!("{port}:80")];
    start_web(
        &env,
        "six",
        &["-p", &published[0], "-p", &published[1]],
        port,
    );
    assert_eq!(
        http_get((Ipv6Addr::LOCALHOST, port), "/index.html"),
        "hello\n"
    );
    // Through rpod's forwarder the client shows as the container itself;
    // the IPv4 port is still slirp4netns's, which shows its gateway.
    assert_eq!(
        http_get((Ipv6Addr::LOCALHOST, port), "/cgi-bin/addr"),
        "[::ffff:10.0.2.100]\n"
    );
    assert_eq!(
        http_get((Ipv4Addr::LOCALHOST, port), "/cgi-bin/addr"),
        "[::ffff:10.0.2.2]\n"
    );
    assert_eq!(
        env.ok(&["port", "six"]),
        format!("80/tcp -> 0.0.0.0:{port}\n80/tcp -> [::]:{port}\n")
    );
    let forwarders = helpers(&env, "six", "rpod-port-forwarder");
    assert_eq!(forwarders.len(), 1);
    // A taken IPv6 port is refused before anything is made.
    let image = env.pulled_busybox();
    assert_eq!(
        env.fails(
            &["run", "--name", "late", "-p", &published[0], &image, "true"],
            125
        ),
        format!(
            "Error: cannot publish [::]:{port}/tcp: the host port is not available: \
             Address already in use (os error 98)\n"
        )
    );
    env.fails(&["inspect", "late"], 125);
    env.ok(&["stop", "-t", "0", "six"]);
    eventually("the forwarder ends with the container", || {
        all_gone(&forwarders)
    });
    assert!(TcpListener::bind((Ipv6Addr::LOCALHOST, port)).is_ok());

    // UDP, random host port.
    let debian = env.image("library/debian:minbase");
    env.ok(&["pull", "-q", &debian]);
    let run = ["run", "-d", "--name", "echo", "-p", "[::1]::9000/udp"];
    env.ok(&[&run[..], &[&debian, "perl", "-e", UDP_ECHO]].concat());
    let port: u16 = env
        .ok(&["port", "echo"])
        .trim()
        .strip_prefix("9000/udp -> [::1]:")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(udp_echo(loopback6, (loopback6, port).into()), b"echo:ping");
}

#[test]
fn port_handler_rootlesskit_forwards_every_port_and_ends_with_its_container() {
    let env = TestEnv::new();
    let port = free_port();
    let published = format!("{port}:80");
    let network = "slirp4netns:port_handler=rootlesskit";
    start_web(
        &env,
        "web",
        &[
            "--network",
            network,
            "-p",
            &published,
            "-p",
            "127.0.0.1::8081",
        ],
        port,
    );
    assert_eq!(
        http_get((Ipv4Addr::LOCALHOST, port), "/cgi-bin/addr"),
        "[::ffff:10.0.2.100]\n"
    );
    let lines = env.ok(&["port", "web"]);
    let random: u16 = lines
        .lines()
        .find_map(|l| l.strip_prefix("8081/tcp -> 127.0.0.1:"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        env.ok(&["ps", "--format", "{{.Ports}}"]),
        format!("0.0.0.0:{port}->80/tcp, 127.0.0.1:{random}->8081/tcp\n")
    );
    // Only slirp4netns's own forwarding needs its API socket.
    let id = env.ok(&["inspect", "--format", "{{.Id}}", "web"]);
    let runtime_dir = env.dir.join("run/rpod").join(id.trim());
    assert!(!runtime_dir.join("slirp4netns.sock").exists());
    // A restart gives the same ports to a new forwarder.
    let before = helpers(&env, "web", "rpod-port-forwarder");
    assert_eq!(before.len(), 1);
    env.ok(&["restart", "-t", "0", "web"]);
    eventually("the restarted web server answers", || {
        fetch((Ipv4Addr::LOCALHOST, port), "/index.html").is_ok_and(|body| body == "hello\n")
    });
    assert!(all_gone(&before));
    // A forwarder killed is reaped by the monitor (no zombie), and the
    // port goes with it.
    let forwarders = helpers(&env, "web", "rpod-port-forwarder");
    assert_eq!(forwarders.len(), 1);
    let (pid, _) = forwarders[0];
    std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    eventually("the monitor reaps its forwarder", || {
        !std::path::Path::new(&format!("/proc/{pid}")).exists()
    });
    assert!(TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)).is_ok());
    env.ok(&["rm", "-f", "web"]);

    // The forwarder dies with a monitor killed with SIGKILL.
    let port = free_port();
    let published = format!("{port}:80");
    start_web(
        &env,
        "orphan",
        &["--network", network, "-p", &published],
        port,
    );
    let forwarders = helpers(&env, "orphan", "rpod-port-forwarder");
    assert_eq!(forwarders.len(), 1);
    kill9(&env, "orphan", "{{.State.ConmonPid}}");
    eventually("the forwarder ends with the monitor", || {
        all_gone(&forwarders)
    });
    env.ok(&["rm", "-f", "orphan"]);

    // UDP replies reach a client on the host's loopback, which
    // slirp4netns's own forwarding drops.
    let debian = env.image("library/debian:minbase");
    env.ok(&["pull", "-q", &debian]);
    let loopback = std::net::IpAddr::V4(Ipv4Addr::LOCALHOST);
    let port = free_udp_port(Ipv4Addr::UNSPECIFIED.into());
    let published = format!("{port}:9000/udp");
    let run = ["run", "-d", "--network", network, "-p", &published];
    env.ok(&[&run[..], &[&debian, "perl", "-e", UDP_ECHO]].concat());
    assert_eq!(udp_echo(loopback, (loopback, port).into()), b"echo:ping");
}

#[test]
fn a_published_port_is_free_again_once_run_returns() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let published = format!("{}:80", free_port());
    let rootlesskit = "slirp4netns:port_handler=rootlesskit";
    for network in [
        "slirp4netns",
        "slirp4netns",
        rootlesskit,
        rootlesskit,
        "pasta",
        "pasta",
    ] {
        let out = env.ok(&[
            "run",
            "--rm",
            "--network",
            network,
            "-p",
            &published,
            &image,
            "echo",
            "ran",
        ]);
        assert_eq!(out, "ran\n", "{network}");
    }
}

#[test]
fn a_restarted_container_joins_the_network_its_peer_has_now() {
    let env = TestEnv::new();
    let port = free_port();
    let published = format!("127.0.0.1:{port}:80");
    start_web(&env, "first", &["-p", &published], port);
    let image = env.pulled_busybox();
    env.ok(&[
        "run",
        "-d",
        "--name",
        "joiner",
        "--restart",
        "always",
        "--network",
        "container:first",
        &image,
        "sleep",
        "1000",
    ]);
    // The peer restarts in a new network namespace of its own.
    env.ok(&["restart", "-t", "1", "first"]);
    eventually("the peer answers again", || {
        TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
    });
    // The joiner's workload dies; its monitor runs it again, in the
    // peer's namespace as it is now.
    kill9(&env, "joiner", "{{.State.Pid}}");
    eventually("the joiner reaches its peer over 127.0.0.1", || {
        let out = env.rpod(&[
            "exec",
            "joiner",
            "wget",
            "-qO-",
            "http://127.0.0.1/index.html",
        ]);
        out.status.success() && out.stdout == b"hello\n"
    });
}
