//! Hostile layers change nothing outside their layer directory (DESIGN.md §5).
//!
//! Every case below is a tar stream built byte by byte in this file (most of
//! them carry names or sizes that `tar::Builder` refuses to write) and fed to
//! the real binary three ways: `rpod import` of the plain tar, `rpod import`
//! of it gzipped, and `rpod pull` of a one-layer OCI image that skopeo pushed
//! to the local registry. A case either expects a refusal (exit 125, exactly
//! one `Error: ` line naming the problem and free of raw control characters,
//! no panic, the store as it was apart from debris in `tmp/`) or a safe
//! landing inside the layer directory (checked entry by entry).
//!
//! Either way, the sentinels outside the store (a directory beside it and one
//! in /tmp, both writable by the test user, so only rpod's confinement
//! protects them), the innocent layer already in the store, and /etc/passwd
//! must be exactly as before: content hashes, modes, owners, link counts,
//! times and xattrs. Afterwards the same store must still pull busybox, and
//! removing every image must leave no layer, blob or debris behind.
//!
//! One test per way in runs the whole table, each case in a fresh store,
//! and reports every failing case at once; smaller tests check that
//! `image prune` clears debris, that a refused pull keeps no blob, and that
//! the fingerprint used for "nothing changed" would see an escape.
//!
//! Run as root with `RPOD_TEST_BIN` set (see `tests/common/mod.rs`); add
//! `--nocapture` to see the table of what rpod did with each case.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::TestEnv;
use serde_json::json;
use sha2::{Digest, Sha256};

// ---------------------------------------------------------------------------
// Tar streams, byte by byte.
// ---------------------------------------------------------------------------

/// A tar block.
const BLOCK: usize = 512;
/// The size the "enormous" headers claim: 10 GiB.
const HUGE: u64 = 10 << 30;
/// Junk that follows an enormous header: far more than rpod's 1 MiB header
/// budget, far less than the header claims.
const JUNK: usize = 4 << 20;

/// Whether a header carries the POSIX `ustar` magic (which `tar` needs to
/// treat `L`, `K` and `x` headers as extensions) or none (a v7 header).
#[derive(Clone, Copy)]
enum Magic {
    Ustar,
    V7,
}

/// One 512-byte tar header with a correct checksum. `name` and `link` must
/// fit their 100-byte fields; `size` is written in octal, or base-256 when
/// it does not fit (as GNU tar does for sizes of 8 GiB and more).
fn header(kind: u8, name: &[u8], link: &[u8], size: u64, magic: Magic) -> [u8; BLOCK] {
    assert!(name.len() <= 100 && link.len() <= 100, "name too long");
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name);
    let mode = match kind {
        b'5' => 0o755,
        b'2' => 0o777,
        _ => 0o644,
    };
    put_number(&mut h[100..108], mode);
    put_number(&mut h[108..116], 0);
    put_number(&mut h[116..124], 0);
    put_number(&mut h[124..136], size);
    put_number(&mut h[136..148], 1_700_000_000);
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link);
    if let Magic::Ustar = magic {
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
    }
    // The checksum is summed with its own field read as eight spaces.
    h[148..156].fill(b' ');
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    h
}

/// Writes `value` into a numeric header field: NUL-terminated octal, or
/// base-256 (first byte 0x80, big-endian value) when octal does not fit.
fn put_number(field: &mut [u8], value: u64) {
    let digits = field.len() - 1;
    let octal = format!("{value:0digits$o}");
    if octal.len() <= digits {
        field[..digits].copy_from_slice(octal.as_bytes());
        field[digits] = 0;
    } else {
        let len = field.len();
        field.fill(0);
        field[len - 8..].copy_from_slice(&value.to_be_bytes());
        field[0] = 0x80;
    }
}

/// One PAX record, `"<len> <key>=<value>\n"`, where `len` counts itself.
fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let rest = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut len = rest + 1;
    while len != rest + len.to_string().len() {
        len = rest + len.to_string().len();
    }
    let mut record = format!("{len} {key}=").into_bytes();
    record.extend_from_slice(value);
    record.push(b'\n');
    record
}

/// A tar stream under construction; every method appends and returns it.
#[derive(Default)]
struct Tar(Vec<u8>);

impl Tar {
    /// An entry with its data (padded to whole blocks). A name or link
    /// target longer than its 100-byte field goes into a PAX record.
    fn entry(self, kind: u8, name: &str, link: &str, data: &[u8]) -> Self {
        let long_name = name.len() > 100;
        let long_link = link.len() > 100;
        let mut records: Vec<(&str, &[u8])> = Vec::new();
        if long_name {
            records.push(("path", name.as_bytes()));
        }
        if long_link {
            records.push(("linkpath", link.as_bytes()));
        }
        let tar = if records.is_empty() {
            self
        } else {
            self.pax(&records)
        };
        let name_field = if long_name { "long-name" } else { name };
        let link_field = if long_link { "long-link" } else { link };
        let h = header(
            kind,
            name_field.as_bytes(),
            link_field.as_bytes(),
            data.len() as u64,
            Magic::Ustar,
        );
        tar.raw(&h).padded(data)
    }

    fn file(self, name: &str, content: &str) -> Self {
        self.entry(b'0', name, "", content.as_bytes())
    }

    fn dir(self, name: &str) -> Self {
        self.entry(b'5', name, "", b"")
    }

    fn symlink(self, name: &str, target: &str) -> Self {
        self.entry(b'2', name, target, b"")
    }

