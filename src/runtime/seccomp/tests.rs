//! The compiled filters, tried for real: each probe runs in a forked
//! child that installs the filter (under no_new_privs) and reports the
//! errno of one system call as its exit code.

use super::*;
use crate::runtime::capabilities::docker_default;

/// The errno `probe` ends with under `filter` (0: the call succeeded).
fn errno_under(filter: &Filter, probe: fn() -> libc::c_long) -> i32 {
    let status = status_under(filter, probe);
    assert!(libc::WIFEXITED(status), "the probe died: {status:#x}");
    libc::WEXITSTATUS(status)
}

/// The wait status of a child that ran `probe` under `filter` and exited
/// with the errno it ended with.
fn status_under(filter: &Filter, probe: fn() -> libc::c_long) -> i32 {
    // SAFETY: the child makes raw system calls only (no allocation, no
    // locks) and leaves with _exit.
    unsafe {
        let pid = libc::fork();
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
            if filter.install().is_err() {
                libc::_exit(200);
            }
            let code = if probe() < 0 {
                *libc::__errno_location()
            } else {
                0
            };
            libc::_exit(code);
        }
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        status
    }
}

fn default_filter(capabilities: CapabilitySet) -> Filter {
    Seccomp::Default
        .filter(false, capabilities)
        .unwrap()
        .unwrap()
}

fn unshare_nothing() -> libc::c_long {
    // SAFETY: a plain system call.
    unsafe { libc::syscall(libc::SYS_unshare, 0) }
}

fn clone3_nothing() -> libc::c_long {
    // SAFETY: a null argument the kernel refuses (EFAULT/EINVAL) if it runs.
    unsafe { libc::syscall(libc::SYS_clone3, 0usize, 0usize) }
}

fn clone_new_user() -> libc::c_long {
    // SAFETY: CLONE_NEWUSER with CLONE_FS is refused (EINVAL) if it runs.
    unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_NEWUSER | libc::CLONE_FS) as libc::c_ulong,
            0usize,
        )
    }
}

fn socket_of(family: libc::c_int) -> libc::c_long {
    // SAFETY: a plain system call; the socket is not closed in a child
    // that exits at once.
    unsafe { libc::syscall(libc::SYS_socket, family, libc::SOCK_STREAM, 0) }
}

fn mkdir_root() -> libc::c_long {
    // SAFETY: a NUL-terminated path; EEXIST when it is there.
    unsafe { libc::syscall(libc::SYS_mkdirat, libc::AT_FDCWD, c"/".as_ptr(), 0o700) }
}

#[test]
fn dockers_default_profile_denies_what_docker_denies() {
    let filter = default_filter(docker_default());
    // SAFETY: plain system calls.
    assert_eq!(
        errno_under(&filter, || unsafe { libc::syscall(libc::SYS_getpid) }),
        0
    );
    assert_eq!(errno_under(&filter, unshare_nothing), libc::EPERM);
    assert_eq!(errno_under(&filter, clone3_nothing), libc::ENOSYS);
    assert_eq!(errno_under(&filter, clone_new_user), libc::EPERM);
    assert_eq!(errno_under(&filter, || socket_of(libc::AF_UNIX)), 0);
    assert_eq!(
        errno_under(&filter, || socket_of(libc::AF_VSOCK)),
        libc::EPERM
    );
    assert_eq!(
        errno_under(&filter, || socket_of(libc::AF_DECnet)),
        libc::EPERM
    );
    // SAFETY: plain system calls.
    let query = || unsafe { libc::syscall(libc::SYS_personality, 0xffff_ffffu64) };
    assert_eq!(errno_under(&filter, query), 0);
    // SAFETY: plain system calls.
    let no_aslr = || unsafe { libc::syscall(libc::SYS_personality, libc::ADDR_NO_RANDOMIZE) };
    assert_eq!(errno_under(&filter, no_aslr), libc::EPERM);
    // mkdirat runs (and finds "/" there).
    assert_eq!(errno_under(&filter, mkdir_root), libc::EEXIST);
}

#[test]
fn capabilities_open_their_groups() {
    let filter = default_filter(docker_default() | CapabilitySet::SYS_ADMIN);
    assert_eq!(errno_under(&filter, unshare_nothing), 0);
    assert_ne!(errno_under(&filter, clone3_nothing), libc::ENOSYS);
    assert_eq!(errno_under(&filter, clone_new_user), libc::EINVAL);
}

