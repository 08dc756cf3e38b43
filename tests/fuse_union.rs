//! rpod's FUSE union filesystem (`--storage-driver fuse`) against the
//! kernel overlay: the same changes, made in a container of each driver
//! over the same image, must show the same tree, leave `upper/`
//! directories that mean the same (whiteouts, opaque directories, copied
//! up files), and survive a restart of the container (a new server
//! reading the `upper/` the last one wrote). A property test does this
//! for random sequences of changes; fixed tests cover what overlay does
//! not (renaming a directory of the image, hard links of the image kept
//! through copy-up), the server's end, and `rpod info`.

mod common;

use common::TestEnv;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Lists every path under the container's `/data`, `/etc` and `/home`
/// with type, mode, owners, size, link count (not for directories: the
/// kernel overlay shows 1 for merged ones), mtime (files), content
/// checksum and link target; sorted.
const DUMP: &str = r#"find /data /etc /home /tmp | grep -v -e '^/etc/hosts$' -e '^/etc/hostname$' -e '^/etc/resolv.conf$' | sort | while read -r f; do
  if [ -d "$f" ] && [ ! -L "$f" ]; then stat -c '%n %F %a %u:%g' "$f";
  else stat -c '%n %F %a %u:%g %s %h %Y' "$f"; fi
  if [ -f "$f" ] && [ ! -L "$f" ]; then md5sum < "$f"; fi
  if [ -L "$f" ]; then readlink "$f"; fi
done"#;

/// What `sh -c script` prints in a throw-away container of `image` on
/// the FUSE driver, run with the `extra` flags.
fn on_fuse(env: &TestEnv, extra: &[&str], image: &str, script: &str) -> String {
    let mut args = vec!["--storage-driver", "fuse", "run", "--rm"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[image, "sh", "-c", script]);
    env.ok(&args)
}

/// A running container of `image` on `driver`, named `name`.
fn start(env: &TestEnv, driver: &str, name: &str, image: &str) -> String {
    let id = env.ok(&[
        "--storage-driver",
        driver,
        "run",
        "-d",
        "--name",
        name,
        image,
        "sleep",
        "600",
    ]);
    id.trim().to_string()
}

fn exec(env: &TestEnv, name: &str, script: &str) -> String {
    env.ok(&["exec", name, "sh", "-c", script])
}

/// A dump with the mtimes the changes set to the present (after 2010)
/// shown as `now`: the two drivers' containers run seconds apart.
fn dump(env: &TestEnv, name: &str) -> String {
    exec(env, name, DUMP)
        .lines()
        .map(|line| match line.rsplit_once(' ') {
            Some((rest, time)) if time.parse::<i64>().is_ok_and(|t| t > 1_262_304_000) => {
                format!("{rest} now\n")
            }
            _ => format!("{line}\n"),
        })
        .collect()
}

/// What `upper/` of the container `id` means: each entry's kind, mode,
/// owners, whiteout, opaque marker and content. A directory's opaque
/// marker counts only where the image has something at its path (where
/// it has not, the marker changes nothing).
fn upper_meaning(env: &TestEnv, id: &str, image_paths: &[String]) -> BTreeMap<String, String> {
    let upper = env.store().join("containers").join(id).join("upper");
    let mut out = BTreeMap::new();
    walk(&upper, &upper, image_paths, &mut out);
    out
}

fn walk(dir: &Path, root: &Path, image_paths: &[String], out: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        let name = format!("/{}", path.strip_prefix(root).unwrap().display());
        let kind = meta.file_type();
        let mut what = format!("{:o} {}:{}", meta.mode(), meta.uid(), meta.gid());
        if kind.is_dir() {
            let mut value = [0u8; 4];
            let opaque = rustix::fs::lgetxattr(&path, "user.overlay.opaque", &mut value)
                .is_ok_and(|n| &value[..n] == b"y");
            if opaque && image_paths.contains(&name) {
                what.push_str(" opaque");
            }
            walk(&path, root, image_paths, out);
        } else if kind.is_file() {
            what.push_str(&format!(" {:?}", std::fs::read(&path).unwrap()));
        } else if kind.is_symlink() {
            what.push_str(&format!(
                " -> {}",
                std::fs::read_link(&path).unwrap().display()
            ));
        } else {
            what.push_str(&format!(" rdev {}", meta.rdev()));
        }
        out.insert(name, what);
    }
}

