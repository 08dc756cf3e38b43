//! One `auths` entry: decoding it to a [`Credential`] and encoding a
//! [`Credential`] as one.

use anyhow::{Result, anyhow, bail};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde_json::{Map, Value};

use super::{Credential, IDENTITY_TOKEN_USER};

fn b64() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// One `auths` entry; `None` for an entry with nothing in it (Docker writes
/// `{}` when the secret lives in `credsStore`).
pub(super) fn decode_entry(entry: &Value, key: &str, shown: &str) -> Result<Option<Credential>> {
    let obj = entry
        .as_object()
        .ok_or_else(|| anyhow!("{shown}: auths[{key:?}] must be a JSON object"))?;
    let field = |name: &str| -> Result<&str> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(""),
            Some(Value::String(s)) => Ok(s.as_str()),
            Some(_) => bail!("{shown}: auths[{key:?}].{name} must be a string"),
        }
    };
    let token = field("identitytoken")?;
    if !token.is_empty() {
        return Ok(Some(Credential {
            username: IDENTITY_TOKEN_USER.to_string(),
            secret: token.to_string(),
        }));
    }
    let auth = field("auth")?.trim();
    if !auth.is_empty() {
        let bytes = b64()
            .decode(auth)
            .map_err(|_| anyhow!("{shown}: auths[{key:?}].auth is not valid base64"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow!("{shown}: auths[{key:?}].auth does not decode to UTF-8 text"))?;
        let Some((user, pass)) = text.split_once(':') else {
            bail!("{shown}: auths[{key:?}].auth does not decode to \"user:password\"");
        };
        let pass = pass.trim_end_matches(['\n', '\0']);
        if user.is_empty() && pass.is_empty() {
            return Ok(None);
        }
        return Ok(Some(Credential {
            username: user.to_string(),
            secret: pass.to_string(),
        }));
    }
    let (user, pass) = (field("username")?, field("password")?);
    if !user.is_empty() && !pass.is_empty() {
        return Ok(Some(Credential {
            username: user.to_string(),
            secret: pass.to_string(),
        }));
    }
    Ok(None)
}

/// The entry `store` writes for `key`: `{"identitytoken": ...}` for an
/// identity token, else `{"auth": base64(user:pass)}`.
pub(super) fn encode_entry(key: &str, cred: &Credential) -> Result<Map<String, Value>> {
    let mut entry = Map::new();
    if cred.username == IDENTITY_TOKEN_USER {
        if cred.secret.is_empty() {
            bail!("cannot store credentials for {key}: the identity token is empty");
        }
        entry.insert("identitytoken".into(), Value::String(cred.secret.clone()));
    } else {
        if cred.username.is_empty() {
            bail!("cannot store credentials for {key}: the user name is empty");
        }
        if cred.username.contains(':') {
            bail!("cannot store credentials for {key}: the user name must not contain ':'");
        }
        let auth = b64().encode(format!("{}:{}", cred.username, cred.secret));
        entry.insert("auth".into(), Value::String(auth));
    }
    Ok(entry)
}
