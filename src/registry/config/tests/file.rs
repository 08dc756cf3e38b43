//! Tests of the errors for malformed or version 1 files.

use super::conf_err;
use crate::registry::config::RegistriesConf;

#[test]
fn v1_is_rejected() {
    let err = conf_err(
        "[registries.search]\nregistries = ['docker.io']\n[registries.insecure]\nregistries = []\n",
    );
    assert!(err.contains("version 1"), "{err}");
    assert!(err.contains("version 2"), "{err}");
}

#[test]
fn malformed_files() {
    let err = conf_err("unqualified-search-registries = [\"a.io\"]\n\n[[registry]\n");
    assert!(err.contains(": line 3: "), "{err}");
    let err = conf_err("[[registry]]\nlocation = \"a.io\"\ninsecure = \"yes\"\n");
    assert!(err.contains(": line 3: "), "{err}");
    let err = conf_err("unqualified-search-registries = \"docker.io\"\n");
    assert!(err.contains(": line 1: "), "{err}");
    let err = conf_err("[[registry]]\nlocation = \"https://a.io\"\n");
    assert!(
        err.contains("line 2: [[registry]] location \"https://a.io\": URI schemes"),
        "{err}"
    );
    let err = conf_err("[[registry]]\ninsecure = true\n");
    assert!(err.contains("needs a location or a prefix"), "{err}");
    let err = conf_err("[[registry]]\nprefix = \"a.io\"\n");
    assert!(
        err.contains("line 2:") && err.contains("no location"),
        "{err}"
    );
    let err = conf_err("[[registry]]\nprefix = \"a.*.io\"\nlocation = \"b.io\"\n");
    assert!(err.contains("wildcard"), "{err}");
    let err = conf_err("[[registry]]\nprefix = \"*.a.io/x\"\n");
    assert!(err.contains("wildcard"), "{err}");
    let err = conf_err("[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n");
    assert!(err.contains("location"), "{err}");
    let err = conf_err("short-name-mode = \"loud\"\n");
    assert!(err.contains("line 1: short-name-mode \"loud\""), "{err}");
    let err = conf_err("[aliases]\n\"docker.io/x\" = \"docker.io/x\"\n");
    assert!(err.contains("[aliases]"), "{err}");
    let err = conf_err("[aliases]\nx = \"notqualified\"\n");
    assert!(err.contains("line 2: [aliases]"), "{err}");
    let err = conf_err("unqualified-search-registries = [\"a.io/ns\"]\n");
    assert!(err.contains("without a path"), "{err}");
    // Not UTF-8.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bin.conf");
    std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
    let err = RegistriesConf::from_paths(&[path]).unwrap_err().to_string();
    assert!(err.contains("bin.conf: not valid UTF-8"), "{err}");
}
