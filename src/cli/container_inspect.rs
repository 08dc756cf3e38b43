//! What `docker container inspect` prints for a container: Docker's JSON
//! shape, filled from the container record (Podman's `ConmonPid` names
//! the monitor).

use crate::monitor;
use crate::store::Store;
use crate::store::containers::{ContainerConfig, ContainerRecord, ContainerState};
use serde_json::{Value, json};

/// Go's zero time, which Docker prints for times that never happened.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

pub fn container_json(store: &Store, record: &ContainerRecord) -> Value {
    let state = &record.state;
    let status = state.effective_status();
    let running = state.is_running();
    let config = &record.config;
    let dir = store.container_dir(&record.id);
    let path = |name: &str| dir.join(name).display().to_string();
    // The container's own address and gateway, while it runs.
    let (address, gateway) = crate::network::Mode::parse(&config.network)
        .ok()
        .and_then(|mode| mode.addresses())
        .filter(|_| running)
        .unwrap_or_default();
    let pid = |p: Option<(i32, u64)>| {
        if running {
            p.map_or(0, |(pid, _)| pid)
        } else {
            0
        }
    };
    json!({
        "Id": record.id,
        "Created": record.created,
        "Path": record.command.first().cloned().unwrap_or_default(),
        "Args": record.command.get(1..).unwrap_or_default(),
        "State": {
            "Status": status,
            "Running": running,
            "Paused": status == "paused",
            "Restarting": status == "restarting",
            "OOMKilled": false,
            "Dead": false,
            "Pid": pid(state.pid),
            "ConmonPid": pid(state.monitor),
            "ExitCode": state.exit_code.unwrap_or(0),
            "Error": state.error.clone().unwrap_or_default(),
            "StartedAt": state.started_at.clone().unwrap_or_else(|| ZERO_TIME.into()),
            "FinishedAt": state.finished_at.clone().unwrap_or_else(|| ZERO_TIME.into()),
        },
        "Image": record.image,
        "ResolvConfPath": path("resolv.conf"),
        "HostnamePath": path("hostname"),
        "HostsPath": path("hosts"),
        "LogPath": monitor::log_path(store, &record.id).display().to_string(),
        "Name": format!("/{}", record.name),
        "RestartCount": state.restart_count,
        "Driver": config.storage_driver.name(),
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "ExecIDs": null,
        "HostConfig": {
            "LogConfig": {
                "Type": "k8s-file",
                "Config": match config.log_max_size {
                    Some(size) => json!({ "max-size": size.to_string() }),
                    None => json!({}),
                },
            },
            "NetworkMode": config.network,
            "PortBindings": crate::network::ports::docker_map(&config.ports),
            "Dns": config.dns.servers,
            "DnsSearch": config.dns.search,
            "DnsOptions": config.dns.options,
            "ExtraHosts": config.add_hosts.iter().map(|(name, address)| format!("{name}:{address}")).collect::<Vec<_>>(),
            "RestartPolicy": {
                "Name": config.restart.name,
                "MaximumRetryCount": config.restart.maximum_retry_count,
            },
            "AutoRemove": config.auto_remove,
            "CapAdd": config.cap_add,
            "CapDrop": config.cap_drop,
            "Privileged": config.privileged,
            "Init": config.init,
            "ReadonlyRootfs": config.read_only,
            "Tmpfs": if config.tmpfs.is_empty() { Value::Null } else { json!(config.tmpfs) },
            "Ulimits": config.ulimits.iter().map(|u| json!({
                "Name": u.name,
                "Hard": u.hard,
                "Soft": u.soft,
            })).collect::<Vec<_>>(),
            "ShmSize": config.shm_size.unwrap_or(crate::runtime::tmpfs::DEFAULT_SHM_SIZE),
            "SecurityOpt": security_opt(config),
            "Binds": match config.binds.iter().filter_map(|b| b.flag()).collect::<Vec<_>>() {
                binds if binds.is_empty() => Value::Null,
                binds => json!(binds),
            },
            "UsernsMode": config.keep_id.as_ref().map_or(String::new(), |k| {
                format!("keep-id:uid={},gid={}", k.uid, k.gid)
            }),
        },
        "GraphDriver": {
            "Name": config.storage_driver.name(),
            "Data": config.storage_driver.graph_data(&dir),
        },
        "Mounts": config.binds.iter().map(mount).collect::<Vec<_>>(),
        "Config": {
            "Hostname": config.hostname,
            "Domainname": config.domainname,
            "ExposedPorts": config.exposed.iter().map(|p| (p.clone(), json!({}))).collect::<serde_json::Map<_, _>>(),
            "User": config.user,
            "AttachStdin": config.interactive,
            "AttachStdout": true,
            "AttachStderr": true,
            "Tty": config.tty,
            "OpenStdin": config.interactive,
            "StdinOnce": config.interactive,
            "Env": config.env,
            "Cmd": record.command,
            "Image": record.image_name,
            "Volumes": null,
            "WorkingDir": config.workdir,
            "Entrypoint": null,
            "OnBuild": null,
            "Labels": config.labels,
            "StopSignal": if config.stop_signal.is_empty() { "SIGTERM" } else { &config.stop_signal },
            "StopTimeout": config.stop_timeout.unwrap_or(10),
        },
        "NetworkSettings": {
            "Bridge": "",
            "SandboxID": "",
            "Ports": network_ports(config, state),
            "IPAddress": address,
            "Gateway": gateway,
            "MacAddress": "",
            "Networks": {},
        },
    })
}

/// `NetworkSettings.Ports`: while running, each exposed port with its
/// host ports (null when not published), as Docker shows them.
fn network_ports(config: &ContainerConfig, state: &ContainerState) -> Value {
    if !state.is_running() {
        return json!({});
    }
    let mut ports = crate::network::ports::docker_map(&state.ports);
    if let Some(map) = ports.as_object_mut() {
        for key in &config.exposed {
            map.entry(key.clone()).or_insert(Value::Null);
        }
    }
    ports
}

/// `HostConfig.SecurityOpt`: the options that changed the defaults, as
/// Docker lists them (a profile file's JSON inline), or null.
fn security_opt(config: &ContainerConfig) -> Value {
    let options: Vec<String> = config
        .no_new_privileges
        .then(|| "no-new-privileges".to_string())
        .into_iter()
        .chain(config.seccomp.security_opt())
        .collect();
    if options.is_empty() {
        Value::Null
    } else {
        json!(options)
    }
}

/// One entry of `Mounts`: a bind mount of a host path, or a volume.
fn mount(bind: &crate::runtime::binds::Bind) -> Value {
    match &bind.volume {
        None => json!({
            "Type": "bind",
            "Source": bind.source,
            "Destination": bind.destination,
            "Mode": bind.options,
            "RW": !bind.read_only,
            "Propagation": bind.propagation_name(),
        }),
        Some(name) => json!({
            "Type": "volume",
            "Name": name,
            "Source": bind.source,
            "Destination": bind.destination,
            "Driver": "local",
            "Mode": bind.options,
            "RW": !bind.read_only,
            "Propagation": "",
        }),
    }
}
