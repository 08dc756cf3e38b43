//! In the monitor, before the container starts: its `/etc` files, the
//! root filesystem mounted in the monitor's private mount namespace, and
//! the runtime spec built from the container record (the user resolved
//! in the image, the environment completed).

use crate::rootfs;
use crate::runtime::{self, Network, Process, Security, Spec};
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use crate::userns::IdMapping;
use anyhow::{Context, Result};
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
    let image = store
        .images()?
        .into_iter()
        .find(|i| i.id == record.image)
        .with_context(|| format!("the image {} of the container is gone", record.image_name))?;
    let lowers = image
        .layers
        .iter()
        .rev()
        .map(|l| store.layer_diff(&l.diff_id))
        .collect::<Result<Vec<_>>>()?;
    let rootfs = dir.join("rootfs");
    rootfs::mount_overlay(
        &store.root().join("layers"),
        &lowers,
        &dir.join("upper"),
        &dir.join("work"),
        &rootfs,
    )?;
    let user = runtime::user::resolve(&rootfs, &config.user)?;
    let mut env = config.env.clone();
    env.push(format!("HOSTNAME={}", config.hostname));
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        env.push(format!("HOME={}", user.home));
    }
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
            capabilities: runtime::capabilities::from_flags(
                &config.cap_add,
                &config.cap_drop,
                config.privileged,
            )?,
            privileged: config.privileged,
            no_new_privileges: config.no_new_privileges,
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