    fn hardlink(self, name: &str, target: &str) -> Self {
        self.entry(b'1', name, target, b"")
    }

    /// A PAX extended header (`x`) for the next entry.
    fn pax(self, records: &[(&str, &[u8])]) -> Self {
        let body: Vec<u8> = records.iter().flat_map(|(k, v)| pax_record(k, v)).collect();
        self.entry(b'x', "PaxHeaders/entry", "", &body)
    }

    /// A header claiming `size` bytes of data, without the data.
    fn claim(self, kind: u8, name: &str, size: u64, magic: Magic) -> Self {
        self.raw(&header(kind, name.as_bytes(), b"", size, magic))
    }

    /// Bytes as they are.
    fn raw(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// Bytes padded with zeros to a whole number of blocks.
    fn padded(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        let pad = (BLOCK - self.0.len() % BLOCK) % BLOCK;
        self.0.resize(self.0.len() + pad, 0);
        self
    }

    /// The stream with its two end-of-archive blocks.
    fn end(mut self) -> Vec<u8> {
        self.0.resize(self.0.len() + 2 * BLOCK, 0);
        self.0
    }

    /// The stream as it is, cut wherever it stands.
    fn cut(self) -> Vec<u8> {
        self.0
    }
}

/// `../`, then escape sequences that would set the terminal title, clear
/// the screen and turn the text red if printed raw.
const TERMINAL_ATTACK: &str = "../\x1b]2;owned\x07\x1b[2J\x1b[31mred";

/// Deterministic incompressible junk (xorshift).
fn junk(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", sha256_hex(bytes))
}

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Absolute paths outside the store that hostile entries aim at. All are
/// writable by the test user, i.e. by rpod, so only confinement saves them.
struct Targets {
    /// A sentinel directory beside the store (`<env>/outside`), which is
    /// also exactly `../../../../outside` seen from a layer's `diff/`.
    outside: String,
    /// A sentinel directory in /tmp.
    tmp: String,
    /// The unpacked tree of an innocent layer already in the store.
    victim: String,
}

/// How a case's tar reaches rpod.
enum Form {
    /// Imported plain and gzipped, pulled gzipped.
    Tar,
    /// Gzipped, then damaged by the function; imported and pulled damaged
    /// (the config names the diff ID of the intact tar).
    DamagedGzip(fn(Vec<u8>) -> Vec<u8>),
    /// An intact layer pulled under a config whose diff ID is wrong.
    WrongDiffId,
}

/// What rpod must do with a case.
enum Expect {
    /// Exit 125 and one `Error: ` line containing this text.
    Refused(&'static str),
    /// Success; the function checks the unpacked layer.
    Lands(fn(&LayerView, &Targets)),
}

/// One row of the table.
struct Case {
    /// Also part of the image name and registry repository: lower case.
    name: &'static str,
    /// Builds the uncompressed tar stream.
    build: fn(&Targets) -> Vec<u8>,
    form: Form,
    expect: Expect,
}

/// Every hostile (and a few merely awkward but valid) layers.
fn cases() -> Vec<Case> {
    use Expect::{Lands, Refused};
    use Form::{DamagedGzip, Tar as Plain, WrongDiffId};
    let case = |name, build, form, expect| Case {
        name,
        build,
        form,
        expect,
    };
    vec![
        // Names that climb out.
        case(
            "dotdot-file",
            |_| Tar::default().file("../outside-file", "pwned").end(),
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "dotdot-deep",
            |_| {
                Tar::default()
                    .file("../../../../outside/pwned", "pwned")
                    .end()
            },
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "dotdot-after-dir",
            |_| {
                Tar::default()
                    .dir("a/")
                    .file("a/../../../../../outside/pwned", "pwned")
                    .end()
            },
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "absolute-name",
            |_| Tar::default().file("/abs/path", "payload").end(),
            Plain,
            Lands(|layer, _| layer.file("abs/path", "payload")),
        ),
        case(
            "absolute-name-of-sentinel",
            |t| {
                Tar::default()
                    .file(&format!("{}/file1", t.outside), "pwned")
                    .end()
            },
            Plain,
            Lands(|layer, t| layer.file(&format!("{}/file1", &t.outside[1..]), "pwned")),
        ),
        // Symlinks, then writing through them.
        case(
            "symlink-to-etc-then-write",
            |_| {
                Tar::default()
                    .symlink("a", "/etc")
                    .file("a/passwd", "pwned")
                    .end()
            },
            Plain,
            Refused("a/passwd"),
        ),
        case(
            "symlink-to-etc-then-write-with-etc-in-layer",
            |_| {
                Tar::default()
                    .dir("etc/")
                    .symlink("a", "/etc")
                    .file("a/passwd", "layer passwd")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.symlink("a", "/etc");
                layer.file("etc/passwd", "layer passwd");
            }),
        ),
        case(
            "symlink-to-dotdot-then-write",
            |_| {
                Tar::default()
                    .symlink("a", "../../..")
                    .file("a/x", "landed")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.symlink("a", "../../..");
                layer.file("x", "landed");
            }),
        ),
        case(
            "symlink-to-sentinel-relative-then-write",
            |_| {
                Tar::default()
                    .symlink("a", "../../../../outside")
                    .file("a/pwned", "pwned")
                    .end()
            },
            Plain,
            Refused("a/pwned"),
        ),
        case(
            "symlink-to-sentinel-absolute-then-write",
            |t| {
                Tar::default()
                    .symlink("s", &t.outside)
                    .file("s/file1", "pwned")
                    .end()
            },
            Plain,
            Refused("s/file1"),
        ),
        case(
            "symlink-to-tmp-then-write",
            |t| {
                Tar::default()
                    .symlink("t", &t.tmp)
                    .file("t/pwned", "pwned")
                    .end()
            },
            Plain,
            Refused("t/pwned"),
        ),
        case(
            "symlink-to-other-layer-then-write",
            |t| {
                Tar::default()
                    .symlink("v", &t.victim)
                    .file("v/victim/file", "pwned")
                    .end()
            },
            Plain,
            Refused("v/victim/file"),
        ),
        case(
            "symlink-loop-then-write",
            |_| {
                Tar::default()
                    .symlink("a", "b")
                    .symlink("b", "a")
                    .file("a/x", "pwned")
                    .end()
            },
            Plain,
            Refused("a/x"),
        ),
        case(
            "var-run-absolute-symlink",
            |_| {
                Tar::default()
                    .dir("run/")
                    .dir("var/")
                    .symlink("var/run", "/run")
                    .file("var/run/x", "pid")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.symlink("var/run", "/run");
                layer.file("run/x", "pid");
            }),
        ),
        case(
            "var-run-relative-symlink",
            |_| {
                Tar::default()
                    .dir("run/")
                    .dir("var/")
                    .symlink("var/run", "../run")
                    .file("var/run/x", "pid")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.symlink("var/run", "../run");
                layer.file("run/x", "pid");
            }),
        ),
        // Hardlinks.
        case(
            "hardlink-to-etc-passwd",
            |_| Tar::default().hardlink("h", "/etc/passwd").end(),
            Plain,
            Refused("hardlink target is missing"),
        ),
        case(
            "hardlink-to-dotdot",
            |_| Tar::default().hardlink("h", "../outside").end(),
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "hardlink-through-symlink-to-etc",
            |_| {
                Tar::default()
                    .symlink("e", "/etc")
                    .hardlink("h", "e/passwd")
                    .end()
            },
            Plain,
            Refused("hardlink target is missing"),
        ),
        case(
            "hardlink-to-sentinel-absolute-then-write",
            |t| {
                Tar::default()
                    .hardlink("h", &format!("{}/file1", t.outside))
                    .file("h", "pwned")
                    .end()
            },
            Plain,
            Refused("hardlink target is missing"),
        ),
        case(
            "hardlink-to-symlink-to-outside-then-write",
            |t| {
                Tar::default()
                    .symlink("s", &format!("{}/file1", t.outside))
                    .hardlink("h", "s")
                    .file("h", "replaced")
                    .end()
            },
            Plain,
            Lands(|layer, t| {
                layer.symlink("s", &format!("{}/file1", t.outside));
                layer.file("h", "replaced");
            }),
        ),
        case(
            "hardlink-to-symlink-to-etc-passwd-then-write",
            |_| {
                Tar::default()
                    .symlink("s", "/etc/passwd")
                    .hardlink("h", "s")
                    .file("h", "replaced")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.symlink("s", "/etc/passwd");
                layer.file("h", "replaced");
            }),
        ),
        // A directory replaced by a symlink mid-stream.
        case(
            "dir-replaced-by-symlink-to-sentinel-then-write",
            |t| {
                Tar::default()
                    .dir("d/")
                    .file("d/f1", "one")
                    .dir("d/sub/")
                    .file("d/sub/f2", "two")
                    .symlink("d", &t.outside)
                    .file("d/new", "pwned")
                    .end()
            },
            Plain,
            Refused("d/new"),
        ),
        case(
            "dir-replaced-by-relative-symlink-then-write",
            |_| {
                Tar::default()
                    .dir("d/")
                    .file("d/f1", "one")
                    .symlink("d", "../../../../outside")
                    .file("d/file1", "pwned")
                    .end()
            },
            Plain,
            Refused("d/file1"),
        ),
        case(
            "dir-replaced-by-symlink-then-dir-again",
            |t| {
                Tar::default()
                    .dir("d/")
                    .file("d/f1", "one")
                    .symlink("d", &t.outside)
                    .dir("d/")
                    .file("d/new", "inside")
                    .end()
            },
            Plain,
            Lands(|layer, _| {
                layer.dir("d");
                layer.file("d/new", "inside");
                layer.absent("d/f1");
            }),
        ),
        // Whiteouts and opaque markers.
        case(
            "whiteout-dotdot",
            |_| Tar::default().file("../.wh.x", "").end(),
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "whiteout-of-dotdot",
            |_| Tar::default().dir("a/").file("a/.wh...", "").end(),
            Plain,
            Refused("invalid whiteout name"),
        ),
        case(
            "whiteout-through-symlink-to-etc",
            |_| {
                Tar::default()
                    .symlink("a", "/etc")
                    .file("a/.wh.passwd", "")
                    .end()
            },
            Plain,
            Refused("a/.wh.passwd"),
        ),
        case(
            "whiteout-through-symlink-to-sentinel",
            |t| {
                Tar::default()
                    .symlink("a", &t.outside)
                    .file("a/.wh.file1", "")
                    .end()
            },
            Plain,
            Refused("a/.wh.file1"),
        ),
        case(
            "whiteout-of-symlink-to-sentinel",
            |_| {
                Tar::default()
                    .symlink("s", "../../../../outside")
                    .file(".wh.s", "")
                    .end()
            },
            Plain,
            Lands(|layer, _| layer.whiteout("s")),
        ),
        case(
            "opaque-under-symlink-to-sentinel",
            |t| {
                Tar::default()
                    .symlink("o", &t.outside)
                    .file("o/.wh..wh..opq", "")
                    .end()
            },
            Plain,
            Refused("o/.wh..wh..opq"),
        ),
        case(
            "opaque-under-relative-symlink-to-sentinel",
            |_| {
                Tar::default()
                    .symlink("o", "../../../../outside")
                    .file("o/.wh..wh..opq", "")
                    .end()
            },
            Plain,
            Refused("o/.wh..wh..opq"),
        ),
        // Enormous headers.
        case(
            "pax-header-of-10-gib",
            |_| {
                Tar::default()
                    .claim(b'x', "PaxHeaders/huge", HUGE, Magic::Ustar)
                    .raw(&junk(JUNK))
                    .cut()
            },
            Plain,
            Refused("exceed"),
        ),
        case(
            "pax-size-record-of-10-gib",
            |_| {
                Tar::default()
                    .pax(&[("size", HUGE.to_string().as_bytes())])
                    .claim(b'0', "big", 0, Magic::Ustar)
                    .raw(&junk(JUNK))
                    .cut()
            },
            Plain,
            Refused("truncated"),
        ),
        case(
            "gnu-long-name-of-10-gib",
            |_| {
                Tar::default()
                    .claim(b'L', "././@LongLink", HUGE, Magic::Ustar)
                    .raw(&junk(JUNK))
                    .cut()
            },
            Plain,
            Refused("exceed"),
        ),
        case(
            "gnu-long-link-of-10-gib",
            |_| {
                Tar::default()
                    .claim(b'K', "././@LongLink", HUGE, Magic::Ustar)
                    .raw(&junk(JUNK))
                    .cut()
            },
            Plain,
            Refused("exceed"),
        ),
        case(
            "v7-pax-header-of-10-gib",
            |_| {
                Tar::default()
                    .claim(b'x', "PaxHeaders/huge", HUGE, Magic::V7)
                    .raw(&junk(JUNK))
                    .cut()
            },
            Plain,
            Refused("unsupported entry type"),
        ),
        case(
            "pax-path-of-600-kib",
            |_| {
                Tar::default()
                    .file(&("a/".repeat(300 * 1024) + "f"), "x")
                    .end()
            },
            Plain,
            Refused("File name too long"),
        ),
        case(
            "path-1000-levels-deep",
            |_| {
                Tar::default()
                    .file(&("d/".repeat(1000) + "f"), "deep")
                    .end()
            },
            Plain,
            Lands(|layer, _| layer.file(&("d/".repeat(1000) + "f"), "deep")),
        ),
        // Broken streams.
        case(
            "truncated-mid-file",
            |_| {
                Tar::default()
                    .file("ok", "fine")
                    .claim(b'0', "cut", 100_000, Magic::Ustar)
                    .raw(&junk(1000))
                    .cut()
            },
            Plain,
            Refused("truncated"),
        ),
        case(
            "truncated-mid-header",
            |_| {
                let next = header(b'0', b"next", b"", 0, Magic::Ustar);
                Tar::default().file("ok", "fine").raw(&next[..300]).cut()
            },
            Plain,
            Refused("Error: "),
        ),
        case(
            "not-a-tar",
            |_| junk(8 * BLOCK),
            Plain,
            Refused("reading layer tar stream"),
        ),
        // What the error line shows must not drive the user's terminal.
        case(
            "escape-sequences-in-escaping-name",
            |_| Tar::default().file(TERMINAL_ATTACK, "x").end(),
            Plain,
            Refused("path escapes the layer"),
        ),
        case(
            "escape-sequences-in-corrupt-header",
            |_| {
                let name = &TERMINAL_ATTACK.as_bytes()[3..];
                let mut h = header(b'0', name, b"", 0, Magic::Ustar);
                h[148..156].copy_from_slice(b"zzzzzz\0 ");
                Tar::default().raw(&h).end()
            },
            Plain,
            Refused("cksum"),
        ),
        case(
            "gzip-with-invalid-deflate-block",
            |_| Tar::default().file("ok", "fine").end(),
            DamagedGzip(|gz| {
                // Keep the 10-byte gzip header; 0xff starts a final block
                // of the reserved type 3.
                let mut bad = gz[..10].to_vec();
                bad.extend_from_slice(&[0xff; 64]);
                bad
            }),
            Refused("Error: "),
        ),
        case(
            "gzip-with-wrong-crc",
            |_| Tar::default().file("ok", "fine").end(),
            DamagedGzip(|mut gz| {
                let crc = gz.len() - 8;
                gz[crc] ^= 0xff;
                gz
            }),
            Refused("Error: "),
        ),
        case(
            "gzip-truncated",
            |_| {
                Tar::default()
                    .file("big", &"0123456789abcdef".repeat(8192))
                    .end()
            },
            DamagedGzip(|mut gz| {
                gz.truncate(gz.len() / 2);
                gz
            }),
            Refused("Error: "),
        ),
        case(
            "diff-id-mismatch",
            |_| Tar::default().file("ok", "fine").end(),
            WrongDiffId,
            Refused("does not match"),
        ),
    ]
}