#[test]
fn unconfined_and_privileged_have_no_filter() {
    assert!(
        Seccomp::Unconfined
            .filter(false, docker_default())
            .unwrap()
            .is_none()
    );
    assert!(
        Seccomp::Default
            .filter(true, CapabilitySet::all())
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_custom_profile_applies_its_own_errnos() {
    let profile = Seccomp::Profile(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
            {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"},
            {"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22},
            {"names": ["socket"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13,
             "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"}]},
            {"names": ["no_such_call"], "action": "SCMP_ACT_KILL"}
        ]}"#
        .into(),
    );
    let filter = profile.filter(false, docker_default()).unwrap().unwrap();
    assert_eq!(errno_under(&filter, mkdir_root), libc::EPERM);
    assert_eq!(errno_under(&filter, unshare_nothing), libc::EINVAL);
    assert_eq!(
        errno_under(&filter, || socket_of(libc::AF_UNIX)),
        libc::EACCES
    );
    assert_eq!(errno_under(&filter, || socket_of(libc::AF_INET)), 0);
}

#[test]
fn a_denying_default_keeps_a_rules_errno() {
    let profile = Seccomp::Profile(
        r#"{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
            {"names": ["getpid", "exit_group", "exit"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["unshare"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
        ]}"#
        .into(),
    );
    let filter = profile.filter(false, docker_default()).unwrap().unwrap();
    assert_eq!(errno_under(&filter, unshare_nothing), libc::ENOSYS);
    assert_eq!(errno_under(&filter, mkdir_root), libc::EPERM);
    // SAFETY: a plain system call.
    assert_eq!(
        errno_under(&filter, || unsafe { libc::syscall(libc::SYS_getpid) }),
        0
    );
}

#[test]
fn profile_files_are_checked_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let good = file("good.json", r#"{"defaultAction": "SCMP_ACT_ALLOW"}"#);
    assert!(matches!(
        Seccomp::from_option(&good),
        Ok(Seccomp::Profile(_))
    ));
    let bad = file("bad.json", "{");
    let err = format!("{:#}", Seccomp::from_option(&bad).unwrap_err());
    assert!(
        err.starts_with(&format!("invalid seccomp profile {bad}: EOF")),
        "{err}"
    );
    let err = format!("{:#}", Seccomp::from_option("/no/such/file").unwrap_err());
    assert!(err.contains("No such file"), "{err}");
    assert_eq!(
        Seccomp::from_option("unconfined").unwrap(),
        Seccomp::Unconfined
    );
    assert_eq!(Seccomp::from_option("builtin").unwrap(), Seccomp::Default);
    assert!(Seccomp::from_option("").is_err());
}

#[test]
fn a_program_denying_seccomp_itself_is_installed_last() {
    let profile = |rules: &str| {
        Seccomp::Profile(format!(
            r#"{{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{rules}]}}"#
        ))
        .filter(false, docker_default())
    };
    let filter = profile(
        r#"{"names": ["seccomp"], "action": "SCMP_ACT_ERRNO"},
           {"names": ["unshare"], "action": "SCMP_ACT_TRAP"},
           {"names": ["mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 22}"#,
    )
    .unwrap()
    .unwrap();
    assert_eq!(errno_under(&filter, mkdir_root), libc::EINVAL);
    // Two programs that each deny seccomp cannot both be installed.
    let err = profile(
        r#"{"names": ["seccomp"], "action": "SCMP_ACT_ERRNO"},
           {"names": ["seccomp"], "action": "SCMP_ACT_KILL_PROCESS",
            "args": [{"index": 0, "value": 9, "op": "SCMP_CMP_EQ"}]}"#,
    )
    .unwrap_err();
    assert!(format!("{err:#}").contains("denies seccomp(2)"), "{err:#}");
}

#[cfg(target_arch = "x86_64")]
#[test]
fn x32_calls_kill_the_process_even_where_the_profile_allows() {
    let filter = Seccomp::Profile(
        r#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
            {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}"#
            .into(),
    )
    .filter(false, docker_default())
    .unwrap()
    .unwrap();
    // SAFETY: getpid through the x32 ABI; ENOSYS where the kernel lacks it.
    let x32_getpid = || unsafe { libc::syscall(0x4000_0000 | libc::SYS_getpid) };
    let status = status_under(&filter, x32_getpid);
    assert!(
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGSYS,
        "{status:#x}"
    );
}
