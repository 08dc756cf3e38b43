//! The unpack loop: reads a layer's tar stream entry by entry and recreates
//! each entry below the layer directory with its metadata, converting OCI
//! whiteouts to the kernel overlay format on the way.
//!
//! Choices where the spec leaves room:
//! - An entry naming the root itself (`./`, `/`) applies its owner, xattrs,
//!   mode and mtime to the layer directory; a root entry that is not a
//!   directory is an error.
//! - Directories are created 0700 and get their real mode and mtime at the
//!   very end (deepest first), so a read-only directory can still be filled
//!   and a setgid directory does not leak its group to files the layer owns
//!   otherwise. Owners are applied at once.
//! - Directories created implicitly for a missing parent are 0755, owned by
//!   the caller.
//! - PAX `SCHILY.xattr.user.*` and `security.capability` are applied to
//!   regular files and directories (the only types that may carry `user.*`
//!   xattrs on Linux); `user.overlay.*` is never taken from a layer, because
//!   it would steer the overlay mount. Other namespaces are ignored.
//! - `.wh..wh.*` metadata (aufs) other than the opaque marker is skipped,
//!   with everything below such a directory.
//! - Global PAX headers (`g`) are skipped; other unknown entry types are
//!   errors.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::path::Path;

use rustix::fs::{
    AtFlags, FileType, Mode, OFlags, Timespec, Timestamps, XattrFlags, chownat, fchmod, fchown,
    fsetxattr, fstat, futimens, linkat, makedev, mkdirat, mknodat, openat, symlinkat, utimensat,
};
use rustix::io::Errno;
use tar::EntryType;

use super::confined::{self, Removed};
use super::error::UnpackError;
use super::header::{Meta, device_number, read_meta};
use super::limit::{METADATA_LIMIT, Meter};
use super::name::EntryPath;
use super::whiteout::{self, OPAQUE_XATTR, Whiteout};

/// How to unpack.
#[derive(Debug, Clone)]
pub struct UnpackOptions {
    /// false when the user namespace maps a single uid: owners are not
    /// applied (all files stay owned by the caller).
    pub apply_owners: bool,
}

/// How `cp` extracts, unlike an image layer: whiteout names are ordinary
/// names, the entry naming the root is skipped (the destination keeps its
/// own owner and mode, as Docker does), a directory and a non-directory
/// never replace each other, and every entry lands under `prefix` when
/// one is given (the name the copy takes at the destination).
#[derive(Debug, Clone, Default)]
pub struct CopyRules {
    pub prefix: Option<Vec<u8>>,
}

/// What was unpacked.
#[derive(Debug, Default)]
pub struct UnpackReport {
    /// Entries processed (extension headers not counted, whiteouts counted).
    pub entries: u64,
    /// Bytes of regular-file data written.
    pub bytes: u64,
    /// Device nodes that could not be created for lack of privilege, as
    /// named in the tar stream.
    pub skipped_devices: Vec<String>,
}

impl UnpackReport {
    /// The note shown when device nodes had to be skipped, naming a few.
    pub fn skipped_note(&self) -> Option<String> {
        let count = self.skipped_devices.len();
        let shown: Vec<&str> = self
            .skipped_devices
            .iter()
            .take(3)
            .map(String::as_str)
            .collect();
        (count > 0).then(|| {
            format!(
                "rpod: note: skipped {count} device node(s) that cannot be created without root ({}{})",
                shown.join(", "),
                if count > shown.len() { ", …" } else { "" }
            )
        })
    }
}

/// Size of the buffer regular-file data is copied through.
const COPY_BUFFER: usize = 256 * 1024;
/// Mode of directories while the layer is being unpacked.
const WORKING_DIR_MODE: u32 = 0o700;
/// Mode regular files are created with, before their real mode is set.
const WORKING_FILE_MODE: u32 = 0o600;

