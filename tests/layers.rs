//! Unpacked layers are right: the multilayer fixture, mounted with the
//! kernel overlay inside `rpod unshare`, shows exactly the merged tree that
//! contrib/fixtures/multilayer.md documents; layers hold whiteouts in the
//! overlay format; owners map to the subordinate range on the host; and a
//! user without a range still pulls, with one warning.

mod common;

use common::TestEnv;
use std::os::unix::fs::MetadataExt;

/// The `text merged` block of the fixture's documentation.
fn documented_merged_tree() -> Vec<String> {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/contrib/fixtures/multilayer.md"
    ))
    .unwrap();
    let block = doc
        .split("```text merged\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    block.lines().map(str::to_string).collect()
}

/// Prints the tree under /data of an overlay of the image's layers in the
/// documentation's format: mode owner [nlink size mtime] path [-> target] [xattr].
const DESCRIBE: &str = r#"
set -e
m="$1"; shift
mount -t overlay overlay -o "lowerdir=$1,userxattr" "$m"
cd "$m"
find data | while read -r f; do
  if [ -d "$f" ] && [ ! -L "$f" ]; then
    stat -c "%A %u:%g /%n" "$f"
  else
    line=$(stat -c "%A %u:%g nlink=%h size=%s mtime=" "$f")$(date -u -d "@$(stat -c %Y "$f")" +%Y-%m-%dT%H:%M:%SZ)" /$f"
    [ -L "$f" ] && line="$line -> $(readlink "$f")"
    x=$(getfattr --absolute-names -h -d -m '^user\.' "$f" 2>/dev/null | sed -n 's/^\(user\.[^=]*\)=\(.*\)$/ xattr \1=\2/p')
    echo "$line$x"
  fi
done
test ! -e linuxrc && echo "linuxrc absent"
ls -a data | grep -c '^\.wh\.' || true
cat data/changed.txt data/opaque/new.txt
cd / && umount "$m"
"#;

fn layer_dirs(env: &TestEnv, image: &str) -> (String, Vec<String>) {
    let upper = env.ok(&[
        "image",
        "inspect",
        "--format",
        "{{.GraphDriver.Data.UpperDir}}",
        image,
    ]);
    let lower = env.ok(&[
        "image",
        "inspect",
        "--format",
        "{{.GraphDriver.Data.LowerDir}}",
        image,
    ]);
    let lowers = lower
        .trim()
        .split(':')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (upper.trim().to_string(), lowers)
}

#[test]
fn multilayer_merges_to_the_documented_tree() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    let (upper, lowers) = layer_dirs(&env, &image);
    assert_eq!(lowers.len(), 3);
    let stack = std::iter::once(upper.clone())
        .chain(lowers.clone())
        .collect::<Vec<_>>()
        .join(":");
    let mountpoint = env.dir.join("merged");
    env.write_file(&mountpoint.join(".keep"), b"");
    let out = env.ok(&[
        "unshare",
        "sh",
        "-c",
        DESCRIBE,
        "describe",
        mountpoint.to_str().unwrap(),
        &stack,
    ]);
    let mut lines: Vec<String> = out.lines().map(str::to_string).collect();
    let tail = lines.split_off(
        lines
            .iter()
            .position(|l| l == "linuxrc absent")
            .expect(&out),
    );
    let path_of = |l: &String| {
        l.split(' ')
            .find(|w| w.starts_with('/'))
            .unwrap_or_default()
            .to_string()
    };
    lines.sort_by_key(path_of);
    let mut expected = documented_merged_tree();
    expected.sort_by_key(path_of);
    assert_eq!(lines, expected);
    assert_eq!(tail, ["linuxrc absent", "0", "version 2", "new content"]);
}

#[test]
fn layers_hold_overlay_whiteouts_and_opaque_markers() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    let (upper, lowers) = layer_dirs(&env, &image);
    let layer3 = &lowers[0];
    let out = env.unshare_sh(&format!(
        "cd {layer3} && stat -c '%F %t:%T %u:%g' data/gone-dir data/removeme.txt linuxrc && ls -a data | grep -c '^\\.wh\\.' || true"
    ));
    assert_eq!(
        out,
        "character special file 0:0 0:0\ncharacter special file 0:0 0:0\ncharacter special file 0:0 0:0\n0\n"
    );
    let out = env.unshare_sh(&format!(
        "cd {upper} && getfattr --only-values -n user.overlay.opaque data/opaque && echo && ls -A data/opaque"
    ));
    assert_eq!(out, "y\nnew-sub\nnew.txt\n");
}

#[test]
fn owners_map_into_the_subordinate_range_on_the_host() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    let (_, lowers) = layer_dirs(&env, &image);
    let layer2 = std::path::Path::new(&lowers[1]);
    let subuid = std::fs::read_to_string("/etc/subuid").unwrap();
    let user = common::setting("RPOD_TEST_USER");
    let start: u32 = subuid
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{user}:")))
        .and_then(|r| r.split(':').next())
        .unwrap()
        .parse()
        .unwrap();
    let meta = std::fs::symlink_metadata(layer2.join("data/owned-by-app")).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (start + 999, start + 999));
    let meta = std::fs::symlink_metadata(layer2.join("data/nobody-dir")).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (start + 65533, start + 65533));
    let meta = std::fs::symlink_metadata(layer2.join("data/setuid-bin")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o4755);
    let own_uid = std::fs::metadata(env.home()).unwrap().uid();
    assert_eq!(
        meta.uid(),
        own_uid,
        "container root is the user on the host"
    );
    let store_mode = std::fs::metadata(env.store()).unwrap().mode();
    assert_eq!(store_mode & 0o777, 0o700);
}

#[test]
fn a_user_without_subordinate_ids_pulls_with_one_warning() {
    let env = TestEnv::without_subids();
    let image = env.image("library/multilayer:latest");
    let out = env.rpod(&["pull", "-q", &image]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("rpod: warning: no subordinate id range for "),
        "{stderr}"
    );
    let (_, lowers) = layer_dirs(&env, &image);
    let own_uid = std::fs::metadata(env.home()).unwrap().uid();
    let meta =
        std::fs::symlink_metadata(std::path::Path::new(&lowers[1]).join("data/owned-by-app"))
            .unwrap();
    assert_eq!(meta.uid(), own_uid);
    let content =
        std::fs::read_to_string(std::path::Path::new(&lowers[1]).join("data/hardlink-2")).unwrap();
    assert_eq!(content, "same inode\n");
    let out = env.ok(&["unshare", "cat", "/proc/self/uid_map"]);
    assert_eq!(
        out.split_whitespace().collect::<Vec<_>>(),
        ["0", &own_uid.to_string(), "1"]
    );
}
