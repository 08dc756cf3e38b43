//! `rpod pull`: download an image, with Docker's output.

use super::Context;
use super::progress::PullDisplay;
use crate::registry::Platform;
use crate::registry::client::ConnectOptions;
use crate::registry::credentials::Credential;
use crate::registry::pull::Puller;
use crate::registry::search;
use crate::store::images::Added;
use anyhow::{Result, bail};
use std::path::PathBuf;

/// Flags for talking to registries, shared by pull, login and (later) push.
#[derive(Debug, Clone, clap::Args)]
pub struct ConnectArgs {
    /// Require HTTPS and verify certificates (false also allows plain HTTP)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true", require_equals = true)]
    pub tls_verify: Option<bool>,
    /// Directory of certificates (*.crt CAs, *.cert/*.key client pairs)
    #[arg(long, value_name = "DIR")]
    pub cert_dir: Option<PathBuf>,
}

impl ConnectArgs {
    pub fn options(&self, credential: Option<Credential>) -> ConnectOptions {
        ConnectOptions {
            tls_verify: self.tls_verify,
            cert_dir: self.cert_dir.clone(),
            credential,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct PullArgs {
    /// Print only the image ID
    #[arg(short, long)]
    pub quiet: bool,
    /// Platform to pull from a multi-arch image (os/arch[/variant])
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Architecture to pull, overriding the host's
    #[arg(long)]
    pub arch: Option<String>,
    /// Operating system to pull, overriding the host's
    #[arg(long)]
    pub os: Option<String>,
    /// Architecture variant to pull (e.g. v7)
    #[arg(long)]
    pub variant: Option<String>,
    /// Credentials (USERNAME[:PASSWORD]) for this pull only
    #[arg(long, value_name = "USERNAME[:PASSWORD]")]
    pub creds: Option<String>,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Image to pull (NAME[:TAG|@DIGEST])
    pub image: String,
}

pub fn run(ctx: &Context, args: PullArgs) -> Result<()> {
    let platform = Platform::choose(
        args.platform.as_deref(),
        args.os.as_deref(),
        args.arch.as_deref(),
        args.variant.as_deref(),
    )?;
    let registries = ctx.registries()?;
    let candidates = search::candidates(&registries, &args.image)?;
    let credential = args.creds.as_deref().map(parse_creds).transpose()?;
    let connect = args.connect.options(credential);
    let store = ctx.store()?;
    let parallelism = ctx.config()?.pull_parallelism.unwrap_or(6);
    ctx.in_userns(|mapping| {
        let display = PullDisplay::new(args.quiet);
        if !args.quiet && !args.image.contains('@') && !has_tag(&args.image) {
            println!("Using default tag: latest");
        }
        let puller = Puller {
            store: &store,
            registries: &registries,
            connect: &connect,
            platform: &platform,
            parallelism,
            apply_owners: Context::applies_owners(mapping),
            progress: &display,
        };
        let pulled = puller.pull_first(&candidates);
        display.finish();
        let pulled = pulled?;
        if args.quiet {
            println!("{}", pulled.image_id.trim_start_matches("sha256:"));
            return Ok(());
        }
        println!("Digest: {}", pulled.digest);
        let status = match pulled.added {
            Added::UpToDate => "Image is up to date for",
            Added::New | Added::Renamed => "Downloaded newer image for",
        };
        println!("Status: {status} {}", pulled.reference.familiar());
        println!("{}", pulled.reference);
        Ok(())
    })
}

fn has_tag(image: &str) -> bool {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.contains(':')
}

/// `USER[:PASSWORD]`; a missing password is an error here, since pull
/// never prompts.
pub fn parse_creds(value: &str) -> Result<Credential> {
    match value.split_once(':') {
        Some((user, secret)) if !user.is_empty() => Ok(Credential {
            username: user.to_string(),
            secret: secret.to_string(),
        }),
        _ => bail!("--creds must be USERNAME:PASSWORD"),
    }
}
