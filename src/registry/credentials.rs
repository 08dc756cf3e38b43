//! Registry credentials: finds them in auth files (`auth.json`,
//! `~/.docker/config.json`) and credential helpers, and writes and removes
//! them in rpod's auth file for `login` and `logout`.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user name and a password, or an identity token (user name
/// [`IDENTITY_TOKEN_USER`], as Docker's credential helpers say it).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    pub secret: String,
}

/// The user name that marks `secret` as an identity (OAuth refresh) token.
pub const IDENTITY_TOKEN_USER: &str = "<token>";

impl std::fmt::Debug for Credential {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The process environment that decides which files and helpers are used;
/// tests build one by hand.
#[derive(Clone, Debug, Default)]
struct AuthEnv {
    /// `$REGISTRY_AUTH_FILE`
    registry_auth_file: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME`, else `~/.config`
    config_home: PathBuf,
    /// `$XDG_RUNTIME_DIR` (where Podman's `login` writes)
    runtime_dir: Option<PathBuf>,
    /// `$DOCKER_CONFIG`
    docker_config: Option<PathBuf>,
    home: PathBuf,
    /// `$PATH`, for finding `docker-credential-*`
    path: Option<OsString>,
}

impl AuthEnv {
    fn from_process() -> Self {
        let home = non_empty_env("HOME")
            .map(PathBuf::from)
            .or_else(passwd_home)
            .unwrap_or_else(|| PathBuf::from("/"));
        AuthEnv {
            registry_auth_file: non_empty_env("REGISTRY_AUTH_FILE").map(PathBuf::from),
            config_home: non_empty_env("XDG_CONFIG_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".config")),
            runtime_dir: non_empty_env("XDG_RUNTIME_DIR").map(PathBuf::from),
            docker_config: non_empty_env("DOCKER_CONFIG").map(PathBuf::from),
            home,
            path: non_empty_env("PATH"),
        }
    }

    fn auth_file(&self) -> PathBuf {
        match &self.registry_auth_file {
            Some(file) => file.clone(),
            None => self.config_home.join("containers").join("auth.json"),
        }
    }

    /// Files searched by `lookup`, in order, without repeats.
    fn lookup_files(&self) -> Vec<PathBuf> {
        let mut files = vec![self.auth_file()];
        if let Some(dir) = &self.runtime_dir {
            files.push(dir.join("containers").join("auth.json"));
        }
        files.push(match &self.docker_config {
            Some(dir) => dir.join("config.json"),
            None => self.home.join(".docker").join("config.json"),
        });
        let mut unique: Vec<PathBuf> = Vec::new();
        for f in files {
            if !unique.contains(&f) {
                unique.push(f);
            }
        }
        unique
    }

    fn show(&self, path: &Path) -> String {
        if self.home != Path::new("/")
            && let Ok(rest) = path.strip_prefix(&self.home)
        {
            return Path::new("~").join(rest).display().to_string();
        }
        path.display().to_string()
    }
}

/// Where `login` writes and `logout` removes: `$REGISTRY_AUTH_FILE`, else
/// `$XDG_CONFIG_HOME/containers/auth.json` (default
/// `~/.config/containers/auth.json`).
pub fn auth_file_path() -> PathBuf {
    AuthEnv::from_process().auth_file()
}

/// Looks up credentials for `registry` (`host[:port]`) and, optionally, the
/// repository path on it (`ns/repo`; a key `registry/ns/repo` or
/// `registry/ns` beats a key for the whole registry). Searched in order:
/// [`auth_file_path`], `$XDG_RUNTIME_DIR/containers/auth.json` (Podman's
/// `login`), then `$DOCKER_CONFIG/config.json` (default
/// `~/.docker/config.json`). In each file: `credHelpers[registry]`, else the
/// `auths` entry, else the `credsStore` helper. `Ok(None)` when nothing is
/// found.
pub fn lookup(registry: &str, repository: Option<&str>) -> Result<Option<Credential>> {
    lookup_with(&AuthEnv::from_process(), registry, repository)
}

/// Writes `auths[key] = {"auth": base64(user:pass)}` (or
/// `{"identitytoken": ...}` for an identity token) into [`auth_file_path`],
/// keeping every other key of the file, atomically and with mode 0600.
/// Returns the file written.
pub fn store(key: &str, cred: &Credential) -> Result<PathBuf> {
    store_with(&AuthEnv::from_process(), key, cred)
}

/// Removes `auths[key]` and its URL forms (`https://key`, `https://key/v1/`,
/// ...) from [`auth_file_path`]. `Ok(false)` if there was nothing to remove.
pub fn remove(key: &str) -> Result<bool> {
    remove_with(&AuthEnv::from_process(), key)
}

/// Removes every `auths` entry from [`auth_file_path`] (`logout --all`),
/// keeping the file's other keys.
pub fn remove_all() -> Result<()> {
    remove_all_with(&AuthEnv::from_process())
}

/// Docker Hub's names, all stored and matched as `docker.io`.
fn normalize_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "docker.io",
        other => other,
    }
}

