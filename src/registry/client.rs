//! One registry's HTTP API (OCI distribution spec): scheme selection
//! (HTTPS; plain HTTP only for insecure registries), bearer-token and
//! basic authentication with tokens cached per scope, retries with backoff
//! on 5xx, 429 and dropped connections, and one-line errors.

use super::challenge::{self, Challenge};
use super::credentials::Credential;
use base64::Engine as _;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use ureq::Agent;
use ureq::http::Response;

const ATTEMPTS: u32 = 5;
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// Why a registry request failed; each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("{0}: not found")]
    NotFound(String),
    #[error("{0}: authentication required (run `rpod login {1}`)")]
    Unauthorized(String, String),
    #[error("{0}: access denied (check your `rpod login` credentials and permissions)")]
    Denied(String),
    #[error("cannot reach registry {0}: {1}")]
    Unreachable(String, String),
    #[error(
        "TLS error talking to {0}: {1} (use --cert-dir, or --tls-verify=false for a registry you trust)"
    )]
    Tls(String, String),
    #[error("registry {0}: {1}")]
    Protocol(String, String),
}

/// How to reach one registry.
pub struct Registry {
    /// The name users write (`docker.io`, `127.0.0.1:5000`).
    host: String,
    /// The host that serves the API (`registry-1.docker.io` for Docker Hub).
    api_host: String,
    agent: Agent,
    insecure: bool,
    credential: Option<Credential>,
    scheme: OnceLock<&'static str>,
    tokens: Mutex<HashMap<String, String>>,
}

/// Connection settings a command passes to every registry it talks to.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    /// `--tls-verify`: Some(false) allows plain HTTP and unverified TLS.
    pub tls_verify: Option<bool>,
    /// `--cert-dir`.
    pub cert_dir: Option<std::path::PathBuf>,
    /// `--creds`/`--username`: overrides stored credentials.
    pub credential: Option<Credential>,
}