/// The paths a fresh container of `image` shows (from a dump).
fn paths_of(dump: &str) -> Vec<String> {
    dump.lines()
        .filter(|l| l.starts_with('/'))
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect()
}

/// Applies `changes` in an overlay and a FUSE container of the
/// multilayer image and asserts they agree: the changes' own output,
/// the tree, the meaning of `upper/`, and the tree after a restart.
fn both_drivers_agree(env: &TestEnv, image: &str, changes: &str) {
    let fresh = env.ok(&["run", "--rm", image, "sh", "-c", DUMP]);
    let image_paths = paths_of(&fresh);
    let mut seen = Vec::new();
    for driver in ["overlay", "fuse"] {
        let id = start(env, driver, driver, image);
        let said = exec(env, driver, changes);
        let tree = dump(env, driver);
        env.ok(&["stop", "-t", "0", driver]);
        let upper = upper_meaning(env, &id, &image_paths);
        env.ok(&["start", driver]);
        let again = dump(env, driver);
        env.ok(&["rm", "-f", driver]);
        assert_eq!(tree, again, "{driver}: the tree changed across a restart");
        seen.push((said, tree, upper));
    }
    let (fuse, overlay) = (seen.pop().unwrap(), seen.pop().unwrap());
    assert_eq!(
        fuse.0, overlay.0,
        "the changes answered differently:\n{changes}"
    );
    assert_eq!(fuse.1, overlay.1, "the trees differ after:\n{changes}");
    assert_eq!(
        fuse.2, overlay.2,
        "upper/ means something else after:\n{changes}"
    );
}

/// One change, as a shell line that prints its exit status. (No FIFOs:
/// a later write to one would wait for a reader forever.)
fn change() -> impl Strategy<Value = String> {
    let dir = prop::sample::select(vec![
        "/data",
        "/data/opaque",
        "/data/setgid-dir",
        "/data/gone-dir",
        "/data/long",
        "/data/new",
        "/etc",
        "/home/app",
    ]);
    let name = prop::sample::select(vec![
        "a",
        "b",
        "changed.txt",
        "hardlink-1",
        "hardlink-2",
        "old-sub",
        "symlink",
        "passwd",
        "xattr.txt",
    ]);
    let path = (dir, name).prop_map(|(d, n)| format!("{d}/{n}"));
    prop_oneof![
        (path.clone(), "[a-z]{0,8}").prop_map(|(p, text)| format!("echo {text} > {p}")),
        (path.clone(), "[a-z]{1,8}").prop_map(|(p, text)| format!("echo {text} >> {p}")),
        path.clone().prop_map(|p| format!("mkdir {p}")),
        path.clone().prop_map(|p| format!("rmdir {p}")),
        path.clone().prop_map(|p| format!("rm {p}")),
        path.clone().prop_map(|p| format!("rm -r {p}")),
        (path.clone(), path.clone()).prop_map(|(a, b)| format!("mv {a} {b}")),
        (path.clone(), path.clone()).prop_map(|(a, b)| format!("ln {a} {b}")),
        (path.clone(), "[a-z/]{1,10}").prop_map(|(p, target)| format!("ln -s {target} {p}")),
        (path.clone(), 0..0o7777u32).prop_map(|(p, mode)| format!("chmod {mode:o} {p}")),
        (path.clone(), 0..3u32).prop_map(|(p, who)| format!("chown -h {0}:{0} {p}", who * 1000)),
        (path.clone(), 0..70000u32).prop_map(|(p, size)| format!("truncate -s {size} {p}")),
        path.prop_map(|p| format!("touch -d '2003-04-05 06:07:08' {p}")),
    ]
    .prop_map(|line| format!("{line} 2>/dev/null; echo \"$?\""))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_changes_show_and_store_the_same_under_fuse_and_overlay(
        changes in prop::collection::vec(change(), 1..25)
    ) {
        let env = TestEnv::new();
        if !env.overlay_works() {
            return Ok(());
        }
        let image = env.image("library/multilayer:latest");
        env.ok(&["pull", "-q", &image]);
        // The kernel overlay (without its index) breaks the image's hard
        // link `hardlink-1`/`hardlink-2` on copy-up, rpod's FUSE keeps it
        // (tested on its own below): the sequences start by removing one
        // name, so that the two agree.
        let changes = format!("rm /data/hardlink-2\n{}", changes.join("\n"));
        both_drivers_agree(&env, &image, &changes);
    }
}

