//! Tests of `unpack_layer`: ordinary layers, whiteouts, and hostile layers
//! that try to reach outside the layer directory. Tars are built in memory,
//! with `tar::Builder` where it allows the case and by hand where it refuses
//! it. Owners are only applied (and checked) when running as root.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use tar::{Builder, EntryType, Header};

use super::*;

const BLOCK: usize = 512;

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn opts() -> UnpackOptions {
    UnpackOptions {
        apply_owners: is_root(),
    }
}

// ---------------------------------------------------------------- tar bits

/// One raw tar entry: header written by hand (so `..`, absolute names and
/// any size are possible), data, padding.
fn raw(kind: EntryType, name: &[u8], link: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = raw_header(kind, name, link, data.len() as u64);
    out.extend_from_slice(data);
    pad(&mut out);
    out
}

fn raw_header(kind: EntryType, name: &[u8], link: &[u8], size: u64) -> Vec<u8> {
    let mut h = Header::new_gnu();
    {
        let old = h.as_old_mut();
        old.name[..name.len()].copy_from_slice(name);
        old.linkname[..link.len()].copy_from_slice(link);
    }
    h.set_entry_type(kind);
    h.set_mode(if kind == EntryType::Directory {
        0o755
    } else {
        0o644
    });
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(1_600_000_000);
    h.set_size(size);
    h.set_cksum();
    h.as_bytes().to_vec()
}

fn pad(out: &mut Vec<u8>) {
    let rem = out.len() % BLOCK;
    if rem != 0 {
        out.resize(out.len() + BLOCK - rem, 0);
    }
}

/// A PAX `x` header carrying `records` for the next entry.
fn pax(records: &[(&str, &[u8])]) -> Vec<u8> {
    let mut data = Vec::new();
    for (key, value) in records {
        let base = key.len() + value.len() + 3;
        let mut len = base + 1;
        while len != base + len.to_string().len() {
            len = base + len.to_string().len();
        }
        data.extend_from_slice(format!("{len} {key}=").as_bytes());
        data.extend_from_slice(value);
        data.push(b'\n');
    }
    raw(EntryType::XHeader, b"PaxHeader", b"", &data)
}

fn end(mut tar: Vec<u8>) -> Vec<u8> {
    tar.extend_from_slice(&[0; 2 * BLOCK]);
    tar
}

fn header(kind: EntryType, mode: u32, mtime: u64) -> Header {
    let mut h = Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_mtime(mtime);
    h.set_uid(0);
    h.set_gid(0);
    h.set_size(0);
    h
}

fn add_file(b: &mut Builder<Vec<u8>>, path: &str, mode: u32, data: &[u8]) {
    let mut h = header(EntryType::Regular, mode, 1_500_000_000);
    h.set_size(data.len() as u64);
    b.append_data(&mut h, path, data).unwrap();
}

fn add_dir(b: &mut Builder<Vec<u8>>, path: &str, mode: u32) {
    let mut h = header(EntryType::Directory, mode, 1_600_000_000);
    b.append_data(&mut h, path, io::empty()).unwrap();
}

fn add_link(b: &mut Builder<Vec<u8>>, kind: EntryType, path: &str, target: &str) {
    let mut h = header(kind, 0o777, 1_400_000_000);
    b.append_link(&mut h, path, target).unwrap();
}

// ----------------------------------------------------------- the sandbox

