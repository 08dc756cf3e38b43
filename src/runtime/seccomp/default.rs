//! Docker's default seccomp profile, in rpod's own tables: calls not
//! named here fail with EPERM. Allowed are the calls of ordinary
//! programs, grouped by what they touch; calls that reach beyond the
//! container (mounts, namespaces, modules, the clock, tracing other
//! processes' memory…) only when the container holds the capability that
//! governs them; `socket` for the common address families; `personality`
//! with the harmless personas; `clone` without new namespaces unless the
//! container holds CAP_SYS_ADMIN. Names one architecture lacks are
//! skipped there (`arch_prctl` exists on x86_64 only).

use super::profile::{Action, ArgCheck, Compare, Facts, Profile, Rule};
use rustix::thread::CapabilitySet;

/// Allowed to every container, whatever its capabilities (the kernel
/// still checks capabilities where a call needs one).
const ALWAYS: &[&[&str]] = &[
    // Files and directories.
    &[
        "access",
        "faccessat",
        "faccessat2",
        "chdir",
        "fchdir",
        "getcwd",
        "chmod",
        "fchmod",
        "fchmodat",
        "fchmodat2",
        "chown",
        "fchown",
        "fchownat",
        "lchown",
        "creat",
        "open",
        "openat",
        "openat2",
        "close",
        "close_range",
        "dup",
        "dup2",
        "dup3",
        "fcntl",
        "flock",
        "link",
        "linkat",
        "symlink",
        "symlinkat",
        "readlink",
        "readlinkat",
        "rename",
        "renameat",
        "renameat2",
        "mkdir",
        "mkdirat",
        "mknod",
        "mknodat",
        "rmdir",
        "unlink",
        "unlinkat",
        "stat",
        "lstat",
        "fstat",
        "newfstatat",
        "statx",
        "statfs",
        "fstatfs",
        "statmount",
        "listmount",
        "truncate",
        "ftruncate",
        "fallocate",
        "fadvise64",
        "readahead",
        "getdents",
        "getdents64",
        "umask",
        "utime",
        "utimes",
        "utimensat",
        "futimesat",
        "name_to_handle_at",
        "sync",
        "syncfs",
        "fsync",
        "fdatasync",
        "sync_file_range",
    ],
    // Extended attributes.
    &[
        "getxattr",
        "lgetxattr",
        "fgetxattr",
        "getxattrat",
        "setxattr",
        "lsetxattr",
        "fsetxattr",
        "setxattrat",
        "listxattr",
        "llistxattr",
        "flistxattr",
        "listxattrat",
        "removexattr",
        "lremovexattr",
        "fremovexattr",
        "removexattrat",
    ],
    // Reading, writing and moving data.
    &[
        "read",
        "write",
        "readv",
        "writev",
        "pread64",
        "pwrite64",
        "preadv",
        "pwritev",
        "preadv2",
        "pwritev2",
        "lseek",
        "sendfile",
        "splice",
        "tee",
        "vmsplice",
        "copy_file_range",
        "ioctl",
    ],
    // Waiting on descriptors, and descriptors that are events.
    &[
        "poll",
        "ppoll",
        "select",
        "pselect6",
        "epoll_create",
        "epoll_create1",
        "epoll_ctl",
        "epoll_ctl_old",
        "epoll_wait",
        "epoll_wait_old",
        "epoll_pwait",
        "epoll_pwait2",
        "eventfd",
        "eventfd2",
        "signalfd",
        "signalfd4",
        "timerfd_create",
        "timerfd_gettime",
        "timerfd_settime",
        "inotify_init",
        "inotify_init1",
        "inotify_add_watch",
        "inotify_rm_watch",
        "fanotify_mark",
        "pipe",
        "pipe2",
    ],
    // Asynchronous I/O.
    &[
        "io_setup",
        "io_destroy",
        "io_submit",
        "io_cancel",
        "io_getevents",
        "io_pgetevents",
        "ioprio_get",
        "ioprio_set",
    ],
    // Memory.
    &[
        "brk",
        "mmap",
        "munmap",
        "mremap",
        "mprotect",
        "madvise",
        "mincore",
        "msync",
        "mlock",
        "mlock2",
        "mlockall",
        "munlock",
        "munlockall",
        "remap_file_pages",
        "membarrier",
        "memfd_create",
        "memfd_secret",
        "pkey_alloc",
        "pkey_free",
        "pkey_mprotect",
        "map_shadow_stack",
        "mseal",
        "cachestat",
    ],
    // Processes and threads (`clone` and `clone3` are below).
    &[
        "fork",
        "vfork",
        "execve",
        "execveat",
        "exit",
        "exit_group",
        "wait4",
        "waitid",
        "kill",
        "tkill",
        "tgkill",
        "pidfd_open",
        "pidfd_send_signal",
        "process_mrelease",
        "getpid",
        "getppid",
        "gettid",
        "getpgid",
        "setpgid",
        "getpgrp",
        "getsid",
        "setsid",
        "set_tid_address",
        "get_robust_list",
        "set_robust_list",
        "rseq",
        "futex",
        "futex_wait",
        "futex_wake",
        "futex_requeue",
        "futex_waitv",
        "prctl",
        "arch_prctl",
        "modify_ldt",
        "get_thread_area",
        "set_thread_area",
        "seccomp",
        "landlock_create_ruleset",
        "landlock_add_rule",
        "landlock_restrict_self",
        "restart_syscall",
        "uretprobe",
    ],
    // Debugging the container's own processes (the kernel confines
    // ptrace to them since 4.8).
    &["ptrace", "process_vm_readv", "process_vm_writev"],
    // Identity and capabilities.
    &[
        "getuid",
        "geteuid",
        "getgid",
        "getegid",
        "getresuid",
        "getresgid",
        "getgroups",
        "setuid",
        "setgid",
        "setreuid",
        "setregid",
        "setresuid",
        "setresgid",
        "setfsuid",
        "setfsgid",
        "setgroups",
        "capget",
        "capset",
    ],
    // Signals.
    &[
        "rt_sigaction",
        "rt_sigprocmask",
        "rt_sigpending",
        "rt_sigsuspend",
        "rt_sigtimedwait",
        "rt_sigqueueinfo",
        "rt_tgsigqueueinfo",
        "rt_sigreturn",
        "sigaltstack",
        "pause",
        "alarm",
    ],
    // Clocks and timers (setting the clock is below).
    &[
        "time",
        "gettimeofday",
        "clock_gettime",
        "clock_getres",
        "clock_nanosleep",
        "nanosleep",
        "clock_adjtime",
        "adjtimex",
        "getitimer",
        "setitimer",
        "timer_create",
        "timer_delete",
        "timer_gettime",
        "timer_settime",
        "timer_getoverrun",
        "times",
    ],
    // Scheduling, limits and accounting.
    &[
        "sched_yield",
        "sched_getaffinity",
        "sched_setaffinity",
        "sched_getattr",
        "sched_setattr",
        "sched_getparam",
        "sched_setparam",
        "sched_getscheduler",
        "sched_setscheduler",
        "sched_get_priority_max",
        "sched_get_priority_min",
        "sched_rr_get_interval",
        "getpriority",
        "setpriority",
        "getrlimit",
        "setrlimit",
        "prlimit64",
        "getrusage",
        "getcpu",
    ],
    // The system.
    &["uname", "sysinfo", "getrandom"],
    // Sockets (`socket` itself is below).
    &[
        "socketpair",
        "bind",
        "connect",
        "listen",
        "accept",
        "accept4",
        "getsockname",
        "getpeername",
        "getsockopt",
        "setsockopt",
        "sendto",
        "sendmsg",
        "sendmmsg",
        "recvfrom",
        "recvmsg",
        "recvmmsg",
        "shutdown",
    ],
    // System V and POSIX message queues, semaphores, shared memory.
    &[
        "msgget",
        "msgsnd",
        "msgrcv",
        "msgctl",
        "semget",
        "semop",
        "semtimedop",
        "semctl",
        "shmget",
        "shmat",
        "shmdt",
        "shmctl",
        "mq_open",
        "mq_unlink",
        "mq_timedsend",
        "mq_timedreceive",
        "mq_notify",
        "mq_getsetattr",
    ],
];

