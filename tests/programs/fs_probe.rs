//! A small static program the FUSE tests run inside containers, for the
//! filesystem calls busybox has no command for: shared `mmap` writes,
//! racing `O_CREAT|O_EXCL` opens, `O_TMPFILE`, holes and `fallocate`, a
//! unix socket bound in the union, reading one extended attribute, and
//! creating a file with a mode of its own. It depends on nothing but
//! `std` and the C library it links statically, so `rustc` alone builds
//! it.
//!
//! Each command prints what it saw on one line, errors as their errno.

use std::ffi::{CString, c_void};
use std::fs::OpenOptions;
use std::io::{Error, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::net::{UnixListener, UnixStream};

unsafe extern "C" {
    fn mmap(addr: *mut c_void, len: usize, prot: i32, flags: i32, fd: i32, off: i64)
    -> *mut c_void;
    fn msync(addr: *mut c_void, len: usize, flags: i32) -> i32;
    fn munmap(addr: *mut c_void, len: usize) -> i32;
    fn lseek(fd: i32, offset: i64, whence: i32) -> i64;
    fn fallocate(fd: i32, mode: i32, offset: i64, len: i64) -> i32;
    fn linkat(olddir: i32, old: *const i8, newdir: i32, new: *const i8, flags: i32) -> i32;
    fn lgetxattr(path: *const i8, name: *const i8, value: *mut c_void, size: usize) -> isize;
}

const PROT_READ_WRITE: i32 = 0x1 | 0x2;
const MAP_SHARED: i32 = 0x01;
const MS_SYNC: i32 = 4;
const SEEK_DATA: i32 = 3;
const SEEK_HOLE: i32 = 4;
const O_TMPFILE: i32 = 0o20200000;
const AT_FDCWD: i32 = -100;
const AT_SYMLINK_FOLLOW: i32 = 0x400;

fn errno_of(e: &Error) -> String {
    match e.raw_os_error() {
        Some(libc_errno) => format!("errno {libc_errno}"),
        None => e.to_string(),
    }
}

/// Writes `text` over the start of `path` through a shared mapping.
fn mmap_write(path: &str, text: &str) -> Result<String, Error> {
    let file = OpenOptions::new().read(true).write(true).open(path)?;
    let len = text.len();
    if file.metadata()?.len() < len as u64 {
        file.set_len(len as u64)?;
    }
    // SAFETY: a fresh shared mapping of `len` bytes of an open file,
    // written within its bounds and unmapped before the file closes.
    unsafe {
        let at = mmap(std::ptr::null_mut(), len, PROT_READ_WRITE, MAP_SHARED, file.as_raw_fd(), 0);
        if at as isize == -1 {
            return Err(Error::last_os_error());
        }
        std::ptr::copy_nonoverlapping(text.as_ptr(), at.cast::<u8>(), len);
        if msync(at, len, MS_SYNC) != 0 {
            return Err(Error::last_os_error());
        }
        munmap(at, len);
    }
    Ok("mapped".to_string())
}

/// `count` threads create `path` with `O_CREAT|O_EXCL` at once.
fn excl_race(path: &str, count: usize) -> Result<String, Error> {
    let barrier = std::sync::Barrier::new(count);
    let outcomes: Vec<String> = std::thread::scope(|s| {
        let racers: Vec<_> = (0..count)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    match OpenOptions::new().write(true).create_new(true).open(path) {
                        Ok(_) => "created".to_string(),
                        Err(e) => errno_of(&e),
                    }
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let created = outcomes.iter().filter(|o| *o == "created").count();
    let refused = outcomes.iter().filter(|o| *o == "errno 17").count();
    Ok(format!("{created} created, {refused} EEXIST"))
}

/// An unnamed file in `dir`, written, then given the name `dir/name`.
fn tmpfile(dir: &str, name: &str) -> Result<String, Error> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(O_TMPFILE)
        .open(dir)?;
    file.write_all(b"unnamed\n")?;
    let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap();
    let to = CString::new(format!("{dir}/{name}")).unwrap();
    // SAFETY: two NUL-terminated paths that outlive the call.
    if unsafe { linkat(AT_FDCWD, from.as_ptr(), AT_FDCWD, to.as_ptr(), AT_SYMLINK_FOLLOW) } != 0 {
        return Err(Error::last_os_error());
    }
    Ok("linked".to_string())
}

/// A file with a hole, where its data and hole begin, and `fallocate`.
fn holes(path: &str) -> Result<String, Error> {
    let mut file = OpenOptions::new().read(true).write(true).create(true).truncate(true).open(path)?;
    let at = 1 << 20;
    file.set_len(at)?;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(at))?;
    file.write_all(b"end")?;
    let fd = file.as_raw_fd();
    // SAFETY: plain calls on an open descriptor.
    let (data, hole, allocated) = unsafe {
        (lseek(fd, 0, SEEK_DATA), lseek(fd, 0, SEEK_HOLE), fallocate(fd, 0, 0, 4096))
    };
    if allocated != 0 {
        return Err(Error::last_os_error());
    }
    Ok(format!("data at {data}, hole at {hole}, allocated"))
}

/// A unix socket bound at `path`, and a message through it.
fn socket(path: &str) -> Result<String, Error> {
    let listener = UnixListener::bind(path)?;
    let mut client = UnixStream::connect(path)?;
    client.write_all(b"ping")?;
    let (mut server, _) = listener.accept()?;
    let mut got = [0u8; 4];
    server.read_exact(&mut got)?;
    Ok(String::from_utf8_lossy(&got).into_owned())
}

/// Creates `path` with the (octal) `mode` given to `open` itself.
fn create(path: &str, mode: &str) -> Result<String, Error> {
    let mode = u32::from_str_radix(mode, 8).map_err(Error::other)?;
    OpenOptions::new().write(true).create_new(true).mode(mode).open(path)?;
    Ok("created".to_string())
}

/// The value of the extended attribute `name` of `path` (not followed).
fn xattr(path: &str, name: &str) -> Result<String, Error> {
    let (path, name) = (CString::new(path)?, CString::new(name)?);
    let mut value = [0u8; 256];
    // SAFETY: two NUL-terminated strings and a buffer of the size given.
    let len = unsafe { lgetxattr(path.as_ptr(), name.as_ptr(), value.as_mut_ptr().cast(), 256) };
    if len < 0 {
        return Err(Error::last_os_error());
    }
    Ok(String::from_utf8_lossy(&value[..len as usize]).into_owned())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str).unwrap_or("");
    let outcome = match arg(0) {
        "mmap-write" => mmap_write(arg(1), arg(2)),
        "excl-race" => excl_race(arg(1), arg(2).parse().unwrap_or(8)),
        "tmpfile" => tmpfile(arg(1), arg(2)),
        "holes" => holes(arg(1)),
        "socket" => socket(arg(1)),
        "xattr" => xattr(arg(1), arg(2)),
        "create" => create(arg(1), arg(2)),
        other => Err(Error::other(format!("unknown command {other:?}"))),
    };
    match outcome {
        Ok(said) => println!("{said}"),
        Err(e) => {
            println!("{}", errno_of(&e));
            std::process::exit(1);
        }
    }
}
