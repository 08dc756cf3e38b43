//! The kernel's requests answered from the [`Union`]: `fuser`'s
//! `Filesystem` trait, translating its arguments and replies.
//!
//! The kernel checks permissions itself (`default_permissions`) from the
//! attributes given here, and caches them, and names, for [`TTL`]: only
//! this server changes the union, and each change is answered with what
//! it changed.

use super::file_io;
use super::handles::Listing;
use super::make::{Caller, NewEntry};
use super::merge::Listed;
use super::union::Union;
use fuser::{
    Errno, FileAttr, FileHandle, FileType as Kind, Filesystem, FopenFlags, Generation, INodeNo,
    InitFlags, KernelConfig, LockOwner, OpenFlags, RenameFlags, ReplyAttr, ReplyCreate, ReplyData,
    ReplyDirectory, ReplyDirectoryPlus, ReplyEmpty, ReplyEntry, ReplyLseek, ReplyOpen, ReplyStatfs,
    ReplyWrite, ReplyXattr, Request, TimeOrNow, WriteFlags,
};
use rustix::fd::OwnedFd;
use rustix::fs::{AtFlags, FileType, Gid, OFlags, Stat, Timespec, Timestamps, Uid, XattrFlags};
use std::ffi::OsStr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long the kernel may keep names and attributes without asking
/// (only this server changes the union, and tells the kernel what).
const TTL: Duration = Duration::from_secs(3600);
/// The names every directory lists first.
const DOTS: [&str; 2] = [".", ".."];
/// The largest read or write the kernel sends at once.
const MAX_IO: u32 = 1 << 20;

fn reply_error(e: std::io::Error) -> Errno {
    Errno::from_i32(e.raw_os_error().unwrap_or(libc::EIO))
}

fn system_time(sec: i64, nsec: i64) -> SystemTime {
    let nsec = nsec.clamp(0, 999_999_999) as u32;
    if sec >= 0 {
        UNIX_EPOCH + Duration::new(sec as u64, nsec)
    } else {
        UNIX_EPOCH - Duration::new(sec.unsigned_abs(), 0) + Duration::new(0, nsec)
    }
}

fn kind(kind: FileType) -> Kind {
    match kind {
        FileType::Directory => Kind::Directory,
        FileType::Symlink => Kind::Symlink,
        FileType::Fifo => Kind::NamedPipe,
        FileType::Socket => Kind::Socket,
        FileType::CharacterDevice => Kind::CharDevice,
        FileType::BlockDevice => Kind::BlockDevice,
        _ => Kind::RegularFile,
    }
}

/// The kernel's view of an `lstat` (whose `st_ino` is the inode number).
fn attr(st: &Stat) -> FileAttr {
    FileAttr {
        ino: INodeNo(st.st_ino),
        size: st.st_size as u64,
        blocks: st.st_blocks as u64,
        atime: system_time(st.st_atime, st.st_atime_nsec as i64),
        mtime: system_time(st.st_mtime, st.st_mtime_nsec as i64),
        ctime: system_time(st.st_ctime, st.st_ctime_nsec as i64),
        crtime: UNIX_EPOCH,
        kind: kind(FileType::from_raw_mode(st.st_mode)),
        perm: (st.st_mode & 0o7777) as u16,
        nlink: st.st_nlink as u32,
        uid: st.st_uid,
        gid: st.st_gid,
        rdev: st.st_rdev as u32,
        blksize: st.st_blksize as u32,
        flags: 0,
    }
}

/// Open flags for a file of the union: the kernel finds the end for
/// `O_APPEND` itself, and may read a file opened write-only to fill a
/// page of its cache.
fn file_flags(flags: i32) -> OFlags {
    let flags = OFlags::from_bits_retain(flags as _);
    let mut kept = flags & (OFlags::SYNC | OFlags::DSYNC | OFlags::TRUNC);
    kept |= if flags.intersects(OFlags::WRONLY | OFlags::RDWR) {
        OFlags::RDWR
    } else {
        OFlags::RDONLY
    };
    kept
}

