//! Unit tests of registries.conf handling, and the helpers they share.

mod file;
mod load;
mod resolve;

use std::path::{Path, PathBuf};

use super::{Endpoint, RegistriesConf};

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

fn conf(text: &str) -> RegistriesConf {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "registries.conf", text);
    RegistriesConf::from_paths(&[path]).unwrap()
}

fn conf_err(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "registries.conf", text);
    let err = RegistriesConf::from_paths(std::slice::from_ref(&path))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&path.display().to_string()),
        "error does not name the file: {err}"
    );
    assert!(!err.contains('\n'), "error is not one line: {err:?}");
    err
}

fn ep(registry: &str, repository: &str, insecure: bool) -> Endpoint {
    Endpoint {
        registry: registry.into(),
        repository: repository.into(),
        insecure,
    }
}