/// The canonical form of an auth-file key: a URL (`https://host/v1/`) is
/// reduced to its host, a trailing `/` dropped, Docker Hub's hosts become
/// `docker.io`. `registry/ns/repo` keys keep their path.
fn normalize_key(key: &str) -> String {
    let (rest, was_url) = match key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
    {
        Some(rest) => (rest, true),
        None => (key, false),
    };
    let rest = rest.trim_end_matches('/');
    let (host, path) = match rest.split_once('/') {
        Some((h, p)) if !was_url => (h, Some(p)),
        Some((h, _)) => (h, None),
        None => (rest, None),
    };
    let host = normalize_host(host);
    match path {
        Some(p) => format!("{host}/{p}"),
        None => host.to_string(),
    }
}

/// The key `store` writes for what the user typed.
fn store_key(key: &str) -> Result<String> {
    let norm = normalize_key(key);
    if norm.is_empty()
        || norm.starts_with('/')
        || norm.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        bail!("invalid registry {key:?}: expected host[:port][/repository]");
    }
    Ok(norm)
}

fn lookup_with(
    env: &AuthEnv,
    registry: &str,
    repository: Option<&str>,
) -> Result<Option<Credential>> {
    let registry = normalize_key(registry);
    if registry.is_empty() {
        bail!("cannot look up credentials: empty registry name");
    }
    // Most specific first: registry/a/b/c, registry/a/b, registry/a, registry.
    let mut candidates = Vec::new();
    if let Some(repo) = repository
        .map(|r| r.trim_matches('/'))
        .filter(|r| !r.is_empty())
    {
        let mut path = repo;
        loop {
            candidates.push(format!("{registry}/{path}"));
            match path.rsplit_once('/') {
                Some((parent, _)) => path = parent,
                None => break,
            }
        }
    }
    candidates.push(registry.clone());

    for file in env.lookup_files() {
        let shown = env.show(&file);
        let Some(doc) = read_doc(&file, &shown)? else {
            continue;
        };
        if let Some(found) = lookup_in_doc(env, &doc, &shown, &registry, &candidates)? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

fn lookup_in_doc(
    env: &AuthEnv,
    doc: &Map<String, Value>,
    shown: &str,
    registry: &str,
    candidates: &[String],
) -> Result<Option<Credential>> {
    if let Some(helpers) = doc.get("credHelpers") {
        let helpers = helpers
            .as_object()
            .ok_or_else(|| anyhow!("{shown}: \"credHelpers\" must be a JSON object"))?;
        if let Some(helper) = find_key(helpers, registry) {
            let helper = helper
                .as_str()
                .ok_or_else(|| anyhow!("{shown}: credHelpers[{registry:?}] must be a string"))?;
            // A registry with its own helper uses only that helper.
            return from_helper(env, helper, registry, shown);
        }
    }
    if let Some(auths) = doc.get("auths") {
        let auths = auths
            .as_object()
            .ok_or_else(|| anyhow!("{shown}: \"auths\" must be a JSON object"))?;
        for candidate in candidates {
            if let Some((key, entry)) = find_entry(auths, candidate)
                && let Some(cred) = decode_entry(entry, key, shown)?
            {
                return Ok(Some(cred));
            }
        }
    }
    match doc.get("credsStore") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(helper)) => from_helper(env, helper, registry, shown),
        Some(_) => bail!("{shown}: \"credsStore\" must be a string"),
    }
}