// ---------------------------------------------------------------------------
// Looking at the results.
// ---------------------------------------------------------------------------

/// The unpacked tree of the layer a successful case produced.
struct LayerView(PathBuf);

impl LayerView {
    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// Everything in the layer, for failure messages.
    fn listing(&self) -> String {
        let mut paths: Vec<String> = fingerprint(&self.0, &[], false).into_keys().collect();
        paths.truncate(50);
        paths.join("\n")
    }

    fn fail(&self, what: String) -> ! {
        panic!("{what}; the layer holds:\n{}", self.listing())
    }

    /// `rel` is a regular file holding `content`.
    fn file(&self, rel: &str, content: &str) {
        match std::fs::symlink_metadata(self.path(rel)) {
            Ok(m) if m.is_file() => {}
            other => self.fail(format!("{rel} is not a regular file: {other:?}")),
        }
        let actual = std::fs::read(self.path(rel)).unwrap();
        if actual != content.as_bytes() {
            self.fail(format!(
                "{rel} holds {:?}, not {content:?}",
                String::from_utf8_lossy(&actual)
            ));
        }
    }

    /// `rel` is a directory.
    fn dir(&self, rel: &str) {
        match std::fs::symlink_metadata(self.path(rel)) {
            Ok(m) if m.is_dir() => {}
            other => self.fail(format!("{rel} is not a directory: {other:?}")),
        }
    }

