//! rpod's auth file: reads a JSON auth file, and stores and removes
//! `auths` entries in it atomically, keeping every other key.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Credential;
use super::entry::encode_entry;
use super::env::AuthEnv;
use super::keys::{normalize_key, store_key};

/// The file's JSON object, `None` if the file does not exist; an empty file
/// is an empty object.
pub(super) fn read_doc(path: &Path, shown: &str) -> Result<Option<Map<String, Value>>> {
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

pub(super) fn store_with(env: &AuthEnv, key: &str, cred: &Credential) -> Result<PathBuf> {
    let key = store_key(key)?;
    let path = env.auth_file();
    let shown = env.show(&path);
    let entry = encode_entry(&key, cred)?;
    let mut doc = read_doc(&path, &shown)?.unwrap_or_default();
    auths_mut(&mut doc, &shown)?.insert(key, Value::Object(entry));
    write_doc(&path, &shown, &doc)?;
    Ok(path)
}

pub(super) fn remove_with(env: &AuthEnv, key: &str) -> Result<bool> {
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

pub(super) fn remove_all_with(env: &AuthEnv) -> Result<()> {
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
