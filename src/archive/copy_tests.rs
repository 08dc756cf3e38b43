//! Tests of `cp`'s copy rules end to end inside one temporary root:
//! `open_source` and `send` into memory, then `receive` at the
//! destination, as the two sides of `rpod cp` do over their pipe.

use std::fs;
use std::os::fd::AsFd;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

use super::*;

/// Copies `src` to `dst`, both paths below `root`.
fn copy(root: &Path, src: &str, dst: &str, follow: bool) -> anyhow::Result<()> {
    let fd = confined::open_root(root)?;
    let (source, info) = open_source(fd.as_fd(), &CopyPath::parse(src.as_bytes()), follow, src)?;
    let mut stream = Vec::new();
    send(&mut stream, &source, &info)?;
    let opts = UnpackOptions {
        apply_owners: false,
    };
    receive(
        &stream[..],
        fd.as_fd(),
        &CopyPath::parse(dst.as_bytes()),
        &opts,
        dst,
    )?;
    Ok(())
}

/// A root holding `/src` (a file, a subdirectory, a symlink, a hardlink
/// and a FIFO), `/file` and the empty directory `/dir`.
fn fixture() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    fs::create_dir_all(r.join("src/sub")).unwrap();
    fs::write(r.join("src/a"), "a\n").unwrap();
    fs::write(r.join("src/sub/b"), "b\n").unwrap();
    fs::hard_link(r.join("src/a"), r.join("src/sub/hard")).unwrap();
    std::os::unix::fs::symlink("../a", r.join("src/sub/l")).unwrap();
    rustix::fs::mknodat(
        rustix::fs::CWD,
        r.join("src/fifo"),
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o640),
        0,
    )
    .unwrap();
    fs::write(r.join("file"), "file\n").unwrap();
    fs::create_dir(r.join("dir")).unwrap();
    tmp
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_directory_keeps_its_shape() {
    let tmp = fixture();
    let r = tmp.path();
    copy(r, "/src", "/new", false).unwrap();
    assert_eq!(read(r, "new/a"), "a\n");
    assert_eq!(read(r, "new/sub/b"), "b\n");
    assert_eq!(
        fs::read_link(r.join("new/sub/l")).unwrap(),
        Path::new("../a")
    );
    let (a, hard) = (r.join("new/a"), r.join("new/sub/hard"));
    assert_eq!(
        fs::metadata(a).unwrap().ino(),
        fs::metadata(hard).unwrap().ino()
    );
    let fifo = fs::symlink_metadata(r.join("new/fifo")).unwrap();
    assert!(fifo.file_type().is_fifo());
    assert_eq!(fifo.mode() & 0o777, 0o640);
}

#[test]
fn docker_placement_rules() {
    let tmp = fixture();
    let r = tmp.path();
    // A file: into an existing directory, as a new name, over a file.
    copy(r, "/src/a", "/dir", false).unwrap();
    assert_eq!(read(r, "dir/a"), "a\n");
    copy(r, "src/a", "renamed", false).unwrap();
    assert_eq!(read(r, "renamed"), "a\n");
    copy(r, "/src/sub/b", "/file", false).unwrap();
    assert_eq!(read(r, "file"), "b\n");
    // A directory: into an existing one under its name, or its contents.
    copy(r, "/src", "/dir/", false).unwrap();
    assert_eq!(read(r, "dir/src/sub/b"), "b\n");
    copy(r, "/src/sub/.", "/dir", false).unwrap();
    assert_eq!(read(r, "dir/b"), "b\n");
    copy(r, "/src/sub/.", "/fresh", false).unwrap();
    assert_eq!(read(r, "fresh/b"), "b\n");
    // A symlink is copied as one, or followed with -L (keeping its name).
    copy(r, "/src/sub/l", "/link-copy", false).unwrap();
    assert!(
        fs::symlink_metadata(r.join("link-copy"))
            .unwrap()
            .is_symlink()
    );
    copy(r, "/src/sub/l", "/followed", true).unwrap();
    assert_eq!(read(r, "followed"), "a\n");
    // A symlink as the destination is followed.
    std::os::unix::fs::symlink("dir", r.join("to-dir")).unwrap();
    copy(r, "/src/a", "/to-dir/via-link", false).unwrap();
    assert_eq!(read(r, "dir/via-link"), "a\n");
}

#[test]
fn refused_copies_say_why() {
    let tmp = fixture();
    let r = tmp.path();
    let err = |src: &str, dst: &str| copy(r, src, dst, false).unwrap_err().to_string();
    assert!(err("/src", "/file").contains("cannot copy a directory onto the file"));
    assert!(err("/src/a", "/nodir/").contains("does not exist"));
    assert!(err("/src/a", "/nodir/x").contains("could not find"));
    assert!(err("/missing", "/dir").contains("could not find /missing"));
    assert!(err("/file/", "/dir").contains("not a directory"));
    // A directory and a non-directory never replace each other.
    fs::create_dir_all(r.join("clash/a")).unwrap();
    let clash = format!("{:#}", copy(r, "/src/.", "/clash", false).unwrap_err());
    assert!(clash.contains("cannot replace a directory"), "{clash}");
}

#[test]
fn paths_stay_below_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("secret"), "host\n").unwrap();
    let r = tmp.path().join("root");
    fs::create_dir_all(r.join("tmp")).unwrap();
    fs::write(r.join("secret"), "inside\n").unwrap();
    std::os::unix::fs::symlink("../../../..", r.join("tmp/up")).unwrap();
    std::os::unix::fs::symlink("/", r.join("abs")).unwrap();
    copy(&r, "/tmp/up/secret", "/got", false).unwrap();
    assert_eq!(read(&r, "got"), "inside\n");
    copy(&r, "/abs/../../secret", "/got2", false).unwrap();
    assert_eq!(read(&r, "got2"), "inside\n");
    copy(&r, "/secret", "/abs/tmp/up/out", false).unwrap();
    assert_eq!(read(&r, "out"), "inside\n");
    assert!(!tmp.path().join("out").exists());
}