    /// `rel` is a symlink to `target`.
    fn symlink(&self, rel: &str, target: &str) {
        match std::fs::read_link(self.path(rel)) {
            Ok(t) if t == Path::new(target) => {}
            other => self.fail(format!("{rel} is not a symlink to {target}: {other:?}")),
        }
    }

    /// `rel` is an overlay whiteout (a 0:0 character device).
    fn whiteout(&self, rel: &str) {
        match std::fs::symlink_metadata(self.path(rel)) {
            Ok(m) if m.file_type().is_char_device() && m.rdev() == 0 => {}
            other => self.fail(format!("{rel} is not a whiteout: {other:?}")),
        }
    }

    /// Nothing is at `rel`.
    fn absent(&self, rel: &str) {
        if let Ok(m) = std::fs::symlink_metadata(self.path(rel)) {
            self.fail(format!("{rel} should not exist: {m:?}"));
        }
    }
}

/// Describes every path at and below `root` (skipping the top-level names
/// in `skip`): type, mode, owner, link count, size, content hash, symlink
/// target, device number and xattrs, plus mtime and ctime in nanoseconds
/// when `times` is set. A hardlink made to a file shows in its link count
/// and ctime, an xattr set on a directory in its xattrs.
fn fingerprint(root: &Path, skip: &[&str], times: bool) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(path) = pending.pop() {
        let rel = path.strip_prefix(root).unwrap().display().to_string();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            out.insert(rel, "missing".to_string());
            continue;
        };
        let ft = meta.file_type();
        let mut line = format!(
            "mode={:o} owner={}:{} nlink={} size={}",
            meta.mode(),
            meta.uid(),
            meta.gid(),
            if ft.is_dir() { 0 } else { meta.nlink() },
            if ft.is_dir() { 0 } else { meta.size() },
        );
        if times {
            line += &format!(
                " mtime={}.{:09} ctime={}.{:09}",
                meta.mtime(),
                meta.mtime_nsec(),
                meta.ctime(),
                meta.ctime_nsec()
            );
        }
        if ft.is_file() {
            line += &format!(" sha256={}", sha256_hex(&std::fs::read(&path).unwrap()));
        } else if ft.is_symlink() {
            line += &format!(" -> {}", std::fs::read_link(&path).unwrap().display());
        } else if ft.is_char_device() || ft.is_block_device() {
            line += &format!(" rdev={}", meta.rdev());
        }
        line += &xattrs(&path);
        if ft.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                let entry = entry.unwrap();
                let top = path == root;
                if !(top && skip.iter().any(|s| entry.file_name() == *s)) {
                    pending.push(entry.path());
                }
            }
        }
        out.insert(rel, line);
    }
    out
}