#[test]
fn chosen_changes_show_and_store_the_same_under_fuse_and_overlay() {
    let env = TestEnv::new();
    if !env.overlay_works() {
        eprintln!("kernel overlay does not work here: nothing to compare with");
        return;
    }
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    // `dd`, not `cat`, reads fd 3 before its file is truncated: busybox
    // `cat` hands file pages to the output pipe by reference
    // (`sendfile`), so the truncate would zero bytes still in the pipe,
    // under either driver, whenever rpod reads the pipe late.
    let changes = "cd /data && echo new > new.txt && echo more >> changed.txt \
        && chmod 600 fixed-mtime.txt && chown 1000:1000 xattr.txt \
        && rm hardlink-2 && rm -r long && rmdir nobody-dir && mkdir nobody-dir \
        && echo x > nobody-dir/f && mkdir -p a/b/c && mv a z && ln owned-by-app hard-new \
        && ln -s target sym-new && mkfifo fifo && truncate -s 100000 sparse \
        && mv setuid-bin setuid-moved && mkdir setgid-dir/inherits && rm /etc/group \
        && echo $?
        exec 3<>/data/tmp-file && echo data >&3 && rm /data/tmp-file \
        && dd if=/proc/self/fd/3 2>/dev/null && stat -L -c %s /proc/self/fd/3 \
        && truncate -s 2 /proc/self/fd/3 && cat /proc/self/fd/3 && echo && exec 3>&-
        exec 4</data/layer3.txt && rm /data/layer3.txt && cat /proc/self/fd/4 && exec 4<&-
        rm -r /data/sticky-dir && mkdir /tmp/nd && echo n > /tmp/nd/f \
        && mv /tmp/nd /data/sticky-dir && cat /data/sticky-dir/f
        mknod /tmp/w c 0 0 2>/dev/null; echo $?
        echo old > /data/rep && exec 5</data/rep && echo new > /data/rep.tmp \
        && mv /data/rep.tmp /data/rep && cat <&5 && cat /data/rep \
        && stat -L -c %h /proc/self/fd/5 && exec 5<&-
        exec 6</etc/passwd && echo x > /tmp/pw && mv /tmp/pw /etc/passwd \
        && head -1 <&6 && cat /etc/passwd && exec 6<&-
        exec 7<>/tmp/open && rm /tmp/open && stat -L -c %h /proc/self/fd/7 && exec 7>&-";
    both_drivers_agree(&env, &image, changes);
}

#[test]
fn hard_links_of_the_image_stay_linked_through_copy_up() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    let id = start(&env, "fuse", "linked", &image);
    let both =
        "stat -c '%h %i' /data/hardlink-1 /data/hardlink-2 | uniq -c | tr -s ' ' | cut -d' ' -f2,3";
    assert_eq!(exec(&env, "linked", both), "2 2\n", "two names, one inode");
    let said = exec(
        &env,
        "linked",
        "echo more >> /data/hardlink-1 && cat /data/hardlink-2 && chmod 600 /data/hardlink-2",
    );
    assert_eq!(said, "same inode\nmore\n");
    assert_eq!(exec(&env, "linked", both), "2 2\n");
    let mode = "stat -c '%a %s' /data/hardlink-1";
    assert_eq!(exec(&env, "linked", mode), "600 16\n");
    env.ok(&["stop", "-t", "0", "linked"]);
    let upper = env.store().join("containers").join(id).join("upper/data");
    let [one, two] =
        ["hardlink-1", "hardlink-2"].map(|n| std::fs::metadata(upper.join(n)).unwrap());
    assert_eq!((one.ino(), one.nlink()), (two.ino(), 2), "linked in upper/");
    env.ok(&["start", "linked"]);
    assert_eq!(exec(&env, "linked", both), "2 2\n", "after a restart");
    assert_eq!(
        exec(&env, "linked", "cat /data/hardlink-2"),
        "same inode\nmore\n"
    );
    env.ok(&["rm", "-f", "linked"]);
}