/// Allowed only to a container holding the capability.
const BY_CAPABILITY: &[(CapabilitySet, &[&str])] = &[
    (
        CapabilitySet::SYS_ADMIN,
        &[
            "mount",
            "umount2",
            "mount_setattr",
            "move_mount",
            "open_tree",
            "fsopen",
            "fsconfig",
            "fsmount",
            "fspick",
            "unshare",
            "setns",
            "clone",
            "clone3",
            "sethostname",
            "setdomainname",
            "quotactl",
            "quotactl_fd",
            "fanotify_init",
            "lookup_dcookie",
            "bpf",
            "perf_event_open",
            "syslog",
            "lsm_get_self_attr",
            "lsm_set_self_attr",
            "lsm_list_modules",
        ],
    ),
    (CapabilitySet::DAC_READ_SEARCH, &["open_by_handle_at"]),
    (CapabilitySet::SYS_BOOT, &["reboot"]),
    (CapabilitySet::SYS_CHROOT, &["chroot"]),
    (
        CapabilitySet::SYS_MODULE,
        &["init_module", "finit_module", "delete_module"],
    ),
    (CapabilitySet::SYS_PACCT, &["acct"]),
    (
        CapabilitySet::SYS_PTRACE,
        &["kcmp", "pidfd_getfd", "process_madvise"],
    ),
    (CapabilitySet::SYS_RAWIO, &["iopl", "ioperm"]),
    (CapabilitySet::SYS_TIME, &["settimeofday", "clock_settime"]),
    (CapabilitySet::SYS_TTY_CONFIG, &["vhangup"]),
    (
        CapabilitySet::SYS_NICE,
        &[
            "get_mempolicy",
            "set_mempolicy",
            "mbind",
            "set_mempolicy_home_node",
        ],
    ),
    (CapabilitySet::SYSLOG, &["syslog"]),
    (CapabilitySet::BPF, &["bpf"]),
    (CapabilitySet::PERFMON, &["perf_event_open"]),
];