/// ` xattr:NAME=HEX…` for every extended attribute of `path` itself.
fn xattrs(path: &Path) -> String {
    let mut names = vec![0u8; 65536];
    let Ok(len) = rustix::fs::llistxattr(path, &mut names[..]) else {
        return String::new();
    };
    let mut out = String::new();
    for name in names[..len].split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let name = String::from_utf8_lossy(name).into_owned();
        let mut value = vec![0u8; 65536];
        let value = match rustix::fs::lgetxattr(path, name.as_str(), &mut value[..]) {
            Ok(n) => sha256_hex(&value[..n]),
            Err(e) => format!("error {e}"),
        };
        out += &format!(" xattr:{name}={value}");
    }
    out
}

/// What differs between two fingerprints, one line per path.
fn changes(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, was) in before {
        match after.get(path) {
            None => out.push(format!("removed {path}: {was}")),
            Some(now) if now != was => out.push(format!("changed {path}: {was} => {now}")),
            Some(_) => {}
        }
    }
    for (path, now) in after {
        if !before.contains_key(path) {
            out.push(format!("added {path}: {now}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// One test world: an environment, its sentinels, an innocent image.
// ---------------------------------------------------------------------------

/// Distinguishes names made by this test process (registry repositories,
/// /tmp sentinels).
static SERIAL: AtomicUsize = AtomicUsize::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    )
}

/// The innocent layer imported into every store before the hostile one.
fn victim_tar() -> Vec<u8> {
    Tar::default()
        .dir("victim/")
        .file("victim/file", "innocent")
        .end()
}

/// A fresh `TestEnv` with sentinel directories beside the store and in
/// /tmp (owned by the test user) and an innocent image in the store.
struct World {
    env: TestEnv,
    targets: Targets,
    tmp_sentinel: PathBuf,
}

impl World {
    fn new() -> Self {
        let env = TestEnv::new();
        let outside = env.dir.join("outside");
        env.write_file(&outside.join("file1"), b"sentinel one");
        env.write_file(&outside.join("sub/file2"), b"sentinel two");
        std::os::unix::fs::symlink("file1", outside.join("link")).unwrap();
        // The home directory belongs to the test user: so will the rest.
        let owner = std::fs::metadata(env.home()).unwrap();
        let (uid, gid) = (owner.uid(), owner.gid());
        std::os::unix::fs::lchown(outside.join("link"), Some(uid), Some(gid)).unwrap();
        let tmp_sentinel = PathBuf::from("/tmp").join(unique("rpod-hostile"));
        std::fs::create_dir(&tmp_sentinel).unwrap();
        std::fs::write(tmp_sentinel.join("file1"), "sentinel in tmp").unwrap();
        for p in [tmp_sentinel.join("file1"), tmp_sentinel.clone()] {
            std::os::unix::fs::lchown(&p, Some(uid), Some(gid)).unwrap();
        }

        let victim = victim_tar();
        let victim_file = env.dir.join("input/victim.tar");
        env.write_file(&victim_file, &victim);
        env.ok(&["import", victim_file.to_str().unwrap(), "victim:latest"]);
        let victim_dir = env
            .store()
            .join("layers")
            .join(sha256_hex(&victim))
            .join("diff");
        assert!(victim_dir.join("victim/file").is_file());
        let targets = Targets {
            outside: outside.display().to_string(),
            tmp: tmp_sentinel.display().to_string(),
            victim: victim_dir.display().to_string(),
        };
        World {
            env,
            targets,
            tmp_sentinel,
        }
    }

    /// Everything outside the store a hostile layer might reach: the test
    /// directory except the store and runtime dir, the /tmp sentinel and
    /// /etc/passwd, with times.
    fn outside(&self) -> BTreeMap<String, String> {
        let mut all = BTreeMap::new();
        for (prefix, root, skip) in [
            ("env", self.env.dir.as_path(), &["store", "run"][..]),
            ("tmp", self.tmp_sentinel.as_path(), &[][..]),
            ("/etc/passwd", Path::new("/etc/passwd"), &[][..]),
        ] {
            for (path, line) in fingerprint(root, skip, true) {
                all.insert(format!("{prefix}:{path}"), line);
            }
        }
        all
    }

    /// The store apart from `tmp/` (debris is allowed there) and `locks/`
    /// (empty lock files), without times (an identical rewrite is fine).
    fn store(&self) -> BTreeMap<String, String> {
        fingerprint(&self.env.store(), &["tmp", "locks"], false)
    }

    /// `rpod images -q --no-trunc`, one id per line.
    fn images(&self) -> String {
        self.env.ok(&["images", "-q", "--no-trunc"])
    }

    fn layer(&self, diff_id_hex: &str) -> LayerView {
        LayerView(
            self.env
                .store()
                .join("layers")
                .join(diff_id_hex)
                .join("diff"),
        )
    }

    /// Pulls busybox into the same store, then removes every image and
    /// checks that no layer, blob or debris is left.
    fn pull_busybox_then_remove_all(&self) {
        let busybox = self.env.image("library/busybox:latest");
        let id = self.env.ok(&["pull", "-q", &busybox]);
        assert_eq!(id.trim().len(), 64, "{id}");
        let images = self.images();
        assert!(images.contains(id.trim()), "{images}");
        let mut ids: Vec<&str> = images.lines().collect();
        ids.dedup();
        let mut args = vec!["rmi", "-f"];
        args.extend(ids);
        self.env.ok(&args);
        assert_eq!(self.images(), "");
        for dir in ["layers", "blobs/sha256", "tmp"] {
            let left: Vec<_> = std::fs::read_dir(self.env.store().join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            assert!(left.is_empty(), "store/{dir} still holds {left:?}");
        }
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.tmp_sentinel);
    }
}

// ---------------------------------------------------------------------------
// Feeding a case to rpod.
// ---------------------------------------------------------------------------

/// The three ways in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `rpod import layer.tar NAME`.
    Import,
    /// `rpod import layer.tar.gz NAME`.
    ImportGzip,
    /// `rpod pull` of an image skopeo pushed to the plain registry.
    Pull,
}

/// Go's name for this machine's architecture, as image configs use it.
fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// Writes a one-layer OCI image layout (gzip layer `blob`, a config listing
/// `diff_id`) and pushes it with skopeo, as root, to a repository of its
/// own on the plain registry.
fn push_image(case: &str, blob: &[u8], diff_id: &str) -> Pushed {
    let layout = tempfile::Builder::new()
        .prefix("hostile-oci-")
        .tempdir_in("/var/tmp")
        .unwrap();
    let blobs = layout.path().join("blobs/sha256");
    std::fs::create_dir_all(&blobs).unwrap();
    let put = |bytes: &[u8]| {
        std::fs::write(blobs.join(sha256_hex(bytes)), bytes).unwrap();
        json!({ "digest": sha256_of(bytes), "size": bytes.len() })
    };
    let layer = put(blob);
    let config = serde_json::to_vec(&json!({
        "architecture": go_arch(),
        "os": "linux",
        "config": {},
        "rootfs": { "type": "layers", "diff_ids": [diff_id] },
        "history": [{ "created_by": format!("hostile_layers test: {case}") }],
    }))
    .unwrap();
    let config_hex = sha256_hex(&config);
    let config = put(&config);
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": config["digest"],
            "size": config["size"],
        },
        "layers": [{
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": layer["digest"],
            "size": layer["size"],
        }],
    }))
    .unwrap();
    let manifest = put(&manifest);
    let index = json!({
        "schemaVersion": 2,
        "manifests": [{
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest["digest"],
            "size": manifest["size"],
            "annotations": { "org.opencontainers.image.ref.name": "v1" },
        }],
    });
    std::fs::write(layout.path().join("index.json"), index.to_string()).unwrap();
    std::fs::write(
        layout.path().join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let reference = format!(
        "{}/{}:v1",
        common::registry(),
        unique(&format!("hostile/{case}"))
    );
    let out = Command::new("skopeo")
        .args([
            "copy",
            "--quiet",
            "--insecure-policy",
            "--dest-tls-verify=false",
        ])
        .arg(format!("oci:{}:v1", layout.path().display()))
        .arg(format!("docker://{reference}"))
        .output()
        .expect("run skopeo");
    assert!(
        out.status.success(),
        "skopeo copy to {reference} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Pushed {
        reference,
        config_hex,
    }
}

