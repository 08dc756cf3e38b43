//! Volumes: directories in the store that outlive containers. Each lives
//! in `volumes/NAME/`, with its data in `_data/` (what containers mount)
//! and its record in `volume.json`.
//!
//! A volume appears whole or not at all: it is built in `tmp/` and renamed
//! into place, and removal renames it back into `tmp/` before deleting.
//! Creating a volume a container needs and removing one happen under the
//! containers lock, so a volume is never removed while a container that
//! is being created names it. Anonymous volumes (`-v /data`, an image's
//! `VOLUME`) carry the label Docker gives them,
//! `com.docker.volume.anonymous`.

use super::containers::ContainerRecord;
use super::{Lock, Store};
use crate::runtime::binds::Bind;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The label that marks an anonymous volume (as Docker marks it).
pub const ANONYMOUS_LABEL: &str = "com.docker.volume.anonymous";

/// A volume's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolumeRecord {
    pub name: String,
    /// RFC 3339, in local time with its offset, as Docker prints it.
    pub created_at: String,
    pub labels: BTreeMap<String, String>,
    /// `--opt KEY=VALUE` as given.
    pub options: BTreeMap<String, String>,
}

impl VolumeRecord {
    pub fn is_anonymous(&self) -> bool {
        self.labels.contains_key(ANONYMOUS_LABEL)
    }
}

/// What `volume create` asks for.
#[derive(Debug, Default)]
pub struct NewVolume {
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
}

/// The owner `--opt o=uid=…,gid=…` gives the volume's top directory.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct VolumeOwner {
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// Checks the options of the `local` driver that rpod has, and returns
/// the owner they ask for.
pub fn parse_options(options: &BTreeMap<String, String>) -> Result<VolumeOwner> {
    let mut owner = VolumeOwner::default();
    for (key, value) in options {
        if key != "o" {
            bail!(
                "invalid volume option {key:?}: rpod's local volumes take only o=uid=UID,gid=GID"
            );
        }
        for part in value.split(',').filter(|p| !p.is_empty()) {
            let (name, id) = part.split_once('=').unwrap_or((part, ""));
            let id = id.parse().ok();
            match (name, id) {
                ("uid", Some(id)) => owner.uid = Some(id),
                ("gid", Some(id)) => owner.gid = Some(id),
                _ => bail!("invalid volume option o={value:?}: give uid=UID,gid=GID"),
            }
        }
    }
    Ok(owner)
}

/// Docker's rule for volume names: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
pub fn validate_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.len() >= 2
        && name.len() <= 255
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !valid {
        bail!(
            "invalid volume name {name:?}: names are [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a host path must be absolute)"
        );
    }
    Ok(())
}

/// Now as Docker prints a volume's creation: local time, seconds, and
/// the offset (`Z` for UTC).
fn rfc3339_now() -> String {
    let text = jiff::Zoned::now()
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string();
    match text.strip_suffix("+00:00") {
        Some(utc) => format!("{utc}Z"),
        None => text,
    }
}

/// A new random 64-hex-digit name, for an anonymous volume.
pub fn anonymous_name() -> Result<String> {
    super::containers::new_container_id()
}

impl Store {
    fn volumes_dir(&self) -> PathBuf {
        self.root().join("volumes")
    }

    /// The directory of volume `name` (its data is in `_data`).
    pub fn volume_dir(&self, name: &str) -> PathBuf {
        self.volumes_dir().join(name)
    }

    /// What containers mount for volume `name`.
    pub fn volume_data(&self, name: &str) -> PathBuf {
        self.volume_dir(name).join("_data")
    }

    /// Volume `name`'s record.
    pub fn volume(&self, name: &str) -> Result<VolumeRecord> {
        validate_name(name).map_err(|_| anyhow::anyhow!("no such volume: {name}"))?;
        let path = self.volume_dir(name).join("volume.json");
        let bytes = std::fs::read(&path).with_context(|| format!("no such volume: {name}"))?;
        serde_json::from_slice(&bytes).with_context(|| format!("{} is corrupt", path.display()))
    }