/// Unpacks the tar stream into `dest`, an existing empty directory the
/// caller owns (a staging dir inside the store).
///
/// Reads the stream to EOF (so a hashing reader wrapped around it sees every
/// byte). On error `dest` may hold part of the layer; the caller discards it.
pub fn unpack_layer<R: Read>(
    tar_stream: R,
    dest: &Path,
    opts: &UnpackOptions,
) -> Result<UnpackReport, UnpackError> {
    let root = confined::open_root(dest).map_err(|err| UnpackError::Dest {
        path: dest.to_path_buf(),
        err: err.into(),
    })?;
    Unpacker::new(root, opts.apply_owners, None).run(tar_stream)
}

/// Extracts a `cp` stream below the directory `dest` by the [`CopyRules`],
/// as confined as a layer: nothing outside `dest` is created or touched.
pub fn unpack_copy<R: Read>(
    tar_stream: R,
    dest: OwnedFd,
    opts: &UnpackOptions,
    rules: CopyRules,
) -> Result<UnpackReport, UnpackError> {
    Unpacker::new(dest, opts.apply_owners, Some(rules)).run(tar_stream)
}

fn stream(err: io::Error) -> UnpackError {
    UnpackError::Stream { err }
}

/// A directory whose mode and mtime are applied at the end.
struct DirMeta {
    components: Vec<Vec<u8>>,
    id: (u64, u64),
    mode: u32,
    mtime: Timespec,
}

struct Unpacker {
    root: OwnedFd,
    apply_owners: bool,
    /// `Some` for `cp`, `None` for an image layer.
    copy: Option<CopyRules>,
    report: UnpackReport,
    /// Deferred directory metadata, by normalised path.
    dirs: BTreeMap<Vec<u8>, DirMeta>,
    buf: Vec<u8>,
}

/// The entry being unpacked, for error messages.
pub(super) struct Named<'a> {
    pub(super) shown: &'a str,
}

impl Named<'_> {
    pub(super) fn invalid(&self, problem: impl Into<String>) -> UnpackError {
        UnpackError::invalid(self.shown, problem)
    }

    fn io(&self, action: &'static str) -> impl FnOnce(Errno) -> UnpackError + '_ {
        move |err| UnpackError::io(self.shown, action, err)
    }
}

impl Unpacker {
    fn new(root: OwnedFd, apply_owners: bool, copy: Option<CopyRules>) -> Self {
        Unpacker {
            root,
            apply_owners,
            copy,
            report: UnpackReport::default(),
            dirs: BTreeMap::new(),
            buf: vec![0; COPY_BUFFER],
        }
    }

    fn run<R: Read>(mut self, tar_stream: R) -> Result<UnpackReport, UnpackError> {
        let meter = Meter::default();
        let mut archive = tar::Archive::new(meter.wrap(tar_stream));
        {
            let mut entries = archive.entries().map_err(stream)?;
            loop {
                meter.limit(METADATA_LIMIT);
                let next = entries.next();
                meter.unlimited();
                let mut entry = match next {
                    None => break,
                    Some(Ok(entry)) => entry,
                    Some(Err(_)) if meter.tripped() => {
                        return Err(UnpackError::HeaderTooLarge {
                            limit: METADATA_LIMIT,
                        });
                    }
                    Some(Err(err)) => return Err(stream(err)),
                };
                self.entry(&mut entry)?;
                // Whatever the handler did not read (data of links, devices,
                // skipped entries) is consumed here, outside the header limit.
                io::copy(&mut entry, &mut io::sink()).map_err(stream)?;
            }
        }
        self.finish_dirs()?;
        let mut rest = archive.into_inner();
        io::copy(&mut rest, &mut io::sink()).map_err(stream)?;
        Ok(self.report)
    }

    /// An entry's (or hardlink target's) path where it is to be created.
    fn placed(&self, path: EntryPath) -> EntryPath {
        path.under(self.copy.as_ref().and_then(|c| c.prefix.as_deref()))
    }

