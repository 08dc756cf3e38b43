//! Tests of name resolution: prefixes, wildcards, mirrors, blocked and
//! insecure registries.

use std::path::PathBuf;

use super::{conf, conf_err, ep};
use crate::registry::config::{RegistriesConf, ShortNameMode};

#[test]
fn empty_and_missing() {
    let c = RegistriesConf::from_paths(&[PathBuf::from("/nonexistent/registries.conf")]).unwrap();
    assert!(c.unqualified_search_registries().is_empty());
    assert_eq!(
        c.resolve("docker.io/library/busybox", false)
            .unwrap()
            .endpoints,
        vec![ep("docker.io", "library/busybox", false)]
    );
    assert!(!c.is_insecure("docker.io"));
    let c = conf("");
    assert!(c.alias("x").is_none());
    assert_eq!(c.short_name_mode(), None);
}

#[test]
fn basic_fields() {
    let c = conf(
        r#"
unqualified-search-registries = ["registry.fedoraproject.org", "docker.io/"]
short-name-mode = "permissive"
some-future-key = 3

[aliases]
"fedora" = "registry.fedoraproject.org/fedora"
"ubi8/ubi" = "registry.access.redhat.com/ubi8/ubi"

[[registry]]
location = "localhost:5000"
insecure = true
unknown = "ignored"
"#,
    );
    assert_eq!(
        c.unqualified_search_registries(),
        ["registry.fedoraproject.org", "docker.io"]
    );
    assert_eq!(c.short_name_mode(), Some(ShortNameMode::Permissive));
    assert_eq!(c.alias("fedora"), Some("registry.fedoraproject.org/fedora"));
    assert_eq!(
        c.alias("ubi8/ubi"),
        Some("registry.access.redhat.com/ubi8/ubi")
    );
    assert_eq!(c.alias("busybox"), None);
    assert!(c.is_insecure("localhost:5000"));
    assert!(!c.is_insecure("localhost"));
    assert_eq!(
        c.resolve("localhost:5000/a/b", false).unwrap().endpoints,
        vec![ep("localhost:5000", "a/b", true)]
    );
}

#[test]
fn longest_prefix_and_rewrite() {
    let c = conf(
        r#"
[[registry]]
prefix = "example.com"
location = "mirror-a.example.net"

[[registry]]
prefix = "example.com/team"
location = "internal.example.net:8443/proxy/team"
insecure = true

[[registry]]
prefix = "example.com/team/special"
location = "special.example.net"
"#,
    );
    assert_eq!(
        c.resolve("example.com/other/app", false).unwrap().endpoints,
        vec![ep("mirror-a.example.net", "other/app", false)]
    );
    assert_eq!(
        c.resolve("example.com/team/app", false).unwrap().endpoints,
        vec![ep("internal.example.net:8443", "proxy/team/app", true)]
    );
    assert_eq!(
        c.resolve("example.com/team/special/x", true)
            .unwrap()
            .endpoints,
        vec![ep("special.example.net", "x", false)]
    );
    // A prefix only matches at a path boundary.
    assert_eq!(
        c.resolve("example.com/teammate/app", false)
            .unwrap()
            .endpoints,
        vec![ep("mirror-a.example.net", "teammate/app", false)]
    );
    // A different host (or port) does not match.
    assert_eq!(
        c.resolve("example.com:5000/team/app", false)
            .unwrap()
            .endpoints,
        vec![ep("example.com:5000", "team/app", false)]
    );
    assert_eq!(
        c.resolve("notexample.com/team/app", false)
            .unwrap()
            .endpoints,
        vec![ep("notexample.com", "team/app", false)]
    );
    // Rewriting to no repository at all is an error, not a panic.
    let c = conf("[[registry]]\nprefix = \"a.io/x\"\nlocation = \"b.io\"\n");
    assert!(c.resolve("a.io/x", false).is_err());
    assert!(c.resolve("nohost", false).is_err());
    assert!(c.resolve("a.io/x@sha256:00", false).is_err());
    assert!(c.resolve("a.io/x:latest", false).is_err());
    assert!(c.resolve("a.io:5000/", false).is_err());
}

