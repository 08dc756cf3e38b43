//! Loading: picks the files to read (user or system file, then the
//! `registries.conf.d` drop-ins), reads them in order and merges each one
//! over the ones before.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};

use super::RegistriesConf;
use super::env::{ConfEnv, show};
use super::file::{FileConf, parse_file};

impl RegistriesConf {
    /// Applies a later file on top of this configuration.
    fn merge(&mut self, file: FileConf) {
        if let Some(search) = file.search {
            self.search = search;
        }
        if file.short_name_mode.is_some() {
            self.short_name_mode = file.short_name_mode;
        }
        for reg in file.registries {
            match self.registries.iter_mut().find(|r| r.prefix == reg.prefix) {
                Some(old) => *old = reg,
                None => self.registries.push(reg),
            }
        }
        for (short, full) in file.aliases {
            if full.is_empty() {
                self.aliases.remove(&short);
            } else {
                self.aliases.insert(short, full);
            }
        }
    }
}

pub(super) fn load_with(env: &ConfEnv) -> Result<RegistriesConf> {
    if let Some(file) = &env.explicit {
        if !file.exists() {
            bail!(
                "CONTAINERS_REGISTRIES_CONF={}: no such file",
                show(file, env.home.as_deref())
            );
        }
        return load_paths(std::slice::from_ref(file), env.home.as_deref());
    }
    load_paths(&default_paths(env), env.home.as_deref())
}

fn default_paths(env: &ConfEnv) -> Vec<PathBuf> {
    let user = env
        .config_home
        .as_ref()
        .map(|d| d.join("containers").join("registries.conf"));
    let user_d = env
        .config_home
        .as_ref()
        .map(|d| d.join("containers").join("registries.conf.d"));
    let mut paths = Vec::new();
    match user {
        // Podman: an existing user file replaces the system file and the
        // system drop-ins.
        Some(user) if user.exists() => paths.push(user),
        _ => {
            paths.push(env.system_dir.join("registries.conf"));
            paths.push(env.system_dir.join("registries.conf.d"));
        }
    }
    paths.extend(user_d);
    paths
}

pub(super) fn load_paths(paths: &[PathBuf], home: Option<&Path>) -> Result<RegistriesConf> {
    let mut conf = RegistriesConf::default();
    for path in paths {
        for file in expand(path, home)? {
            let shown = show(&file, home);
            let text = match std::fs::read(&file) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map_err(|_| anyhow!("{shown}: not valid UTF-8 text"))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => bail!("{shown}: cannot read: {e}"),
            };
            conf.merge(parse_file(&text, &shown)?);
        }
    }
    Ok(conf)
}

/// A file is itself; a directory is its `*.conf` files in name order; a
/// missing path is nothing.
fn expand(path: &Path, home: Option<&Path>) -> Result<Vec<PathBuf>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => bail!("{}: cannot read: {e}", show(path, home)),
    };
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries =
        std::fs::read_dir(path).map_err(|e| anyhow!("{}: cannot read: {e}", show(path, home)))?;
    let mut files: Vec<(OsString, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| anyhow!("{}: cannot read: {e}", show(path, home)))?;
        let file = entry.path();
        if file.extension().is_some_and(|e| e == "conf") && file.is_file() {
            files.push((entry.file_name(), file));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, p)| p).collect())
}