/// `tests/programs/fs_probe.rs`, built static by `rustc` into `dir`.
fn build_probe(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("fs_probe");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let built = std::process::Command::new(rustc)
        .args([
            "--edition",
            "2024",
            "-C",
            "target-feature=+crt-static",
            "-o",
        ])
        .arg(&out)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/programs/fs_probe.rs"
        ))
        .status()
        .unwrap();
    assert!(built.success(), "rustc could not build the probe");
    out
}

/// What busybox has no command for, under the FUSE driver: shared
/// `mmap` writes to a file of the image, racing exclusive creates,
/// `O_TMPFILE` (`EOPNOTSUPP`: `fuser` has no tmpfile request), holes
/// and `fallocate`, a unix socket bound in the union, `statfs`, and the
/// link counts of merged directories (the kernel overlay shows 1), and
/// a missing SELinux label, which reads as not supported (`EOPNOTSUPP`,
/// the kernel overlay says `ENODATA`) so that `ls -l` stops asking for
/// it, while other missing xattrs stay `ENODATA` (on a host that runs
/// SELinux, the kernel answers the label itself). Files made with
/// set-ID bits in `open`'s mode, by root and by another user, keep them
/// and get their owner (and a set-group-ID directory's group).
#[test]
fn calls_beyond_busybox_behave_under_fuse() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    let probe = build_probe(&env.dir);
    let mount = format!("{}:/probe:ro", probe.display());
    let script = "/probe mmap-write /data/changed.txt MAPPED && cat /data/changed.txt
        /probe excl-race /data/race 16 && /probe excl-race /data/opaque/race 16
        /probe tmpfile /data unnamed; echo $?
        /probe holes /data/holes && du -k /data/holes
        /probe socket /data/sock && stat -c %F /data/sock
        stat -c '%h %n' /data /data/opaque && mkdir /data/d1 /data/d2 && stat -c %h /data \
          && rmdir /data/d1 && mv /data/d2 /data/opaque/ && stat -c %h /data /data/opaque
        /probe xattr /data/changed.txt security.selinux; /probe xattr /data/changed.txt user.none
        /probe xattr /data/xattr.txt user.rpodtest
        stat -f -c %S / && stat -f -c %b / | grep -vx 0";
    let mut said = on_fuse(&env, &["-v", &mount], &image, script);
    if Path::new("/sys/fs/selinux/enforce").exists() {
        // The kernel answers a label itself where SELinux runs.
        let mut lines: Vec<&str> = said.lines().collect();
        if let Some(label) = lines.get_mut(15) {
            *label = "errno 95";
        }
        said = lines.iter().map(|l| format!("{l}\n")).collect();
    }
    let block_size = said.lines().nth(18).unwrap_or("").to_string();
    let blocks = said.lines().nth(19).unwrap_or("").to_string();
    assert_eq!(
        said,
        format!(
            "mapped\nMAPPEDn 2\n\
             1 created, 15 EEXIST\n1 created, 15 EEXIST\n\
             errno 95\n1\n\
             data at 1048576, hole at 0, allocated\n8\t/data/holes\n\
             ping\nsocket\n\
             7 /data\n3 /data/opaque\n9\n7\n4\n\
             errno 95\nerrno 61\nhello\n\
             {block_size}\n{blocks}\n"
        )
    );
    assert!(block_size.parse::<u32>().is_ok_and(|b| b >= 512), "{said}");
    let script = "umask 0 && /probe create /data/setgid-dir/root-made 2640 \
        && /probe create /data/setgid-dir/plain 640 && umask 027 && /probe create /data/masked 666 \
        && stat -c '%a %u:%g %n' /data/setgid-dir/root-made /data/setgid-dir/plain /data/masked";
    let said = on_fuse(&env, &["-v", &mount], &image, script);
    assert_eq!(
        said,
        "created\ncreated\ncreated\n2640 0:1000 /data/setgid-dir/root-made\n\
         640 0:1000 /data/setgid-dir/plain\n640 0:0 /data/masked\n"
    );
    let script = "umask 0 && /probe create /data/sticky-dir/user-made 4755 \
        && stat -c '%a %u:%g' /data/sticky-dir/user-made";
    let said = on_fuse(&env, &["--user", "1000:1000", "-v", &mount], &image, script);
    assert_eq!(said, "created\n4755 1000:1000\n");
}