impl Registry {
    /// Prepares a client for `host`; `insecure` comes from registries.conf.
    pub fn new(host: &str, insecure: bool, options: &ConnectOptions) -> anyhow::Result<Self> {
        let insecure = match options.tls_verify {
            Some(verify) => !verify,
            None => insecure,
        };
        let dirs = super::tls::cert_dirs(host, options.cert_dir.as_deref());
        let tls = super::tls::tls_config(&dirs, !insecure)?;
        let agent = Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls)
            .user_agent(concat!("rpod/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(Duration::from_secs(30)))
            .timeout_recv_response(Some(Duration::from_secs(120)))
            .max_redirects(10)
            .build()
            .new_agent();
        let credential = match &options.credential {
            Some(c) => Some(c.clone()),
            None => super::credentials::lookup(host, None)?,
        };
        Ok(Self {
            host: host.to_string(),
            api_host: api_host(host).to_string(),
            agent,
            insecure,
            credential,
            scheme: OnceLock::new(),
            tokens: Mutex::new(HashMap::new()),
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// GET `path` (below `/v2/`) with pull access to `repository`.
    pub fn get(
        &self,
        repository: &str,
        path: &str,
        accept: Option<&str>,
    ) -> Result<Response<ureq::Body>, RegistryError> {
        let scope = format!("repository:{repository}:pull");
        let what = format!("{}/{repository}", self.host);
        let response = self.send(
            &scope,
            &what,
            &format!("{repository}/{path}"),
            |agent, url, auth| {
                let mut request = agent.get(url);
                if let Some(accept) = accept {
                    request = request.header("Accept", accept);
                }
                if let Some(auth) = auth {
                    request = request.header("Authorization", auth);
                }
                request.call()
            },
        )?;
        match response.status().as_u16() {
            200..=299 => Ok(response),
            404 => Err(RegistryError::NotFound(format!("{what}/{path}"))),
            status => Err(unexpected(&what, status, response)),
        }
    }

    /// GET a small document (manifest, config) whole, at most `limit`
    /// bytes, trying again when the connection breaks while reading it.
    /// Returns the body and its content type.
    pub fn get_bytes(
        &self,
        repository: &str,
        path: &str,
        accept: Option<&str>,
        limit: u64,
    ) -> Result<(Vec<u8>, Option<String>), RegistryError> {
        let mut attempt = 1;
        loop {
            let mut response = self.get(repository, path, accept)?;
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            match response.body_mut().with_config().limit(limit).read_to_vec() {
                Ok(bytes) => return Ok((bytes, content_type)),
                Err(e) if attempt < ATTEMPTS && is_transient(&e) => {
                    std::thread::sleep(backoff(attempt));
                    attempt += 1;
                }
                Err(e) => {
                    return Err(RegistryError::Protocol(
                        format!("{}/{repository}/{path}", self.host),
                        format!("cannot read the response: {e}"),
                    ));
                }
            }
        }
    }

    /// Checks that the registry answers and accepts the credentials
    /// (`GET /v2/`), as `rpod login` does.
    pub fn check_login(&self) -> Result<(), RegistryError> {
        let response = self.send("", &self.host, "", |agent, url, auth| {
            let mut request = agent.get(url);
            if let Some(auth) = auth {
                request = request.header("Authorization", auth);
            }
            request.call()
        })?;
        match response.status().as_u16() {
            200..=299 => Ok(()),
            401 => Err(RegistryError::Denied(format!("{}: login", self.host))),
            status => Err(unexpected(&self.host, status, response)),
        }
    }

    /// Sends a request built by `build` to `/v2/{tail}`, handling scheme
    /// choice, authentication and retries. `scope` is the token scope (empty
    /// for none, as at login); `what` names the target in errors.
    fn send(
        &self,
        scope: &str,
        what: &str,
        tail: &str,
        build: impl Fn(&Agent, &str, Option<&str>) -> Result<Response<ureq::Body>, ureq::Error>,
    ) -> Result<Response<ureq::Body>, RegistryError> {
        let mut authenticated = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let auth = self.authorization(scope);
            let result = self.with_scheme(|scheme| {
                let url = format!("{scheme}://{}/v2/{tail}", self.api_host);
                build(&self.agent, &url, auth.as_deref())
            });
            let retry = match result {
                Ok(response) if response.status() == 401 && !authenticated => {
                    authenticated = true;
                    self.authenticate(scope, what, &response)?;
                    attempt -= 1;
                    continue;
                }
                Ok(response) if response.status() == 401 => {
                    return Err(match &self.credential {
                        Some(_) => RegistryError::Denied(what.to_string()),
                        None => RegistryError::Unauthorized(what.to_string(), self.host.clone()),
                    });
                }
                Ok(response) if response.status() == 403 => {
                    return Err(RegistryError::Denied(what.to_string()));
                }
                Ok(response) if response.status() == 429 || response.status().is_server_error() => {
                    let hint = retry_after(&response);
                    if attempt >= ATTEMPTS {
                        return Err(unexpected(what, response.status().as_u16(), response));
                    }
                    hint
                }
                Ok(response) => return Ok(response),
                Err(e) if attempt < ATTEMPTS && is_transient(&e) => None,
                Err(e) => return Err(classify(&self.host, e)),
            };
            std::thread::sleep(retry.unwrap_or_else(|| backoff(attempt)));
        }
    }

    /// Runs `request` with the scheme already chosen, or chooses it: HTTPS,
    /// and for insecure registries plain HTTP when HTTPS does not connect.
    fn with_scheme<T>(
        &self,
        request: impl Fn(&str) -> Result<T, ureq::Error>,
    ) -> Result<T, ureq::Error> {
        if let Some(scheme) = self.scheme.get() {
            return request(scheme);
        }
        match request("https") {
            Ok(t) => {
                let _ = self.scheme.set("https");
                Ok(t)
            }
            Err(e) if self.insecure && !matches!(e, ureq::Error::HostNotFound) => {
                let t = request("http")?;
                let _ = self.scheme.set("http");
                Ok(t)
            }
            Err(e) => Err(e),
        }
    }

    fn authorization(&self, scope: &str) -> Option<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        tokens.get(scope).cloned()
    }

    /// Answers a 401: fetches a bearer token for `scope`, or prepares basic
    /// credentials, and caches the header value.
    fn authenticate(
        &self,
        scope: &str,
        what: &str,
        response: &Response<ureq::Body>,
    ) -> Result<(), RegistryError> {
        let header = response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(challenge::parse);
        let value = match header {
            Some(Challenge::Basic) => {
                let Some(credential) = &self.credential else {
                    return Err(RegistryError::Unauthorized(
                        what.to_string(),
                        self.host.clone(),
                    ));
                };
                format!("Basic {}", basic(credential))
            }
            Some(Challenge::Bearer {
                realm,
                service,
                scope: offered,
            }) => {
                let scope = if scope.is_empty() {
                    offered.unwrap_or_default()
                } else {
                    scope.to_string()
                };
                format!(
                    "Bearer {}",
                    self.fetch_token(&realm, service.as_deref(), &scope, what)?
                )
            }
            None => {
                return Err(RegistryError::Unauthorized(
                    what.to_string(),
                    self.host.clone(),
                ));
            }
        };
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(scope.to_string(), value);
        Ok(())
    }

    fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
        what: &str,
    ) -> Result<String, RegistryError> {
        let mut request = self.agent.get(realm);
        if let Some(service) = service {
            request = request.query("service", service);
        }
        if !scope.is_empty() {
            request = request.query("scope", scope);
        }
        if let Some(credential) = &self.credential {
            request = request.header("Authorization", format!("Basic {}", basic(credential)));
        }
        let mut response = request.call().map_err(|e| classify(&self.host, e))?;
        match response.status().as_u16() {
            200..=299 => {}
            401 | 403 => {
                return Err(match &self.credential {
                    Some(_) => RegistryError::Denied(what.to_string()),
                    None => RegistryError::Unauthorized(what.to_string(), self.host.clone()),
                });
            }
            status => return Err(unexpected(realm, status, response)),
        }
        #[derive(serde::Deserialize)]
        struct Token {
            token: Option<String>,
            access_token: Option<String>,
        }
        let token: Token = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_json()
            .map_err(|e| {
                RegistryError::Protocol(self.host.clone(), format!("bad token response: {e}"))
            })?;
        token
            .token
            .or(token.access_token)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                RegistryError::Protocol(self.host.clone(), "token response has no token".into())
            })
    }
}

