//! `rpod run`: make a container from an image (pulling it when missing, as
//! Docker does) and run it in the foreground. Its exit code becomes
//! rpod's. This slice keeps the container attached to the terminal
//! through inherited stdio; detached containers and the monitor follow.

use super::progress::PullDisplay;
use super::pull::{ConnectArgs, PullRequest};
use super::{Context, Exit};
use crate::registry::Platform;
use crate::rootfs;
use crate::runtime::{self, Network, Process, Security, Spec};
use crate::store::Store;
use crate::store::containers::{self, ContainerRecord, ContainerState};
use crate::store::images::{self, ImageRecord};
use anyhow::{Context as _, Result, bail};
use std::path::Path;

#[derive(Debug, clap::Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// Remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Set environment variables (NAME=VALUE, or NAME to pass the host's value)
    #[arg(short, long = "env", value_name = "NAME[=VALUE]")]
    pub env: Vec<String>,
    /// Overwrite the default entrypoint of the image ('' for none)
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Working directory inside the container
    #[arg(short, long)]
    pub workdir: Option<String>,
    /// User to run as (name|uid[:group|gid])
    #[arg(short, long)]
    pub user: Option<String>,
    /// Container host name
    #[arg(short = 'h', long)]
    pub hostname: Option<String>,
    /// Keep stdin open (it is passed to the container)
    #[arg(short, long)]
    pub interactive: bool,
    /// Add Linux capabilities (or ALL)
    #[arg(long = "cap-add", value_name = "CAP")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities (or ALL)
    #[arg(long = "cap-drop", value_name = "CAP")]
    pub cap_drop: Vec<String>,
    /// Give the container every capability and unmasked kernel files
    #[arg(long)]
    pub privileged: bool,
    /// Security options: no-new-privileges, seccomp=unconfined
    #[arg(long = "security-opt", value_name = "OPTION")]
    pub security_opt: Vec<String>,
    /// Network mode: none (the default for now) or host
    #[arg(long, default_value = "none", value_parser = ["none", "host"])]
    pub network: String,
    /// Pull the image before running: missing, always or never
    #[arg(long, default_value = "missing", value_parser = ["missing", "always", "never"])]
    pub pull: String,
    /// Platform of the image to pull (os/arch[/variant])
    #[arg(long)]
    pub platform: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Print help
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Image to run
    pub image: String,
    /// Command and arguments (default: the image's)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

pub fn run(ctx: &Context, args: RunArgs) -> Result<()> {
    if let Some(name) = &args.name {
        containers::validate_name(name)?;
    }
    let network = if args.network == "host" {
        Network::Host
    } else {
        Network::None
    };
    let security = Security {
        capabilities: runtime::capabilities::from_flags(
            &args.cap_add,
            &args.cap_drop,
            args.privileged,
        )?,
        privileged: args.privileged,
        no_new_privileges: no_new_privileges(&args.security_opt)?,
    };
    let platform = Platform::choose(args.platform.as_deref(), None, None, None)?;
    let request = PullRequest::new(ctx, &args.image, args.connect.options(None), platform)?;
    let store = ctx.store()?;
    let local = request.local_names();
    let host_env: Vec<(String, String)> = std::env::vars().collect();
    ctx.in_userns(|mapping| {
        let image = find_or_pull(&store, &request, &args, &local, mapping)?;
        let config = image_config(&store, &image)?;
        let id = containers::new_container_id()?;
        let mut record = ContainerRecord {
            id: id.clone(),
            name: args
                .name
                .clone()
                .unwrap_or_else(|| containers::generated_name(&id)),
            image: image.id.clone(),
            image_name: args.image.clone(),
            created: jiff::Timestamp::now().to_string(),
            command: command_line(&config, &args),
            state: ContainerState {
                status: "created".into(),
                ..ContainerState::default()
            },
        };
        if record.command.is_empty() {
            bail!("no command specified: the image has none, give one after the image name");
        }
        let dir = store.create_container(&record)?;
        let code = start(
            &store,
            &image,
            &config,
            &args,
            (network, &security),
            &mut record,
            &dir,
            mapping,
            &host_env,
        );
        finish(&store, record, code, args.rm)
    })
}

/// The image the user named, pulled first when missing or when asked to.
fn find_or_pull(
    store: &Store,
    request: &PullRequest,
    args: &RunArgs,
    local: &[String],
    mapping: &crate::userns::IdMapping,
) -> Result<ImageRecord> {
    let found = images::find(&store.images()?, &args.image, local)?.cloned();
    match (found, args.pull.as_str()) {
        (Some(image), "missing" | "never") => return Ok(image),
        (None, "never") => bail!("no such image: {} (and --pull=never)", args.image),
        (None, _) => eprintln!(
            "Unable to find image '{}' locally",
            shown_reference(&args.image)
        ),
        (Some(_), _) => {}
    }
    let pulled = request.pull(mapping, &PullDisplay::new(false, true))?;
    store
        .images()?
        .into_iter()
        .find(|i| i.id == pulled.image_id)
        .context("the pulled image vanished from the store")
}

/// Docker names the image with its tag in "Unable to find image".
fn shown_reference(input: &str) -> String {
    crate::reference::parse(input)
        .map(|p| {
            let mut shown = input.to_string();
            if p.tag.is_none() && p.digest.is_none() {
                shown.push_str(":latest");
            }
            shown
        })
        .unwrap_or_else(|_| input.to_string())
}

fn image_config(store: &Store, image: &ImageRecord) -> Result<serde_json::Value> {
    let bytes = store.read_blob(&image.id)?;
    let config: serde_json::Value =
        serde_json::from_slice(&bytes).context("the image config is corrupt")?;
    Ok(config["config"].clone())
}