/// The value for `wanted`: its exact key first, else a key that normalizes
/// to it (`https://host/v1/`, `index.docker.io`, ...), in key order.
fn find_key<'a>(map: &'a Map<String, Value>, wanted: &str) -> Option<&'a Value> {
    find_entry(map, wanted).map(|(_, v)| v)
}

fn find_entry<'a>(map: &'a Map<String, Value>, wanted: &str) -> Option<(&'a str, &'a Value)> {
    if let Some((k, v)) = map.get_key_value(wanted) {
        return Some((k.as_str(), v));
    }
    let mut matches: Vec<(&str, &Value)> = map
        .iter()
        .filter(|(k, _)| normalize_key(k) == wanted)
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    matches.sort_by_key(|(k, _)| *k);
    matches.into_iter().next()
}

fn b64() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// One `auths` entry; `None` for an entry with nothing in it (Docker writes
/// `{}` when the secret lives in `credsStore`).
fn decode_entry(entry: &Value, key: &str, shown: &str) -> Result<Option<Credential>> {
    let obj = entry
        .as_object()
        .ok_or_else(|| anyhow!("{shown}: auths[{key:?}] must be a JSON object"))?;
    let field = |name: &str| -> Result<&str> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(""),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => bail!("{shown}: auths[{key:?}].{name} must be a string"),
        }
    };
    let token = field("identitytoken")?;
    if !token.is_empty() {
        return Ok(Some(Credential {
            username: IDENTITY_TOKEN_USER.to_string(),
            secret: token.to_string(),
        }));
    }
    let auth = field("auth")?.trim();
    if !auth.is_empty() {
        let bytes = b64()
            .decode(auth)
            .map_err(|_| anyhow!("{shown}: auths[{key:?}].auth is not valid base64"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("{shown}: auths[{key:?}].auth does not decode to UTF-8 text"))?;
        let Some((user, pass)) = text.split_once(':') else {
            bail!("{shown}: auths[{key:?}].auth does not decode to \"user:password\"");
        };
        let pass = pass.trim_end_matches(['\n', '\0']);
        if user.is_empty() && pass.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Credential {
            username: user.to_string(),
            secret: pass.to_string(),
        }));
    }
    let (user, pass) = (field("username")?, field("password")?);
    if !user.is_empty() && !pass.is_empty() {
        return Ok(Some(Credential {
            username: user.to_string(),
            secret: pass.to_string(),
        }));
    }
    Ok(None)
}

#[derive(Deserialize)]
struct HelperReply {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Asks `docker-credential-HELPER get`. Docker Hub is asked under Docker's
/// own key first, then as `docker.io`.
fn from_helper(
    env: &AuthEnv,
    helper: &str,
    registry: &str,
    shown: &str,
) -> Result<Option<Credential>> {
    if helper.is_empty()
        || !helper
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || helper.starts_with('.')
    {
        bail!("{shown}: invalid credential helper name {helper:?}");
    }
    let program = format!("docker-credential-{helper}");
    let Some(exe) = find_program(env.path.as_deref(), &program) else {
        return Ok(None);
    };
    let servers: &[&str] = if registry == "docker.io" {
        &["https://index.docker.io/v1/", "docker.io"]
    } else {
        &[registry]
    };
    for server in servers {
        if let Some(cred) = run_helper(env, &program, &exe, server)? {
            return Ok(Some(cred));
        }
    }
    Ok(None)
}

fn find_program(path: Option<&std::ffi::OsStr>, name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path?)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

fn run_helper(
    env: &AuthEnv,
    program: &str,
    exe: &Path,
    server: &str,
) -> Result<Option<Credential>> {
    let mut cmd = Command::new(exe);
    cmd.arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = &env.path {
        cmd.env("PATH", path);
    }
    let mut tries = 0;
    let mut child = loop {
        match cmd.spawn() {
            Ok(child) => break child,
            // Another thread forking while the helper was being written
            // holds it open for a moment.
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 20 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => bail!("credential helper {program} failed: cannot run it: {e}"),
        }
    };
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading is judged by its output.
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| anyhow!("credential helper {program} failed: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let all = format!("{stdout}\n{stderr}").to_ascii_lowercase();
        if all.contains("credentials not found") {
            return Ok(None);
        }
        let line = [&*stderr, &*stdout]
            .iter()
            .flat_map(|s| s.lines())
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| out.status.to_string());
        bail!("credential helper {program} failed: {line}");
    }
    let reply: HelperReply = serde_json::from_str(stdout.trim()).map_err(|e| {
        anyhow!("credential helper {program} failed: its answer is not the expected JSON: {e}")
    })?;
    if reply.username.is_empty() && reply.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(Credential {
        username: reply.username,
        secret: reply.secret,
    }))
}

