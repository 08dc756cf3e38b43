//! In the monitor, before the container starts: its `/etc` files, the
//! root filesystem mounted in the monitor's private mount namespace, and
//! the runtime spec built from the container record (the user resolved
//! in the image, the environment completed, the seccomp filter compiled).

use crate::network::{self, EtcFiles};
use crate::rootfs;
use crate::runtime::binds::Bind;
use crate::runtime::{self, Process, Security, Spec};
use crate::store::Store;
use crate::store::containers::ContainerRecord;
use crate::userns::{IdMapping, KeepId, OwnerShift};
use anyhow::{Context, Result};
use std::path::Path;

/// Mounts the root filesystem and returns the spec to run. `mapping` is
/// rpod's usual one, the monitor's. A network shared with another
/// container or a path is joined here, by the monitor itself.
pub fn spec(
    store: &Store,
    record: &ContainerRecord,
    mapping: &IdMapping,
    runtime_dir: &Path,
) -> Result<Spec> {
    let config = &record.config;
    let dir = store.container_dir(&record.id);
    let network = network::Mode::parse(&config.network)?;
    network::join_shared(&network, |id| running_init(store, id))?;
    write_etc_files(store, &dir, record, &network)?;
    crate::process::private_mount_namespace()?;
    let shift = OwnerShift::for_container(config.keep_id.as_ref(), mapping)?;
    let userns = shift
        .as_ref()
        .map(|shift| shift.container.nested_in(mapping))
        .transpose()?;
    let mounted = rootfs::mount_container(store, record, shift.as_ref())?;
    let rootfs = mounted.path;
    let mut etc_files = vec!["hostname", "hosts", "resolv.conf"];
    let mut passwd = runtime::user::read_in_root(&rootfs, "etc/passwd");
    let mut group = runtime::user::read_in_root(&rootfs, "etc/group");
    if let Some(keep) = &config.keep_id {
        etc_files.extend(add_kept_user(&dir, keep, &mut passwd, &mut group)?);
    }
    if let Some(shift) = &shift {
        // Written by the monitor, they would belong to the kept user.
        let (uid, gid) = shift.owner(0, 0);
        for file in &etc_files {
            let path = dir.join(file);
            std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                .with_context(|| format!("cannot chown {}", path.display()))?;
        }
    }
    let user = runtime::user::resolve_in(&passwd, &group, &config.user)?;
    let mut env = config.env.clone();
    env.push(format!("HOSTNAME={}", config.hostname));
    if !env.iter().any(|e| e.starts_with("HOME=")) {
        env.push(format!("HOME={}", user.home));
    }
    let capabilities =
        runtime::capabilities::from_flags(&config.cap_add, &config.cap_drop, config.privileged)?;
    Ok(Spec {
        rootfs,
        rootfs_server: mounted.server,
        state_dir: dir,
        etc_files,
        userns,
        hostname: config.hostname.clone(),
        domainname: config.domainname.clone(),
        network,
        ports: config.ports.clone(),
        runtime_dir: runtime_dir.to_path_buf(),
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
        binds: volumes_provided(store, &config.binds)?,
        shm_size: config.shm_size.unwrap_or(runtime::tmpfs::DEFAULT_SHM_SIZE),
        ulimits: config.ulimits.clone(),
    })
}

/// The container's binds, with every volume they mount there.
fn volumes_provided(store: &Store, binds: &[Bind]) -> Result<Vec<Bind>> {
    let mut binds = binds.to_vec();
    if binds.iter().any(|b| b.volume.is_some()) {
        let _lock = crate::store::Lock::exclusive(&store.lock_path("containers.lock"))?;
        store.provide_volumes(&mut binds, true)?;
    }
    Ok(binds)
}

/// Under `--userns=keep-id`, names the kept user and group in copies of
/// the image's `/etc/passwd` and `/etc/group` in the container's
/// directory when the image has no such ids, as Podman does; returns the
/// files to bind-mount.
fn add_kept_user(
    dir: &Path,
    keep: &KeepId,
    passwd: &mut String,
    group: &mut String,
) -> Result<Vec<&'static str>> {
    let has_id = |text: &str, id: u32| {
        text.lines()
            .any(|line| line.split(':').nth(2) == Some(id.to_string().as_str()))
    };
    let mut files = Vec::new();
    let mut add = |text: &mut String, file: &'static str, line: String| -> Result<()> {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&line);
        std::fs::write(dir.join(file), text.as_bytes())?;
        files.push(file);
        Ok(())
    };
    if !has_id(passwd, keep.uid) {
        let KeepId {
            uid,
            gid,
            name,
            home,
        } = keep;
        add(
            passwd,
            "passwd",
            format!("{name}:*:{uid}:{gid}:{name}:{home}:/bin/sh\n"),
        )?;
    }
    if !has_id(group, keep.gid) {
        add(group, "group", format!("{}:x:{}:\n", keep.name, keep.gid))?;
    }
    Ok(files)
}

/// The files bind-mounted over the image's /etc/hostname, /etc/hosts and
/// /etc/resolv.conf. A container on another's network gets that one's
/// hosts and resolv.conf.
fn write_etc_files(
    store: &Store,
    dir: &Path,
    record: &ContainerRecord,
    mode: &network::Mode,
) -> Result<()> {
    let config = &record.config;
    std::fs::write(dir.join("hostname"), format!("{}\n", config.hostname))?;
    if let network::Mode::Container(id) = mode {
        let other = store.container_dir(id);
        for file in ["hosts", "resolv.conf"] {
            std::fs::copy(other.join(file), dir.join(file))
                .with_context(|| format!("cannot copy the {file} of container {id}"))?;
        }
        return Ok(());
    }
    let files = EtcFiles {
        hostname: &config.hostname,
        name: &record.name,
        mode,
        dns: &config.dns,
        add_hosts: &config.add_hosts,
    };
    std::fs::write(dir.join("hosts"), files.hosts())?;
    let host_resolv = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    std::fs::write(dir.join("resolv.conf"), files.resolv_conf(&host_resolv))?;
    Ok(())
}

/// The init of running container `id`, checked against PID reuse.
pub(super) fn running_init(store: &Store, id: &str) -> Result<rustix::process::Pid> {
    let other = store.container(id)?;
    let pid = match other.state.pid {
        Some((pid, started)) if other.state.is_running() => {
            crate::store::containers::process_start_time(pid)
                .filter(|&now| now == started)
                .and(rustix::process::Pid::from_raw(pid))
        }
        _ => None,
    };
    pid.with_context(|| {
        format!(
            "cannot join the network of container {}: it is not running",
            other.name
        )
    })
}
