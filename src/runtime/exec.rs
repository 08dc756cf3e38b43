//! The last step of the init: find the program in the container's `PATH`
//! and exec it, with Docker's exit codes when that fails (127: not found,
//! 126: cannot be run).

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Exit code: the command was not found.
pub const NOT_FOUND: i32 = 127;
/// Exit code: the command was found but could not be run.
pub const CANNOT_RUN: i32 = 126;

/// Execs `args` with `env`; returns only on failure, with the exit code
/// to use and Docker's message.
pub fn exec(args: &[String], env: &[String]) -> (i32, String) {
    let Some(program) = args.first() else {
        return (super::init::SETUP_FAILED, "no command specified".into());
    };
    let path_var = env
        .iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or(DEFAULT_PATH);
    let Some(path) = find(program, path_var) else {
        return (
            NOT_FOUND,
            format!("exec: \"{program}\": executable file not found in $PATH"),
        );
    };
    let c = |s: &str| CString::new(s).unwrap_or_default();
    let argv: Vec<CString> = args.iter().map(|a| c(a)).collect();
    let envp: Vec<CString> = env.iter().map(|e| c(e)).collect();
    let Ok(file) = CString::new(path.as_os_str().as_bytes()) else {
        return (NOT_FOUND, format!("exec: \"{program}\": invalid name"));
    };
    let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());
    let mut envp_ptrs: Vec<*const libc::c_char> = envp.iter().map(|e| e.as_ptr()).collect();
    envp_ptrs.push(std::ptr::null());
    // SAFETY: NUL-terminated strings and NULL-terminated arrays that live
    // until the call, which only returns on failure.
    unsafe { libc::execve(file.as_ptr(), argv_ptrs.as_ptr(), envp_ptrs.as_ptr()) };
    let error = std::io::Error::last_os_error();
    let code = match error.raw_os_error() {
        Some(libc::ENOENT) => NOT_FOUND,
        _ => CANNOT_RUN,
    };
    (code, format!("exec: \"{program}\": {}", describe(&error)))
}

/// The container's default search path when its environment has none.
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// `program` itself when it has a slash, else the first executable file
/// of that name in `path`.
fn find(program: &str, path: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    path.split(':')
        .map(|dir| Path::new(if dir.is_empty() { "." } else { dir }).join(program))
        .find(|candidate| is_executable_file(candidate))
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Go's wording for the common cases, as Docker prints them.
fn describe(error: &std::io::Error) -> String {
    match error.raw_os_error() {
        Some(libc::ENOENT) => "no such file or directory".into(),
        Some(libc::EACCES) => "permission denied".into(),
        Some(libc::ENOEXEC) => "exec format error".into(),
        _ => error.to_string(),
    }
}