#[test]
fn wildcard_prefix() {
    let c = conf(
        r#"
[[registry]]
prefix = "*.example.com"
insecure = true

[[registry]]
prefix = "*.corp.example.com"
location = "proxy.example.net"

[[registry]]
prefix = "exact.corp.example.com"
location = "exact.example.net"
"#,
    );
    // Empty location: the name is used unchanged.
    assert_eq!(
        c.resolve("a.example.com/x/y", false).unwrap().endpoints,
        vec![ep("a.example.com", "x/y", true)]
    );
    assert_eq!(
        c.resolve("a.b.example.com:5000/x", false)
            .unwrap()
            .endpoints,
        vec![ep("a.b.example.com:5000", "x", true)]
    );
    // The bare domain is not a subdomain.
    assert_eq!(
        c.resolve("example.com/x", false).unwrap().endpoints,
        vec![ep("example.com", "x", false)]
    );
    assert_eq!(
        c.resolve("badexample.com/x", false).unwrap().endpoints,
        vec![ep("badexample.com", "x", false)]
    );
    // The longer wildcard wins, and rewrites the whole host[:port].
    assert_eq!(
        c.resolve("build.corp.example.com/ns/app", false)
            .unwrap()
            .endpoints,
        vec![ep("proxy.example.net", "ns/app", false)]
    );
    assert_eq!(
        c.resolve("build.corp.example.com:5000/ns/app", false)
            .unwrap()
            .endpoints,
        vec![ep("proxy.example.net", "ns/app", false)]
    );
    // A literal prefix of the same length beats the wildcard.
    assert_eq!(
        c.resolve("exact.corp.example.com/app", false)
            .unwrap()
            .endpoints,
        vec![ep("exact.example.net", "app", false)]
    );
    let c2 = conf("[[registry]]\nprefix = \"*.dev.io\"\nlocation = \"cache.io/dev/\"\n");
    assert_eq!(
        c2.resolve("x.dev.io/app", false).unwrap().endpoints,
        vec![ep("cache.io", "dev/app", false)]
    );
    assert!(c.is_insecure("a.example.com"));
    assert!(c.is_insecure("x.y.example.com:443"));
    assert!(!c.is_insecure("example.com"));
}

#[test]
fn mirrors_and_pull_from_mirror() {
    let c = conf(
        r#"
[[registry]]
prefix = "docker.io"
location = "docker.io"

[[registry.mirror]]
location = "mirror-all.local/hub"

[[registry.mirror]]
location = "mirror-digest.local"
pull-from-mirror = "digest-only"
insecure = true

[[registry.mirror]]
location = "mirror-tag.local:5000"
pull-from-mirror = "tag-only"

[[registry.mirror]]
location = "mirror-all2.local"
pull-from-mirror = "all"
"#,
    );
    assert_eq!(
        c.resolve("docker.io/library/busybox", false)
            .unwrap()
            .endpoints,
        vec![
            ep("mirror-all.local", "hub/library/busybox", false),
            ep("mirror-tag.local:5000", "library/busybox", false),
            ep("mirror-all2.local", "library/busybox", false),
            ep("docker.io", "library/busybox", false),
        ]
    );
    assert_eq!(
        c.resolve("docker.io/library/busybox", true)
            .unwrap()
            .endpoints,
        vec![
            ep("mirror-all.local", "hub/library/busybox", false),
            ep("mirror-digest.local", "library/busybox", true),
            ep("mirror-all2.local", "library/busybox", false),
            ep("docker.io", "library/busybox", false),
        ]
    );
    assert!(c.is_insecure("mirror-digest.local"));
    assert!(!c.is_insecure("mirror-tag.local:5000"));
    assert!(!c.is_insecure("docker.io"));
}

#[test]
fn mirror_by_digest_only() {
    let c = conf(
        r#"
[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "cache.local"
"#,
    );
    assert_eq!(
        c.resolve("quay.io/ns/app", false).unwrap().endpoints,
        vec![ep("quay.io", "ns/app", false)]
    );
    assert_eq!(
        c.resolve("quay.io/ns/app", true).unwrap().endpoints,
        vec![
            ep("cache.local", "ns/app", false),
            ep("quay.io", "ns/app", false)
        ]
    );
    let err = conf_err(
        r#"
[[registry]]
location = "quay.io"
mirror-by-digest-only = true
[[registry.mirror]]
location = "cache.local"
pull-from-mirror = "all"
"#,
    );
    assert!(err.contains("line 7:"), "{err}");
    let err = conf_err(
        "[[registry]]\nlocation = \"quay.io\"\n[[registry.mirror]]\nlocation = \"c.local\"\npull-from-mirror = \"sometimes\"\n",
    );
    assert!(
        err.contains("line 5: pull-from-mirror \"sometimes\""),
        "{err}"
    );
}

#[test]
fn blocked() {
    let c = conf(
        r#"
[[registry]]
location = "evil.example.com"
blocked = true

[[registry]]
prefix = "quay.io/bad"
location = "quay.io/bad"
blocked = true
"#,
    );
    let err = c
        .resolve("evil.example.com/x", false)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("registry evil.example.com is blocked in registries.conf"),
        "{err}"
    );
    assert!(
        c.resolve("quay.io/bad/app", false)
            .unwrap_err()
            .to_string()
            .contains("quay.io/bad is blocked")
    );
    assert!(c.resolve("quay.io/good/app", false).is_ok());
}