fn timespec(time: Option<TimeOrNow>) -> Timespec {
    match time {
        None => Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_OMIT,
        },
        Some(TimeOrNow::Now) => Timespec {
            tv_sec: 0,
            tv_nsec: rustix::fs::UTIME_NOW,
        },
        Some(TimeOrNow::SpecificTime(time)) => {
            let (sec, nsec) = match time.duration_since(UNIX_EPOCH) {
                Ok(d) => (d.as_secs() as i64, d.subsec_nanos()),
                Err(e) => (-(e.duration().as_secs() as i64), 0),
            };
            Timespec {
                tv_sec: sec,
                tv_nsec: nsec.into(),
            }
        }
    }
}

impl Filesystem for Union {
    fn init(&mut self, _req: &Request, config: &mut KernelConfig) -> std::io::Result<()> {
        // No writeback cache: with it, the kernel holds written data
        // and sizes the server has not seen, and a file removed while
        // open read back zeros under load; writes here go through at
        // once, a megabyte at a time.
        let wanted = InitFlags::FUSE_DO_READDIRPLUS
            | InitFlags::FUSE_READDIRPLUS_AUTO
            | InitFlags::FUSE_PARALLEL_DIROPS
            | InitFlags::FUSE_ASYNC_READ
            | InitFlags::FUSE_BIG_WRITES
            | InitFlags::FUSE_CACHE_SYMLINKS
            | InitFlags::FUSE_MAX_PAGES;
        let _ = config.add_capabilities(wanted & config.capabilities());
        self.lists_without_opening = config
            .capabilities()
            .contains(InitFlags::FUSE_NO_OPENDIR_SUPPORT);
        self.opens_without_asking = config
            .capabilities()
            .contains(InitFlags::FUSE_NO_OPEN_SUPPORT);
        let _ = config.set_max_write(MAX_IO);
        let _ = config.set_max_readahead(MAX_IO);
        Ok(())
    }

    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let _namespace = self.reading();
        match self.find(parent.0, name) {
            Ok(Some((_, st))) => reply.entry(&TTL, &attr(&st), Generation(0)),
            // A negative entry the kernel may keep.
            Ok(None) => {
                let mut none = attr(&unsafe_zeroed_stat());
                none.ino = INodeNo(0);
                reply.entry(&TTL, &none, Generation(0));
            }
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn forget(&self, _req: &Request, ino: INodeNo, nlookup: u64) {
        self.drop_lookups(ino.0, nlookup);
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, fh: Option<FileHandle>, reply: ReplyAttr) {
        let _namespace = self.reading();
        let result = self
            .locate(ino.0)
            .and_then(|(path, presence)| self.stat(ino.0, &path, &presence))
            .or_else(|e| {
                // A file removed while open is known by its handle only.
                let fd = self.files.get(fh.ok_or(e)?.0)?;
                let mut st = rustix::fs::fstat(&*fd)?;
                st.st_ino = ino.0;
                Ok(st)
            });
        match result {
            Ok(st) => reply.attr(&TTL, &attr(&st)),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn setattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        mode: Option<u32>,
        uid: Option<u32>,
        gid: Option<u32>,
        size: Option<u64>,
        atime: Option<TimeOrNow>,
        mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        let times_only = mode.is_none() && uid.is_none() && gid.is_none() && size.is_none();
        if times_only && self.is_orphan(ino.0) {
            // The kernel writes back the times of a file that lost its
            // name: nothing shows them any more, and they are not worth a
            // copy of an image layer's file.
            let _namespace = self.reading();
            let current = self
                .locate(ino.0)
                .and_then(|(path, presence)| self.stat(ino.0, &path, &presence));
            return match current {
                Ok(st) => reply.attr(&TTL, &attr(&st)),
                Err(e) => reply.error(reply_error(e)),
            };
        }
        let open = fh.and_then(|fh| self.files.get(fh.0).ok());
        let result = self.change(ino.0, |layers, layer, path| {
            let dir = layers.fd(layer);
            let at = super::layers::at(path);
            if uid.is_some() || gid.is_some() {
                rustix::fs::chownat(
                    dir,
                    at,
                    uid.map(Uid::from_raw),
                    gid.map(Gid::from_raw),
                    AtFlags::SYMLINK_NOFOLLOW,
                )?;
            }
            if let Some(mode) = mode {
                layers.chmod(layer, path, mode)?;
            }
            if let Some(size) = size {
                match &open {
                    Some(fd) => rustix::fs::ftruncate(&**fd, size)?,
                    None => rustix::fs::ftruncate(layers.open(layer, path, OFlags::WRONLY)?, size)?,
                }
            }
            if atime.is_some() || mtime.is_some() {
                let times = Timestamps {
                    last_access: timespec(atime),
                    last_modification: timespec(mtime),
                };
                rustix::fs::utimensat(dir, at, &times, AtFlags::SYMLINK_NOFOLLOW)?;
            }
            Ok(())
        });
        match result {
            Ok(st) => reply.attr(&TTL, &attr(&st)),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        match self.read_link(ino.0) {
            Ok(target) => reply.data(&target),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn mknod(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        rdev: u32,
        reply: ReplyEntry,
    ) {
        let what = NewEntry::Node {
            mode,
            rdev: rdev.into(),
        };
        reply_entry(
            self.make(parent.0, name, what, caller(req), OFlags::empty()),
            reply,
        );
    }

    fn mkdir(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        reply: ReplyEntry,
    ) {
        let what = NewEntry::Directory { mode };
        reply_entry(
            self.make(parent.0, name, what, caller(req), OFlags::empty()),
            reply,
        );
    }

    fn unlink(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        reply_empty(self.remove(parent.0, name, false), reply);
    }

    fn rmdir(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        reply_empty(self.remove(parent.0, name, true), reply);
    }

    fn symlink(
        &self,
        req: &Request,
        parent: INodeNo,
        link_name: &OsStr,
        target: &Path,
        reply: ReplyEntry,
    ) {
        let what = NewEntry::Symlink {
            target: target.as_os_str(),
        };
        reply_entry(
            self.make(parent.0, link_name, what, caller(req), OFlags::empty()),
            reply,
        );
    }

    fn rename(
        &self,
        _req: &Request,
        parent: INodeNo,
        name: &OsStr,
        newparent: INodeNo,
        newname: &OsStr,
        flags: RenameFlags,
        reply: ReplyEmpty,
    ) {
        if flags.contains(RenameFlags::RENAME_EXCHANGE)
            || flags.contains(RenameFlags::RENAME_WHITEOUT)
        {
            return reply.error(Errno::EINVAL);
        }
        let no_replace = flags.contains(RenameFlags::RENAME_NOREPLACE);
        reply_empty(
            self.move_entry(parent.0, name, newparent.0, newname, no_replace),
            reply,
        );
    }

    fn link(
        &self,
        _req: &Request,
        ino: INodeNo,
        newparent: INodeNo,
        newname: &OsStr,
        reply: ReplyEntry,
    ) {
        match self.hard_link(ino.0, newparent.0, newname) {
            Ok((_, st)) => reply.entry(&TTL, &attr(&st), Generation(0)),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        if self.opens_without_asking {
            return reply.error(Errno::ENOSYS);
        }
        match self.open_file(ino.0, file_flags(flags.0)) {
            Ok(fd) => {
                let fh = self.files.insert(fd);
                reply.opened(FileHandle(fh), FopenFlags::FOPEN_KEEP_CACHE);
            }
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn read(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let read = self
            .file(ino.0, fh.0, false)
            .and_then(|fd| file_io::read_at(&fd, offset, size.min(MAX_IO) as usize));
        match read {
            Ok(data) => reply.data(&data),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn write(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        let written = self
            .file(ino.0, fh.0, true)
            .and_then(|fd| file_io::write_at(&fd, offset, data));
        match written {
            Ok(written) => reply.written(written as u32),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.files.remove(fh.0);
        reply.ok();
    }

    fn fsync(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        datasync: bool,
        reply: ReplyEmpty,
    ) {
        let synced = self
            .file(ino.0, fh.0, false)
            .and_then(|fd| file_io::sync(&fd, datasync));
        reply_empty(synced, reply);
    }

    fn opendir(&self, _req: &Request, ino: INodeNo, _flags: OpenFlags, reply: ReplyOpen) {
        // Where the kernel can open directories without asking (it then
        // keeps their listings, as the flags below ask), it is told to.
        if self.lists_without_opening {
            return reply.error(Errno::ENOSYS);
        }
        // Listed when read from the start (and again after a rewind).
        // The kernel keeps the listing across opens: every change to a
        // directory comes through it, and tells it to list again.
        let fh = self.directories.open(ino.0);
        reply.opened(
            FileHandle(fh),
            FopenFlags::FOPEN_CACHE_DIR | FopenFlags::FOPEN_KEEP_CACHE,
        );
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let _namespace = self.reading();
        let listed = self.each_entry(ino.0, fh.0, offset, |at, entry| {
            Some(match entry {
                // `..` shows the directory's own number: the kernel knows
                // the parent.
                Entry::Dot(dot) => reply.add(ino, at, Kind::Directory, dot),
                Entry::Listed(parent, listed) => {
                    let number = self.listed_ino(parent, listed);
                    reply.add(INodeNo(number), at, kind(listed.kind), &listed.name)
                }
            })
        });
        match listed {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn readdirplus(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectoryPlus,
    ) {
        let _namespace = self.reading();
        let listed = self.each_entry(ino.0, fh.0, offset, |at, entry| match entry {
            // The kernel counts no lookup for these.
            Entry::Dot(dot) => {
                let (path, presence) = self.locate(ino.0).ok()?;
                let st = self.stat(ino.0, &path, &presence).ok()?;
                Some(reply.add(ino, at, dot, &TTL, &attr(&st), Generation(0)))
            }
            Entry::Listed(parent, listed) => {
                let (number, st) = self.find(parent, &listed.name).ok()??;
                let full = reply.add(
                    INodeNo(number),
                    at,
                    &listed.name,
                    &TTL,
                    &attr(&st),
                    Generation(0),
                );
                if full {
                    self.drop_lookups(number, 1);
                }
                Some(full)
            }
        });
        match listed {
            Ok(()) => reply.ok(),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn releasedir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        reply: ReplyEmpty,
    ) {
        self.directories.close(fh.0);
        reply.ok();
    }

    fn fsyncdir(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _datasync: bool,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn statfs(&self, _req: &Request, _ino: INodeNo, reply: ReplyStatfs) {
        match rustix::fs::fstatvfs(self.layers.upper()) {
            Ok(s) => reply.statfs(
                s.f_blocks,
                s.f_bfree,
                s.f_bavail,
                s.f_files,
                s.f_ffree,
                s.f_bsize as u32,
                s.f_namemax as u32,
                s.f_frsize as u32,
            ),
            Err(e) => reply.error(reply_error(e.into())),
        }
    }

    fn setxattr(
        &self,
        _req: &Request,
        ino: INodeNo,
        name: &OsStr,
        value: &[u8],
        flags: i32,
        _position: u32,
        reply: ReplyEmpty,
    ) {
        let flags = XattrFlags::from_bits_retain(flags as _);
        reply_empty(self.set_xattr(ino.0, name, value, flags), reply);
    }

    fn getxattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, size: u32, reply: ReplyXattr) {
        reply_xattr(self.get_xattr(ino.0, name), size, reply);
    }

    fn listxattr(&self, _req: &Request, ino: INodeNo, size: u32, reply: ReplyXattr) {
        reply_xattr(self.list_xattrs(ino.0), size, reply);
    }

    fn removexattr(&self, _req: &Request, ino: INodeNo, name: &OsStr, reply: ReplyEmpty) {
        reply_empty(self.remove_xattr(ino.0, name), reply);
    }

    fn create(
        &self,
        req: &Request,
        parent: INodeNo,
        name: &OsStr,
        mode: u32,
        _umask: u32,
        flags: i32,
        reply: ReplyCreate,
    ) {
        let what = NewEntry::File { mode };
        match self.make(
            parent.0,
            name,
            what,
            caller(req),
            file_flags(flags) & !OFlags::TRUNC,
        ) {
            Ok((_, st, Some(fd))) => {
                let fh = self.files.insert(fd);
                reply.created(
                    &TTL,
                    &attr(&st),
                    Generation(0),
                    FileHandle(fh),
                    FopenFlags::empty(),
                );
            }
            Ok(_) => reply.error(Errno::EIO),
            Err(e) => reply.error(reply_error(e)),
        }
    }

    fn fallocate(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        length: u64,
        mode: i32,
        reply: ReplyEmpty,
    ) {
        let allocated = self
            .file(ino.0, fh.0, true)
            .and_then(|fd| file_io::allocate(&fd, offset, length, mode));
        reply_empty(allocated, reply);
    }

    fn lseek(
        &self,
        _req: &Request,
        ino: INodeNo,
        fh: FileHandle,
        offset: i64,
        whence: i32,
        reply: ReplyLseek,
    ) {
        let sought = self
            .file(ino.0, fh.0, false)
            .and_then(|fd| file_io::seek(&fd, offset, whence));
        match sought {
            Ok(at) => reply.offset(at as i64),
            Err(e) => reply.error(reply_error(e)),
        }
    }
}

/// One entry of an open directory.
enum Entry<'a> {
    Dot(&'static str),
    /// A name the directory (the inode given) lists.
    Listed(u64, &'a Listed),
}

impl Union {
    /// The descriptor for a request on the file `ino`: its handle's, or
    /// (where the kernel opened it without asking, `fh` 0) the inode's
    /// own, copied up first when `writing`.
    fn file(&self, ino: u64, fh: u64, writing: bool) -> std::io::Result<Arc<OwnedFd>> {
        if fh == 0 {
            self.descriptor(ino, writing)
        } else {
            self.files.get(fh)
        }
    }

    /// Calls `add` with each entry of the directory `ino` (open as `fh`)
    /// after `offset` (listed anew when read from the start, so a rewind
    /// sees changes), with its own offset, until `add` says the reply is
    /// full; `None` from `add` skips an entry that went away.
    fn each_entry(
        &self,
        ino: u64,
        fh: u64,
        offset: u64,
        mut add: impl FnMut(u64, Entry<'_>) -> Option<bool>,
    ) -> std::io::Result<()> {
        let listing = self.directories.listing(fh, ino)?;
        let mut kept = listing.entries();
        if offset == 0 || kept.is_none() {
            *kept = Some(Listing::sorted(self.list(listing.ino)?));
        }
        let entries = kept.as_deref().unwrap_or_default();
        let dots = DOTS.iter().zip(1..).map(|(&dot, at)| (at, Entry::Dot(dot)));
        let listed = entries
            .iter()
            .map(|(at, l)| (*at, Entry::Listed(listing.ino, l)));
        let mut any = false;
        for (at, entry) in dots.chain(listed).filter(|(at, _)| *at > offset) {
            any = true;
            if add(at, entry) == Some(true) {
                return Ok(());
            }
        }
        drop(kept);
        if !any && fh == 0 {
            self.directories.forget(ino);
        }
        Ok(())
    }
}

fn caller(req: &Request) -> Caller {
    Caller {
        uid: req.uid(),
        gid: req.gid(),
    }
}

fn reply_entry(
    result: std::io::Result<(u64, Stat, Option<rustix::fd::OwnedFd>)>,
    reply: ReplyEntry,
) {
    match result {
        Ok((_, st, _)) => reply.entry(&TTL, &attr(&st), Generation(0)),
        Err(e) => reply.error(reply_error(e)),
    }
}

fn reply_empty(result: std::io::Result<()>, reply: ReplyEmpty) {
    match result {
        Ok(()) => reply.ok(),
        Err(e) => reply.error(reply_error(e)),
    }
}

/// Answers an xattr read: its size when asked with 0, else the value if
/// it fits.
fn reply_xattr(result: std::io::Result<Vec<u8>>, size: u32, reply: ReplyXattr) {
    match result {
        Ok(value) if size == 0 => reply.size(value.len() as u32),
        Ok(value) if value.len() <= size as usize => reply.data(&value),
        Ok(_) => reply.error(Errno::ERANGE),
        Err(e) => reply.error(reply_error(e)),
    }
}

/// An all-zero `Stat`, for a negative entry.
fn unsafe_zeroed_stat() -> Stat {
    // SAFETY: `Stat` is a plain C struct for which all zeroes is valid.
    unsafe { std::mem::zeroed() }
}
