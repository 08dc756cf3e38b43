//! `rpod login` and `rpod logout`: check credentials against the registry
//! and keep them in the auth file (0600).

use super::Context;
use super::pull::ConnectArgs;
use crate::reference::DOCKER_HUB;
use crate::registry::Registry;
use crate::registry::credentials::{self, Credential};
use anyhow::{Context as _, Result, bail};
use std::io::{BufRead, IsTerminal, Write};

#[derive(Debug, clap::Args)]
pub struct LoginArgs {
    /// Username
    #[arg(short, long)]
    pub username: Option<String>,
    /// Password (prefer --password-stdin)
    #[arg(short, long)]
    pub password: Option<String>,
    /// Take the password from stdin
    #[arg(long)]
    pub password_stdin: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Registry (host[:port]); Docker Hub when omitted
    pub server: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct LogoutArgs {
    /// Remove the credentials of every registry
    #[arg(short, long)]
    pub all: bool,
    /// Registry (host[:port]); Docker Hub when omitted
    pub server: Option<String>,
}

/// `https://host:port/v1/` and friends name the registry `host:port`.
fn server_name(server: Option<&str>) -> String {
    let Some(server) = server else {
        return DOCKER_HUB.to_string();
    };
    let bare = server
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = bare.split('/').next().unwrap_or(bare);
    match host {
        "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
        host => host.to_string(),
    }
}

pub fn login(ctx: &Context, args: LoginArgs) -> Result<()> {
    let server = server_name(args.server.as_deref());
    if args.password.is_some() && args.password_stdin {
        bail!("--password and --password-stdin are mutually exclusive");
    }
    let interactive = std::io::stdin().is_terminal();
    let username = match args.username {
        Some(u) => u,
        None if interactive && !args.password_stdin => prompt("Username: ")?,
        None => bail!("a username is required (-u) when stdin is not a terminal"),
    };
    let secret = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_string()
    } else if let Some(p) = args.password {
        eprintln!("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
        p
    } else if interactive {
        read_secret("Password: ")?
    } else {
        bail!("a password is required: use --password-stdin");
    };
    if username.is_empty() || secret.is_empty() {
        bail!("username and password must not be empty");
    }
    let credential = Credential { username, secret };
    let insecure = ctx.registries()?.is_insecure(&server);
    let registry = Registry::new(
        &server,
        insecure,
        &args.connect.options(Some(credential.clone())),
    )?;
    registry
        .check_login()
        .map_err(|e| anyhow::anyhow!("login to {server} failed: {e}"))?;
    credentials::store(&server, &credential)?;
    println!("Login Succeeded");
    Ok(())
}

pub fn logout(args: LogoutArgs) -> Result<()> {
    if args.all {
        credentials::remove_all()?;
        println!("Removed login credentials for all registries");
        return Ok(());
    }
    let server = server_name(args.server.as_deref());
    if credentials::remove(&server)? {
        println!("Removed login credentials for {server}");
    } else {
        println!("Not logged in to {server}");
    }
    Ok(())
}

fn prompt(text: &str) -> Result<String> {
    eprint!("{text}");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().to_string())
}

/// Reads a line from the terminal with echo off.
fn read_secret(text: &str) -> Result<String> {
    use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let saved = tcgetattr(&stdin).context("cannot read terminal settings")?;
    let mut silent = saved.clone();
    silent.local_modes.remove(LocalModes::ECHO);
    tcsetattr(&stdin, OptionalActions::Now, &silent)?;
    let line = prompt(text);
    tcsetattr(&stdin, OptionalActions::Now, &saved)?;
    eprintln!();
    line
}

#[cfg(test)]
mod tests {
    use super::server_name;

    #[test]
    fn server_names() {
        assert_eq!(server_name(None), "docker.io");
        assert_eq!(
            server_name(Some("https://index.docker.io/v1/")),
            "docker.io"
        );
        assert_eq!(server_name(Some("localhost:5443")), "localhost:5443");
        assert_eq!(
            server_name(Some("https://r.example:5000/x")),
            "r.example:5000"
        );
    }
}