/// Docker Hub's API lives on another host than its name.
fn api_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        other => other,
    }
}

fn basic(credential: &Credential) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", credential.username, credential.secret))
}

fn backoff(attempt: u32) -> Duration {
    (FIRST_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1))).min(MAX_BACKOFF)
}

fn retry_after(response: &Response<ureq::Body>) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds).min(MAX_BACKOFF))
}

/// Errors worth another try: the connection broke or timed out.
fn is_transient(e: &ureq::Error) -> bool {
    matches!(
        e,
        ureq::Error::Io(_)
            | ureq::Error::Timeout(_)
            | ureq::Error::ConnectionFailed
            | ureq::Error::Protocol(_)
    )
}

/// One line for a transport failure.
pub fn classify(host: &str, e: ureq::Error) -> RegistryError {
    match e {
        ureq::Error::HostNotFound => RegistryError::Unreachable(host.into(), "unknown host".into()),
        ureq::Error::ConnectionFailed => {
            RegistryError::Unreachable(host.into(), "connection refused".into())
        }
        ureq::Error::Rustls(e) => RegistryError::Tls(host.into(), e.to_string()),
        ureq::Error::Tls(e) => RegistryError::Tls(host.into(), e.to_string()),
        ureq::Error::Io(e) if e.to_string().contains("lookup address") => {
            RegistryError::Unreachable(host.into(), "unknown host (name resolution failed)".into())
        }
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            RegistryError::Unreachable(host.into(), "connection refused".into())
        }
        ureq::Error::Io(e)
            if e.to_string().contains("certificate")
                || e.to_string().contains("InvalidCertificate") =>
        {
            RegistryError::Tls(host.into(), e.to_string())
        }
        other => RegistryError::Unreachable(host.into(), other.to_string()),
    }
}

/// An error for a status the caller did not expect, with the registry's
/// own message when it sent one (OCI error JSON).
fn unexpected(what: &str, status: u16, mut response: Response<ureq::Body>) -> RegistryError {
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    let message = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["errors"][0]["message"].as_str().map(str::to_string))
        .unwrap_or_else(|| format!("HTTP status {status}"));
    RegistryError::Protocol(what.to_string(), message)
}
