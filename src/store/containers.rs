//! Container records: `containers/<id>/container.json` plus the
//! container's own directories (`upper/` and `work/` for the overlay,
//! `vfs/` for a copy, `rootfs/` where it is mounted, and the files
//! bind-mounted over
//! `/etc/hostname`, `/etc/hosts` and `/etc/resolv.conf`). Names are unique;
//! creation checks that under `locks/containers.lock`.

use super::{Lock, Store};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One container.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerRecord {
    pub id: String,
    pub name: String,
    /// The image ID (`sha256:…`).
    pub image: String,
    /// The image as the user named it.
    #[serde(default)]
    pub image_name: String,
    #[serde(default)]
    pub created: String,
    /// Entrypoint and command as run.
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub state: ContainerState,
    /// How to start it (kept so that `start` and `restart` can).
    #[serde(default)]
    pub config: ContainerConfig,
}

/// Everything `create`/`run` decided that starting the container needs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerConfig {
    /// The environment (image's, then `-e`/`--env-file`; the home
    /// directory is added at start when unset).
    pub env: Vec<String>,
    /// `--user` or the image's User, resolved at start.
    pub user: String,
    pub workdir: String,
    pub hostname: String,
    /// `--network` as given (a `container:` name resolved to its ID).
    pub network: String,
    /// `-p` and `-P`: ports to publish (host port 0: a free one at start).
    pub ports: Vec<crate::network::ports::PortBinding>,
    /// The image's exposed ports and `--expose` (`80/tcp`).
    pub exposed: Vec<String>,
    /// `--dns`, `--dns-search`, `--dns-option`.
    pub dns: crate::network::DnsConfig,
    /// `--add-host NAME:ADDRESS`.
    pub add_hosts: Vec<(String, String)>,
    /// `--domainname`.
    pub domainname: String,
    pub tty: bool,
    pub interactive: bool,
    /// `--rm`.
    pub auto_remove: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub no_new_privileges: bool,
    /// `--security-opt seccomp=…` (Docker's default profile when absent).
    pub seccomp: crate::runtime::seccomp::Seccomp,
    pub labels: std::collections::BTreeMap<String, String>,
    /// The image's StopSignal or `--stop-signal` (empty: SIGTERM).
    pub stop_signal: String,
    /// `--stop-timeout` in seconds (None: 10).
    pub stop_timeout: Option<u64>,
    /// `--log-opt max-size` in bytes.
    pub log_max_size: Option<u64>,
    /// The rootfs driver, chosen at create and kept for the container's life.
    pub storage_driver: crate::rootfs::Driver,
    /// `--restart`.
    pub restart: RestartPolicy,
    /// `--init`: a reaping init runs the command as its child.
    pub init: bool,
    /// `--read-only`: the root filesystem is mounted read-only.
    pub read_only: bool,
    /// `--tmpfs`: mount point → options (Docker's `HostConfig.Tmpfs`).
    pub tmpfs: std::collections::BTreeMap<String, String>,
    /// `--shm-size` in bytes (None: 64 MiB).
    pub shm_size: Option<u64>,
    /// `--ulimit`.
    pub ulimits: Vec<Ulimit>,
    /// `--userns=keep-id`: the ids the caller keeps inside.
    pub keep_id: Option<crate::userns::KeepId>,
    /// `-v`, `--mount type=bind|volume`, `--volumes-from` and the image's
    /// `VOLUME`s: host paths and volumes.
    pub binds: Vec<crate::runtime::binds::Bind>,
}

/// When the monitor runs the workload again (Docker's `RestartPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartPolicy {
    /// `no`, `on-failure`, `always` or `unless-stopped`.
    pub name: String,
    /// For `on-failure`: at most this many restarts (0: no limit).
    pub maximum_retry_count: u32,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            name: "no".into(),
            maximum_retry_count: 0,
        }
    }
}

/// One resource limit (`--ulimit name=soft:hard`; -1 is unlimited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    pub hard: i64,
}