/// The file's JSON object, `None` if the file does not exist; an empty file
/// is an empty object.
fn read_doc(path: &Path, shown: &str) -> Result<Option<Map<String, Value>>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => bail!("{shown}: cannot read: {e}"),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(Map::new()));
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(Some(map)),
        Ok(_) => bail!("{shown}: expected a JSON object"),
        Err(e) => bail!("{shown}: line {}: {e}", e.line()),
    }
}

/// The `auths` object of `doc`, created if missing.
fn auths_mut<'a>(
    doc: &'a mut Map<String, Value>,
    shown: &str,
) -> Result<&'a mut Map<String, Value>> {
    doc.entry("auths")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| anyhow!("{shown}: \"auths\" must be a JSON object"))
}

fn store_with(env: &AuthEnv, key: &str, cred: &Credential) -> Result<PathBuf> {
    let key = store_key(key)?;
    let path = env.auth_file();
    let shown = env.show(&path);
    let mut entry = Map::new();
    if cred.username == IDENTITY_TOKEN_USER {
        if cred.secret.is_empty() {
            bail!("cannot store credentials for {key}: the identity token is empty");
        }
        entry.insert("identitytoken".into(), Value::String(cred.secret.clone()));
    } else {
        if cred.username.is_empty() {
            bail!("cannot store credentials for {key}: the user name is empty");
        }
        if cred.username.contains(':') {
            bail!("cannot store credentials for {key}: the user name must not contain ':'");
        }
        let auth = b64().encode(format!("{}:{}", cred.username, cred.secret));
        entry.insert("auth".into(), Value::String(auth));
    }
    let mut doc = read_doc(&path, &shown)?.unwrap_or_default();
    auths_mut(&mut doc, &shown)?.insert(key, Value::Object(entry));
    write_doc(&path, &shown, &doc)?;
    Ok(path)
}

fn remove_with(env: &AuthEnv, key: &str) -> Result<bool> {
    let key = store_key(key)?;
    let path = env.auth_file();
    let shown = env.show(&path);
    let Some(mut doc) = read_doc(&path, &shown)? else {
        return Ok(false);
    };
    if !doc.contains_key("auths") {
        return Ok(false);
    }
    let auths = auths_mut(&mut doc, &shown)?;
    let before = auths.len();
    auths.retain(|k, _| normalize_key(k) != key);
    if auths.len() == before {
        return Ok(false);
    }
    write_doc(&path, &shown, &doc)?;
    Ok(true)
}

fn remove_all_with(env: &AuthEnv) -> Result<()> {
    let path = env.auth_file();
    let shown = env.show(&path);
    let Some(mut doc) = read_doc(&path, &shown)? else {
        return Ok(());
    };
    match doc.get("auths") {
        None => return Ok(()),
        Some(Value::Object(m)) if m.is_empty() => return Ok(()),
        _ => {}
    }
    doc.insert("auths".into(), Value::Object(Map::new()));
    write_doc(&path, &shown, &doc)
}

