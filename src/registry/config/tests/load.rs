//! Tests of choosing, reading and merging files, and of how paths are shown.

use std::path::Path;

use super::write;
use crate::registry::config::env::{ConfEnv, show};
use crate::registry::config::load::load_with;
use crate::registry::config::{RegistriesConf, ShortNameMode};

#[test]
fn merge_across_files_and_dirs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let main = write(
        d,
        "etc/registries.conf",
        r#"
unqualified-search-registries = ["a.io", "b.io"]
short-name-mode = "enforcing"
[aliases]
one = "a.io/one"
two = "a.io/two"
[[registry]]
location = "a.io"
insecure = true
[[registry]]
location = "b.io"
blocked = true
"#,
    );
    let dropins = d.join("etc/registries.conf.d");
    // Applied in name order: 10 before 20; non-.conf files and
    // subdirectories are ignored.
    write(
        d,
        "etc/registries.conf.d/20-late.conf",
        "unqualified-search-registries = [\"late.io\"]\n",
    );
    write(
        d,
        "etc/registries.conf.d/10-early.conf",
        r#"
unqualified-search-registries = ["early.io"]
[aliases]
two = "c.io/two"
one = ""
three = "c.io/three"
[[registry]]
location = "b.io"
[[registry]]
location = "c.io"
"#,
    );
    write(d, "etc/registries.conf.d/30-notes.txt", "not toml [[[");
    write(d, "etc/registries.conf.d/sub.conf/x.conf", "not toml [[[");
    // Later file without the key keeps the list.
    let user = write(d, "user.conf", "[[registry]]\nlocation = \"u.io\"\n");

    let c = RegistriesConf::from_paths(&[main, dropins, user, d.join("missing.d")]).unwrap();
    assert_eq!(c.unqualified_search_registries(), ["late.io"]);
    assert_eq!(c.short_name_mode(), Some(ShortNameMode::Enforcing));
    assert_eq!(c.alias("one"), None);
    assert_eq!(c.alias("two"), Some("c.io/two"));
    assert_eq!(c.alias("three"), Some("c.io/three"));
    assert!(c.is_insecure("a.io"));
    // b.io replaced wholesale: no longer blocked.
    assert!(c.resolve("b.io/x", false).is_ok());
    assert!(c.resolve("c.io/x", false).is_ok());
    assert!(c.resolve("u.io/x", false).is_ok());
}

#[test]
fn default_file_selection() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let env = ConfEnv {
        explicit: None,
        config_home: Some(d.join("home/.config")),
        system_dir: d.join("etc/containers"),
        home: Some(d.join("home")),
    };
    // Nothing anywhere.
    assert!(
        load_with(&env)
            .unwrap()
            .unqualified_search_registries()
            .is_empty()
    );

    write(
        d,
        "etc/containers/registries.conf",
        "unqualified-search-registries = [\"sys.io\"]\n[[registry]]\nlocation = \"sys.io\"\nblocked = true\n",
    );
    write(
        d,
        "etc/containers/registries.conf.d/a.conf",
        "[aliases]\nsys = \"sys.io/sys\"\n",
    );
    write(
        d,
        "home/.config/containers/registries.conf.d/b.conf",
        "[aliases]\nusr = \"usr.io/usr\"\n",
    );
    let c = load_with(&env).unwrap();
    assert_eq!(c.unqualified_search_registries(), ["sys.io"]);
    assert_eq!(c.alias("sys"), Some("sys.io/sys"));
    assert_eq!(c.alias("usr"), Some("usr.io/usr"));
    assert!(c.resolve("sys.io/x", false).is_err());

    // A user file replaces the system file and the system drop-ins.
    write(
        d,
        "home/.config/containers/registries.conf",
        "unqualified-search-registries = [\"usr.io\"]\n",
    );
    let c = load_with(&env).unwrap();
    assert_eq!(c.unqualified_search_registries(), ["usr.io"]);
    assert_eq!(c.alias("sys"), None);
    assert_eq!(c.alias("usr"), Some("usr.io/usr"));
    assert!(c.resolve("sys.io/x", false).is_ok());

    // Errors show the home directory as ~.
    write(
        d,
        "home/.config/containers/registries.conf",
        "\n\nunqualified-search-registries = [\"a\"\n",
    );
    let err = load_with(&env).unwrap_err().to_string();
    assert!(
        err.starts_with("~/.config/containers/registries.conf: line 3: "),
        "{err}"
    );

    // $CONTAINERS_REGISTRIES_CONF: only that file.
    let only = write(
        d,
        "only.conf",
        "unqualified-search-registries = [\"only.io\"]\n",
    );
    let c = load_with(&ConfEnv {
        explicit: Some(only),
        ..env.clone()
    })
    .unwrap();
    assert_eq!(c.unqualified_search_registries(), ["only.io"]);
    assert_eq!(c.alias("usr"), None);
    let err = load_with(&ConfEnv {
        explicit: Some(d.join("nope.conf")),
        ..env
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("CONTAINERS_REGISTRIES_CONF=") && err.contains("nope.conf"));
}

#[test]
fn show_paths() {
    let home = Path::new("/home/u");
    assert_eq!(
        show(Path::new("/home/u/.config/x"), Some(home)),
        "~/.config/x"
    );
    assert_eq!(show(Path::new("/etc/x"), Some(home)), "/etc/x");
    assert_eq!(show(Path::new("/etc/x"), Some(Path::new("/"))), "/etc/x");
}
