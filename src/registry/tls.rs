//! TLS set-up per registry: the system's CA store, extra CA certificates
//! and client certificates from a Podman-style certificate directory
//! (`--cert-dir`, or `certs.d/HOST:PORT` under `~/.config/containers`,
//! `/etc/containers` and `/etc/docker`), or no verification at all for a
//! registry the user marked insecure.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, RootCerts, TlsConfig};

/// System CA bundles, first found wins (Debian, Fedora/RHEL, others).
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// The certificate directories that apply to `host`, most specific first.
pub fn cert_dirs(host: &str, explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = explicit {
        return vec![dir.to_path_buf()];
    }
    let mut dirs = vec![
        crate::config::config_home()
            .join("containers/certs.d")
            .join(host),
    ];
    dirs.push(Path::new("/etc/containers/certs.d").join(host));
    dirs.push(Path::new("/etc/docker/certs.d").join(host));
    dirs
}

/// TLS settings for talking to a registry.
pub fn tls_config(dirs: &[PathBuf], verify: bool) -> Result<TlsConfig> {
    let mut builder = TlsConfig::builder().disable_verification(!verify);
    let mut extra_roots = Vec::new();
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in &entries {
            match path.extension().and_then(|e| e.to_str()) {
                Some("crt") => extra_roots.extend(read_certificates(path)?),
                Some("cert") => {
                    let key = path.with_extension("key");
                    let chain = read_certificates(path)?;
                    let pem = std::fs::read(&key).with_context(|| {
                        format!(
                            "client certificate {} has no {}",
                            path.display(),
                            key.display()
                        )
                    })?;
                    let key = PrivateKey::from_pem(&pem)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
                    builder = builder.client_cert(Some(ClientCert::new_with_certs(&chain, key)));
                }
                _ => {}
            }
        }
    }
    if !extra_roots.is_empty() {
        let system = SYSTEM_BUNDLES.iter().map(Path::new).find(|p| p.exists());
        if let Some(bundle) = system {
            extra_roots.extend(read_certificates(bundle)?);
        }
        builder = builder.root_certs(RootCerts::Specific(Arc::new(extra_roots)));
    } else {
        builder = builder.root_certs(RootCerts::PlatformVerifier);
    }
    Ok(builder.build())
}

fn read_certificates(path: &Path) -> Result<Vec<Certificate<'static>>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))? {
            PemItem::Certificate(cert) => certs.push(cert),
            _ => continue,
        }
    }
    Ok(certs)
}