/// Writes the document atomically: parents created 0700, a 0600 temporary
/// file in the same directory, fsync, rename, fsync of the directory.
fn write_doc(path: &Path, shown: &str, doc: &Map<String, Value>) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| anyhow!("{shown}: cannot create its directory: {e}"))?;
    let mut bytes = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
    let mut ser = serde_json::Serializer::with_formatter(&mut bytes, formatter);
    doc.serialize(&mut ser)
        .map_err(|e| anyhow!("{shown}: cannot encode: {e}"))?;
    bytes.push(b'\n');
    let fail = |e: std::io::Error| anyhow!("{shown}: cannot write: {e}");
    let mut tmp = tempfile::Builder::new()
        .prefix(".auth.json.")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(fail)?;
    tmp.write_all(&bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
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
    use std::os::unix::fs::PermissionsExt;

    /// An environment whose every path is inside `dir`.
    fn env_in(dir: &Path) -> AuthEnv {
        AuthEnv {
            registry_auth_file: None,
            config_home: dir.join("home/.config"),
            runtime_dir: Some(dir.join("run")),
            docker_config: None,
            home: dir.join("home"),
            path: Some(OsString::from("/nonexistent-bin")),
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn cred(u: &str, s: &str) -> Option<Credential> {
        Some(Credential {
            username: u.into(),
            secret: s.into(),
        })
    }

    fn enc(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    #[test]
    fn paths() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut env = env_in(d);
        assert_eq!(env.auth_file(), d.join("home/.config/containers/auth.json"));
        assert_eq!(
            env.lookup_files(),
            vec![
                d.join("home/.config/containers/auth.json"),
                d.join("run/containers/auth.json"),
                d.join("home/.docker/config.json"),
            ]
        );
        env.registry_auth_file = Some(d.join("custom.json"));
        env.docker_config = Some(d.join("dockercfg"));
        env.runtime_dir = None;
        assert_eq!(env.auth_file(), d.join("custom.json"));
        assert_eq!(
            env.lookup_files(),
            vec![d.join("custom.json"), d.join("dockercfg/config.json")]
        );
        assert_eq!(
            env.show(&d.join("home/.docker/config.json")),
            "~/.docker/config.json"
        );
    }

    #[test]
    fn key_forms() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let file = env.auth_file();
        let auths = serde_json::json!({
            "auths": {
                "plain.io": {"auth": enc("p:1")},
                "https://secure.io": {"auth": enc("s:2")},
                "https://v1.io/v1/": {"auth": enc("v:3")},
                "http://insecure.io:5000": {"auth": enc("i:4")},
                "https://index.docker.io/v1/": {"auth": enc("hub:5")},
                "trailing.io/": {"auth": enc("t:6")},
                "nopad.io": {"auth": enc("np:7").trim_end_matches('=')},
                "colon.io": {"auth": enc("c:pa:ss")},
            }
        });
        write(&file, &auths.to_string());
        let l = |r: &str| lookup_with(&env, r, None).unwrap();
        assert_eq!(l("plain.io"), cred("p", "1"));
        assert_eq!(l("secure.io"), cred("s", "2"));
        assert_eq!(l("v1.io"), cred("v", "3"));
        assert_eq!(l("insecure.io:5000"), cred("i", "4"));
        assert_eq!(l("insecure.io"), None);
        assert_eq!(l("docker.io"), cred("hub", "5"));
        assert_eq!(l("registry-1.docker.io"), cred("hub", "5"));
        assert_eq!(l("trailing.io"), cred("t", "6"));
        assert_eq!(l("nopad.io"), cred("np", "7"));
        assert_eq!(l("colon.io"), cred("c", "pa:ss"));
        assert_eq!(l("other.io"), None);

        // An exact key beats a URL form of the same host.
        let both = serde_json::json!({"auths": {
            "https://index.docker.io/v1/": {"auth": enc("old:x")},
            "docker.io": {"auth": enc("new:y")},
        }});
        write(&file, &both.to_string());
        assert_eq!(l("docker.io"), cred("new", "y"));
    }

    #[test]
    fn per_repository_keys() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let auths = serde_json::json!({"auths": {
            "quay.io": {"auth": enc("reg:0")},
            "quay.io/ns": {"auth": enc("ns:1")},
            "quay.io/ns/repo": {"auth": enc("repo:2")},
        }});
        write(&env.auth_file(), &auths.to_string());
        let l = |repo: Option<&str>| lookup_with(&env, "quay.io", repo).unwrap();
        assert_eq!(l(Some("ns/repo")), cred("repo", "2"));
        assert_eq!(l(Some("ns/repo/sub")), cred("repo", "2"));
        assert_eq!(l(Some("ns/other")), cred("ns", "1"));
        assert_eq!(l(Some("nsx/repo")), cred("reg", "0"));
        assert_eq!(l(Some("other")), cred("reg", "0"));
        assert_eq!(l(None), cred("reg", "0"));
    }

    #[test]
    fn identity_tokens_and_plain_fields() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let auths = serde_json::json!({"auths": {
            "tok.io": {"auth": enc("user:"), "identitytoken": "refresh-me"},
            "fields.io": {"username": "u", "password": "p"},
            "empty.io": {},
        }});
        write(&env.auth_file(), &auths.to_string());
        assert_eq!(
            lookup_with(&env, "tok.io", None).unwrap(),
            cred(IDENTITY_TOKEN_USER, "refresh-me")
        );
        assert_eq!(
            lookup_with(&env, "fields.io", None).unwrap(),
            cred("u", "p")
        );
        assert_eq!(lookup_with(&env, "empty.io", None).unwrap(), None);
        // Debug never shows the secret.
        let shown = format!("{:?}", cred("u", "hunter2").unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn bad_files_are_errors_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let file = env.auth_file();
        let cases = [
            (
                r#"{"auths": {"a.io": {"auth": "!!!not base64"}}}"#,
                "not valid base64",
            ),
            (
                &format!(
                    r#"{{"auths": {{"a.io": {{"auth": "{}"}}}}}}"#,
                    enc("nocolon")
                ),
                "user:password",
            ),
            (
                &format!(
                    r#"{{"auths": {{"a.io": {{"auth": "{}"}}}}}}"#,
                    base64::engine::general_purpose::STANDARD.encode([0xff, b':', 0xfe])
                ),
                "UTF-8",
            ),
            (r#"{"auths": {"a.io": {"auth": 5}}}"#, "must be a string"),
            (r#"{"auths": []}"#, "\"auths\" must be a JSON object"),
            (r#"{"auths": {"a.io": "x"}}"#, "must be a JSON object"),
            (r#"{"credsStore": 3}"#, "credsStore"),
            (
                r#"{"credHelpers": {"a.io": "../../evil"}}"#,
                "invalid credential helper",
            ),
            ("[1, 2]", "expected a JSON object"),
            ("{\n\"auths\": {,\n}", "line 2"),
        ];
        for (text, want) in cases {
            write(&file, text);
            let err = lookup_with(&env, "a.io", None).unwrap_err().to_string();
            assert!(
                err.starts_with("~/.config/containers/auth.json: "),
                "{text}: {err}"
            );
            assert!(err.contains(want), "{text}: {err}");
            assert!(!err.contains('\n'), "{err:?}");
        }
        // An empty file is no credentials, not an error.
        write(&file, "  \n");
        assert_eq!(lookup_with(&env, "a.io", None).unwrap(), None);
    }

    #[test]
    fn search_order_across_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let env = env_in(d);
        write(
            &d.join("home/.docker/config.json"),
            &serde_json::json!({"auths": {
                "a.io": {"auth": enc("docker:a")},
                "b.io": {"auth": enc("docker:b")},
                "c.io": {"auth": enc("docker:c")},
            }})
            .to_string(),
        );
        write(
            &d.join("run/containers/auth.json"),
            &serde_json::json!({"auths": {"b.io": {"auth": enc("podman:b")}}}).to_string(),
        );
        write(
            &env.auth_file(),
            &serde_json::json!({"auths": {"a.io": {"auth": enc("rpod:a")}}}).to_string(),
        );
        assert_eq!(lookup_with(&env, "a.io", None).unwrap(), cred("rpod", "a"));
        assert_eq!(
            lookup_with(&env, "b.io", None).unwrap(),
            cred("podman", "b")
        );
        assert_eq!(
            lookup_with(&env, "c.io", None).unwrap(),
            cred("docker", "c")
        );
        // $DOCKER_CONFIG replaces ~/.docker.
        let env2 = AuthEnv {
            docker_config: Some(d.join("elsewhere")),
            ..env.clone()
        };
        assert_eq!(lookup_with(&env2, "c.io", None).unwrap(), None);
        // $REGISTRY_AUTH_FILE replaces the rpod file.
        let custom = d.join("custom.json");
        write(
            &custom,
            &serde_json::json!({"auths": {"c.io": {"auth": enc("custom:c")}}}).to_string(),
        );
        let env3 = AuthEnv {
            registry_auth_file: Some(custom),
            ..env
        };
        assert_eq!(
            lookup_with(&env3, "c.io", None).unwrap(),
            cred("custom", "c")
        );
        // ... so a.io now comes from ~/.docker/config.json.
        assert_eq!(
            lookup_with(&env3, "a.io", None).unwrap(),
            cred("docker", "a")
        );
    }

    const FAKE_HELPER: &str = r#"#!/bin/sh
[ "$1" = get ] || { echo "unexpected $1" >&2; exit 2; }
read -r server
case "$server" in
  helper.io) echo '{"ServerURL":"helper.io","Username":"hu","Secret":"hs"}' ;;
  https://index.docker.io/v1/) echo '{"ServerURL":"x","Username":"<token>","Secret":"hubtok"}' ;;
  store.io) printf '{"Username":"su","Secret":"ss"}' ;;
  broken.io) echo "first problem" >&2; echo "second" >&2; exit 3 ;;
  garbage.io) echo "not json" ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