/// Where a container is in its life.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContainerState {
    /// `created`, `running`, `paused`, `restarting` or `exited`.
    pub status: String,
    pub exit_code: Option<i32>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// The process that waits for the container (host PID) and its start
    /// time in clock ticks since boot, which tells it from a reused PID.
    #[serde(default)]
    pub monitor: Option<(i32, u64)>,
    /// The container's init (host PID) and its start time, while running.
    #[serde(default)]
    pub pid: Option<(i32, u64)>,
    /// How often the monitor ran the workload again (`--restart`) since
    /// the container was last started.
    #[serde(default)]
    pub restart_count: u32,
    /// Set by `stop`, `kill` and `rm -f` before they signal: the monitor
    /// then lets the container end instead of restarting it.
    #[serde(default)]
    pub stop_requested: bool,
    /// The ports published while running, with their host ports.
    #[serde(default)]
    pub ports: Vec<crate::network::ports::PortBinding>,
    /// Why rpod stopped the container itself (`State.Error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl ContainerState {
    /// `running`, `paused` or `restarting` only while the recorded monitor
    /// is still the same process; a container whose monitor was killed
    /// has exited.
    pub fn effective_status(&self) -> &str {
        match (self.status.as_str(), self.monitor) {
            (status @ ("running" | "paused" | "restarting"), Some((pid, start)))
                if process_start_time(pid) == Some(start) =>
            {
                status
            }
            ("running" | "paused" | "restarting", _) => "exited",
            (status, _) => status,
        }
    }

    /// Whether the container's monitor is alive: running, paused, or
    /// waiting to restart.
    pub fn is_running(&self) -> bool {
        matches!(self.effective_status(), "running" | "paused" | "restarting")
    }
}

/// A process's start time (field 22 of `/proc/PID/stat`).
pub fn process_start_time(pid: i32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields follow the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(19)?.parse().ok()
}

impl Store {
    fn containers_dir(&self) -> PathBuf {
        self.root().join("containers")
    }

    /// The directory holding one container's record and files.
    pub fn container_dir(&self, id: &str) -> PathBuf {
        self.containers_dir().join(id)
    }

    /// Held while a container is being started, so that two commands
    /// never start it at once. The lock file lives and goes with the
    /// container's directory.
    pub fn lock_container_start(&self, id: &str) -> Result<Lock> {
        Lock::exclusive(&self.container_dir(id).join("start.lock"))
    }

    /// The start lock of container `id` if nobody holds it now (`None`
    /// while the container is being started or removed).
    pub fn try_lock_container_start(&self, id: &str) -> Result<Option<Lock>> {
        Lock::try_exclusive(&self.container_dir(id).join("start.lock"))
    }

