//! The calling user from the password database.

use anyhow::{Result, bail};
use std::ffi::CStr;
use std::path::PathBuf;

/// The calling user.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

/// Looks the real uid up with `getpwuid_r`; a uid with no entry gets its
/// number as its name (as in containers started by batch systems).
pub fn current_user() -> Result<User> {
    let uid = rustix::process::getuid().as_raw();
    let gid = rustix::process::getgid().as_raw();
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer refers to live, correctly sized storage owned
    // here; on success `result` points at `pwd`, whose strings live in `buf`.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 && rc != libc::ENOENT && rc != libc::ESRCH {
        bail!(
            "cannot look up uid {uid}: {}",
            std::io::Error::from_raw_os_error(rc)
        );
    }
    if result.is_null() {
        return Ok(User {
            name: uid.to_string(),
            uid,
            gid,
            home: PathBuf::from("/"),
        });
    }
    // SAFETY: getpwuid_r succeeded, so these are NUL-terminated strings in `buf`.
    let (name, home) = unsafe { (CStr::from_ptr(pwd.pw_name), CStr::from_ptr(pwd.pw_dir)) };
    Ok(User {
        name: name.to_string_lossy().into_owned(),
        uid,
        gid,
        home: PathBuf::from(home.to_string_lossy().into_owned()),
    })
}
