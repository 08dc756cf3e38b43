//! registries.conf (version 2): reads the system and user files and their
//! `.d` drop-ins, and answers where an image name is pulled from (mirrors,
//! rewritten locations, insecure and blocked registries, short-name search
//! list and aliases).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

/// `short-name-mode`: what to do when a short name is ambiguous.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShortNameMode {
    Enforcing,
    Permissive,
    Disabled,
}

/// The merged registries configuration.
#[derive(Clone, Debug, Default)]
pub struct RegistriesConf {
    search: Vec<String>,
    short_name_mode: Option<ShortNameMode>,
    registries: Vec<Registry>,
    aliases: BTreeMap<String, String>,
}

/// Where to try an image name, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub endpoints: Vec<Endpoint>,
}

/// One place to try: a registry host and the repository path on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `host[:port]`
    pub registry: String,
    /// Repository path on that registry, e.g. `library/busybox`.
    pub repository: String,
    /// Plain HTTP or unverified TLS is allowed.
    pub insecure: bool,
}

#[derive(Clone, Debug)]
struct Registry {
    /// Literal `host[:port][/path]` or wildcard `*.example.com`.
    prefix: String,
    /// Empty only for a wildcard prefix: the name is then used unchanged.
    location: String,
    insecure: bool,
    blocked: bool,
    mirrors: Vec<Mirror>,
    /// The file this entry came from, for messages.
    source: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PullFromMirror {
    All,
    DigestOnly,
    TagOnly,
}

#[derive(Clone, Debug)]
struct Mirror {
    location: String,
    insecure: bool,
    pull: PullFromMirror,
}

/// What one file says; `None` means the file did not set it.
#[derive(Default)]
struct FileConf {
    search: Option<Vec<String>>,
    short_name_mode: Option<ShortNameMode>,
    registries: Vec<Registry>,
    /// An empty value removes an alias set by an earlier file.
    aliases: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawFile {
    unqualified_search_registries: Option<Vec<Spanned<String>>>,
    short_name_mode: Option<Spanned<String>>,
    #[serde(default)]
    registry: Vec<RawRegistry>,
    aliases: Option<BTreeMap<String, Spanned<String>>>,
    /// Only present in the version 1 format.
    registries: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawRegistry {
    prefix: Option<Spanned<String>>,
    location: Option<Spanned<String>>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<RawMirror>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawMirror {
    location: Spanned<String>,
    #[serde(default)]
    insecure: bool,
    pull_from_mirror: Option<Spanned<String>>,
}

/// The process environment that decides which files are read; tests build
/// one by hand.
#[derive(Clone, Debug, Default)]
struct ConfEnv {
    /// `$CONTAINERS_REGISTRIES_CONF`
    explicit: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, else `~/.config`
    config_home: Option<PathBuf>,
    /// `/etc/containers`
    system_dir: PathBuf,
    /// Shown as `~` in messages.
    home: Option<PathBuf>,
}

impl ConfEnv {
    fn from_process() -> Self {
        let home = non_empty_env("HOME")
            .map(PathBuf::from)
            .or_else(passwd_home);
        let config_home = non_empty_env("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        ConfEnv {
            explicit: non_empty_env("CONTAINERS_REGISTRIES_CONF").map(PathBuf::from),
            config_home,
            system_dir: PathBuf::from("/etc/containers"),
            home,
        }
    }
}

impl RegistriesConf {
    /// Loads the configuration the way Podman does. If
    /// `$CONTAINERS_REGISTRIES_CONF` is set, only that file is read (it must
    /// exist). Otherwise, if `$XDG_CONFIG_HOME/containers/registries.conf`
    /// (default `~/.config/...`) exists, it is read followed by the user's
    /// `registries.conf.d/*.conf`; if it does not, `/etc/containers/registries.conf`,
    /// `/etc/containers/registries.conf.d/*.conf` and then the user's
    /// `registries.conf.d/*.conf` are read. Later files override earlier ones.
    /// Missing files are fine; a malformed file is an error naming it.
    pub fn load() -> Result<Self> {
        load_with(&ConfEnv::from_process())
    }

    /// Same from explicit paths: files in order, each may be a file or a `.d`
    /// directory (its `*.conf` files are read in name order). Missing paths
    /// are skipped.
    pub fn from_paths(paths: &[PathBuf]) -> Result<Self> {
        load_paths(paths, None)
    }

    /// `unqualified-search-registries`, in order.
    pub fn unqualified_search_registries(&self) -> &[String] {
        &self.search
    }

    /// `short-name-mode`, if any file set it.
    pub fn short_name_mode(&self) -> Option<ShortNameMode> {
        self.short_name_mode
    }

    /// The `[aliases]` entry for a short name, e.g. `fedora` →
    /// `registry.fedoraproject.org/fedora`.
    pub fn alias(&self, short: &str) -> Option<&str> {
        self.aliases.get(short).map(String::as_str)
    }

    /// Finds the `[[registry]]` whose `prefix` is the longest match for
    /// `name` (`host[:port]/repo/path`, no tag or digest) and returns the
    /// endpoints to try: the mirrors that apply (`pull-from-mirror`,
    /// `mirror-by-digest-only`), then the location itself. With no matching
    /// entry the name's own host is the only endpoint. A blocked registry is
    /// an error.
    pub fn resolve(&self, name: &str, by_digest: bool) -> Result<Resolved> {
        let (host, repo) = name.split_once('/').unwrap_or((name, ""));
        if host.is_empty() || repo.is_empty() || repo.contains([':', '@']) {
            bail!(
                "cannot resolve image name {name:?}: expected host[:port]/repository without tag or digest"
            );
        }
        let Some((reg, matched)) = self.find(name) else {
            return Ok(Resolved {
                endpoints: vec![Endpoint {
                    registry: host.to_string(),
                    repository: repo.to_string(),
                    insecure: false,
                }],
            });
        };
        if reg.blocked {
            bail!(
                "registry {} is blocked in registries.conf ({})",
                reg.prefix,
                reg.source
            );
        }
        let rest = &name[matched..];
        let mut endpoints = Vec::new();
        for mirror in &reg.mirrors {
            let wanted = match mirror.pull {
                PullFromMirror::All => true,
                PullFromMirror::DigestOnly => by_digest,
                PullFromMirror::TagOnly => !by_digest,
            };
            if wanted {
                endpoints.push(endpoint(
                    &format!("{}{rest}", mirror.location),
                    mirror.insecure,
                    name,
                    &reg.source,
                )?);
            }
        }
        let primary = if reg.location.is_empty() {
            name.to_string()
        } else {
            format!("{}{rest}", reg.location)
        };
        endpoints.push(endpoint(&primary, reg.insecure, name, &reg.source)?);
        Ok(Resolved { endpoints })
    }

    /// Whether `host` (`host[:port]`) may be reached over plain HTTP or
    /// unverified TLS: the `[[registry]]` matching the host is insecure, or a
    /// registry or mirror location on that host is marked insecure.
    pub fn is_insecure(&self, host: &str) -> bool {
        if let Some((reg, _)) = self.find(host)
            && reg.insecure
        {
            return true;
        }
        let host_of = |loc: &str| loc.split('/').next().unwrap_or("").to_string();
        self.registries.iter().any(|reg| {
            (reg.insecure && !reg.location.is_empty() && host_of(&reg.location) == host)
                || reg
                    .mirrors
                    .iter()
                    .any(|m| m.insecure && host_of(&m.location) == host)
        })
    }

    /// The entry with the longest matching prefix and the length of the
    /// matched part of `name`. On equal length a literal prefix beats a
    /// wildcard, and a longer wildcard beats a shorter one.
    fn find(&self, name: &str) -> Option<(&Registry, usize)> {
        self.registries
            .iter()
            .filter_map(|reg| {
                let len = prefix_match(&reg.prefix, name)?;
                let literal = !reg.prefix.starts_with("*.");
                Some(((len, literal, reg.prefix.len()), reg, len))
            })
            .max_by_key(|(rank, _, _)| *rank)
            .map(|(_, reg, len)| (reg, len))
    }

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

/// Length of the part of `name` matched by `prefix`, if it matches.
fn prefix_match(prefix: &str, name: &str) -> Option<usize> {
    if let Some(domain) = prefix.strip_prefix('*') {
        // "*.example.com" matches any subdomain host, with or without a port;
        // the whole host[:port] is the matched part.
        let host = name.split('/').next().unwrap_or("");
        let bare = host.split(':').next().unwrap_or("");
        return (bare.len() > domain.len() && bare.ends_with(domain)).then_some(host.len());
    }
    let rest = name.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(prefix.len())
}

fn endpoint(rewritten: &str, insecure: bool, name: &str, source: &str) -> Result<Endpoint> {
    match rewritten.split_once('/') {
        Some((host, repo)) if !host.is_empty() && !repo.is_empty() => Ok(Endpoint {
            registry: host.to_string(),
            repository: repo.to_string(),
            insecure,
        }),
        _ => Err(anyhow!(
            "{source}: rewriting {name:?} gives {rewritten:?}, which has no repository path"
        )),
    }
}

fn load_with(env: &ConfEnv) -> Result<RegistriesConf> {
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

fn load_paths(paths: &[PathBuf], home: Option<&Path>) -> Result<RegistriesConf> {
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

fn parse_file(text: &str, shown: &str) -> Result<FileConf> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', "; ");
        at(shown, text, e.span().map(|s| s.start), &msg)
    })?;
    if raw.registries.is_some() {
        bail!(
            "{shown}: this is a version 1 registries.conf ([registries.search], \
             [registries.insecure], [registries.block]), which is not supported; convert it \
             to version 2 (unqualified-search-registries = [...] and [[registry]] tables, \
             see containers-registries.conf(5))"
        );
    }
    let mut file = FileConf::default();
    if let Some(list) = raw.unqualified_search_registries {
        let mut search = Vec::new();
        for entry in list {
            let loc = check_location(entry.as_ref(), "unqualified-search-registries entry")
                .map_err(|m| at(shown, text, Some(entry.span().start), &m))?;
            if loc.contains('/') {
                return Err(at(
                    shown,
                    text,
                    Some(entry.span().start),
                    &format!(
                        "unqualified-search-registries entry {:?} must be host[:port] without a path",
                        entry.as_ref()
                    ),
                ));
            }
            search.push(loc);
        }
        file.search = Some(search);
    }
    if let Some(mode) = raw.short_name_mode {
        file.short_name_mode = Some(match mode.as_ref().as_str() {
            "enforcing" => ShortNameMode::Enforcing,
            "permissive" => ShortNameMode::Permissive,
            "disabled" => ShortNameMode::Disabled,
            other => {
                return Err(at(
                    shown,
                    text,
                    Some(mode.span().start),
                    &format!(
                        "short-name-mode {other:?}: expected \"enforcing\", \"permissive\" or \"disabled\""
                    ),
                ));
            }
        });
    }
    for raw_reg in raw.registry {
        let reg = registry(raw_reg, text, shown)?;
        // Within one file a repeated prefix behaves like a later file.
        match file.registries.iter_mut().find(|r| r.prefix == reg.prefix) {
            Some(old) => *old = reg,
            None => file.registries.push(reg),
        }
    }
    for (short, full) in raw.aliases.unwrap_or_default() {
        let line = Some(full.span().start);
        if let Err(m) = check_alias(&short, full.as_ref()) {
            return Err(at(shown, text, line, &m));
        }
        file.aliases.insert(short, full.into_inner());
    }
    Ok(file)
}

fn registry(raw: RawRegistry, text: &str, shown: &str) -> Result<Registry> {
    let err = |span: Option<usize>, msg: String| at(shown, text, span, &msg);
    let loc_span = raw.location.as_ref().map(|l| l.span().start);
    let prefix_span = raw.prefix.as_ref().map(|p| p.span().start);
    let location = match &raw.location {
        Some(l) => {
            check_location(l.as_ref(), "[[registry]] location").map_err(|m| err(loc_span, m))?
        }
        None => String::new(),
    };
    if location.contains('*') {
        return Err(err(
            loc_span,
            format!("[[registry]] location {location:?}: wildcards are not allowed in a location"),
        ));
    }
    let prefix = match &raw.prefix {
        Some(p) if !p.as_ref().is_empty() => {
            let p = p.as_ref();
            if let Some(domain) = p.strip_prefix("*.") {
                if domain.is_empty()
                    || domain.contains(['*', '/', ':', '@'])
                    || domain.chars().any(char::is_whitespace)
                {
                    return Err(err(
                        prefix_span,
                        format!(
                            "[[registry]] prefix {p:?}: a wildcard prefix must look like *.example.com"
                        ),
                    ));
                }
                p.to_string()
            } else if p.contains('*') {
                return Err(err(
                    prefix_span,
                    format!(
                        "[[registry]] prefix {p:?}: a wildcard is only allowed as a leading \"*.\" (e.g. *.example.com)"
                    ),
                ));
            } else {
                check_location(p, "[[registry]] prefix").map_err(|m| err(prefix_span, m))?
            }
        }
        _ => {
            if location.is_empty() {
                return Err(err(
                    None,
                    "a [[registry]] table needs a location or a prefix".to_string(),
                ));
            }
            location.clone()
        }
    };
    if location.is_empty() && !prefix.starts_with("*.") {
        return Err(err(
            prefix_span,
            format!(
                "[[registry]] with prefix {prefix:?} has no location (only a wildcard prefix like *.example.com may omit it)"
            ),
        ));
    }
    let by_digest_only = raw.mirror_by_digest_only;
    let mut mirrors = Vec::new();
    for m in raw.mirror {
        let mspan = Some(m.location.span().start);
        let mloc = location_of_mirror(m.location.as_ref()).map_err(|msg| err(mspan, msg))?;
        let pull = match &m.pull_from_mirror {
            None => {
                if by_digest_only {
                    PullFromMirror::DigestOnly
                } else {
                    PullFromMirror::All
                }
            }
            Some(p) => {
                let pspan = Some(p.span().start);
                if by_digest_only {
                    return Err(err(
                        pspan,
                        format!(
                            "[[registry]] {prefix:?}: mirror-by-digest-only and pull-from-mirror cannot both be set"
                        ),
                    ));
                }
                match p.as_ref().as_str() {
                    "all" => PullFromMirror::All,
                    "digest-only" => PullFromMirror::DigestOnly,
                    "tag-only" => PullFromMirror::TagOnly,
                    other => {
                        return Err(err(
                            pspan,
                            format!(
                                "pull-from-mirror {other:?}: expected \"all\", \"digest-only\" or \"tag-only\""
                            ),
                        ));
                    }
                }
            }
        };
        mirrors.push(Mirror {
            location: mloc,
            insecure: m.insecure,
            pull,
        });
    }
    Ok(Registry {
        prefix,
        location,
        insecure: raw.insecure,
        blocked: raw.blocked,
        mirrors,
        source: shown.to_string(),
    })
}

fn location_of_mirror(value: &str) -> std::result::Result<String, String> {
    let loc = check_location(value, "[[registry.mirror]] location")?;
    if loc.is_empty() {
        return Err("[[registry.mirror]] location must not be empty".to_string());
    }
    if loc.contains('*') {
        return Err(format!(
            "[[registry.mirror]] location {loc:?}: wildcards are not allowed in a location"
        ));
    }
    Ok(loc)
}

/// Checks a `host[:port][/path]` value and drops trailing slashes.
fn check_location(value: &str, what: &str) -> std::result::Result<String, String> {
    if value.contains("://") {
        return Err(format!(
            "{what} {value:?}: URI schemes are not supported; write host[:port][/path] \
             (set insecure = true for plain HTTP)"
        ));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{what} {value:?}: must not contain spaces"));
    }
    if value.starts_with('/') {
        return Err(format!("{what} {value:?}: must start with a host name"));
    }
    Ok(value.trim_end_matches('/').to_string())
}

fn check_alias(short: &str, full: &str) -> std::result::Result<(), String> {
    let qualified = |s: &str| {
        s.split_once('/')
            .is_some_and(|(h, r)| !r.is_empty() && (h.contains(['.', ':']) || h == "localhost"))
    };
    if short.is_empty() || short.contains(['@', ':']) || qualified(short) {
        return Err(format!(
            "[aliases] {short:?}: an alias must be a short name without registry, tag or digest"
        ));
    }
    if !full.is_empty() && (!qualified(full) || full.contains('@')) {
        return Err(format!(
            "[aliases] {short:?} = {full:?}: the value must be a fully qualified name like \
             registry.example.com/repo (no digest)"
        ));
    }
    Ok(())
}

/// `FILE: line N: MSG` when the offset is known, else `FILE: MSG`.
fn at(shown: &str, text: &str, offset: Option<usize>, msg: &str) -> anyhow::Error {
    match offset {
        Some(off) => {
            let line = text
                .as_bytes()
                .iter()
                .take(off.min(text.len()))
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            anyhow!("{shown}: line {line}: {msg}")
        }
        None => anyhow!("{shown}: {msg}"),
    }
}

/// The path as a user would type it, `~` for the home directory.
fn show(path: &Path, home: Option<&Path>) -> String {
    if let Some(home) = home
        && home != Path::new("/")
        && let Ok(rest) = path.strip_prefix(home)
    {
        return Path::new("~").join(rest).display().to_string();
    }
    path.display().to_string()
}

fn non_empty_env(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// The home directory from the password database, for when `$HOME` is unset.
fn passwd_home() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let uid = rustix::process::getuid().as_raw();
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: all-zero bytes are a valid `passwd` (null pointers and zero ids).
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer refers to live storage of the stated size.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut result,
            )
        };
        if rc == libc::ERANGE && buf.len() < (1 << 20) {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || result.is_null() || pwd.pw_dir.is_null() {
            return None;
        }
        // SAFETY: getpwuid_r succeeded, so pw_dir points to a NUL-terminated
        // string inside `buf`.
        let dir = unsafe { std::ffi::CStr::from_ptr(pwd.pw_dir) };
        let dir = std::ffi::OsStr::from_bytes(dir.to_bytes());
        return (!dir.is_empty()).then(|| PathBuf::from(dir));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn conf(text: &str) -> RegistriesConf {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "registries.conf", text);
        RegistriesConf::from_paths(&[path]).unwrap()
    }

    fn conf_err(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "registries.conf", text);
        let err = RegistriesConf::from_paths(std::slice::from_ref(&path))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(&path.display().to_string()),
            "error does not name the file: {err}"
        );
        assert!(!err.contains('\n'), "error is not one line: {err:?}");
        err
    }