/// An image on the registry.
struct Pushed {
    /// What to pull.
    reference: String,
    /// The hex digest of its config blob.
    config_hex: String,
}

/// What rpod is given for a case in a mode: the bytes (a file to import or
/// a layer blob to push) and the diff ID the image config claims. `None`
/// when the case does not apply to the mode.
fn input(case: &Case, mode: Mode, tar: &[u8]) -> Option<(Vec<u8>, String)> {
    let diff_id = sha256_of(tar);
    match (&case.form, mode) {
        (Form::Tar, Mode::Import) => Some((tar.to_vec(), diff_id)),
        (Form::Tar, _) => Some((gzip(tar), diff_id)),
        (Form::DamagedGzip(_), Mode::Import) => None,
        (Form::DamagedGzip(damage), _) => Some((damage(gzip(tar)), diff_id)),
        (Form::WrongDiffId, Mode::Pull) => Some((gzip(tar), sha256_of(b"some other layer"))),
        (Form::WrongDiffId, _) => None,
    }
}

/// Runs one case in one mode in a fresh world and checks everything; returns
/// what rpod did, for the summary, or `None` when the case does not apply.
fn run_case(case: &Case, mode: Mode) -> Option<String> {
    let world = World::new();
    let tar = (case.build)(&world.targets);
    let (bytes, diff_id) = input(case, mode, &tar)?;
    let mut config_blob = None;
    let args: Vec<String> = match mode {
        Mode::Import | Mode::ImportGzip => {
            let file = world.env.dir.join(match mode {
                Mode::Import => "input/layer.tar",
                _ => "input/layer.tar.gz",
            });
            world.env.write_file(&file, &bytes);
            let name = format!("hostile-{}:{mode:?}", case.name).to_lowercase();
            vec!["import".into(), file.display().to_string(), name]
        }
        Mode::Pull => {
            let pushed = push_image(case.name, &bytes, &diff_id);
            config_blob = Some(format!("added blobs/sha256/{}:", pushed.config_hex));
            vec!["pull".into(), "-q".into(), pushed.reference]
        }
    };

    let images_before = world.images();
    let store_before = world.store();
    let outside_before = world.outside();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = world.env.rpod(&args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let lower = stderr.to_lowercase();
    assert!(
        !lower.contains("panicked") && !lower.contains("backtrace"),
        "rpod {args:?} panicked: {}",
        clip(&stderr)
    );
    let outside_changes = changes(&outside_before, &world.outside());
    assert!(
        outside_changes.is_empty(),
        "rpod {args:?} changed things outside the store:\n{}",
        outside_changes.join("\n")
    );

    let summary = match case.expect {
        Expect::Refused(needle) => {
            check_refused(&out, needle);
            assert_eq!(world.images(), images_before, "images changed");
            // A refused pull keeps the config blob it fetched; that is
            // a_refused_pull_adds_no_blob_to_the_store's business.
            let (kept_config, store_changes): (Vec<String>, Vec<String>) =
                changes(&store_before, &world.store())
                    .into_iter()
                    .partition(|c| config_blob.as_ref().is_some_and(|b| c.starts_with(b)));
            assert!(
                store_changes.is_empty(),
                "a refused layer changed the store outside tmp/:\n{}",
                store_changes.join("\n")
            );
            let note = if kept_config.is_empty() {
                ""
            } else {
                " [config blob left in store/blobs]"
            };
            format!("refused: {}{note}", clip(stderr.trim_end()))
        }
        Expect::Lands(check) => {
            assert!(
                out.status.success() && stderr.is_empty(),
                "rpod {args:?} should succeed: exit {:?}, stderr {}",
                out.status.code(),
                clip(&stderr)
            );
            let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
            assert!(world.images().contains(&id), "{id} not listed");
            let lost: Vec<String> = changes(&store_before, &world.store())
                .into_iter()
                .filter(|c| !c.starts_with("added ") && !c.contains(" images.json:"))
                .collect();
            assert!(
                lost.is_empty(),
                "adding a layer changed what was in the store:\n{}",
                lost.join("\n")
            );
            check(&world.layer(&diff_id["sha256:".len()..]), &world.targets);
            "landed inside the layer".to_string()
        }
    };
    world.pull_busybox_then_remove_all();
    Some(summary)
}

/// At most 200 characters of `text`, for messages (a hostile entry name
/// can make an error line very long).
fn clip(text: &str) -> String {
    match text.char_indices().nth(200) {
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
        None => text.to_string(),
    }
}

/// Asserts exit 125 and exactly one `Error: ` line on stderr that contains
/// `needle` and no control characters (which could drive the terminal).
fn check_refused(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(125),
        "should fail with 125; stdout {} stderr {}",
        String::from_utf8_lossy(&out.stdout),
        clip(&stderr)
    );
    assert!(
        stderr.starts_with("Error: ") && stderr.ends_with('\n') && stderr.lines().count() == 1,
        "not one `Error:` line: {:?}",
        clip(&stderr)
    );
    assert!(
        stderr.contains(needle),
        "expected {needle:?} in {:?}",
        clip(&stderr)
    );
    let line = stderr.trim_end_matches('\n');
    let controls: Vec<char> = line.chars().filter(|c| c.is_control()).collect();
    assert!(
        controls.is_empty(),
        "the error line carries raw control characters {controls:?} from the layer: {:?}",
        clip(line)
    );
}

