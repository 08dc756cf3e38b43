//! `rpod create`, and the part of `rpod run` that makes the container:
//! the image (pulled when missing, as Docker does), its config with the
//! flags' overrides, and the container record that `start` runs from.

use super::Context;
use super::progress::PullDisplay;
use super::pull::{ConnectArgs, PullRequest};
use crate::registry::Platform;
use crate::runtime::seccomp::Seccomp;
use crate::store::Store;
use crate::store::containers::{self, ContainerConfig, ContainerRecord, ContainerState};
use crate::store::images::{self, ImageRecord};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;

/// The flags that describe a container (shared by `create` and `run`).
#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct CreateArgs {
    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Set environment variables (NAME=VALUE, or NAME to pass the host's value)
    #[arg(short, long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,
    /// Read environment variables from a file (one NAME=VALUE per line)
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_file: Vec<std::path::PathBuf>,
    /// Set metadata on the container (KEY=VALUE)
    #[arg(short, long = "label", value_name = "KEY=VALUE")]
    pub label: Vec<String>,
    /// Overwrite the default entrypoint of the image ('' for none)
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Working directory inside the container
    #[arg(short, long)]
    pub workdir: Option<String>,
    /// User to run as (name|uid[:group|gid])
    #[arg(short, long)]
    pub user: Option<String>,
    /// Container host name
    #[arg(short = 'h', long)]
    pub hostname: Option<String>,
    /// Keep stdin open (it is passed to the container)
    #[arg(short, long)]
    pub interactive: bool,
    /// Allocate a pseudo-terminal
    #[arg(short, long)]
    pub tty: bool,
    /// Add Linux capabilities (or ALL)
    #[arg(long = "cap-add", value_name = "CAP")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities (or ALL)
    #[arg(long = "cap-drop", value_name = "CAP")]
    pub cap_drop: Vec<String>,
    /// Give the container every capability and unmasked kernel files
    #[arg(long)]
    pub privileged: bool,
    /// Security options: no-new-privileges, seccomp=unconfined|PROFILE.json
    #[arg(long = "security-opt", value_name = "OPTION")]
    pub security_opt: Vec<String>,
    /// Network: slirp4netns[:OPTIONS] (the default), pasta[:OPTIONS],
    /// none, host, container:NAME or ns:PATH
    #[arg(long, visible_alias = "net", value_name = "MODE")]
    pub network: Option<String>,
    /// Publish a container's port on the host
    /// ([[IP:][HOST-PORT]:]CONTAINER-PORT[/tcp|udp], ranges allowed)
    #[arg(short, long = "publish", value_name = "PORTS")]
    pub publish: Vec<String>,
    /// Publish every exposed port on a random host port
    #[arg(short = 'P', long = "publish-all")]
    pub publish_all: bool,
    /// Expose a port or a range of ports (PORT[-LAST][/tcp|udp])
    #[arg(long, value_name = "PORT")]
    pub expose: Vec<String>,
    /// Set a DNS server
    #[arg(long, value_name = "ADDRESS")]
    pub dns: Vec<String>,
    /// Set a DNS search domain
    #[arg(long = "dns-search", value_name = "DOMAIN")]
    pub dns_search: Vec<String>,
    /// Set a DNS resolver option
    #[arg(long = "dns-option", visible_alias = "dns-opt", value_name = "OPTION")]
    pub dns_option: Vec<String>,
    /// Add a line to /etc/hosts (NAME:ADDRESS, or NAME:host-gateway)
    #[arg(long = "add-host", value_name = "NAME:ADDRESS")]
    pub add_host: Vec<String>,
    /// Container NIS domain name
    #[arg(long)]
    pub domainname: Option<String>,
    /// Signal to stop the container (default: the image's, or SIGTERM)
    #[arg(long = "stop-signal", value_name = "SIGNAL")]
    pub stop_signal: Option<String>,
    /// Seconds to wait for the stop signal before killing (default 10)
    #[arg(long = "stop-timeout", value_name = "SECONDS")]
    pub stop_timeout: Option<u64>,
    /// Log options: max-size=SIZE (rotate the log past SIZE)
    #[arg(long = "log-opt", value_name = "OPTION")]
    pub log_opt: Vec<String>,
    /// Restart policy: no, on-failure[:MAX-RETRIES], always or unless-stopped
    #[arg(long, default_value = "no", value_name = "POLICY")]
    pub restart: String,
    /// Run an init inside the container that forwards signals and reaps processes
    #[arg(long)]
    pub init: bool,
    /// Mount the container's root filesystem read-only
    #[arg(long = "read-only")]
    pub read_only: bool,
    /// Bind-mount a host path or mount a volume
    /// ([HOST-PATH|VOLUME:]CONTAINER-PATH[:ro|rw,z,Z,U,nocopy])
    #[arg(short, long = "volume", value_name = "[SOURCE:]CONTAINER[:OPTIONS]")]
    pub volume: Vec<String>,
    /// Attach a mount: type=bind|volume,source=…,target=PATH[,readonly] or
    /// type=tmpfs,target=PATH[,tmpfs-size=SIZE][,tmpfs-mode=MODE]
    #[arg(long, value_name = "type=TYPE,…")]
    pub mount: Vec<String>,
    /// Mount the volumes and binds of another container (CONTAINER[:ro|rw])
    #[arg(long = "volumes-from", value_name = "CONTAINER[:MODE]")]
    pub volumes_from: Vec<String>,
    /// Mount a tmpfs (PATH[:OPTIONS], e.g. /run:size=64m,mode=1777)
    #[arg(long, value_name = "PATH[:OPTIONS]")]
    pub tmpfs: Vec<String>,
    /// Size of /dev/shm (default 64m)
    #[arg(long = "shm-size", value_name = "SIZE")]
    pub shm_size: Option<String>,
    /// Set a resource limit (NAME=SOFT[:HARD], -1 for unlimited)
    #[arg(long, value_name = "NAME=SOFT[:HARD]")]
    pub ulimit: Vec<String>,
    /// User namespace: host (rpod's own, the default) or
    /// keep-id[:uid=N,gid=N] (your uid and gid keep their values inside)
    #[arg(long, value_name = "MODE")]
    pub userns: Option<String>,
    /// Pull the image before running: missing, always or never
    #[arg(long, default_value = "missing", value_parser = ["missing", "always", "never"])]
    pub pull: String,
    /// Platform of the image to pull (os/arch[/variant])
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Image to run
    pub image: String,
    /// Command and arguments (default: the image's)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

/// `rpod create`: prints the new container's ID.
pub fn create(ctx: &Context, args: CreateArgs) -> Result<()> {
    let (_, record) = new_container(ctx, &args)?;
    println!("{}", record.id);
    Ok(())
}

/// Makes the container record (pulling the image when needed).
pub fn new_container(ctx: &Context, args: &CreateArgs) -> Result<(Store, ContainerRecord)> {
    if let Some(name) = &args.name {
        containers::validate_name(name)?;
    }
    let (no_new_privileges, seccomp) = security_options(&args.security_opt)?;
    let restart = crate::monitor::restart::parse(&args.restart)?;
    if args.rm && restart.name != "no" {
        bail!("Conflicting options: --restart and --rm");
    }
    runtime_check(args, &seccomp)?;
    let log_max_size = log_options(&args.log_opt)?;
    let storage_driver = ctx.storage_driver()?;
    let ulimits = args
        .ulimit
        .iter()
        .map(|u| crate::runtime::ulimits::parse(u))
        .collect::<Result<Vec<_>>>()?;
    let keep_id = match &args.userns {
        Some(mode) => crate::userns::parse_userns(mode, &crate::userns::current_user()?)?,
        None => None,
    };
    let shm_size = args
        .shm_size
        .as_deref()
        .map(crate::runtime::tmpfs::parse_shm_size)
        .transpose()?;
    let store = ctx.store()?;
    let mount_flags = super::mounts::MountFlags {
        volumes: &args.volume,
        mounts: &args.mount,
        tmpfs: &args.tmpfs,
        volumes_from: &args.volumes_from,
    };
    let containers = if args.volumes_from.is_empty() {
        Vec::new()
    } else {
        store.containers()?
    };
    let (mut binds, tmpfs) = super::mounts::container_mounts(&mount_flags, &containers)?;
    let (network, mode) = network_mode(ctx, &store, args)?;
    if matches!(mode, crate::network::Mode::Container(_)) {
        refuse_with_shared_network(args)?;
    }
    let dns = dns_options(args)?;
    let add_hosts = args
        .add_host
        .iter()
        .map(|h| crate::network::parse_add_host(h))
        .collect::<Result<Vec<_>>>()?;
    let image = find_or_pull(ctx, &store, args)?;
    let config = image_config(&store, &image)?;
    super::mounts::add_image_volumes(&mut binds, &tmpfs, &config);
    let (exposed, ports) = published_ports(&config, args, &network, &mode)?;
    let id = containers::new_container_id()?;
    let command = command_line(&config, args);
    if command.is_empty() {
        bail!("no command specified: the image has none, give one after the image name");
    }
    let mut record = ContainerRecord {
        // Empty: the store picks a free generated name.
        name: args.name.clone().unwrap_or_default(),
        image: image.id.clone(),
        image_name: args.image.clone(),
        created: jiff::Timestamp::now().to_string(),
        command,
        state: ContainerState {
            status: "created".into(),
            ..ContainerState::default()
        },
        config: ContainerConfig {
            env: environment(
                strings(&config["Env"]),
                &env_flags(&args.env_file, &args.env)?,
            ),
            // keep-id runs as the kept user unless told otherwise.
            user: match (&args.user, &keep_id) {
                (Some(user), _) => user.clone(),
                (None, Some(keep)) => format!("{}:{}", keep.uid, keep.gid),
                (None, None) => text(&config["User"]),
            },
            workdir: args
                .workdir
                .clone()
                .unwrap_or_else(|| text(&config["WorkingDir"])),
            hostname: args
                .hostname
                .clone()
                .unwrap_or_else(|| id[..12].to_string()),
            network,
            ports,
            exposed,
            dns,
            add_hosts,
            domainname: args.domainname.clone().unwrap_or_default(),
            tty: args.tty,
            interactive: args.interactive,
            auto_remove: args.rm,
            cap_add: args.cap_add.clone(),
            cap_drop: args.cap_drop.clone(),
            privileged: args.privileged,
            no_new_privileges,
            seccomp,
            labels: labels(&config, &args.label)?,
            stop_signal: args
                .stop_signal
                .clone()
                .unwrap_or_else(|| text(&config["StopSignal"])),
            stop_timeout: args.stop_timeout,
            log_max_size,
            storage_driver,
            restart,
            init: args.init,
            read_only: args.read_only,
            tmpfs,
            shm_size,
            ulimits,
            keep_id,
            binds,
        },
        id,
    };
    crate::runtime::binds::make_missing_sources(&record.config.binds)?;
    store.create_container(&mut record)?;
    Ok((store, record))
}

/// `--network` (or the configured default) as kept in the record, with a
/// `container:` name resolved to the container's ID, and parsed.
fn network_mode(
    ctx: &Context,
    store: &Store,
    args: &CreateArgs,
) -> Result<(String, crate::network::Mode)> {
    use crate::network::Mode;
    let text = match &args.network {
        Some(text) => text.clone(),
        None => crate::network::default_mode(ctx.config()?),
    };
    Ok(match Mode::parse(&text)? {
        Mode::Container(name) => {
            let containers = store.containers()?;
            let id = super::containers::find(&containers, &name)?.id.clone();
            (format!("container:{id}"), Mode::Container(id))
        }
        Mode::Host => {
            eprintln!(
                "WARNING: --network host: the container shares the host's network, it is not isolated from it"
            );
            (text, Mode::Host)
        }
        mode => (text, mode),
    })
}

/// A container on another's network uses that one's /etc/hosts and
/// resolv.conf: the flags that would change them conflict, as in Docker.
fn refuse_with_shared_network(args: &CreateArgs) -> Result<()> {
    let given = [
        ("dns", !args.dns.is_empty()),
        ("dns-search", !args.dns_search.is_empty()),
        ("dns-option", !args.dns_option.is_empty()),
        ("add-host", !args.add_host.is_empty()),
        ("hostname", args.hostname.is_some()),
    ];
    match given.iter().find(|(_, given)| *given) {
        Some((flag, _)) => bail!("conflicting options: --{flag} and the network mode container"),
        None => Ok(()),
    }
}

fn dns_options(args: &CreateArgs) -> Result<crate::network::DnsConfig> {
    let servers = args
        .dns
        .iter()
        .map(|s| {
            s.parse()
                .map_err(|_| anyhow::anyhow!("invalid --dns {s:?}: not an IP address"))
        })
        .collect::<Result<_>>()?;
    for value in args.dns_search.iter().chain(&args.dns_option) {
        if value.is_empty() || value.contains(char::is_whitespace) {
            bail!("invalid DNS search domain or option {value:?}");
        }
    }
    Ok(crate::network::DnsConfig {
        servers,
        search: args.dns_search.clone(),
        options: args.dns_option.clone(),
    })
}

/// The exposed ports (the image's and `--expose`, as `80/tcp`) and the
/// ports to publish (`-p`, and `-P` for the exposed ones). Fixed host
/// ports must be free now, so that a taken one leaves no container.
fn published_ports(
    config: &serde_json::Value,
    args: &CreateArgs,
    network: &str,
    mode: &crate::network::Mode,
) -> Result<(Vec<String>, Vec<crate::network::ports::PortBinding>)> {
    use crate::network::ports;
    let image_exposed = config["ExposedPorts"]
        .as_object()
        .map(|m| m.keys().cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    // The image may expose ports rpod cannot publish (sctp): they are
    // left out; `--expose` must be right.
    let mut exposed: Vec<_> = image_exposed
        .iter()
        .filter_map(|text| ports::parse_exposed(text).ok())
        .flatten()
        .collect();
    for text in &args.expose {
        exposed.extend(ports::parse_exposed(text)?);
    }
    let mut bindings = Vec::new();
    for flag in &args.publish {
        bindings.extend(ports::parse_publish(flag)?);
    }
    if args.publish_all {
        ports::publish_all(&exposed, &mut bindings);
    }
    for binding in &bindings {
        let key = (binding.container_port, binding.protocol.clone());
        if !exposed.contains(&key) {
            exposed.push(key);
        }
    }
    exposed.sort();
    exposed.dedup();
    if !bindings.is_empty() {
        match mode {
            crate::network::Mode::Host => {
                eprintln!("WARNING: published ports are discarded when using host network mode");
                bindings.clear();
            }
            mode if !mode.publishes_ports() => {
                bail!("conflicting options: port publishing and the network mode {network:?}")
            }
            _ => ports::check_available(&bindings)?,
        }
    }
    let exposed = exposed
        .into_iter()
        .map(|(port, protocol)| format!("{port}/{protocol}"))
        .collect();
    Ok((exposed, bindings))
}

/// Refuses flags whose values the container could not start with.
fn runtime_check(args: &CreateArgs, seccomp: &Seccomp) -> Result<()> {
    let capabilities =
        crate::runtime::capabilities::from_flags(&args.cap_add, &args.cap_drop, args.privileged)?;
    seccomp.filter(args.privileged, capabilities)?;
    if let Some(signal) = &args.stop_signal {
        super::signals::parse(signal)?;
    }
    Ok(())
}

fn text(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

/// The image the user named, pulled first when missing or when asked to.
fn find_or_pull(ctx: &Context, store: &Store, args: &CreateArgs) -> Result<ImageRecord> {
    let platform = Platform::choose(args.platform.as_deref(), None, None, None)?;
    let request = PullRequest::new(ctx, &args.image, args.connect.options(None), platform)?;
    let local = request.local_names();
    let found = images::find(&store.images()?, &args.image, &local)?.cloned();
    match (found, args.pull.as_str()) {
        (Some(image), "missing" | "never") => return Ok(image),
        (None, "never") => bail!("no such image: {} (and --pull=never)", args.image),
        (None, _) => eprintln!(
            "Unable to find image '{}' locally",
            shown_reference(&args.image)
        ),
        (Some(_), _) => {}
    }
    ctx.in_userns(|mapping| {
        request
            .pull(mapping, &PullDisplay::new(false, true))
            .map(drop)
    })?;
    // The pull ran in a child process: find its image in the store.
    let found = images::find(&store.images()?, &args.image, &local)?.cloned();
    found.context("the pulled image vanished from the store")
}

/// Docker names the image with its tag in "Unable to find image".
fn shown_reference(input: &str) -> String {
    crate::reference::parse(input)
        .map(|p| {
            let mut shown = input.to_string();
            if p.tag.is_none() && p.digest.is_none() {
                shown.push_str(":latest");
            }
            shown
        })
        .unwrap_or_else(|_| input.to_string())
}

fn image_config(store: &Store, image: &ImageRecord) -> Result<serde_json::Value> {
    let bytes = store.read_blob(&image.id)?;
    let config: serde_json::Value =
        serde_json::from_slice(&bytes).context("the image config is corrupt")?;
    Ok(config["config"].clone())
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Entrypoint + command, with Docker's override rules: `--entrypoint`
/// replaces the image's entrypoint and drops its command.
fn command_line(config: &serde_json::Value, args: &CreateArgs) -> Vec<String> {
    let (entrypoint, image_cmd) = match &args.entrypoint {
        Some(e) if e.is_empty() => (Vec::new(), Vec::new()),
        Some(e) => (vec![e.clone()], Vec::new()),
        None => (strings(&config["Entrypoint"]), strings(&config["Cmd"])),
    };
    let cmd = if args.command.is_empty() {
        image_cmd
    } else {
        args.command.clone()
    };
    entrypoint.into_iter().chain(cmd).collect()
}

/// `--env-file` lines (blank lines and `#` comments skipped), then `-e`.
pub fn env_flags(env_files: &[std::path::PathBuf], env: &[String]) -> Result<Vec<String>> {
    let mut flags = Vec::new();
    for path in env_files {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the env file {}", path.display()))?;
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line
                .split('=')
                .next()
                .is_some_and(|k| k.trim().is_empty() || k.contains(char::is_whitespace))
            {
                bail!(
                    "invalid line in the env file {}: variable names cannot be empty or hold spaces",
                    path.display()
                );
            }
            flags.push(line.to_string());
        }
    }
    flags.extend(env.iter().cloned());
    Ok(flags)
}

/// `base` (the image's or the container's environment), then the flags
/// (a bare NAME takes this process's value, or is dropped when it has
/// none), and a default PATH.
pub fn environment(mut env: Vec<String>, flags: &[String]) -> Vec<String> {
    let mut set = |entry: String| {
        let key = entry.split('=').next().unwrap_or_default().to_string();
        env.retain(|e| e.split('=').next() != Some(key.as_str()));
        env.push(entry);
    };
    for flag in flags {
        if flag.contains('=') {
            set(flag.clone());
        } else if let Some(value) = std::env::var_os(flag) {
            set(format!("{flag}={}", value.to_string_lossy()));
        }
    }
    if !env.iter().any(|e| e.starts_with("PATH=")) {
        env.insert(0, format!("PATH={}", crate::runtime::DEFAULT_PATH));
    }
    env
}

/// The image's labels with `--label` on top.
fn labels(config: &serde_json::Value, flags: &[String]) -> Result<BTreeMap<String, String>> {
    let mut labels: BTreeMap<String, String> = config["Labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default();
    for flag in flags {
        let (key, value) = flag.split_once('=').unwrap_or((flag, ""));
        if key.is_empty() {
            bail!("invalid label {flag:?}: the key is empty");
        }
        labels.insert(key.to_string(), value.to_string());
    }
    Ok(labels)
}

/// `--log-opt`: `max-size` is honoured; anything else is refused.
fn log_options(options: &[String]) -> Result<Option<u64>> {
    let mut max_size = None;
    for option in options {
        match option.split_once('=') {
            Some(("max-size", size)) => {
                max_size = Some(
                    crate::format::parse_size(size)
                        .filter(|&s| s > 0)
                        .with_context(|| format!("invalid --log-opt max-size {size:?}"))?,
                )
            }
            _ => bail!("--log-opt {option:?} is not supported (rpod takes max-size=SIZE)"),
        }
    }
    Ok(max_size)
}

/// `--security-opt`: `no-new-privileges[:true|=true]` and
/// `seccomp=unconfined|PROFILE.json` (also `seccomp:…`, the profile read
/// and checked now); anything else is refused rather than silently
/// ignored. Returns no-new-privileges and the seccomp choice.
fn security_options(options: &[String]) -> Result<(bool, Seccomp)> {
    let mut no_new_privileges = false;
    let mut seccomp = Seccomp::Default;
    for option in options {
        if let Some(value) = option
            .strip_prefix("seccomp=")
            .or_else(|| option.strip_prefix("seccomp:"))
        {
            seccomp = Seccomp::from_option(value)?;
            continue;
        }
        match option.as_str() {
            "no-new-privileges" | "no-new-privileges:true" | "no-new-privileges=true" => {
                no_new_privileges = true
            }
            "no-new-privileges:false" | "no-new-privileges=false" => no_new_privileges = false,
            other => bail!("--security-opt {other:?} is not supported"),
        }
    }
    Ok((no_new_privileges, seccomp))
}
