//! Shared set-up for integration tests: every test gets a private home,
//! store and runtime directory, and runs the real `rpod` binary as the
//! unprivileged test user (when the suite runs as root, as in CI) against
//! the local registries that `contrib/setup-test-env.sh` starts.
#![allow(dead_code)]

pub mod terminal;

use std::ffi::OsStr;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Settings written by the set-up script to /etc/rpod-test.env.
pub fn setting(key: &str) -> String {
    if let Ok(value) = std::env::var(key) {
        return value;
    }
    let file = std::fs::read_to_string("/etc/rpod-test.env").unwrap_or_default();
    file.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_string))
        .unwrap_or_else(|| {
            panic!("{key} is not set: run `contrib/test.sh` as root once to prepare this machine")
        })
}

/// The plain-HTTP registry, e.g. 127.0.0.1:5000.
pub fn registry() -> String {
    setting("RPOD_TEST_REGISTRY")
}

/// The TLS registry with htpasswd auth.
pub fn tls_registry() -> String {
    setting("RPOD_TEST_TLS_REGISTRY")
}

/// The binary under test: `RPOD_TEST_BIN` (a copy the test user can run),
/// else cargo's own build.
pub fn binary() -> PathBuf {
    std::env::var_os("RPOD_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rpod")))
}

struct User {
    uid: u32,
    gid: u32,
}

fn lookup_user(name: &str) -> User {
    let out = Command::new("id")
        .arg("-u")
        .arg(name)
        .output()
        .expect("run id");
    assert!(out.status.success(), "test user {name} does not exist");
    let gid = Command::new("id")
        .arg("-g")
        .arg(name)
        .output()
        .expect("run id");
    User {
        uid: String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("uid"),
        gid: String::from_utf8_lossy(&gid.stdout)
            .trim()
            .parse()
            .expect("gid"),
    }
}

/// One test's world: a directory holding the user's home, config, store
/// and runtime directory, owned by the user the commands run as.
pub struct TestEnv {
    pub dir: PathBuf,
    user: Option<User>,
    extra_env: Vec<(String, String)>,
}

impl TestEnv {
    /// A fresh environment for the regular test user (with a subuid range).
    pub fn new() -> Self {
        Self::for_user(setting_or("RPOD_TEST_USER", "rpodtest"))
    }

    /// A fresh environment for the user without subordinate ids.
    pub fn without_subids() -> Self {
        Self::for_user(setting_or("RPOD_TEST_NOSUB_USER", "rpodnosub"))
    }