/// Entrypoint + command, with Docker's override rules: `--entrypoint`
/// replaces the image's entrypoint and drops its command.
fn command_line(config: &serde_json::Value, args: &RunArgs) -> Vec<String> {
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (entrypoint, image_cmd) = match &args.entrypoint {
        Some(e) if e.is_empty() => (Vec::new(), Vec::new()),
        Some(e) => (vec![e.clone()], Vec::new()),
        None => (list(&config["Entrypoint"]), list(&config["Cmd"])),
    };
    let cmd = if args.command.is_empty() {
        image_cmd
    } else {
        args.command.clone()
    };
    entrypoint.into_iter().chain(cmd).collect()
}

/// Mounts the root filesystem and runs the container; the exit code, or
/// 125 when it could not be started (the error is printed here).
#[allow(clippy::too_many_arguments)]
fn start(
    store: &Store,
    image: &ImageRecord,
    config: &serde_json::Value,
    args: &RunArgs,
    (network, security): (Network, &Security),
    record: &mut ContainerRecord,
    dir: &Path,
    mapping: &crate::userns::IdMapping,
    host_env: &[(String, String)],
) -> i32 {
    let result = (|| -> Result<i32> {
        let hostname = args
            .hostname
            .clone()
            .unwrap_or_else(|| record.id[..12].to_string());
        write_etc_files(dir, &hostname, network)?;
        crate::process::private_mount_namespace()?;
        let layers_dir = store.root().join("layers");
        let lowers = image
            .layers
            .iter()
            .rev()
            .map(|l| store.layer_diff(&l.diff_id))
            .collect::<Result<Vec<_>>>()?;
        let rootfs = dir.join("rootfs");
        rootfs::mount_overlay(
            &layers_dir,
            &lowers,
            &dir.join("upper"),
            &dir.join("work"),
            &rootfs,
        )?;
        let user_spec = args
            .user
            .clone()
            .unwrap_or_else(|| config["User"].as_str().unwrap_or("").to_string());
        let user = runtime::user::resolve(&rootfs, &user_spec)?;
        let cwd = args
            .workdir
            .clone()
            .unwrap_or_else(|| config["WorkingDir"].as_str().unwrap_or("/").to_string());
        let env = environment(config, &args.env, host_env, &hostname, &user.home);
        let spec = Spec {
            rootfs,
            state_dir: dir.to_path_buf(),
            hostname,
            network,
            tty_group_mapped: !mapping.is_single(),
            process: Process {
                args: record.command.clone(),
                env,
                cwd,
                uid: user.uid,
                gid: user.gid,
                groups: user.groups,
            },
            security: security.clone(),
        };
        record.state.status = "running".into();
        let me = std::process::id() as i32;
        record.state.monitor = containers::process_start_time(me).map(|start| (me, start));
        record.state.started_at = Some(jiff::Timestamp::now().to_string());
        store.write_container(record)?;
        let code = runtime::run(&spec);
        // The mount namespace is this process's own: nothing else sees it.
        let _ = rustix::mount::unmount(&spec.rootfs, rustix::mount::UnmountFlags::DETACH);
        code
    })();
    result.unwrap_or_else(|e| {
        eprintln!("Error: {}", super::one_line(&e));
        i32::from(super::EXIT_RPOD_FAILED)
    })
}

/// Records the exit, removes the container for `--rm`, and passes the
/// exit code on.
fn finish(store: &Store, mut record: ContainerRecord, code: i32, remove: bool) -> Result<()> {
    if remove {
        store.remove_container(&record.id)?;
    } else {
        record.state.status = "exited".into();
        record.state.monitor = None;
        record.state.exit_code = Some(code);
        record.state.finished_at = Some(jiff::Timestamp::now().to_string());
        store.write_container(&record)?;
    }
    match code {
        0 => Ok(()),
        code => Err(Exit(code).into()),
    }
}

/// The image's environment, then `-e` (a bare NAME takes the host's
/// value, or is dropped when the host has none), plus what Docker adds.
fn environment(
    config: &serde_json::Value,
    flags: &[String],
    host: &[(String, String)],
    hostname: &str,
    home: &str,
) -> Vec<String> {
    let mut env: Vec<String> = config["Env"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut set = |entry: String| {
        let key = entry.split('=').next().unwrap_or_default().to_string();
        env.retain(|e| e.split('=').next() != Some(key.as_str()));
        env.push(entry);
    };
    for flag in flags {
        if flag.contains('=') {
            set(flag.clone());
        } else if let Some((_, value)) = host.iter().find(|(k, _)| k == flag) {
            set(format!("{flag}={value}"));
        }
    }
    let has = |env: &[String], key: &str| env.iter().any(|e| e.starts_with(&format!("{key}=")));
    if !has(&env, "PATH") {
        env.insert(
            0,
            format!(
                "PATH={}",
                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            ),
        );
    }
    env.push(format!("HOSTNAME={hostname}"));
    if !has(&env, "HOME") {
        env.push(format!("HOME={home}"));
    }
    env
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

/// `--security-opt`: `no-new-privileges[:true|=true]` is honoured, and
/// `seccomp=unconfined` (no filter is applied yet); anything else is
/// refused rather than silently ignored.
fn no_new_privileges(options: &[String]) -> Result<bool> {
    let mut enabled = false;
    for option in options {
        match option.as_str() {
            "no-new-privileges" | "no-new-privileges:true" | "no-new-privileges=true" => {
                enabled = true
            }
            "no-new-privileges:false" | "no-new-privileges=false" => enabled = false,
            "seccomp=unconfined" | "seccomp:unconfined" => {}
            other => bail!("--security-opt {other:?} is not supported"),
        }
    }
    Ok(enabled)
}
