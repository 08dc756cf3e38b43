//! `rpod import FILE|- [REPOSITORY[:TAG]]`: make a one-layer image from a
//! root filesystem tarball (plain, gzip or zstd), with Docker's `--change`
//! instructions for the image config. This is how rpod works with no
//! registry at all.

use super::Context;
use crate::archive::{UnpackOptions, decompressed, unpack_layer};
use crate::reference::Reference;
use crate::registry::Platform;
use crate::store::Store;
use crate::store::blobs::Tee;
use crate::store::digest::{HashingReader, sha256_of};
use crate::store::images::{ImageRecord, LayerRef, add_image};
use anyhow::{Context as _, Result, bail};
use serde_json::{Map, Value, json};
use std::io::{BufReader, Read};

const LAYER_MEDIA_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Apply a Dockerfile instruction to the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL)
    #[arg(short, long = "change", value_name = "INSTRUCTION")]
    pub changes: Vec<String>,
    /// Commit message stored in the image history
    #[arg(short, long)]
    pub message: Option<String>,
    /// Tarball to import, or - for stdin
    pub file: String,
    /// Name for the new image
    pub reference: Option<String>,
}

pub fn run(ctx: &Context, args: ImportArgs) -> Result<()> {
    let name = args
        .reference
        .as_deref()
        .map(Reference::parse_qualified)
        .transpose()?
        .map(|r| r.to_string());
    let mut image_config = Map::new();
    for change in &args.changes {
        apply_change(&mut image_config, change)?;
    }
    let input: Box<dyn Read + Send> = match args.file.as_str() {
        "-" => Box::new(std::io::stdin()),
        path => Box::new(std::fs::File::open(path).with_context(|| format!("cannot open {path}"))?),
    };
    let store = ctx.store()?;
    let comment = args
        .message
        .clone()
        .unwrap_or_else(|| format!("Imported from {}", args.file));
    ctx.in_userns(|mapping| {
        let apply_owners = Context::applies_owners(mapping);
        let id = import(
            &store,
            input,
            image_config,
            &comment,
            name.as_deref(),
            apply_owners,
        )?;
        println!("{id}");
        Ok(())
    })
}

/// Unpacks the tarball as a layer and records a one-layer image.
fn import(
    store: &Store,
    input: impl Read + Send,
    image_config: Map<String, Value>,
    comment: &str,
    name: Option<&str>,
    apply_owners: bool,
) -> Result<String> {
    let _guard = store.gc_guard()?;
    let mut blob = store.blob_writer(None)?;
    let staged = store.stage_layer()?;
    let mut buffered = BufReader::with_capacity(1 << 20, input);
    let mut tar = HashingReader::new(Tee {
        inner: decompressed(&mut buffered)?,
        blob: &mut blob,
    });
    let report = unpack_layer(
        &mut tar,
        &staged.diff_dir(),
        &UnpackOptions { apply_owners },
    )?;
    tar.drain()?;
    let (diff_id, _) = tar.finish();
    let blob_digest = blob.commit()?;
    let info = store.commit_layer(staged, &diff_id, report.bytes, report.entries)?;
    if let Some(note) = report.skipped_note() {
        eprintln!("{note}");
    }
    let now = jiff::Timestamp::now().to_string();
    let platform = Platform::host();
    let config = json!({
        "created": now,
        "architecture": platform.architecture,
        "os": platform.os,
        "config": image_config,
        "rootfs": { "type": "layers", "diff_ids": [diff_id] },
        "history": [{ "created": now, "created_by": "rpod import", "comment": comment }],
    });
    let config_bytes = serde_json::to_vec(&config)?;
    let config_digest = sha256_of(&config_bytes);
    store.write_blob(&config_digest, &config_bytes)?;
    let blob_size = std::fs::metadata(store.blob_path(&blob_digest)?)?.len();
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": crate::registry::manifest::OCI_MANIFEST,
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config_digest,
            "size": config_bytes.len(),
        },
        "layers": [{ "mediaType": LAYER_MEDIA_TYPE, "digest": blob_digest, "size": blob_size }],
    });
    let manifest_bytes = serde_json::to_vec(&manifest)?;
    let manifest_digest = sha256_of(&manifest_bytes);
    store.write_blob(&manifest_digest, &manifest_bytes)?;
    let record = ImageRecord {
        id: config_digest.clone(),
        names: Vec::new(),
        digests: Vec::new(),
        manifest: manifest_digest,
        layers: vec![LayerRef {
            diff_id: diff_id.to_string(),
            blob: blob_digest,
            media_type: LAYER_MEDIA_TYPE.to_string(),
            blob_size,
        }],
        size: info.size,
        created: Some(now),
        added: jiff::Timestamp::now().to_string(),
    };
    store.update_images(|images| Ok(add_image(images, record, name)))?;
    Ok(config_digest)
}