    /// Every container record (unreadable ones are skipped: a crash during
    /// creation can leave a directory without its record).
    pub fn containers(&self) -> Result<Vec<ContainerRecord>> {
        let entries = match std::fs::read_dir(self.containers_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut records = Vec::new();
        for entry in entries {
            let path = entry?.path().join("container.json");
            if let Ok(bytes) = std::fs::read(&path)
                && let Ok(record) = serde_json::from_slice::<ContainerRecord>(&bytes)
            {
                records.push(record);
            }
        }
        Ok(records)
    }

    /// Names (or IDs) of the containers made from image `image_id`.
    pub fn containers_using(&self, image_id: &str) -> Result<Vec<String>> {
        Ok(self
            .containers()?
            .into_iter()
            .filter(|c| c.image == image_id)
            .map(|c| if c.name.is_empty() { c.id } else { c.name })
            .collect())
    }

    /// Records a new container and makes its directories; refuses a name
    /// already in use, and gives an unnamed container a free generated one.
    pub fn create_container(&self, record: &mut ContainerRecord) -> Result<PathBuf> {
        std::fs::create_dir_all(self.containers_dir())?;
        let _lock = Lock::exclusive(&self.lock_path("containers.lock"))?;
        if record.name.is_empty() {
            let taken: std::collections::HashSet<String> =
                self.containers()?.into_iter().map(|c| c.name).collect();
            record.name = generated_names(&record.id)
                .find(|name| !taken.contains(name))
                .context("no free name for the container")?;
        }
        self.ensure_name_free(&record.name)?;
        self.provide_volumes(&mut record.config.binds, false)?;
        let dir = self.container_dir(&record.id);
        for sub in record.config.storage_driver.dirs() {
            std::fs::create_dir_all(dir.join(sub))
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        self.write_container(record)?;
        Ok(dir)
    }

    /// Gives container `id` a new name, unique among all containers; safe
    /// while the container runs (its monitor updates the record under the
    /// same lock).
    pub fn rename_container(&self, id: &str, name: &str) -> Result<()> {
        let _lock = Lock::exclusive(&self.lock_path("containers.lock"))?;
        self.ensure_name_free(name)?;
        let mut record = self.container(id)?;
        record.name = name.to_string();
        self.write_container(&record)
    }

    /// Fails when another container has `name` (call under the lock).
    fn ensure_name_free(&self, name: &str) -> Result<()> {
        if let Some(other) = self.containers()?.into_iter().find(|c| c.name == name) {
            bail!(
                "the container name \"/{name}\" is already in use by container \"{}\"; remove or rename that container",
                other.id
            );
        }
        Ok(())
    }

    /// Replaces a container's record.
    pub fn write_container(&self, record: &ContainerRecord) -> Result<()> {
        let path = self.container_dir(&record.id).join("container.json");
        // Rewritten at every start and stop: no fsync (see replace_file).
        super::atomic::replace_file(&path, &serde_json::to_vec_pretty(record)?, 0o600)
    }

    /// Reads, changes and writes one record under the containers lock, so
    /// that concurrent commands and monitors never lose each other's
    /// changes. Fails when the container is gone.
    pub fn update_container(
        &self,
        id: &str,
        change: impl FnOnce(&mut ContainerRecord),
    ) -> Result<ContainerRecord> {
        let _lock = Lock::exclusive(&self.lock_path("containers.lock"))?;
        let mut record = self.container(id)?;
        change(&mut record);
        self.write_container(&record)?;
        Ok(record)
    }

    /// One container's record by full ID.
    pub fn container(&self, id: &str) -> Result<ContainerRecord> {
        let path = self.container_dir(id).join("container.json");
        let bytes = std::fs::read(&path).with_context(|| format!("no such container: {id}"))?;
        serde_json::from_slice(&bytes).with_context(|| format!("{} is corrupt", path.display()))
    }

    /// Bytes the container changed: the sizes of the files in its upper
    /// directory, or of those changed in its copy since it was made, each
    /// hard-linked file once (Docker's `SizeRw`). Needs the user
    /// namespace: directories there may belong to subordinate ids.
    pub fn container_changes_size(&self, record: &ContainerRecord) -> Result<u64> {
        use std::os::unix::fs::MetadataExt;
        let (root, since) = record
            .config
            .storage_driver
            .changes(&self.container_dir(&record.id));
        let changed = |meta: &std::fs::Metadata| {
            since.is_none_or(|since| {
                let ctime = std::time::UNIX_EPOCH
                    + std::time::Duration::new(
                        u64::try_from(meta.ctime()).unwrap_or(0),
                        u32::try_from(meta.ctime_nsec()).unwrap_or(0),
                    );
                ctime > since
            })
        };
        files_size(root, changed)
    }

    /// Removes a container's directory (inside the user namespace: its
    /// upper layer holds files of subordinate ids). Renamed away first, so
    /// a crash leaves debris in `tmp/`, not half a container.
    pub fn remove_container(&self, id: &str) -> Result<()> {
        let doomed = self.take_away_container(id)?;
        std::fs::remove_dir_all(&doomed)
            .with_context(|| format!("cannot remove {}", doomed.display()))
    }

    /// The first half of [`Store::remove_container`]: renames the
    /// container's directory into `tmp/`, after which the container is
    /// gone for every command, and returns where it went, to be deleted.
    pub fn take_away_container(&self, id: &str) -> Result<PathBuf> {
        let doomed = self.tmp_dir().join(format!("removing-container-{id}"));
        std::fs::rename(self.container_dir(id), &doomed)
            .with_context(|| format!("cannot remove container {id}"))?;
        Ok(doomed)
    }
}

/// A new random 64-hex-digit container ID.
pub fn new_container_id() -> Result<String> {
    let mut bytes = [0u8; 32];
    rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty())
        .context("no randomness")?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Docker's rule for container names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn validate_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        bail!("invalid container name ({name:?}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    Ok(())
}

/// Names for a container the user did not name: Docker-style
/// `adjective_noun` picked by different parts of its ID, and last one
/// that cannot clash (the name with the short ID).
fn generated_names(id: &str) -> impl Iterator<Item = String> + '_ {
    (0..id.len().saturating_sub(12))
        .step_by(4)
        .map(|offset| generated_name(&id[offset..]))
        .chain(std::iter::once(format!(
            "{}_{}",
            generated_name(id),
            id.get(..12).unwrap_or(id)
        )))
}

