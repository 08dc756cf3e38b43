//! Credential helpers: finds `docker-credential-HELPER` on `$PATH` and asks
//! it for a registry's credentials.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Result, anyhow, bail};
use serde::Deserialize;

use super::Credential;
use super::env::AuthEnv;

#[derive(Deserialize)]
struct HelperReply {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// Asks `docker-credential-HELPER get`. Docker Hub is asked under Docker's
/// own key first, then as `docker.io`.
pub(super) fn from_helper(
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
