//! `rpod pull`: download an image, with Docker's output.

use super::Context;
use super::progress::PullDisplay;
use crate::reference::Reference;
use crate::registry::client::ConnectOptions;
use crate::registry::credentials::Credential;
use crate::registry::pull::{Pulled, Puller};
use crate::registry::{Platform, RegistriesConf, search};
use crate::store::Store;
use crate::store::images::Added;
use crate::userns::IdMapping;
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
    let credential = args.creds.as_deref().map(parse_creds).transpose()?;
    let request = PullRequest::new(ctx, &args.image, args.connect.options(credential), platform)?;
    ctx.in_userns(|mapping| {
        let display = PullDisplay::new(args.quiet, false);
        let pulled = request.pull(mapping, &display)?;
        if args.quiet {
            println!("{}", pulled.image_id.trim_start_matches("sha256:"));
        } else {
            println!("{}", pulled.reference);
        }
        Ok(())
    })
}

/// A pull prepared before entering the user namespace (configuration read,
/// reference checked); `rpod pull` and `rpod run` share it.
pub struct PullRequest {
    input: String,
    store: Store,
    registries: RegistriesConf,
    candidates: Vec<Reference>,
    connect: ConnectOptions,
    platform: Platform,
    parallelism: usize,
}

impl PullRequest {
    pub fn new(
        ctx: &Context,
        input: &str,
        connect: ConnectOptions,
        platform: Platform,
    ) -> Result<Self> {
        let registries = ctx.registries()?;
        Ok(Self {
            input: input.to_string(),
            candidates: search::candidates(&registries, input)?,
            store: ctx.store()?,
            registries,
            connect,
            platform,
            parallelism: ctx.config()?.pull_parallelism.unwrap_or(6),
        })
    }

    /// The names under which the store may already hold the image.
    pub fn local_names(&self) -> Vec<String> {
        search::local_names(&self.registries, &self.input)
    }

    /// Pulls, inside the user namespace, showing Docker's lines on
    /// `display` (all but the final name, which only `rpod pull` prints).
    pub fn pull(&self, mapping: &IdMapping, display: &PullDisplay) -> Result<Pulled> {
        if !self.input.contains('@') && !has_tag(&self.input) {
            display.line("Using default tag: latest");
        }
        let puller = Puller {
            store: &self.store,
            registries: &self.registries,
            connect: &self.connect,
            platform: &self.platform,
            parallelism: self.parallelism,
            apply_owners: Context::applies_owners(mapping),
            progress: display,
        };
        let pulled = puller.pull_first(&self.candidates);
        display.finish();
        let pulled = pulled?;
        display.line(&format!("Digest: {}", pulled.digest));
        let status = match pulled.added {
            Added::UpToDate => "Image is up to date for",
            Added::New | Added::Renamed => "Downloaded newer image for",
        };
        display.line(&format!("Status: {status} {}", pulled.reference.familiar()));
        Ok(pulled)
    }
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