/// A Docker-style generated name (`adjective_noun`), picked by the ID.
fn generated_name(id: &str) -> String {
    const ADJECTIVES: &[&str] = &[
        "brave", "calm", "clever", "eager", "fervent", "gentle", "happy", "jolly", "keen", "lucid",
        "merry", "nimble", "patient", "quiet", "sharp", "steady", "tender", "vivid", "witty",
        "zealous",
    ];
    const NOUNS: &[&str] = &[
        "albatross",
        "badger",
        "cormorant",
        "dolphin",
        "egret",
        "falcon",
        "gecko",
        "heron",
        "ibis",
        "jackal",
        "kestrel",
        "lynx",
        "marten",
        "newt",
        "otter",
        "puffin",
        "quokka",
        "raven",
        "stoat",
        "tern",
    ];
    let n = u64::from_str_radix(id.get(..12).unwrap_or("0"), 16).unwrap_or(0);
    let adjective = ADJECTIVES[(n % ADJECTIVES.len() as u64) as usize];
    let noun = NOUNS[((n / ADJECTIVES.len() as u64) % NOUNS.len() as u64) as usize];
    format!("{adjective}_{noun}")
}

/// The bytes of the files under `root` that `counted` keeps, each
/// hard-linked file once; a missing directory counts nothing.
pub fn files_size(root: PathBuf, counted: impl Fn(&std::fs::Metadata) -> bool) -> Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    let mut pending = vec![root];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        };
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?;
            if meta.is_dir() {
                pending.push(entry.path());
            } else if counted(&meta) && (meta.nlink() < 2 || seen.insert((meta.dev(), meta.ino())))
            {
                total += meta.size();
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, name: &str, image: &str) -> ContainerRecord {
        ContainerRecord {
            id: id.into(),
            name: name.into(),
            image: image.into(),
            image_name: String::new(),
            created: String::new(),
            command: vec![],
            state: ContainerState::default(),
            config: ContainerConfig::default(),
        }
    }

    #[test]
    fn records_names_and_image_users() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(store.containers_using("sha256:a").unwrap().is_empty());
        store
            .create_container(&mut record("c1", "web", "sha256:a"))
            .unwrap();
        store
            .create_container(&mut record("c2", "db", "sha256:b"))
            .unwrap();
        let err = store
            .create_container(&mut record("c3", "web", "sha256:b"))
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("already in use by container \"c1\""),
            "{err}"
        );
        assert_eq!(store.containers_using("sha256:a").unwrap(), ["web"]);
        store.remove_container("c1").unwrap();
        assert!(store.containers_using("sha256:a").unwrap().is_empty());
        assert!(!store.container_dir("c1").exists());
    }

    #[test]
    fn liveness_uses_the_start_time() {
        let me = std::process::id() as i32;
        let start = process_start_time(me).unwrap();
        let state = |monitor| ContainerState {
            status: "running".into(),
            monitor,
            ..ContainerState::default()
        };
        assert_eq!(state(Some((me, start))).effective_status(), "running");
        assert_eq!(state(Some((me, start + 1))).effective_status(), "exited");
        assert_eq!(state(None).effective_status(), "exited");
    }

    #[test]
    fn unnamed_containers_get_distinct_generated_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let mut names = std::collections::HashSet::new();
        for _ in 0..150 {
            let mut unnamed = record(&new_container_id().unwrap(), "", "sha256:a");
            store.create_container(&mut unnamed).unwrap();
            assert!(unnamed.name.contains('_'), "{}", unnamed.name);
            assert!(names.insert(unnamed.name.clone()), "{} twice", unnamed.name);
        }
    }

    #[test]
    fn names() {
        assert!(validate_name("web-1.a_b").is_ok());
        for bad in ["", "a", "-web", "we b", "web/1"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        let id = new_container_id().unwrap();
        assert_eq!(id.len(), 64);
        assert!(generated_name(&id).contains('_'));
        assert_eq!(generated_name(&id), generated_name(&id));
    }
}