    fn for_user(name: String) -> Self {
        let is_root = rustix::process::geteuid().is_root();
        let base = PathBuf::from("/var/tmp/rpod-tests");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::set_permissions(&base, std::fs::Permissions::from_mode(0o1777)).ok();
        let dir = tempfile::Builder::new()
            .prefix("t-")
            .tempdir_in(&base)
            .unwrap()
            .keep();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        for sub in ["home/.config/containers", "run"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        // Short names go to Docker Hub, which the local registry mirrors
        // (the usual set-up of an offline site).
        let registries = format!(
            "unqualified-search-registries = [\"docker.io\"]\n\n\
             [[registry]]\nlocation = \"{r}\"\ninsecure = true\n\n\
             [[registry]]\nlocation = \"docker.io\"\n\
             [[registry.mirror]]\nlocation = \"{r}\"\ninsecure = true\n",
            r = registry_or_default()
        );
        std::fs::write(
            dir.join("home/.config/containers/registries.conf"),
            registries,
        )
        .unwrap();
        let user = is_root.then(|| lookup_user(&name));
        if let Some(user) = &user {
            chown_tree(&dir, user.uid, user.gid);
        }
        std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o700)).unwrap();
        TestEnv {
            dir,
            user,
            extra_env: Vec::new(),
        }
    }

    pub fn home(&self) -> PathBuf {
        self.dir.join("home")
    }

    pub fn store(&self) -> PathBuf {
        self.dir.join("store")
    }

    /// Adds an environment variable to every command of this test.
    pub fn env(&mut self, key: &str, value: &str) {
        self.extra_env.push((key.to_string(), value.to_string()));
    }

    /// A command running `program` as the test user in this environment.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = match &self.user {
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={}", user.uid))
                    .arg(format!("--regid={}", user.gid))
                    .arg("--clear-groups")
                    .arg("--")
                    .arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.env_clear()
            .env("HOME", self.home())
            .env(
                "PATH",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            )
            .env("XDG_RUNTIME_DIR", self.dir.join("run"))
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            .env("RPOD_ROOT", self.store())
            .env("LANG", "C.UTF-8")
            .current_dir(&self.dir)
            .stdin(Stdio::null());
        // The whole suite can run under one rootfs driver.
        if let Some(driver) = std::env::var_os("RPOD_STORAGE_DRIVER") {
            cmd.env("RPOD_STORAGE_DRIVER", driver);
        }
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `rpod ARGS…` as the test user.
    pub fn rpod_cmd(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(binary());
        cmd.args(args);
        cmd
    }

    /// `library/busybox:latest` from the local registry, pulled into this
    /// test's store.
    pub fn pulled_busybox(&self) -> String {
        let image = self.image("library/busybox:latest");
        self.ok(&["pull", "-q", &image]);
        image
    }

    /// Runs `sh -c SCRIPT` in a throw-away busybox container with the
    /// `extra` run flags; returns stdout.
    pub fn run_sh(&self, extra: &[&str], script: &str) -> String {
        let image = self.pulled_busybox();
        let mut args = vec!["run", "--rm"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[&image, "sh", "-c", script]);
        self.ok(&args)
    }

    /// A container's logs so far, empty while it does not exist yet (a
    /// foreground `run` started in the background may not have made it).
    pub fn logs_so_far(&self, name: &str) -> String {
        String::from_utf8_lossy(&self.rpod(&["logs", name]).stdout).into_owned()
    }

    /// A `sleep` of the test user's that holds every inotify instance the
    /// user may open; kill it to give them back.
    pub fn hold_every_inotify_instance(&self) -> std::process::Child {
        use std::os::unix::process::CommandExt;
        let mut sleep = Command::new("sleep");
        sleep.arg("600");
        if let Some(user) = &self.user {
            sleep.uid(user.uid).gid(user.gid);
        }
        // SAFETY: only system calls between fork and exec; the instances
        // lack close-on-exec, so that `sleep` holds them.
        unsafe {
            sleep.pre_exec(|| {
                while libc::inotify_init1(0) >= 0 {}
                Ok(())
            });
        }
        let child = sleep.spawn().expect("run sleep");
        let fds = std::fs::read_dir(format!("/proc/{}/fd", child.id())).unwrap();
        assert!(fds.count() > 100, "the inotify instances were not taken");
        child
    }

    /// Runs `rpod ARGS…` and returns its output.
    pub fn rpod(&self, args: &[&str]) -> Output {
        self.rpod_cmd(args).output().expect("run rpod")
    }

    /// Runs `rpod ARGS…`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.rpod(args);
        assert!(
            out.status.success(),
            "rpod {args:?} failed with {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `rpod ARGS…`, asserts the exit code, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.rpod(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(
            out.status.code(),
            Some(code),
            "rpod {args:?}: stdout {} stderr {stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        stderr
    }

    /// Writes a file (and its missing parents) owned by the test user.
    pub fn write_file(&self, path: &Path, content: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        if let Some(user) = &self.user {
            for p in path.ancestors().take_while(|p| *p != self.dir) {
                std::os::unix::fs::lchown(p, Some(user.uid), Some(user.gid)).unwrap();
            }
        }
    }

    /// Runs a shell command inside rpod's user namespace (`rpod unshare`).
    pub fn unshare_sh(&self, script: &str) -> String {
        self.ok(&["unshare", "sh", "-c", script])
    }

    /// Whether the kernel overlay mounts in rpod's user namespace here.
    pub fn overlay_works(&self) -> bool {
        self.ok(&[
            "info",
            "--format",
            "{{.Host.Features.OverlayInUserNamespace}}",
        ])
        .trim()
            == "true"
    }

    /// `registry/repo:tag` on the plain registry.
    pub fn image(&self, name: &str) -> String {
        format!("{}/{name}", registry())
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        if std::thread::panicking() && std::env::var_os("RPOD_TEST_KEEP").is_some() {
            eprintln!("keeping {}", self.dir.display());
            return;
        }
        self.kill_monitors();
        self.kill_keeper();
        if self.user.is_some() {
            // Root can remove files of any subordinate id.
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            let _ = self.rpod(&[
                "unshare",
                "rm",
                "-rf",
                self.store().to_str().unwrap_or("/nonexistent"),
            ]);
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

impl TestEnv {
    /// Kills the monitors of containers a test left running (their
    /// containers die with them), checked by start time against reuse.
    fn kill_monitors(&self) {
        let Ok(entries) = std::fs::read_dir(self.store().join("containers")) else {
            return;
        };
        for entry in entries.flatten() {
            let Ok(bytes) = std::fs::read(entry.path().join("container.json")) else {
                continue;
            };
            let record: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            let monitor = &record["state"]["monitor"];
            if let (Some(pid), Some(start)) = (monitor[0].as_i64(), monitor[1].as_u64()) {
                kill_if_started(pid, start);
            }
        }
    }

    /// Kills the process that keeps this test's user namespace.
    fn kill_keeper(&self) {
        if let Some((pid, start)) = self.keeper() {
            kill_if_started(pid, start);
        }
    }

    /// The keeper of this test's user namespace, as its pid file names it:
    /// its PID and start time.
    pub fn keeper(&self) -> Option<(i64, u64)> {
        let text = std::fs::read_to_string(self.dir.join("run/rpod/userns.pid")).ok()?;
        let mut fields = text.split_whitespace();
        Some((fields.next()?.parse().ok()?, fields.next()?.parse().ok()?))
    }
}

/// The start time of process `pid` in clock ticks since boot.
pub fn start_time(pid: i64) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    rest.split(' ').nth(20)?.parse().ok()
}

/// SIGKILLs `pid` if it is still the process that started at `start`.
fn kill_if_started(pid: i64, start: u64) {
    if start_time(pid) == Some(start) {
        // SAFETY: signalling a process this test started.
        unsafe { libc::kill(pid as i32, libc::SIGKILL) };
    }
}

fn setting_or(key: &str, default: &str) -> String {
    std::env::var(key)
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/etc/rpod-test.env")
                .ok()?
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")).map(str::to_string))
        })
        .unwrap_or_else(|| default.to_string())
}