/// Address families `socket` may create, as inclusive ranges. Left out:
/// DECnet (12), Econet (19), ATM SVC (20), IrDA (23), WANPIPE (25),
/// ISDN (34), CAIF (37), AF_ALG (38), vsock (40), and everything from
/// 46 on.
const SOCKET_FAMILIES: &[(u64, u64)] = &[
    (0, 11),
    (13, 18),
    (21, 22),
    (24, 24),
    (26, 33),
    (35, 36),
    (39, 39),
    (41, 45),
];

/// Personas `personality` may set: Linux, its 32-bit flavour, each with
/// the 2.6-style uname, and the query 0xffffffff.
const PERSONAS: &[u64] = &[0x0, 0x8, 0x2_0000, 0x2_0008, 0xffff_ffff];

/// The `clone` flags that make new namespaces.
const NAMESPACE_FLAGS: u64 = (libc::CLONE_NEWNS
    | libc::CLONE_NEWCGROUP
    | libc::CLONE_NEWUTS
    | libc::CLONE_NEWIPC
    | libc::CLONE_NEWUSER
    | libc::CLONE_NEWPID
    | libc::CLONE_NEWNET) as u64;

/// Docker's default profile.
pub fn profile() -> Profile {
    let mut rules: Vec<Rule> = ALWAYS.iter().map(|names| Rule::allow(names)).collect();
    rules.extend(BY_CAPABILITY.iter().map(|&(capability, names)| Rule {
        only_if: Facts {
            capabilities: capability,
            ..Facts::default()
        },
        ..Rule::allow(names)
    }));
    let arg0 = |compare, value| ArgCheck {
        index: 0,
        compare,
        value,
    };
    let allow_when = |name: &str, args: Vec<ArgCheck>| Rule {
        args,
        ..Rule::allow(&[name])
    };
    rules.extend(SOCKET_FAMILIES.iter().map(|&(low, high)| {
        let args = if low == high {
            vec![arg0(Compare::Eq, low)]
        } else {
            vec![arg0(Compare::Ge, low), arg0(Compare::Le, high)]
        };
        allow_when("socket", args)
    }));
    rules.extend(
        PERSONAS
            .iter()
            .map(|&persona| allow_when("personality", vec![arg0(Compare::Eq, persona)])),
    );
    let without_sys_admin = Facts {
        capabilities: CapabilitySet::SYS_ADMIN,
        ..Facts::default()
    };
    // Threads and plain forks, but no namespaces.
    rules.push(Rule {
        unless: without_sys_admin.clone(),
        ..allow_when("clone", vec![arg0(Compare::MaskedEq(NAMESPACE_FLAGS), 0)])
    });
    // clone3's flags are behind a pointer the filter cannot read: say
    // "not implemented", so that the C library falls back to clone.
    rules.push(Rule {
        action: Action::Errno(libc::ENOSYS as u16),
        unless: without_sys_admin,
        ..Rule::allow(&["clone3"])
    });
    Profile {
        default: Action::Errno(libc::EPERM as u16),
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn no_call_is_listed_twice_in_the_base_list() {
        let all: Vec<&str> = ALWAYS.iter().flat_map(|g| g.iter().copied()).collect();
        let unique: HashSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        let gated: HashSet<&str> = BY_CAPABILITY
            .iter()
            .flat_map(|(_, n)| n.iter().copied())
            .collect();
        assert!(all.iter().all(|n| !gated.contains(n)));
    }

    #[test]
    fn every_name_is_a_call_of_x86_64_or_aarch64() {
        let tables = [include_str!("x86_64.tbl"), include_str!("aarch64.tbl")];
        let known: HashSet<&str> = tables
            .iter()
            .flat_map(|t| t.lines())
            .filter_map(|l| l.split_once(' ').map(|(_, name)| name))
            .collect();
        for rule in profile().rules {
            for name in &rule.names {
                assert!(known.contains(name.as_str()), "{name}");
            }
        }
    }
}