    fn ep(registry: &str, repository: &str, insecure: bool) -> Endpoint {
        Endpoint {
            registry: registry.into(),
            repository: repository.into(),
            insecure,
        }
    }

    #[test]
    fn empty_and_missing() {
        let c =
            RegistriesConf::from_paths(&[PathBuf::from("/nonexistent/registries.conf")]).unwrap();
        assert!(c.unqualified_search_registries().is_empty());
        assert_eq!(
            c.resolve("docker.io/library/busybox", false)
                .unwrap()
                .endpoints,
            vec![ep("docker.io", "library/busybox", false)]
        );
        assert!(!c.is_insecure("docker.io"));
        let c = conf("");
        assert!(c.alias("x").is_none());
        assert_eq!(c.short_name_mode(), None);
    }

    #[test]
    fn basic_fields() {
        let c = conf(
            r#"
unqualified-search-registries = ["registry.fedoraproject.org", "docker.io/"]
short-name-mode = "permissive"
some-future-key = 3

[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"ubi8/ubi" = "registry.access.redhat.com/ubi8/ubi"

[[registry]]
location = "localhost:5000"
insecure = true
unknown = "ignored"
"#,
        );
        assert_eq!(
            c.unqualified_search_registries(),
            ["registry.fedoraproject.org", "docker.io"]
        );
        assert_eq!(c.short_name_mode(), Some(ShortNameMode::Permissive));
        assert_eq!(c.alias("fedora"), Some("registry.fedoraproject.org/fedora"));
        assert_eq!(
            c.alias("ubi8/ubi"),
            Some("registry.access.redhat.com/ubi8/ubi")
        );
        assert_eq!(c.alias("busybox"), None);
        assert!(c.is_insecure("localhost:5000"));
        assert!(!c.is_insecure("localhost"));
        assert_eq!(
            c.resolve("localhost:5000/a/b", false).unwrap().endpoints,
            vec![ep("localhost:5000", "a/b", true)]
        );
    }

    #[test]
    fn longest_prefix_and_rewrite() {
        let c = conf(
            r#"
[[registry]]
prefix = "example.com"
location = "mirror-a.example.net"

[[registry]]
prefix = "example.com/team"
location = "internal.example.net:8443/proxy/team"
insecure = true

[[registry]]
prefix = "example.com/team/special"
location = "special.example.net"
"#,
        );
        assert_eq!(
            c.resolve("example.com/other/app", false).unwrap().endpoints,
            vec![ep("mirror-a.example.net", "other/app", false)]
        );
        assert_eq!(
            c.resolve("example.com/team/app", false).unwrap().endpoints,
            vec![ep("internal.example.net:8443", "proxy/team/app", true)]
        );
        assert_eq!(
            c.resolve("example.com/team/special/x", true)
                .unwrap()
                .endpoints,
            vec![ep("special.example.net", "x", false)]
        );
        // A prefix only matches at a path boundary.
        assert_eq!(
            c.resolve("example.com/teammate/app", false)
                .unwrap()
                .endpoints,
            vec![ep("mirror-a.example.net", "teammate/app", false)]
        );
        // A different host (or port) does not match.
        assert_eq!(
            c.resolve("example.com:5000/team/app", false)
                .unwrap()
                .endpoints,
            vec![ep("example.com:5000", "team/app", false)]
        );
        assert_eq!(
            c.resolve("notexample.com/team/app", false)
                .unwrap()
                .endpoints,
            vec![ep("notexample.com", "team/app", false)]
        );
        // Rewriting to no repository at all is an error, not a panic.
        let c = conf("[[registry]]\nprefix = \"a.io/x\"\nlocation = \"b.io\"\n");
        assert!(c.resolve("a.io/x", false).is_err());
        assert!(c.resolve("nohost", false).is_err());
        assert!(c.resolve("a.io/x@sha256:00", false).is_err());
        assert!(c.resolve("a.io/x:latest", false).is_err());
        assert!(c.resolve("a.io:5000/", false).is_err());
    }

    #[test]
    fn wildcard_prefix() {
        let c = conf(
            r#"
[[registry]]
prefix = "*.example.com"
insecure = true

[[registry]]
prefix = "*.corp.example.com"
location = "proxy.example.net"

[[registry]]
prefix = "exact.corp.example.com"
location = "exact.example.net"
"#,
        );
        // Empty location: the name is used unchanged.
        assert_eq!(
            c.resolve("a.example.com/x/y", false).unwrap().endpoints,
            vec![ep("a.example.com", "x/y", true)]
        );
        assert_eq!(
            c.resolve("a.b.example.com:5000/x", false)
                .unwrap()
                .endpoints,
            vec![ep("a.b.example.com:5000", "x", true)]
        );
        // The bare domain is not a subdomain.
        assert_eq!(
            c.resolve("example.com/x", false).unwrap().endpoints,
            vec![ep("example.com", "x", false)]
        );
        assert_eq!(
            c.resolve("badexample.com/x", false).unwrap().endpoints,
            vec![ep("badexample.com", "x", false)]
        );
        // The longer wildcard wins, and rewrites the whole host[:port].
        assert_eq!(
            c.resolve("build.corp.example.com/ns/app", false)
                .unwrap()
                .endpoints,
            vec![ep("proxy.example.net", "ns/app", false)]
        );
        assert_eq!(
            c.resolve("build.corp.example.com:5000/ns/app", false)
                .unwrap()
                .endpoints,
            vec![ep("proxy.example.net", "ns/app", false)]
        );
        // A literal prefix of the same length beats the wildcard.
        assert_eq!(
            c.resolve("exact.corp.example.com/app", false)
                .unwrap()
                .endpoints,
            vec![ep("exact.example.net", "app", false)]
        );
        let c2 = conf("[[registry]]\nprefix = \"*.dev.io\"\nlocation = \"cache.io/dev/\"\n");
        assert_eq!(
            c2.resolve("x.dev.io/app", false).unwrap().endpoints,
            vec![ep("cache.io", "dev/app", false)]
        );
        assert!(c.is_insecure("a.example.com"));
        assert!(c.is_insecure("x.y.example.com:443"));
        assert!(!c.is_insecure("example.com"));
    }

    #[test]
    fn mirrors_and_pull_from_mirror() {
        let c = conf(
            r#"
[[registry]]
prefix = "docker.io"
location = "docker.io"

[[registry.mirror]]
location = "mirror-all.local/hub"

[[registry.mirror]]
location = "mirror-digest.local"
pull-from-mirror = "digest-only"
insecure = true

[[registry.mirror]]
location = "mirror-tag.local:5000"
pull-from-mirror = "tag-only"

[[registry.mirror]]
location = "mirror-all2.local"
pull-from-mirror = "all"
"#,
        );
        assert_eq!(
            c.resolve("docker.io/library/busybox", false)
                .unwrap()
                .endpoints,
            vec![
                ep("mirror-all.local", "hub/library/busybox", false),
                ep("mirror-tag.local:5000", "library/busybox", false),
                ep("mirror-all2.local", "library/busybox", false),
                ep("docker.io", "library/busybox", false),
            ]
        );
        assert_eq!(
            c.resolve("docker.io/library/busybox", true)
                .unwrap()
                .endpoints,
            vec![
                ep("mirror-all.local", "hub/library/busybox", false),
                ep("mirror-digest.local", "library/busybox", true),
                ep("mirror-all2.local", "library/busybox", false),
                ep("docker.io", "library/busybox", false),
            ]
        );
        assert!(c.is_insecure("mirror-digest.local"));
        assert!(!c.is_insecure("mirror-tag.local:5000"));
        assert!(!c.is_insecure("docker.io"));
    }

    #[test]
    fn mirror_by_digest_only() {
        let c = conf(
            r#"
[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "cache.local"
"#,
        );
        assert_eq!(
            c.resolve("quay.io/ns/app", false).unwrap().endpoints,
            vec![ep("quay.io", "ns/app", false)]
        );
        assert_eq!(
            c.resolve("quay.io/ns/app", true).unwrap().endpoints,
            vec![
                ep("cache.local", "ns/app", false),
                ep("quay.io", "ns/app", false)
            ]
        );
        let err = conf_err(
            r#"
[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "cache.local"
pull-from-mirror = "all"
"#,
        );
        assert!(err.contains("line 7:"), "{err}");
        let err = conf_err(
            "[[registry]]\nlocation = \"quay.io\"\n[[registry.mirror]]\nlocation = \"c.local\"\npull-from-mirror = \"sometimes\"\n",
        );
        assert!(
            err.contains("line 5: pull-from-mirror \"sometimes\""),
            "{err}"
        );
    }

    #[test]
    fn blocked() {
        let c = conf(
            r#"
[[registry]]
location = "evil.example.com"
blocked = true

[[registry]]
prefix = "quay.io/bad"
location = "quay.io/bad"
blocked = true
"#,
        );
        let err = c
            .resolve("evil.example.com/x", false)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("registry evil.example.com is blocked in registries.conf"),
            "{err}"
        );
        assert!(
            c.resolve("quay.io/bad/app", false)
                .unwrap_err()
                .to_string()
                .contains("quay.io/bad is blocked")
        );
        assert!(c.resolve("quay.io/good/app", false).is_ok());
    }

    #[test]
    fn merge_across_files_and_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let main = write(
            d,
            "etc/registries.conf",
            r#"
unqualified-search-registries = ["a.io", "b.io"]
short-name-mode = "enforcing"
[aliases]
one = "a.io/one"
two = "a.io/two"
[[registry]]
location = "a.io"
insecure = true
[[registry]]
location = "b.io"
blocked = true
"#,
        );
        let dropins = d.join("etc/registries.conf.d");
        // Applied in name order: 10 before 20; non-.conf files and
        // subdirectories are ignored.
        write(
            d,
            "etc/registries.conf.d/20-late.conf",
            "unqualified-search-registries = [\"late.io\"]\n",
        );
        write(
            d,
            "etc/registries.conf.d/10-early.conf",
            r#"
unqualified-search-registries = ["early.io"]
[aliases]
two = "c.io/two"
one = ""
three = "c.io/three"
[[registry]]
location = "b.io"
[[registry]]
location = "c.io"
"#,
        );
        write(d, "etc/registries.conf.d/30-notes.txt", "not toml [[[");
        write(d, "etc/registries.conf.d/sub.conf/x.conf", "not toml [[[");
        // Later file without the key keeps the list.
        let user = write(d, "user.conf", "[[registry]]\nlocation = \"u.io\"\n");

        let c = RegistriesConf::from_paths(&[main, dropins, user, d.join("missing.d")]).unwrap();
        assert_eq!(c.unqualified_search_registries(), ["late.io"]);
        assert_eq!(c.short_name_mode(), Some(ShortNameMode::Enforcing));
        assert_eq!(c.alias("one"), None);
        assert_eq!(c.alias("two"), Some("c.io/two"));
        assert_eq!(c.alias("three"), Some("c.io/three"));
        assert!(c.is_insecure("a.io"));
        // b.io replaced wholesale: no longer blocked.
        assert!(c.resolve("b.io/x", false).is_ok());
        assert!(c.resolve("c.io/x", false).is_ok());
        assert!(c.resolve("u.io/x", false).is_ok());
    }

    #[test]
    fn default_file_selection() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let env = ConfEnv {
            explicit: None,
            config_home: Some(d.join("home/.config")),
            system_dir: d.join("etc/containers"),
            home: Some(d.join("home")),
        };
        // Nothing anywhere.
        assert!(
            load_with(&env)
                .unwrap()
                .unqualified_search_registries()
                .is_empty()
        );

        write(
            d,
            "etc/containers/registries.conf",
            "unqualified-search-registries = [\"sys.io\"]\n[[registry]]\nlocation = \"sys.io\"\nblocked = true\n",
        );
        write(
            d,
            "etc/containers/registries.conf.d/a.conf",
            "[aliases]\nsys = \"sys.io/sys\"\n",
        );
        write(
            d,
            "home/.config/containers/registries.conf.d/b.conf",
            "[aliases]\nusr = \"usr.io/usr\"\n",
        );
        let c = load_with(&env).unwrap();
        assert_eq!(c.unqualified_search_registries(), ["sys.io"]);
        assert_eq!(c.alias("sys"), Some("sys.io/sys"));
        assert_eq!(c.alias("usr"), Some("usr.io/usr"));
        assert!(c.resolve("sys.io/x", false).is_err());

        // A user file replaces the system file and the system drop-ins.
        write(
            d,
            "home/.config/containers/registries.conf",
            "unqualified-search-registries = [\"usr.io\"]\n",
        );
        let c = load_with(&env).unwrap();
        assert_eq!(c.unqualified_search_registries(), ["usr.io"]);
        assert_eq!(c.alias("sys"), None);
        assert_eq!(c.alias("usr"), Some("usr.io/usr"));
        assert!(c.resolve("sys.io/x", false).is_ok());

        // Errors show the home directory as ~.
        write(
            d,
            "home/.config/containers/registries.conf",
            "\n\nunqualified-search-registries = [\"a\"\n",
        );
        let err = load_with(&env).unwrap_err().to_string();
        assert!(
            err.starts_with("~/.config/containers/registries.conf: line 3: "),
            "{err}"
        );

        // $CONTAINERS_REGISTRIES_CONF: only that file.
        let only = write(
            d,
            "only.conf",
            "unqualified-search-registries = [\"only.io\"]\n",
        );
        let c = load_with(&ConfEnv {
            explicit: Some(only),
            ..env.clone()
        })
        .unwrap();
        assert_eq!(c.unqualified_search_registries(), ["only.io"]);
        assert_eq!(c.alias("usr"), None);
        let err = load_with(&ConfEnv {
            explicit: Some(d.join("nope.conf")),
            ..env
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("CONTAINERS_REGISTRIES_CONF=") && err.contains("nope.conf"));
    }

    #[test]
    fn v1_is_rejected() {
        let err = conf_err(
            "[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = []\n",
        );
        assert!(err.contains("version 1"), "{err}");
        assert!(err.contains("version 2"), "{err}");
    }

    #[test]
    fn malformed_files() {
        let err = conf_err("unqualified-search-registries = [\"a.io\"]\n\n[[registry]\n");
        assert!(err.contains(": line 3: "), "{err}");
        let err = conf_err("[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n");
        assert!(err.contains(": line 3: "), "{err}");
        let err = conf_err("unqualified-search-registries = \"docker.io\"\n");
        assert!(err.contains(": line 1: "), "{err}");
        let err = conf_err("[[registry]]\nlocation = \"https://a.io\"\n");
        assert!(
            err.contains("line 2: [[registry]] location \"https://a.io\": URI schemes"),
            "{err}"
        );
        let err = conf_err("[[registry]]\ninsecure = true\n");
        assert!(err.contains("needs a location or a prefix"), "{err}");
        let err = conf_err("[[registry]]\nprefix = \"a.io\"\n");
        assert!(
            err.contains("line 2:") && err.contains("no location"),
            "{err}"
        );
        let err = conf_err("[[registry]]\nprefix = \"a.*.io\"\nlocation = \"b.io\"\n");
        assert!(err.contains("wildcard"), "{err}");
        let err = conf_err("[[registry]]\nprefix = \"*.a.io/x\"\n");
        assert!(err.contains("wildcard"), "{err}");
        let err =
            conf_err("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n");
        assert!(err.contains("location"), "{err}");
        let err = conf_err("short-name-mode = \"loud\"\n");
        assert!(err.contains("line 1: short-name-mode \"loud\""), "{err}");
        let err = conf_err("[aliases]\n\"docker.io/x\" = \"docker.io/x\"\n");
        assert!(err.contains("[aliases]"), "{err}");
        let err = conf_err("[aliases]\nx = \"notqualified\"\n");
        assert!(err.contains("line 2: [aliases]"), "{err}");
        let err = conf_err("unqualified-search-registries = [\"a.io/ns\"]\n");
        assert!(err.contains("without a path"), "{err}");
        // Not UTF-8.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bin.conf");
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        let err = RegistriesConf::from_paths(&[path]).unwrap_err().to_string();
        assert!(err.contains("bin.conf: not valid UTF-8"), "{err}");
    }

    #[test]
    fn show_paths() {
        let home = Path::new("/home/u");
        assert_eq!(
            show(Path::new("/home/u/.config/x"), Some(home)),
            "~/.config/x"
        );
        assert_eq!(show(Path::new("/etc/x"), Some(home)), "/etc/x");
        assert_eq!(show(Path::new("/etc/x"), Some(Path::new("/"))), "/etc/x");
    }
}