    /// Every volume, by name (unreadable records are skipped).
    pub fn volumes(&self) -> Result<Vec<VolumeRecord>> {
        let entries = match std::fs::read_dir(self.volumes_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut volumes: Vec<_> = entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                self.volume(&name).ok()
            })
            .collect();
        volumes.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(volumes)
    }

    /// Makes volume `name`; returns its record and whether it was made
    /// now (an existing one is left as it is, as Docker does). A volume
    /// with an owner (`o=uid=…,gid=…`) must be made inside the user
    /// namespace: its data directory gets that owner before it appears.
    pub fn create_volume(&self, name: &str, new: &NewVolume) -> Result<(VolumeRecord, bool)> {
        validate_name(name)?;
        let owner = parse_options(&new.options)?;
        if let Ok(existing) = self.volume(name) {
            return Ok((existing, false));
        }
        std::fs::create_dir_all(self.volumes_dir())?;
        // Garbage collection empties tmp/: not while a volume is staged.
        let _staging_guard = self.gc_guard()?;
        let staging = tempfile::Builder::new()
            .prefix("volume-")
            .tempdir_in(self.tmp_dir())
            .context("cannot stage a volume")?;
        let data = staging.path().join("_data");
        std::fs::create_dir(&data)?;
        if owner.uid.is_some() || owner.gid.is_some() {
            std::os::unix::fs::chown(&data, owner.uid, owner.gid)
                .with_context(|| format!("cannot give volume {name} to the ids of o="))?;
        }
        let record = VolumeRecord {
            name: name.to_string(),
            created_at: rfc3339_now(),
            labels: new.labels.clone(),
            options: new.options.clone(),
        };
        super::atomic::write_file(
            &staging.path().join("volume.json"),
            &serde_json::to_vec_pretty(&record)?,
            0o600,
        )?;
        let staged = staging.keep();
        match std::fs::rename(&staged, self.volume_dir(name)) {
            Ok(()) => Ok((record, true)),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staged);
                // Made by another command at the same moment.
                match self.volume(name) {
                    Ok(existing) => Ok((existing, false)),
                    Err(_) => Err(e).with_context(|| format!("cannot create volume {name}")),
                }
            }
        }
    }

    /// Names each anonymous volume among `binds`, makes the volumes they
    /// mount that are missing and points the binds at their data. Call
    /// under the containers lock. At a container's start (`starting`), a
    /// volume removed by `volume rm -f` while it was stopped comes back
    /// empty; at create, an anonymous volume of another container
    /// (`--volumes-from`) that went meanwhile is an error.
    pub fn provide_volumes(&self, binds: &mut [Bind], starting: bool) -> Result<()> {
        for bind in binds {
            let Some(name) = &mut bind.volume else {
                continue;
            };
            if name.is_empty() {
                *name = anonymous_name()?;
            } else if bind.anonymous && !starting && self.volume(name).is_err() {
                bail!("volume {name} of --volumes-from was removed meanwhile");
            }
            let mut new = NewVolume::default();
            if bind.anonymous {
                new.labels.insert(ANONYMOUS_LABEL.into(), String::new());
            }
            self.create_volume(name, &new)?;
            bind.source = self.volume_data(name).to_string_lossy().into_owned();
        }
        Ok(())
    }

    /// Takes away the anonymous volumes of a removed container that no
    /// other container mounts (`rm -v`, `run --rm`); returns where they
    /// went, to be deleted.
    pub fn take_away_anonymous_volumes(&self, binds: &[Bind]) -> Vec<PathBuf> {
        binds
            .iter()
            .filter(|b| b.anonymous)
            .filter_map(|b| self.take_away_volume(b.volume.as_deref()?, false).ok())
            .collect()
    }

    /// The containers whose mounts name volume `name`.
    pub fn containers_using_volume(&self, name: &str) -> Result<Vec<ContainerRecord>> {
        Ok(self
            .containers()?
            .into_iter()
            .filter(|c| {
                c.config
                    .binds
                    .iter()
                    .any(|b| b.volume.as_deref() == Some(name))
            })
            .collect())
    }

    /// Removes volume `name` unless a container names it; with `force`,
    /// unless a running or starting container does. Deleting the data
    /// needs the user namespace (it may hold files of subordinate ids).
    pub fn remove_volume(&self, name: &str, force: bool) -> Result<()> {
        let doomed = self.take_away_volume(name, force)?;
        delete_taken_away(&doomed)
    }

    /// The first half of [`Store::remove_volume`]: renames the volume into
    /// `tmp/`, after which it is gone for every command, and returns
    /// where it went.
    fn take_away_volume(&self, name: &str, force: bool) -> Result<PathBuf> {
        let _lock = Lock::exclusive(&self.lock_path("containers.lock"))?;
        self.volume(name)?;
        let users = self.containers_using_volume(name)?;
        // A container being started holds its start lock until it runs.
        let starting =
            |c: &ContainerRecord| !matches!(self.try_lock_container_start(&c.id), Ok(Some(_)));
        let blocking: Vec<_> = users
            .iter()
            .filter(|c| !force || c.state.is_running() || starting(c))
            .map(|c| c.id.as_str())
            .collect();
        if !blocking.is_empty() {
            bail!(
                "remove {name}: volume is in use - [{}]",
                blocking.join(", ")
            );
        }
        let doomed = self
            .tmp_dir()
            .join(format!("removing-volume-{}", anonymous_name()?));
        std::fs::rename(self.volume_dir(name), &doomed)
            .with_context(|| format!("cannot remove volume {name}"))?;
        Ok(doomed)
    }
}

/// Deletes what [`Store::take_away_volume`] or
/// [`Store::take_away_anonymous_volumes`] moved into `tmp/` (garbage
/// collection may be deleting it too).
pub fn delete_taken_away(doomed: &std::path::Path) -> Result<()> {
    match std::fs::remove_dir_all(doomed) {
        Err(_) if !doomed.exists() => Ok(()),
        done => done.with_context(|| format!("cannot remove {}", doomed.display())),
    }
}