/// Directories read in many requests (the kernel asks a few dozen
/// entries at a time, and may come back at an offset from its own cache)
/// list every name once.
#[test]
fn large_directories_list_every_name_once() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let script = "mkdir /d && cd /d && seq 3000 | xargs touch && ls /d | wc -l \
        && ls /d | sort | uniq -d | wc -l && seq 1 2 3000 | xargs rm && ls /d | wc -l \
        && find /d -type f | sort -n -t/ -k3 | head -2 && ls /bin | wc -l && ls /bin | uniq -d";
    let said = on_fuse(&env, &[], &image, script);
    let overlay_bin = env.ok(&["run", "--rm", &image, "sh", "-c", "ls /bin | wc -l"]);
    assert_eq!(said, format!("3000\n0\n1500\n/d/2\n/d/4\n{overlay_bin}"));
}

#[test]
fn a_directory_of_the_image_renames_in_place() {
    let env = TestEnv::new();
    let image = env.image("library/multilayer:latest");
    env.ok(&["pull", "-q", &image]);
    // The kernel overlay refuses this rename with EXDEV (and `mv` copies
    // instead); the FUSE union renames, keeping the inode number.
    let out = on_fuse(
        &env,
        &[],
        &image,
        "before=$(stat -c %i /data/opaque); \
         mv /data/opaque /data/moved 2>&1 && echo renamed; \
         test \"$(stat -c %i /data/moved)\" = \"$before\" && echo same-inode; \
         ls /data/moved; test -e /data/opaque || echo old-name-gone; \
         mkdir /data/opaque && ls -a /data/opaque | wc -l",
    );
    assert_eq!(
        out,
        "renamed\nsame-inode\nnew-sub\nnew.txt\nold-name-gone\n2\n"
    );
}

#[test]
fn a_container_whose_fuse_server_ends_is_stopped_and_says_why() {
    let env = TestEnv::new();
    let image = env.pulled_busybox();
    let id = start(&env, "fuse", "lost", &image);
    let server = std::process::Command::new("pgrep")
        .args(["-f", &format!("^rpod-fuse {}", &id[..12])])
        .output()
        .unwrap();
    let pid = String::from_utf8(server.stdout).unwrap();
    let pid = pid.trim();
    assert!(!pid.is_empty(), "the container's FUSE server runs");
    std::process::Command::new("kill")
        .args(["-9", pid])
        .status()
        .unwrap();
    common::eventually("the container to stop", || {
        env.ok(&["inspect", "--format", "{{.State.Status}}", "lost"])
            .trim()
            == "exited"
    });
    // Killed by the monitor (SIGKILL), unless a page of its program was
    // read from the dead mount first (SIGBUS).
    let ended = env.ok(&[
        "inspect",
        "--format",
        "{{.State.ExitCode}} {{.State.Error}}",
        "lost",
    ]);
    assert!(
        [137, 135]
            .map(|code| format!("{code} the FUSE root filesystem's server ended\n"))
            .contains(&ended),
        "{ended}"
    );
    // The next start has a new server and the container's files.
    env.ok(&["start", "lost"]);
    assert_eq!(exec(&env, "lost", "echo ok > /tmp/f; cat /tmp/f"), "ok\n");
    assert_eq!(
        env.ok(&["inspect", "--format", "{{.State.Error}}", "lost"]),
        "\n"
    );
    env.ok(&["rm", "-f", "lost"]);
}

#[test]
fn info_and_inspect_name_the_fuse_driver() {
    let mut env = TestEnv::new();
    let image = env.pulled_busybox();
    env.env("RPOD_STORAGE_DRIVER", "fuse");
    assert_eq!(
        env.ok(&["info", "--format", "{{.Store.GraphDriverName}}"]),
        "fuse\n"
    );
    env.ok(&["create", "--name", "named", &image]);
    assert_eq!(
        env.ok(&[
            "inspect",
            "--format",
            "{{.Driver}} {{.GraphDriver.Name}}",
            "named"
        ]),
        "fuse fuse\n"
    );
}