/// Runs every case in `mode`, prints what rpod did with each, and fails
/// listing every case that went wrong.
fn run_all(mode: Mode) {
    let mut failures = Vec::new();
    let mut table = Vec::new();
    for case in cases() {
        match catch_unwind(AssertUnwindSafe(|| run_case(&case, mode))) {
            Ok(Some(summary)) => table.push(format!("{:<48} {summary}", case.name)),
            Ok(None) => {}
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                table.push(format!("{:<48} FAILED", case.name));
                failures.push(format!("{} ({mode:?}): {msg}", case.name));
            }
        }
    }
    println!("{mode:?}:\n{}", table.join("\n"));
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn hostile_layers_through_import_of_a_plain_tar() {
    run_all(Mode::Import);
}

#[test]
fn hostile_layers_through_import_of_a_gzipped_tar() {
    run_all(Mode::ImportGzip);
}

#[test]
fn hostile_layers_through_pull_from_a_registry() {
    run_all(Mode::Pull);
}

/// Builds the tar of the named case.
fn case_tar(name: &str, targets: &Targets) -> Vec<u8> {
    let case = cases().into_iter().find(|c| c.name == name).unwrap();
    (case.build)(targets)
}

#[test]
fn image_prune_clears_the_debris_of_a_refused_layer() {
    let world = World::new();
    let file = world.env.dir.join("input/layer.tar");
    let tar = case_tar(
        "dir-replaced-by-symlink-to-sentinel-then-write",
        &world.targets,
    );
    world.env.write_file(&file, &tar);
    world
        .env
        .fails(&["import", file.to_str().unwrap(), "hostile:prune"], 125);
    world.env.ok(&["image", "prune", "-f"]);
    let left: Vec<_> = std::fs::read_dir(world.env.store().join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.is_empty(),
        "`rpod image prune -f` after a refused import left store/tmp holding {left:?}"
    );
}