/// `top/dest` is the layer directory; `top/sentinel` and `top/secret` are
/// what hostile layers try to reach.
struct Sandbox {
    _tmp: tempfile::TempDir,
    top: PathBuf,
    dest: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        let top = tmp.path().to_path_buf();
        let dest = top.join("dest");
        fs::create_dir(&dest).unwrap();
        fs::create_dir_all(top.join("sentinel/sub")).unwrap();
        fs::write(top.join("sentinel/secret"), "keep").unwrap();
        fs::write(top.join("sentinel/sub/inner"), "keep too").unwrap();
        fs::write(top.join("secret"), "top secret").unwrap();
        Sandbox {
            _tmp: tmp,
            top,
            dest,
        }
    }

    /// An absolute path to something outside `dest`, as tar name bytes.
    fn abs(&self, rel: &str) -> String {
        self.top.join(rel).to_str().unwrap().to_string()
    }

    fn unpack(&self, tar: &[u8]) -> Result<UnpackReport, UnpackError> {
        unpack_layer(tar, &self.dest, &opts())
    }

    /// Unpacks `tar` and asserts nothing outside `dest` changed.
    fn confined(&self, tar: &[u8]) -> Result<UnpackReport, UnpackError> {
        self.confined_reader(tar)
    }

    fn confined_reader(&self, tar: impl Read) -> Result<UnpackReport, UnpackError> {
        let before = snapshot(&self.top, &self.dest);
        let result = unpack_layer(tar, &self.dest, &opts());
        assert_eq!(
            before,
            snapshot(&self.top, &self.dest),
            "outside of dest changed; result {result:?}"
        );
        result
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dest.join(rel)
    }
}

/// Everything below `top` except `skip`: type, mode, links, size, mtime and
/// content or link target.
fn snapshot(top: &Path, skip: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![top.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path == skip {
                continue;
            }
            let md = fs::symlink_metadata(&path).unwrap();
            let what = if md.is_dir() {
                todo.push(path.clone());
                String::from("dir")
            } else if md.file_type().is_symlink() {
                format!("-> {:?}", fs::read_link(&path).unwrap())
            } else {
                format!("{:?}", fs::read(&path).unwrap())
            };
            let line = format!(
                "{:o} {}:{} n{} s{} t{} {what}",
                md.mode(),
                md.uid(),
                md.gid(),
                md.nlink(),
                md.size(),
                md.mtime()
            );
            out.insert(path, line);
        }
    }
    out
}

fn message(result: Result<UnpackReport, UnpackError>) -> String {
    match result {
        Ok(report) => panic!("expected an error, got {report:?}"),
        Err(e) => e.to_string(),
    }
}