/// Applies one `--change` instruction to the image's `config` object.
fn apply_change(config: &mut Map<String, Value>, change: &str) -> Result<()> {
    let (instruction, rest) = change
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((change.trim(), ""));
    let rest = rest.trim();
    let set = |config: &mut Map<String, Value>, key: &str, value: Value| {
        config.insert(key.to_string(), value);
    };
    match instruction.to_ascii_uppercase().as_str() {
        "CMD" => set(config, "Cmd", command_form(rest)?),
        "ENTRYPOINT" => set(config, "Entrypoint", command_form(rest)?),
        "USER" => set(config, "User", json!(rest)),
        "WORKDIR" => set(config, "WorkingDir", json!(rest)),
        "STOPSIGNAL" => set(config, "StopSignal", json!(rest)),
        "ENV" => {
            let env = config.entry("Env").or_insert_with(|| json!([]));
            for (key, value) in key_values(rest)? {
                let list = env.as_array_mut().context("Env is not a list")?;
                list.retain(|e| {
                    e.as_str()
                        .and_then(|e| e.split_once('='))
                        .is_none_or(|(k, _)| k != key)
                });
                list.push(json!(format!("{key}={value}")));
            }
        }
        "LABEL" => {
            let labels = config.entry("Labels").or_insert_with(|| json!({}));
            for (key, value) in key_values(rest)? {
                labels[key] = json!(value);
            }
        }
        "EXPOSE" => {
            let ports = config.entry("ExposedPorts").or_insert_with(|| json!({}));
            for port in rest.split_whitespace() {
                let port = if port.contains('/') {
                    port.to_string()
                } else {
                    format!("{port}/tcp")
                };
                ports[port] = json!({});
            }
        }
        "VOLUME" => {
            let volumes = config.entry("Volumes").or_insert_with(|| json!({}));
            let paths: Vec<String> = match serde_json::from_str::<Vec<String>>(rest) {
                Ok(list) => list,
                Err(_) => rest.split_whitespace().map(str::to_string).collect(),
            };
            for path in paths {
                volumes[path] = json!({});
            }
        }
        other => bail!(
            "--change {other:?} is not supported: use CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR or STOPSIGNAL"
        ),
    }
    Ok(())
}

/// `["a","b"]` (exec form) or `a b` (shell form, run by /bin/sh -c).
fn command_form(text: &str) -> Result<Value> {
    if text.starts_with('[') {
        let list: Vec<String> =
            serde_json::from_str(text).with_context(|| format!("invalid JSON list: {text}"))?;
        return Ok(json!(list));
    }
    if text.is_empty() {
        bail!("instruction needs a command");
    }
    Ok(json!(["/bin/sh", "-c", text]))
}

/// `K=V K2="v 2"` pairs, or the old `K V` form with one pair.
fn key_values(text: &str) -> Result<Vec<(String, String)>> {
    if !text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .contains('=')
    {
        let (key, value) = text
            .split_once(char::is_whitespace)
            .context("expected KEY=VALUE")?;
        return Ok(vec![(key.to_string(), value.trim().to_string())]);
    }
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    while chars.peek().is_some() {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=')).collect();
        if key.is_empty() || chars.next().is_none() {
            bail!("expected KEY=VALUE in {text:?}");
        }
        let mut value = String::new();
        let mut quote = None;
        while let Some(c) = chars.next() {
            match (c, quote) {
                ('"' | '\'', None) => quote = Some(c),
                (c, Some(q)) if c == q => quote = None,
                ('\\', _) => value.extend(chars.next()),
                (c, None) if c.is_whitespace() => break,
                (c, _) => value.push(c),
            }
        }
        pairs.push((key, value));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_build_the_config() {
        let mut config = Map::new();
        for change in [
            r#"CMD ["sh"]"#,
            "ENTRYPOINT echo hi",
            "ENV A=1 B=\"two words\"",
            "ENV A 3",
            "LABEL org.x=y",
            "EXPOSE 80 53/udp",
            "WORKDIR /srv",
            "USER 1000:1000",
        ] {
            apply_change(&mut config, change).unwrap();
        }
        let config = Value::Object(config);
        assert_eq!(config["Cmd"], json!(["sh"]));
        assert_eq!(config["Entrypoint"], json!(["/bin/sh", "-c", "echo hi"]));
        assert_eq!(config["Env"], json!(["B=two words", "A=3"]));
        assert_eq!(config["Labels"]["org.x"], "y");
        assert_eq!(config["ExposedPorts"], json!({"80/tcp": {}, "53/udp": {}}));
        assert_eq!(config["WorkingDir"], "/srv");
        assert!(apply_change(&mut Map::new(), "RUN rm -rf /").is_err());
        assert!(apply_change(&mut Map::new(), "CMD [broken").is_err());
    }
}