#[test]
fn a_refused_pull_adds_no_blob_to_the_store() {
    let world = World::new();
    let tar = case_tar("dotdot-file", &world.targets);
    let pushed = push_image("blob-check", &gzip(&tar), &sha256_of(&tar));
    let blobs = || fingerprint(&world.env.store().join("blobs"), &[], false);
    let before = blobs();
    let err = world.env.fails(&["pull", "-q", &pushed.reference], 125);
    assert!(err.contains("path escapes the layer"), "{err}");
    let added = changes(&before, &blobs());
    assert!(
        added.is_empty(),
        "a refused pull left blobs in store/blobs:\n{}",
        added.join("\n")
    );
}

/// The "nothing changed" checks above are only as good as `fingerprint`:
/// it must notice a new hardlink to a file, an xattr set on a directory, a
/// rewrite with the same content, and an entry created and removed again.
#[test]
fn fingerprint_notices_what_an_escape_would_change() {
    std::fs::create_dir_all("/var/tmp/rpod-tests").unwrap();
    let dir = tempfile::tempdir_in("/var/tmp/rpod-tests").unwrap();
    let root = dir.path();
    std::fs::write(root.join("file"), "x").unwrap();
    let mut before = fingerprint(root, &[], true);
    let mut expect_change = |what: &str, change: &dyn Fn()| {
        // Time stamps have a clock tick of granularity at worst.
        std::thread::sleep(std::time::Duration::from_millis(20));
        change();
        let after = fingerprint(root, &[], true);
        assert!(!changes(&before, &after).is_empty(), "missed {what}");
        before = after;
    };
    expect_change("a hardlink", &|| {
        std::fs::hard_link(root.join("file"), root.join("link")).unwrap()
    });
    expect_change("an xattr", &|| {
        rustix::fs::setxattr(
            root,
            "user.overlay.opaque",
            b"y",
            rustix::fs::XattrFlags::empty(),
        )
        .unwrap()
    });
    expect_change("an identical rewrite", &|| {
        std::fs::write(root.join("file"), "x").unwrap()
    });
    expect_change("a file made and removed", &|| {
        std::fs::write(root.join("gone"), "").unwrap();
        std::fs::remove_file(root.join("gone")).unwrap();
    });
}