"#;

    #[test]
    fn credential_helpers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let bin = d.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let script = bin.join("docker-credential-fake");
        std::fs::write(&script, FAKE_HELPER).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut path = OsString::from(&bin);
        path.push(":/usr/bin:/bin");
        let env = AuthEnv {
            path: Some(path),
            ..env_in(d)
        };
        write(
            &d.join("home/.docker/config.json"),
            &serde_json::json!({
                "credHelpers": {
                    "helper.io": "fake",
                    "https://index.docker.io/v1/": "fake",
                    "broken.io": "fake",
                    "garbage.io": "fake",
                    "missing.io": "fake",
                    "absent.io": "notinstalled",
                },
                "auths": {
                    "missing.io": {"auth": enc("never:used")},
                    "store.io": {},
                    "auth.io": {"auth": enc("au:as")},
                },
                "credsStore": "fake",
            })
            .to_string(),
        );
        let l = |r: &str| lookup_with(&env, r, None);
        assert_eq!(l("helper.io").unwrap(), cred("hu", "hs"));
        assert_eq!(l("docker.io").unwrap(), cred(IDENTITY_TOKEN_USER, "hubtok"));
        // A registry's own helper is final for that file.
        assert_eq!(l("missing.io").unwrap(), None);
        assert_eq!(l("absent.io").unwrap(), None);
        // auths beats credsStore; an empty auths entry falls through to it.
        assert_eq!(l("auth.io").unwrap(), cred("au", "as"));
        assert_eq!(l("store.io").unwrap(), cred("su", "ss"));
        assert_eq!(l("nowhere.io").unwrap(), None);
        let err = l("broken.io").unwrap_err().to_string();
        assert_eq!(
            err,
            "credential helper docker-credential-fake failed: first problem"
        );
        let err = l("garbage.io").unwrap_err().to_string();
        assert!(
            err.starts_with("credential helper docker-credential-fake failed: "),
            "{err}"
        );
        assert!(!err.contains('\n'));
        // No PATH at all: helpers are simply not installed.
        let env_nopath = AuthEnv { path: None, ..env };
        assert_eq!(lookup_with(&env_nopath, "helper.io", None).unwrap(), None);
    }

    #[test]
    fn store_and_remove_keep_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let env = env_in(d);
        let file = env.auth_file();

        // A fresh file: parent directories 0700, file 0600.
        let written = store_with(&env, "quay.io", &cred("alice", "pw:1").unwrap()).unwrap();
        assert_eq!(written, file);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().unwrap()), 0o700);
        assert_eq!(
            lookup_with(&env, "quay.io", None).unwrap(),
            cred("alice", "pw:1")
        );

        // Other keys survive an update.
        write(
            &file,
            &serde_json::json!({
                "auths": {
                    "quay.io": {"auth": enc("old:old"), "email": "x@y"},
                    "https://quay.io/v1/": {"auth": enc("legacy:l")},
                    "quay.io/ns/repo": {"auth": enc("repo:r")},
                    "other.io": {"auth": enc("o:o")},
                },
                "credHelpers": {"gcr.io": "gcloud"},
                "somethingElse": [1, 2, {"deep": true}],
            })
            .to_string(),
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        store_with(
            &env,
            "https://index.docker.io/v1/",
            &cred("bob", "b").unwrap(),
        )
        .unwrap();
        store_with(&env, "quay.io", &cred("alice", "new").unwrap()).unwrap();
        assert_eq!(mode(&file), 0o600);
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(
            doc["somethingElse"],
            serde_json::json!([1, 2, {"deep": true}])
        );
        assert_eq!(doc["credHelpers"]["gcr.io"], "gcloud");
        assert_eq!(doc["auths"]["docker.io"]["auth"], enc("bob:b"));
        assert_eq!(
            doc["auths"]["quay.io"],
            serde_json::json!({"auth": enc("alice:new")})
        );
        assert_eq!(doc["auths"]["other.io"]["auth"], enc("o:o"));

        // Identity tokens are stored as such.
        store_with(&env, "tok.io", &cred(IDENTITY_TOKEN_USER, "rt").unwrap()).unwrap();
        assert_eq!(
            lookup_with(&env, "tok.io", None).unwrap(),
            cred(IDENTITY_TOKEN_USER, "rt")
        );

        // remove takes the key and its URL forms, not repository keys.
        assert!(remove_with(&env, "quay.io").unwrap());
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let auths = doc["auths"].as_object().unwrap();
        assert!(!auths.contains_key("quay.io"));
        assert!(!auths.contains_key("https://quay.io/v1/"));
        assert!(auths.contains_key("quay.io/ns/repo"));
        assert!(auths.contains_key("other.io"));
        assert_eq!(
            doc["somethingElse"],
            serde_json::json!([1, 2, {"deep": true}])
        );
        assert!(!remove_with(&env, "quay.io").unwrap());
        assert!(remove_with(&env, "docker.io").unwrap());
        assert!(!remove_with(&env, "never.io").unwrap());
        assert_eq!(mode(&file), 0o600);

        // remove_all empties auths and keeps the rest.
        remove_all_with(&env).unwrap();
        let doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(doc["auths"], serde_json::json!({}));
        assert_eq!(doc["credHelpers"]["gcr.io"], "gcloud");
        remove_all_with(&env).unwrap();

        // No temporary files left behind.
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![OsString::from("auth.json")]);
    }

    #[test]
    fn store_refuses_bad_input_without_touching_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let env = env_in(dir.path());
        let file = env.auth_file();
        assert!(!remove_with(&env, "a.io").unwrap());
        remove_all_with(&env).unwrap();
        assert!(!file.exists());
        assert!(store_with(&env, "a.io", &cred("a:b", "c").unwrap()).is_err());
        assert!(store_with(&env, "a.io", &cred("", "c").unwrap()).is_err());
        assert!(store_with(&env, "", &cred("a", "c").unwrap()).is_err());
        assert!(store_with(&env, "a b", &cred("a", "c").unwrap()).is_err());
        assert!(!file.exists());
        write(&file, "{not json");
        let err = store_with(&env, "a.io", &cred("a", "b").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("~/.config/containers/auth.json: line 1:"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
        assert!(remove_with(&env, "a.io").is_err());
        assert!(remove_all_with(&env).is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{not json");
    }

    #[test]
    fn normalization() {
        assert_eq!(normalize_key("https://index.docker.io/v1/"), "docker.io");
        assert_eq!(normalize_key("registry-1.docker.io"), "docker.io");
        assert_eq!(
            normalize_key("index.docker.io/library/x"),
            "docker.io/library/x"
        );
        assert_eq!(normalize_key("http://a.io:5000/v2/"), "a.io:5000");
        assert_eq!(normalize_key("quay.io/ns/"), "quay.io/ns");
        assert_eq!(normalize_key("quay.io"), "quay.io");
    }
}
