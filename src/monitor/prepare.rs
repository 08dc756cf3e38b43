//! In the monitor, before the container starts: its `/etc` files, the
//! root filesystem mounted in the monitor's private mount namespace, and
//! the runtime spec built from the container record (the user resolved
//! in the image, the environment completed, the seccomp filter compiled).

use crate::rootfs;
use crate::runtime::{self, Network, Process, Security, Spec};
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use crate::userns::IdMapping;
use anyhow::Result;
use std::path::Path;

/// Mounts the root filesystem and returns the spec to run.
pub fn spec(store: &Store, record: &ContainerRecord, mapping: &IdMapping) -> Result<Spec> {
    let config = &record.config;
    let dir = store.container_dir(&record.id);
    let network = if config.network == "host" {
        Network::Host
    } else {
        Network::None
    };
    write_etc_files(&dir, &config.hostname, network)?;
    crate::process::private_mount_namespace()?;
    let rootfs = rootfs::mount_container(store, record)?;
    let user = runtime::user::resolve(&rootfs, &config.user)?;
    let mut env = config.env.clone();
    env.push(format!("HOSTNAME={}", config.hostname));
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        env.push(format!("HOME={}", user.home));
    }
    let capabilities =
        runtime::capabilities::from_flags(&config.cap_add, &config.cap_drop, config.privileged)?;
    Ok(Spec {
        rootfs,
        state_dir: dir,
        hostname: config.hostname.clone(),
        network,
        tty_group_mapped: !mapping.is_single(),
        process: Process {
            args: record.command.clone(),
            env,
            cwd: config.workdir.clone(),
            uid: user.uid,
            gid: user.gid,
            groups: user.groups,
        },
        security: Security {
            capabilities,
            privileged: config.privileged,
            no_new_privileges: config.no_new_privileges,
            seccomp: config.seccomp.filter(config.privileged, capabilities)?,
        },
        init: config.init,
        read_only: config.read_only,
        tmpfs: config
            .tmpfs
            .iter()
            .map(|(path, options)| (path.clone(), options.clone()))
            .collect(),
        shm_size: config.shm_size.unwrap_or(runtime::tmpfs::DEFAULT_SHM_SIZE),
        ulimits: config.ulimits.clone(),
    })
}

/// The files bind-mounted over the image's /etc/hostname, /etc/hosts and
/// /etc/resolv.conf.
fn write_etc_files(dir: &Path, hostname: &str, network: Network) -> Result<()> {
    std::fs::write(dir.join("hostname"), format!("{hostname}\n"))?;
    let mut hosts =
        String::from("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    hosts.push_str(&format!("127.0.1.1\t{hostname}\n"));
    std::fs::write(dir.join("hosts"), hosts)?;
    let resolv = match network {
        Network::Host => std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default(),
        Network::None => String::new(),
    };
    std::fs::write(dir.join("resolv.conf"), resolv)?;
    Ok(())
}