    fn entry<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), UnpackError> {
        let kind = entry.header().entry_type();
        if kind == EntryType::XGlobalHeader {
            return Ok(());
        }
        self.report.entries += 1;
        let raw = entry.path_bytes().into_owned();
        let shown = String::from_utf8_lossy(&raw).into_owned();
        let named = Named { shown: &shown };
        let path = self.placed(EntryPath::parse(&raw).map_err(|p| named.invalid(p))?);
        let whiteout = match self.copy {
            Some(_) => Whiteout::None,
            None => whiteout::classify(&path),
        };
        match whiteout {
            Whiteout::None => {}
            Whiteout::Ignored => return Ok(()),
            Whiteout::Invalid => return Err(named.invalid("invalid whiteout name")),
            Whiteout::Opaque => return self.opaque(&path, &named),
            Whiteout::Remove(name) => return self.whiteout(&path, name, &named),
        }

        let kind = match kind {
            EntryType::Regular | EntryType::Continuous if raw.ends_with(b"/") => {
                EntryType::Directory
            }
            // Extension headers tar did not consume (pre-POSIX headers) must
            // not reach `pax_extensions()`, which would read them unbounded.
            EntryType::Regular
            | EntryType::Continuous
            | EntryType::GNUSparse
            | EntryType::Directory
            | EntryType::Symlink
            | EntryType::Link
            | EntryType::Fifo
            | EntryType::Char
            | EntryType::Block => kind,
            other => {
                return Err(named.invalid(format!(
                    "unsupported entry type {:?}",
                    char::from(other.as_byte())
                )));
            }
        };

        let meta = read_meta(entry, &named)?;
        let Some(name) = path.file_name() else {
            return match kind {
                EntryType::Directory if self.copy.is_some() => Ok(()),
                EntryType::Directory => self.root_dir(meta, &named),
                _ => Err(named.invalid("only a directory may name the layer root")),
            };
        };
        let parent = confined::ensure_dir(self.root.as_fd(), path.parent())
            .map_err(named.io("opening parent directory"))?;
        let at = At {
            parent: parent.as_fd(),
            name,
        };
        match kind {
            EntryType::Directory => self.directory(&path, at, meta, &named),
            EntryType::Symlink => self.symlink(&path, entry, at, meta, &named),
            EntryType::Link => self.hardlink(&path, entry, at, &named),
            EntryType::Fifo => self.special(&path, at, meta, FileType::Fifo, 0, &named),
            EntryType::Char | EntryType::Block => {
                let dev = device_number(entry, &named)?;
                let file_type = if kind == EntryType::Char {
                    FileType::CharacterDevice
                } else {
                    FileType::BlockDevice
                };
                self.special(&path, at, meta, file_type, dev, &named)
            }
            _ => self.regular(&path, entry, at, meta, &named),
        }
    }

    /// Removes whatever is at `at` (recursively for a directory) and forgets
    /// the deferred metadata of removed directories.
    fn clear(
        &mut self,
        path: &EntryPath,
        at: At<'_>,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        if self.copy.is_some()
            && confined::lstat_at(at.parent, at.name)
                .map_err(named.io("inspecting existing entry"))?
                .is_some_and(|st| confined::is_dir(&st))
        {
            return Err(named.invalid("cannot replace a directory with a non-directory"));
        }
        let removed =
            confined::remove_at(at.parent, at.name).map_err(named.io("removing existing entry"))?;
        if removed == Removed::Directory {
            self.forget_dirs(&path.joined());
        }
        Ok(())
    }

    fn forget_dirs(&mut self, key: &[u8]) {
        self.dirs.remove(key);
        let mut prefix = key.to_vec();
        prefix.push(b'/');
        let below: Vec<Vec<u8>> = self
            .dirs
            .range(prefix.clone()..)
            .map(|(k, _)| k)
            .take_while(|k| k.starts_with(&prefix))
            .cloned()
            .collect();
        for k in below {
            self.dirs.remove(&k);
        }
    }

    fn regular<R: Read>(
        &mut self,
        path: &EntryPath,
        entry: &mut tar::Entry<'_, R>,
        at: At<'_>,
        meta: Meta,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        self.clear(path, at, named)?;
        let fd = openat(
            at.parent,
            at.name,
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::from_raw_mode(WORKING_FILE_MODE),
        )
        .map_err(named.io("creating file"))?;
        let mut file = File::from(fd);
        let expected = entry.size();
        let mut written = 0u64;
        loop {
            let n = match entry.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(UnpackError::io(named.shown, "reading file data", e)),
            };
            file.write_all(&self.buf[..n])
                .map_err(|e| UnpackError::io(named.shown, "writing file data", e))?;
            written += n as u64;
        }
        if written != expected {
            return Err(named.invalid(format!(
                "file data truncated ({written} of {expected} bytes)"
            )));
        }
        self.report.bytes += written;
        self.finish_fd(file.as_fd(), &meta, named)
    }

    /// Owner, mode, xattrs and times of a regular file through its fd.
    fn finish_fd(
        &self,
        fd: BorrowedFd<'_>,
        meta: &Meta,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        // chown clears setuid/setgid, so it comes first.
        if self.apply_owners {
            fchown(fd, Some(meta.uid), Some(meta.gid)).map_err(|e| chown_error(named, meta, e))?;
        }
        fchmod(fd, Mode::from_raw_mode(meta.mode)).map_err(named.io("changing mode"))?;
        set_xattrs(fd, meta, named)?;
        futimens(fd, &times(meta.mtime)).map_err(named.io("setting times"))
    }

    fn directory(
        &mut self,
        path: &EntryPath,
        at: At<'_>,
        meta: Meta,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        let existing = confined::lstat_at(at.parent, at.name)
            .map_err(named.io("inspecting existing entry"))?;
        match existing {
            Some(st) if confined::is_dir(&st) => {}
            Some(_) if self.copy.is_some() => {
                return Err(named.invalid("cannot replace a non-directory with a directory"));
            }
            Some(_) => {
                self.clear(path, at, named)?;
                self.mkdir(at, named)?;
            }
            None => self.mkdir(at, named)?,
        }
        let fd =
            confined::open_subdir(at.parent, at.name).map_err(named.io("opening directory"))?;
        self.dir_meta(path.components().to_vec(), fd, meta, named)
    }

    fn mkdir(&self, at: At<'_>, named: &Named<'_>) -> Result<(), UnpackError> {
        mkdirat(at.parent, at.name, Mode::from_raw_mode(WORKING_DIR_MODE))
            .map_err(named.io("creating directory"))
    }

    fn root_dir(&mut self, meta: Meta, named: &Named<'_>) -> Result<(), UnpackError> {
        let fd = confined::reopen_dir(self.root.as_fd()).map_err(named.io("opening layer root"))?;
        self.dir_meta(Vec::new(), fd, meta, named)
    }

    /// Applies owner and xattrs now; records mode and mtime for the end.
    fn dir_meta(
        &mut self,
        components: Vec<Vec<u8>>,
        fd: OwnedFd,
        meta: Meta,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        if self.apply_owners {
            fchown(&fd, Some(meta.uid), Some(meta.gid))
                .map_err(|e| chown_error(named, &meta, e))?;
        }
        set_xattrs(fd.as_fd(), &meta, named)?;
        let st = fstat(&fd).map_err(named.io("inspecting directory"))?;
        self.dirs.insert(
            components.join(&b'/'),
            DirMeta {
                components,
                id: (st.st_dev, st.st_ino),
                mode: meta.mode,
                mtime: meta.mtime,
            },
        );
        Ok(())
    }

    fn symlink<R: Read>(
        &mut self,
        path: &EntryPath,
        entry: &tar::Entry<'_, R>,
        at: At<'_>,
        meta: Meta,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        let target = match entry.link_name_bytes() {
            Some(t) if !t.is_empty() => t.into_owned(),
            _ => return Err(named.invalid("symlink without a target")),
        };
        if target.contains(&0) {
            return Err(named.invalid("symlink target contains a NUL byte"));
        }
        self.clear(path, at, named)?;
        symlinkat(&target[..], at.parent, at.name).map_err(named.io("creating symlink"))?;
        self.chown_at(&at, &meta, named)?;
        utimensat(
            at.parent,
            at.name,
            &times(meta.mtime),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(named.io("setting times"))
    }

    fn hardlink<R: Read>(
        &mut self,
        path: &EntryPath,
        entry: &tar::Entry<'_, R>,
        at: At<'_>,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        let raw = match entry.link_name_bytes() {
            Some(t) if !t.is_empty() => t.into_owned(),
            _ => return Err(named.invalid("hardlink without a target")),
        };
        let target = self.placed(
            EntryPath::parse(&raw).map_err(|p| named.invalid(format!("hardlink target: {p}")))?,
        );
        let Some(target_name) = target.file_name() else {
            return Err(named.invalid("hardlink target is a directory"));
        };
        let target_parent = match confined::resolve_dir(self.root.as_fd(), target.parent()) {
            Ok(fd) => fd,
            Err(Errno::NOENT | Errno::NOTDIR) => {
                return Err(named.invalid("hardlink target is missing"));
            }
            Err(e) => return Err(UnpackError::io(named.shown, "resolving hardlink target", e)),
        };
        let target_st = match confined::lstat_at(target_parent.as_fd(), target_name) {
            Ok(Some(st)) => st,
            Ok(None) => return Err(named.invalid("hardlink target is missing")),
            Err(e) => return Err(UnpackError::io(named.shown, "resolving hardlink target", e)),
        };
        if confined::is_dir(&target_st) {
            return Err(named.invalid("hardlink target is a directory"));
        }
        if let Some(st) =
            confined::lstat_at(at.parent, at.name).map_err(named.io("inspecting existing entry"))?
        {
            if (st.st_dev, st.st_ino) == (target_st.st_dev, target_st.st_ino) {
                return Ok(());
            }
            self.clear(path, at, named)?;
        }
        linkat(
            target_parent.as_fd(),
            target_name,
            at.parent,
            at.name,
            AtFlags::empty(),
        )
        .map_err(named.io("creating hardlink"))
    }

    /// FIFOs and device nodes. Devices that need privilege we lack are
    /// skipped and reported.
    fn special(
        &mut self,
        path: &EntryPath,
        at: At<'_>,
        meta: Meta,
        file_type: FileType,
        dev: rustix::fs::Dev,
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        self.clear(path, at, named)?;
        match mknodat(
            at.parent,
            at.name,
            file_type,
            Mode::from_raw_mode(0o600),
            dev,
        ) {
            Ok(()) => {}
            Err(Errno::PERM) if file_type != FileType::Fifo => {
                self.report.skipped_devices.push(named.shown.to_string());
                return Ok(());
            }
            Err(e) => return Err(UnpackError::io(named.shown, "creating node", e)),
        }
        self.chown_at(&at, &meta, named)?;
        confined::chmod_node(at.parent, at.name, meta.mode).map_err(named.io("changing mode"))?;
        utimensat(
            at.parent,
            at.name,
            &times(meta.mtime),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(named.io("setting times"))
    }

    /// `dir/.wh.NAME`: `dir/NAME` becomes a 0:0 character device.
    fn whiteout(
        &mut self,
        path: &EntryPath,
        hidden: &[u8],
        named: &Named<'_>,
    ) -> Result<(), UnpackError> {
        let parent = confined::ensure_dir(self.root.as_fd(), path.parent())
            .map_err(named.io("opening parent directory"))?;
        let mut hidden_path = path.parent().to_vec();
        hidden_path.push(hidden.to_vec());
        let at = At {
            parent: parent.as_fd(),
            name: hidden,
        };
        let removed = confined::remove_at(at.parent, at.name)
            .map_err(named.io("removing whited-out entry"))?;
        if removed == Removed::Directory {
            self.forget_dirs(&hidden_path.join(&b'/'));
        }
        mknodat(
            at.parent,
            at.name,
            FileType::CharacterDevice,
            Mode::empty(),
            makedev(0, 0),
        )
        .map_err(named.io("creating whiteout device"))
    }

    /// `dir/.wh..wh..opq`: `dir` gets `user.overlay.opaque=y`.
    fn opaque(&mut self, path: &EntryPath, named: &Named<'_>) -> Result<(), UnpackError> {
        let dir = confined::ensure_dir(self.root.as_fd(), path.parent())
            .map_err(named.io("opening opaque directory"))?;
        let dir =
            confined::reopen_dir(dir.as_fd()).map_err(named.io("opening opaque directory"))?;
        fsetxattr(&dir, OPAQUE_XATTR, b"y", XattrFlags::empty())
            .map_err(named.io("setting user.overlay.opaque"))
    }

    /// Applies directory modes and mtimes, deepest first, to the directories
    /// that are still the ones recorded.
    fn finish_dirs(&mut self) -> Result<(), UnpackError> {
        let mut dirs: Vec<DirMeta> = std::mem::take(&mut self.dirs).into_values().collect();
        dirs.sort_by_key(|d| std::cmp::Reverse(d.components.len()));
        for dir in dirs {
            let shown = String::from_utf8_lossy(&dir.components.join(&b'/')).into_owned();
            let named = Named { shown: &shown };
            let fd = if dir.components.is_empty() {
                confined::reopen_dir(self.root.as_fd())
            } else {
                confined::open_dir_in_root(self.root.as_fd(), &dir.components)
            };
            let fd = match fd {
                Ok(fd) => fd,
                // Replaced later in the stream by something else.
                Err(Errno::NOENT | Errno::NOTDIR | Errno::LOOP) => continue,
                Err(e) => return Err(UnpackError::io(&shown, "opening directory", e)),
            };
            let st = fstat(&fd).map_err(named.io("inspecting directory"))?;
            if (st.st_dev, st.st_ino) != dir.id {
                continue;
            }
            fchmod(&fd, Mode::from_raw_mode(dir.mode)).map_err(named.io("changing mode"))?;
            futimens(&fd, &times(dir.mtime)).map_err(named.io("setting times"))?;
        }
        Ok(())
    }
}