fn registry_or_default() -> String {
    setting_or("RPOD_TEST_REGISTRY", "127.0.0.1:5000")
}

fn chown_tree(path: &Path, uid: u32, gid: u32) {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid)).unwrap();
    if path.is_dir() && !path.is_symlink() {
        for entry in std::fs::read_dir(path).unwrap() {
            chown_tree(&entry.unwrap().path(), uid, gid);
        }
    }
}

/// Lists every path below `dir` with type, mode and size, sorted: a
/// fingerprint to prove nothing changed.
pub fn tree_fingerprint(dir: &Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt;
    let mut out = Vec::new();
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            out.push(format!(
                "{} {:o} {} {}",
                path.strip_prefix(root).unwrap().display(),
                meta.mode(),
                meta.size(),
                meta.mtime()
            ));
            if meta.is_dir() {
                walk(&path, root, out);
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Splits a table line into cells (Docker separates columns by 3+ spaces).
pub fn cells(line: &str) -> Vec<String> {
    line.split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Waits (with a hang guard, not a timing assertion) until `check` holds.
pub fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "never happened: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Writes a busybox root filesystem tar to `path`, with `sh` and `cat`,
/// the symlinks `links` (path, target) and the files `files` (path, text).
pub fn busybox_rootfs_tar(
    path: &std::path::Path,
    links: &[(&str, String)],
    files: &[(&str, &str)],
) {
    let mut builder = tar::Builder::new(std::fs::File::create(path).unwrap());
    for dir in ["bin", "etc"] {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_size(0);
        builder
            .append_data(&mut header, dir, std::io::empty())
            .unwrap();
    }
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o755);
    header.set_size(std::fs::metadata("/bin/busybox").unwrap().len());
    builder
        .append_data(
            &mut header,
            "bin/busybox",
            std::fs::File::open("/bin/busybox").unwrap(),
        )
        .unwrap();
    for (name, content) in files {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(content.len() as u64);
        builder
            .append_data(&mut header, name, content.as_bytes())
            .unwrap();
    }
    let applets = [
        ("bin/sh", "busybox".to_string()),
        ("bin/cat", "busybox".to_string()),
    ];
    for (link, target) in applets.iter().chain(links.iter()) {
        let mut header = tar::Header::new_gnu();
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_mode(0o777);
        header.set_size(0);
        builder.append_link(&mut header, link, target).unwrap();
    }
    builder.finish().unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
}