fn xattr(path: &Path, name: &str) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    let n = rustix::fs::lgetxattr(path, name, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

// ------------------------------------------------------------ ordinary

/// `vfs_cap_data` revision 2, effective, permitted = CAP_NET_RAW (bit 13).
const CAP_NET_RAW_XATTR: [u8; 20] = [
    0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

#[test]
fn normal_layer() {
    let sb = Sandbox::new();
    let mut b = Builder::new(Vec::new());
    add_dir(&mut b, "./", 0o750);
    add_dir(&mut b, "etc/", 0o755);
    add_file(&mut b, "etc/hosts", 0o644, b"127.0.0.1 localhost\n");
    add_link(&mut b, EntryType::Link, "etc/hosts.hard", "etc/hosts");
    add_link(&mut b, EntryType::Symlink, "etc/hosts.sym", "hosts");
    add_link(&mut b, EntryType::Symlink, "abs", "/etc/hosts");
    add_link(&mut b, EntryType::Symlink, "dangling", "/no/such/file");
    // bin/ has no entry of its own: created implicitly.
    add_file(&mut b, "bin/su", 0o4755, b"#!/bin/false\n");
    add_file(&mut b, "bin/wall", 0o2755, b"#!/bin/false\n");
    add_dir(&mut b, "tmp/", 0o1777);
    // A read-only directory that still gets a file after it.
    add_dir(&mut b, "ro/", 0o555);
    add_file(&mut b, "ro/file", 0o444, b"ro");
    let long = format!("{}/file", "d".repeat(150));
    add_file(&mut b, &long, 0o600, b"long");
    let mut fifo = header(EntryType::Fifo, 0o640, 1_300_000_000);
    b.append_data(&mut fifo, "run/fifo", io::empty()).unwrap();
    let mut owned = header(EntryType::Regular, 0o600, 1_500_000_000);
    owned.set_uid(1234);
    owned.set_gid(5678);
    owned.set_size(1);
    b.append_data(&mut owned, "owned", &b"o"[..]).unwrap();
    let mut null = header(EntryType::Char, 0o666, 1_500_000_000);
    null.set_device_major(1).unwrap();
    null.set_device_minor(3).unwrap();
    b.append_data(&mut null, "dev/null", io::empty()).unwrap();
    // Xattrs and a sub-second mtime from PAX records.
    b.get_mut().extend(pax(&[
        ("SCHILY.xattr.user.x", b"hello"),
        ("SCHILY.xattr.user.overlay.opaque", b"y"),
        ("SCHILY.xattr.trusted.x", b"ignored"),
        ("mtime", b"1500000000.25"),
        ("SCHILY.xattr.security.capability", &CAP_NET_RAW_XATTR),
    ]));
    add_file(&mut b, "etc/xattr", 0o644, b"x");
    let big = vec![7u8; 3 * 1024 * 1024 + 17];
    add_file(&mut b, "big", 0o644, &big);
    let tar = b.into_inner().unwrap();

    let report = sb.confined(&tar).unwrap();
    assert_eq!(report.entries, 18);
    assert_eq!(
        report.bytes,
        (20 + 13 + 13 + 2 + 4 + 1 + 1 + big.len()) as u64
    );

    let md = |rel: &str| fs::symlink_metadata(sb.path(rel)).unwrap();
    assert_eq!(
        fs::read(sb.path("etc/hosts")).unwrap(),
        b"127.0.0.1 localhost\n"
    );
    assert_eq!(md("etc/hosts").mode() & 0o7777, 0o644);
    assert_eq!(md("etc/hosts").mtime(), 1_500_000_000);
    assert_eq!(md("etc/hosts").nlink(), 2);
    assert_eq!(md("etc/hosts").ino(), md("etc/hosts.hard").ino());
    assert_eq!(
        fs::read_link(sb.path("etc/hosts.sym")).unwrap(),
        Path::new("hosts")
    );
    assert_eq!(md("etc/hosts.sym").mtime(), 1_400_000_000);
    assert_eq!(
        fs::read_link(sb.path("abs")).unwrap(),
        Path::new("/etc/hosts")
    );
    assert_eq!(
        fs::read_link(sb.path("dangling")).unwrap(),
        Path::new("/no/such/file")
    );
    assert_eq!(md("bin").mode() & 0o7777, 0o755);
    assert_eq!(md("bin/su").mode() & 0o7777, 0o4755);
    assert_eq!(md("bin/wall").mode() & 0o7777, 0o2755);
    assert_eq!(md("tmp").mode() & 0o7777, 0o1777);
    assert_eq!(md("ro").mode() & 0o7777, 0o555);
    assert_eq!(fs::read(sb.path("ro/file")).unwrap(), b"ro");
    assert_eq!(fs::read(sb.path(&long)).unwrap(), b"long");
    assert!(md("run/fifo").file_type().is_fifo());
    assert_eq!(md("run/fifo").mode() & 0o7777, 0o640);
    assert_eq!(md("run/fifo").mtime(), 1_300_000_000);
    // Directory times and modes survive the children created after them.
    assert_eq!(md("etc").mtime(), 1_600_000_000);
    assert_eq!(md("ro").mtime(), 1_600_000_000);
    assert_eq!(md("").mode() & 0o7777, 0o750);
    assert_eq!(md("").mtime(), 1_600_000_000);
    assert_eq!(md("etc/xattr").mtime(), 1_500_000_000);
    assert_eq!(md("etc/xattr").mtime_nsec(), 250_000_000);
    assert_eq!(
        xattr(&sb.path("etc/xattr"), "user.x").as_deref(),
        Some(&b"hello"[..])
    );
    assert_eq!(xattr(&sb.path("etc/xattr"), "user.overlay.opaque"), None);
    // Best effort: only root (CAP_SETFCAP) gets file capabilities.
    let caps = xattr(&sb.path("etc/xattr"), "security.capability");
    if is_root() {
        assert_eq!(caps.as_deref(), Some(&CAP_NET_RAW_XATTR[..]));
    } else {
        assert_eq!(caps, None);
    }
    assert_eq!(fs::read(sb.path("big")).unwrap(), big);
    if is_root() {
        assert_eq!((md("owned").uid(), md("owned").gid()), (1234, 5678));
        assert!(md("dev/null").file_type().is_char_device());
        assert_eq!(md("dev/null").rdev(), rustix::fs::makedev(1, 3));
        assert!(report.skipped_devices.is_empty());
    } else {
        let me = rustix::process::geteuid().as_raw();
        assert_eq!(md("owned").uid(), me);
        assert_eq!(report.skipped_devices, vec!["dev/null".to_string()]);
        assert!(!sb.path("dev/null").exists());
    }
}

#[test]
fn whiteouts() {
    let sb = Sandbox::new();
    let mut b = Builder::new(Vec::new());
    add_dir(&mut b, "a/", 0o755);
    add_file(&mut b, "a/.wh.gone", 0o644, b"");
    // A whiteout replaces whatever this layer had put there, trees included.
    add_dir(&mut b, "a/tree/", 0o755);
    add_dir(&mut b, "a/tree/sub/", 0o555);
    add_file(&mut b, "a/tree/sub/f", 0o444, b"f");
    add_file(&mut b, "a/.wh.tree", 0o644, b"");
    add_dir(&mut b, "opaque/", 0o755);
    add_file(&mut b, "opaque/.wh..wh..opq", 0o644, b"");
    add_file(&mut b, "implicit/.wh..wh..opq", 0o644, b"");
    add_file(&mut b, ".wh..wh.plnk/123.456", 0o644, b"aufs");
    let tar = b.into_inner().unwrap();
    sb.confined(&tar).unwrap();

    for rel in ["a/gone", "a/tree"] {
        let md = fs::symlink_metadata(sb.path(rel)).unwrap();
        assert!(md.file_type().is_char_device(), "{rel}");
        assert_eq!(md.rdev(), 0, "{rel}");
    }
    assert!(!sb.path("a/.wh.gone").exists());
    assert_eq!(
        xattr(&sb.path("opaque"), "user.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    assert_eq!(
        xattr(&sb.path("implicit"), "user.overlay.opaque").as_deref(),
        Some(&b"y"[..])
    );
    assert_eq!(
        fs::symlink_metadata(sb.path("implicit")).unwrap().mode() & 0o7777,
        0o755
    );
    assert!(!sb.path(".wh..wh.plnk").exists());
    assert!(!sb.path("opaque/.wh..wh..opq").exists());
}

#[test]
fn replaces_existing_entries() {
    let sb = Sandbox::new();
    let mut b = Builder::new(Vec::new());
    add_dir(&mut b, "x/", 0o700);
    add_file(&mut b, "x/old", 0o644, b"old");
    // Same directory again: kept, contents stay, metadata updated.
    add_dir(&mut b, "x/", 0o711);
    add_file(&mut b, "f", 0o644, b"first");
    add_file(&mut b, "f", 0o600, b"second");
    // A directory replaced by a file, a file replaced by a directory.
    add_dir(&mut b, "d/", 0o755);
    add_file(&mut b, "d/inner", 0o644, b"inner");
    add_file(&mut b, "d", 0o644, b"now a file");
    add_file(&mut b, "e", 0o644, b"file");
    add_dir(&mut b, "e/", 0o755);
    let tar = b.into_inner().unwrap();
    sb.confined(&tar).unwrap();
    assert_eq!(fs::read(sb.path("x/old")).unwrap(), b"old");
    assert_eq!(fs::metadata(sb.path("x")).unwrap().mode() & 0o7777, 0o711);
    assert_eq!(fs::read(sb.path("f")).unwrap(), b"second");
    assert_eq!(fs::read(sb.path("d")).unwrap(), b"now a file");
    assert!(fs::metadata(sb.path("e")).unwrap().is_dir());
}

#[test]
fn deep_tree_is_removed_without_recursion() {
    let sb = Sandbox::new();
    let mut tar = Vec::new();
    // 2100 levels (deeper than PATH_MAX allows to name), reached through
    // symlinks so that each name stays short.
    let chunk = vec!["d"; 700].join("/");
    tar.extend(raw(EntryType::Directory, b"deep/", b"", b""));
    let mut prefix = String::from("deep");
    for i in 0..3 {
        let path = format!("{prefix}/{chunk}");
        tar.extend(pax(&[("path", path.as_bytes())]));
        tar.extend(raw(EntryType::Directory, b"x", b"", b""));
        let hop = format!("hop{i}");
        let target = format!("/{path}");
        tar.extend(pax(&[("linkpath", target.as_bytes())]));
        tar.extend(raw(EntryType::Symlink, hop.as_bytes(), b"", b""));
        prefix = hop;
    }
    tar.extend(raw(EntryType::Regular, b"deep", b"", b"flat"));
    let tar = end(tar);
    sb.confined(&tar).unwrap();
    assert_eq!(fs::read(sb.path("deep")).unwrap(), b"flat");
}

#[test]
fn reads_the_stream_to_eof() {
    struct Counting<R>(R, std::rc::Rc<std::cell::Cell<usize>>);
    impl<R: Read> Read for Counting<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.set(self.1.get() + n);
            Ok(n)
        }
    }
    let sb = Sandbox::new();
    let mut b = Builder::new(Vec::new());
    add_file(&mut b, "f", 0o644, b"data");
    let mut tar = b.into_inner().unwrap();
    tar.resize(10240, 0);
    tar.extend_from_slice(b"trailing bytes");
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    unpack_layer(Counting(&tar[..], seen.clone()), &sb.dest, &opts()).unwrap();
    assert_eq!(seen.get(), tar.len());
}

#[test]
fn compressed_layer() {
    use std::io::Write;
    let sb = Sandbox::new();
    let mut b = Builder::new(Vec::new());
    add_file(&mut b, "etc/os-release", 0o644, b"ID=test\n");
    let tar = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    let gz = gz.finish().unwrap();
    let stream = decompressed(&gz[..]).unwrap();
    unpack_layer(stream, &sb.dest, &opts()).unwrap();
    assert_eq!(fs::read(sb.path("etc/os-release")).unwrap(), b"ID=test\n");
}

#[test]
fn global_pax_header_is_skipped_not_buffered() {
    let sb = Sandbox::new();
    let mut tar = raw(
        EntryType::XGlobalHeader,
        b"global",
        b"",
        &vec![b'g'; 3 << 20],
    );
    tar.extend(raw(EntryType::Regular, b"after", b"", b"ok"));
    let tar = end(tar);
    sb.confined(&tar).unwrap();
    assert_eq!(fs::read(sb.path("after")).unwrap(), b"ok");
}

// ------------------------------------------------------------- hostile

#[test]
fn dotdot_is_refused() {
    let sb = Sandbox::new();
    let tar = end(raw(EntryType::Regular, b"../secret", b"", b"pwned"));
    assert_eq!(
        message(sb.confined(&tar)),
        r#"layer entry "../secret": path escapes the layer"#
    );
    let tar = end(raw(EntryType::Regular, b"a/../../secret", b"", b"pwned"));
    assert!(message(sb.confined(&tar)).contains("path escapes the layer"));
    let tar = end(raw(EntryType::Directory, b"../newdir/", b"", b""));
    assert!(message(sb.confined(&tar)).contains("path escapes the layer"));
    assert!(!sb.top.join("newdir").exists());
}

#[test]
fn absolute_path_lands_inside() {
    let sb = Sandbox::new();
    let abs = sb.abs("sentinel/secret");
    let tar = end(raw(EntryType::Regular, abs.as_bytes(), b"", b"pwned"));
    sb.confined(&tar).unwrap();
    let inside = sb.dest.join(abs.trim_start_matches('/'));
    assert_eq!(fs::read(inside).unwrap(), b"pwned");
}

#[test]
fn symlink_to_outside_then_write_below_it() {
    for target in ["@ABS@", "../sentinel", "../../../../../.."] {
        let sb = Sandbox::new();
        let target = target.replace("@ABS@", &sb.abs("sentinel"));
        let mut tar = raw(EntryType::Symlink, b"link", target.as_bytes(), b"");
        tar.extend(raw(EntryType::Regular, b"link/secret", b"", b"pwned"));
        tar.extend(raw(EntryType::Regular, b"link/new", b"", b"pwned"));
        tar.extend(raw(EntryType::Directory, b"link/sub/", b"", b""));
        let result = sb.confined(&end(tar));
        if target.starts_with("../../") {
            // `..` stops at the layer root, as it does at `/`.
            result.unwrap();
            assert_eq!(fs::read(sb.path("secret")).unwrap(), b"pwned");
            assert!(sb.path("sub").is_dir());
        }
    }
}

#[test]
fn symlink_to_parent_lands_in_root() {
    let sb = Sandbox::new();
    let mut tar = raw(EntryType::Symlink, b"link", b"..", b"");
    tar.extend(raw(EntryType::Regular, b"link/file", b"", b"inside"));
    tar.extend(raw(EntryType::Symlink, b"up", b"../../../..", b""));
    tar.extend(raw(EntryType::Regular, b"up/secret", b"", b"inside too"));
    sb.confined(&end(tar)).unwrap();
    assert_eq!(fs::read(sb.path("file")).unwrap(), b"inside");
    assert_eq!(fs::read(sb.path("secret")).unwrap(), b"inside too");
}

#[test]
fn var_run_symlink_resolves_inside() {
    let sb = Sandbox::new();
    let mut tar = raw(EntryType::Directory, b"run/", b"", b"");
    tar.extend(raw(EntryType::Directory, b"var/", b"", b""));
    tar.extend(raw(EntryType::Symlink, b"var/run", b"/run", b""));
    tar.extend(raw(EntryType::Regular, b"var/run/x", b"", b"pid"));
    sb.confined(&end(tar)).unwrap();
    assert_eq!(fs::read(sb.path("run/x")).unwrap(), b"pid");
    assert!(
        fs::symlink_metadata(sb.path("var/run"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn hardlink_outside_is_refused() {
    let sb = Sandbox::new();
    let tar = end(raw(EntryType::Link, b"pw", b"../../etc/passwd", b""));
    assert_eq!(
        message(sb.confined(&tar)),
        r#"layer entry "pw": hardlink target: path escapes the layer"#
    );
    let abs = sb.abs("sentinel/secret");
    let tar = end(raw(EntryType::Link, b"pw", abs.as_bytes(), b""));
    assert!(message(sb.confined(&tar)).contains("hardlink target is missing"));
    // Through a symlinked parent: resolved inside, so missing.
    let mut tar = raw(EntryType::Symlink, b"s", sb.abs("sentinel").as_bytes(), b"");
    tar.extend(raw(EntryType::Link, b"h", b"s/secret", b""));
    assert!(message(sb.confined(&end(tar))).contains("hardlink target is missing"));
    let mut tar = raw(EntryType::Symlink, b"t", b"../sentinel", b"");
    tar.extend(raw(EntryType::Link, b"h", b"t/secret", b""));
    assert!(message(sb.confined(&end(tar))).contains("hardlink target is missing"));
}

#[test]
fn hardlink_to_directory_or_missing_is_refused() {
    let sb = Sandbox::new();
    let mut tar = raw(EntryType::Directory, b"dir/", b"", b"");
    tar.extend(raw(EntryType::Link, b"h", b"dir", b""));
    assert!(message(sb.confined(&end(tar))).contains("hardlink target is a directory"));
    let tar = end(raw(EntryType::Link, b"h2", b"nothing", b""));
    assert!(message(sb.confined(&tar)).contains("hardlink target is missing"));
    let tar = end(raw(EntryType::Link, b"h3", b"./", b""));
    assert!(message(sb.confined(&tar)).contains("hardlink target is a directory"));
}

#[test]
fn hardlink_to_outside_symlink_then_write_through_it() {
    let sb = Sandbox::new();
    let secret = sb.abs("sentinel/secret");
    let mut tar = raw(EntryType::Symlink, b"s", secret.as_bytes(), b"");
    tar.extend(raw(EntryType::Link, b"h", b"s", b""));
    tar.extend(raw(EntryType::Regular, b"h", b"", b"pwned"));
    tar.extend(raw(
        EntryType::Symlink,
        b"d",
        sb.abs("sentinel").as_bytes(),
        b"",
    ));
    tar.extend(raw(EntryType::Link, b"hd", b"d", b""));
    tar.extend(raw(EntryType::Regular, b"s", b"", b"pwned too"));
    let result = sb.confined(&end(tar.clone()));
    result.unwrap();
    assert_eq!(fs::read(sb.path("h")).unwrap(), b"pwned");
    assert_eq!(fs::read(sb.path("s")).unwrap(), b"pwned too");
    assert!(
        fs::symlink_metadata(sb.path("hd"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // Writing below the hardlinked symlink stays inside or fails.
    let sb = Sandbox::new();
    tar.extend(raw(EntryType::Regular, b"hd/secret", b"", b"pwned"));
    tar.extend(raw(EntryType::Regular, b"hd/sub/inner", b"", b"pwned"));
    let _ = sb.confined(&end(tar));
}

#[test]
fn planted_symlink_is_replaced_not_followed() {
    let sb = Sandbox::new();
    let secret = sb.abs("secret");
    let mut tar = raw(EntryType::Symlink, b"p", secret.as_bytes(), b"");
    tar.extend(raw(EntryType::Regular, b"p", b"", b"pwned"));
    tar.extend(raw(EntryType::Symlink, b"q", b"../secret", b""));
    tar.extend(raw(EntryType::Directory, b"q/", b"", b""));
    tar.extend(raw(EntryType::Symlink, b"r", b"../secret", b""));
    tar.extend(raw(EntryType::Fifo, b"r", b"", b""));
    tar.extend(raw(EntryType::Symlink, b"w", b"../secret", b""));
    tar.extend(raw(EntryType::Regular, b".wh.w", b"", b""));
    sb.confined(&end(tar)).unwrap();
    assert_eq!(fs::read(sb.path("p")).unwrap(), b"pwned");
    assert!(fs::symlink_metadata(sb.path("q")).unwrap().is_dir());
    assert!(
        fs::symlink_metadata(sb.path("r"))
            .unwrap()
            .file_type()
            .is_fifo()
    );
    assert!(
        fs::symlink_metadata(sb.path("w"))
            .unwrap()
            .file_type()
            .is_char_device()
    );
}

#[test]
fn symlink_replacing_directory_mid_stream() {
    for target in ["@ABS@", "../sentinel", "/"] {
        let sb = Sandbox::new();
        let target = target.replace("@ABS@", &sb.abs("sentinel"));
        let mut tar = raw(EntryType::Directory, b"d/", b"", b"");
        tar.extend(raw(EntryType::Regular, b"d/f", b"", b"f"));
        tar.extend(raw(EntryType::Symlink, b"d", target.as_bytes(), b""));
        tar.extend(raw(EntryType::Regular, b"d/secret", b"", b"pwned"));
        tar.extend(raw(EntryType::Regular, b"d/sub/inner", b"", b"pwned"));
        tar.extend(raw(EntryType::Regular, b"d/.wh.secret", b"", b""));
        tar.extend(raw(EntryType::Regular, b"d/.wh..wh..opq", b"", b""));
        let result = sb.confined(&end(tar));
        assert!(
            fs::symlink_metadata(sb.path("d"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
        if target == "/" {
            // Lands in the layer root.
            result.unwrap();
            assert!(
                fs::symlink_metadata(sb.path("secret"))
                    .unwrap()
                    .file_type()
                    .is_char_device()
            );
            assert_eq!(fs::read(sb.path("sub/inner")).unwrap(), b"pwned");
        }
    }
}

#[test]
fn whiteout_and_opaque_through_symlinks_stay_inside() {
    let sb = Sandbox::new();
    let mut tar = raw(EntryType::Symlink, b"w", sb.abs("sentinel").as_bytes(), b"");
    tar.extend(raw(EntryType::Regular, b"w/.wh.secret", b"", b""));
    let _ = sb.confined(&end(tar));
    let mut tar = raw(EntryType::Symlink, b"o", b"../sentinel", b"");
    tar.extend(raw(EntryType::Regular, b"o/.wh..wh..opq", b"", b""));
    let _ = sb.confined(&end(tar));
    assert_eq!(xattr(&sb.top.join("sentinel"), "user.overlay.opaque"), None);
    let tar = end(raw(EntryType::Regular, b"../.wh.secret", b"", b""));
    assert!(message(sb.confined(&tar)).contains("path escapes the layer"));
}

#[test]
fn huge_pax_header_is_refused_without_buffering() {
    let sb = Sandbox::new();
    let claimed = 10u64 << 30;
    let head = raw_header(EntryType::XHeader, b"PaxHeader", b"", claimed);
    // 10 GiB of "data" that is never materialised.
    let stream = io::Cursor::new(head).chain(io::repeat(b'a').take(claimed));
    let err = sb.confined_reader(stream).unwrap_err();
    assert!(matches!(err, UnpackError::HeaderTooLarge { .. }), "{err}");
    assert!(err.to_string().contains("exceed 1048576 bytes"), "{err}");

    for kind in [EntryType::GNULongName, EntryType::GNULongLink] {
        let head = raw_header(kind, b"././@LongLink", b"", claimed);
        let stream = io::Cursor::new(head).chain(io::repeat(b'a').take(claimed));
        let err = sb.confined_reader(stream).unwrap_err();
        assert!(matches!(err, UnpackError::HeaderTooLarge { .. }), "{err}");
    }
}

#[test]
fn pax_size_larger_than_data_is_truncation() {
    let sb = Sandbox::new();
    let mut tar = pax(&[("size", b"10737418240")]);
    tar.extend(raw(EntryType::Regular, b"big", b"", b"tiny"));
    let err = message(sb.confined(&end(tar)));
    assert!(err.starts_with(r#"layer entry "big": "#), "{err}");
}

#[test]
fn bad_names_are_refused() {
    let sb = Sandbox::new();
    let mut tar = pax(&[("path", b"a\0b")]);
    tar.extend(raw(EntryType::Regular, b"ignored", b"", b""));
    assert!(message(sb.confined(&end(tar))).contains("NUL"));
    let tar = end(raw(EntryType::Regular, b".", b"", b"x"));
    assert!(message(sb.confined(&tar)).contains("layer root"));
    let tar = end(raw(EntryType::Regular, b"a/.wh..", b"", b""));
    assert!(message(sb.confined(&tar)).contains("invalid whiteout name"));
    let tar = end(raw(EntryType::new(b'V'), b"volume", b"", b""));
    assert!(message(sb.confined(&tar)).contains("unsupported entry type 'V'"));
    let tar = end(raw(EntryType::Symlink, b"nolink", b"", b""));
    assert!(message(sb.confined(&tar)).contains("symlink without a target"));
}

#[test]
fn corrupt_stream_is_an_error() {
    let sb = Sandbox::new();
    let mut tar = raw(EntryType::Regular, b"f", b"", b"data");
    tar[0] ^= 1; // checksum mismatch
    assert!(message(sb.confined(&end(tar))).starts_with("reading layer tar stream"));
    let tar = raw(EntryType::Regular, b"f", b"", &[1u8; 2000]);
    assert!(sb.confined(&tar[..1000]).is_err());
}

#[test]
fn missing_dest_is_an_error() {
    let sb = Sandbox::new();
    let err = unpack_layer(&end(Vec::new())[..], &sb.top.join("nope"), &opts()).unwrap_err();
    assert!(
        err.to_string().starts_with("opening layer directory"),
        "{err}"
    );
    sb.unpack(&end(Vec::new())).unwrap();
}