/// Where an entry goes: a name in a resolved parent directory.
#[derive(Clone, Copy)]
struct At<'a> {
    parent: BorrowedFd<'a>,
    name: &'a [u8],
}

fn times(mtime: Timespec) -> Timestamps {
    Timestamps {
        last_access: mtime,
        last_modification: mtime,
    }
}

impl Unpacker {
    /// Gives the entry at `at` (never followed if a symlink) its owner,
    /// when owners are applied.
    fn chown_at(&self, at: &At<'_>, meta: &Meta, named: &Named<'_>) -> Result<(), UnpackError> {
        if !self.apply_owners {
            return Ok(());
        }
        chownat(
            at.parent,
            at.name,
            Some(meta.uid),
            Some(meta.gid),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(|e| chown_error(named, meta, e))
    }
}

/// `EINVAL` from chown means the id has no mapping in the user namespace.
fn chown_error(named: &Named<'_>, meta: &Meta, err: Errno) -> UnpackError {
    if err == Errno::INVAL {
        named.invalid(format!(
            "owner {}:{} is not mapped in this user namespace",
            meta.uid.as_raw(),
            meta.gid.as_raw()
        ))
    } else {
        UnpackError::io(named.shown, "changing owner", err)
    }
}

/// Sets the entry's `user.*` xattrs (required) and `security.capability`
/// (best effort) on an open file or directory.
fn set_xattrs(fd: BorrowedFd<'_>, meta: &Meta, named: &Named<'_>) -> Result<(), UnpackError> {
    for (name, value) in &meta.xattrs {
        if name.starts_with(b"user.overlay.") {
            continue;
        }
        if name.starts_with(b"user.") {
            fsetxattr(fd, &name[..], value, XattrFlags::empty())
                .map_err(named.io("setting xattr"))?;
        } else if name == b"security.capability" {
            let _ = fsetxattr(fd, &name[..], value, XattrFlags::empty());
        }
    }
    Ok(())
}
