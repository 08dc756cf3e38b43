//! Seccomp for the workload: Docker's default profile, none for
//! `--security-opt seccomp=unconfined` and `--privileged` (as Docker),
//! or a profile file in Docker's JSON format, read and checked by
//! `create` and kept in the container record.
//!
//! A profile compiles to BPF programs, one set per action: one returns
//! the profile's default action for every call no rule matches and
//! allows the rest (a search tree of call numbers, see `allowlist`); each
//! other one, compiled by `seccompiler`, returns its action for the calls
//! (and arguments) of the rules with that action, and allows the rest.
//! The kernel runs them all and takes the strictest answer, so a call a
//! rule matches gets that rule's action. The monitor compiles
//! before it forks the init; the init installs the programs just before
//! it execs the workload, or, without no_new_privileges, before it takes
//! on the workload's user (installing needs CAP_SYS_ADMIN then, as in
//! runc): a profile must then let the init's last calls through
//! (`setgroups`, `setres[ug]id`, `capset`, `rt_sigaction`, `execve`…).
//!
//! The programs check the architecture: a call made through another ABI
//! than the native one (32-bit x86 or x32 on x86_64) kills the process,
//! where Docker would apply the same profile; run such images unconfined.

mod allowlist;
mod default;
mod profile;
mod syscalls;

use anyhow::{Context, Result, bail};
use profile::{Action, ArgCheck, Compare, Host, Profile};
use rustix::thread::CapabilitySet;
use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;

/// The seccomp profile a container was created with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seccomp {
    /// Docker's default profile.
    #[default]
    Default,
    /// No filter.
    Unconfined,
    /// A profile in Docker's JSON format, as the user's file held it.
    Profile(String),
}

impl Seccomp {
    /// The value of `--security-opt seccomp=VALUE`: `unconfined`,
    /// `builtin` (the default), or the path of a profile file, which is
    /// read and checked now.
    pub fn from_option(value: &str) -> Result<Self> {
        match value {
            "unconfined" => return Ok(Self::Unconfined),
            "builtin" => return Ok(Self::Default),
            "" => bail!("--security-opt seccomp needs a value: unconfined or a profile file"),
            _ => {}
        }
        let read = || -> Result<String> {
            let mut text = String::new();
            std::fs::File::open(value)?
                .take(profile::MAX_PROFILE_BYTES as u64 + 1)
                .read_to_string(&mut text)?;
            if text.len() > profile::MAX_PROFILE_BYTES {
                bail!("larger than {} bytes", profile::MAX_PROFILE_BYTES);
            }
            profile::parse(&text)?;
            Ok(text)
        };
        let text = read().with_context(|| format!("invalid seccomp profile {value}"))?;
        Ok(Self::Profile(text))
    }

    /// `HostConfig.SecurityOpt`'s entry for it, as Docker shows it.
    pub fn security_opt(&self) -> Option<String> {
        match self {
            Self::Default => None,
            Self::Unconfined => Some("seccomp=unconfined".into()),
            Self::Profile(text) => Some(format!("seccomp={text}")),
        }
    }

    /// The filter for a container with these capabilities (none when
    /// unconfined or privileged).
    pub fn filter(&self, privileged: bool, capabilities: CapabilitySet) -> Result<Option<Filter>> {
        if privileged {
            return Ok(None);
        }
        let profile = match self {
            Self::Unconfined => return Ok(None),
            Self::Default => default::profile(),
            Self::Profile(text) => profile::parse(text).context("invalid seccomp profile")?,
        };
        let host = Host {
            capabilities,
            arch: docker_arch(),
            kernel: kernel_version(),
        };
        compile(&profile, &host)
            .map(Some)
            .context("cannot compile the seccomp profile")
    }
}

/// Compiled BPF programs, ready to install.
pub struct Filter {
    programs: Vec<BpfProgram>,
}

impl std::fmt::Debug for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lengths: Vec<usize> = self.programs.iter().map(Vec::len).collect();
        write!(f, "Filter(instructions per program: {lengths:?})")
    }
}

impl Filter {
    /// Installs the programs on the calling thread. Needs no_new_privs or
    /// CAP_SYS_ADMIN in the thread's user namespace. Allocates nothing.
    pub fn install(&self) -> Result<()> {
        for program in &self.programs {
            let fprog = libc::sock_fprog {
                len: program.len() as libc::c_ushort,
                filter: program.as_ptr().cast::<libc::sock_filter>().cast_mut(),
            };
            // SAFETY: seccompiler's sock_filter is #[repr(C)] with the
            // kernel's layout; the kernel copies the program during the call.
            let rc = unsafe {
                libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    0,
                    &raw const fprog,
                )
            };
            if rc != 0 {
                return Err(std::io::Error::last_os_error())
                    .context("cannot install the seccomp filter");
            }
        }
        Ok(())
    }
}

/// The calls a program matches: by number, every call or any of rules.
type Matches = BTreeMap<i64, Option<Vec<SeccompRule>>>;

/// One program for the default action and one per other action (see
/// the module's doc), in an order each can be installed in: the later
/// ones must not deny `seccomp(2)` itself to the earlier ones.
fn compile(profile: &Profile, host: &Host) -> Result<Filter> {
    let arch = TargetArch::try_from(std::env::consts::ARCH)
        .map_err(|_| anyhow::anyhow!("seccomp is not supported on {}", std::env::consts::ARCH))?;
    let numbers = syscalls::numbers();
    let (named, by_action) = matches(profile, host, &numbers)?;
    let seccomp = numbers.get("seccomp").copied().unwrap_or(-1);
    let default_lets_seccomp_through =
        profile.default == Action::Allow || named.get(&seccomp) == Some(&None);
    let (last, first): (Vec<_>, Vec<_>) = by_action
        .into_iter()
        .partition(|(_, matches)| matches.contains_key(&seccomp));
    if last.len() > 1 || (!last.is_empty() && !default_lets_seccomp_through) {
        bail!("it denies seccomp(2) in more ways than rpod can install");
    }
    let mut programs = Vec::new();
    #[cfg(target_arch = "x86_64")]
    programs.push(x32_guard());
    for (action, matches) in first {
        programs.push(program(matches, Action::Allow, action, arch)?);
    }
    if profile.default != Action::Allow {
        programs.extend(allowlist::programs(named, profile.default, arch, seccomp)?);
    }
    for (action, matches) in last {
        programs.push(program(matches, Action::Allow, action, arch)?);
    }
    Ok(Filter { programs })
}

/// The calls the profile names for `host` (whatever the action), and
/// those of each action other than allowing.
fn matches(
    profile: &Profile,
    host: &Host,
    numbers: &std::collections::HashMap<&str, i64>,
) -> Result<(Matches, BTreeMap<Action, Matches>)> {
    let mut named = Matches::new();
    let mut by_action: BTreeMap<Action, Matches> = BTreeMap::new();
    for rule in profile.rules.iter().filter(|r| r.applies(host)) {
        let conditions = rule
            .args
            .iter()
            .map(condition)
            .collect::<Result<Vec<_>>>()?;
        for &number in rule.names.iter().filter_map(|n| numbers.get(n.as_str())) {
            add(&mut named, number, &conditions)?;
            if rule.action != Action::Allow {
                add(
                    by_action.entry(rule.action).or_default(),
                    number,
                    &conditions,
                )?;
            }
        }
    }
    Ok((named, by_action))
}

/// On x86_64, x32 calls come under the native architecture with bit 30
/// of their number set: no rule names them, so a profile that allows by
/// default would let them through. This program kills the process that
/// makes one, as the architecture check does for 32-bit calls.
#[cfg(target_arch = "x86_64")]
fn x32_guard() -> BpfProgram {
    const X32_SYSCALL_BIT: u32 = 0x4000_0000;
    let insn = |code: u32, jt, jf, k| seccompiler::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    vec![
        // The call's number: the first word of struct seccomp_data.
        insn(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0, 0, 0),
        insn(
            libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K,
            0,
            1,
            X32_SYSCALL_BIT,
        ),
        insn(
            libc::BPF_RET | libc::BPF_K,
            0,
            0,
            libc::SECCOMP_RET_KILL_PROCESS,
        ),
        insn(libc::BPF_RET | libc::BPF_K, 0, 0, libc::SECCOMP_RET_ALLOW),
    ]
}

/// Adds one rule's match of call `number` (no conditions: every call).
fn add(matches: &mut Matches, number: i64, conditions: &[SeccompCondition]) -> Result<()> {
    let entry = matches.entry(number).or_insert_with(|| Some(Vec::new()));
    match entry {
        None => {}
        Some(_) if conditions.is_empty() => *entry = None,
        Some(rules) => rules.push(SeccompRule::new(conditions.to_vec())?),
    }
    Ok(())
}

fn program(
    matches: Matches,
    mismatch: Action,
    on_match: Action,
    arch: TargetArch,
) -> Result<BpfProgram> {
    let rules = matches
        .into_iter()
        .map(|(number, rules)| (number, rules.unwrap_or_default()))
        .collect();
    let filter = SeccompFilter::new(rules, mismatch.into(), on_match.into(), arch)?;
    Ok(filter.try_into()?)
}

fn condition(check: &ArgCheck) -> Result<SeccompCondition> {
    let op = match check.compare {
        Compare::Eq => SeccompCmpOp::Eq,
        Compare::Ne => SeccompCmpOp::Ne,
        Compare::Lt => SeccompCmpOp::Lt,
        Compare::Le => SeccompCmpOp::Le,
        Compare::Gt => SeccompCmpOp::Gt,
        Compare::Ge => SeccompCmpOp::Ge,
        Compare::MaskedEq(mask) => SeccompCmpOp::MaskedEq(mask),
    };
    Ok(SeccompCondition::new(
        check.index,
        SeccompCmpArgLen::Qword,
        op,
        check.value,
    )?)
}

impl From<Action> for SeccompAction {
    fn from(action: Action) -> Self {
        match action {
            Action::Allow => SeccompAction::Allow,
            Action::Errno(errno) => SeccompAction::Errno(errno.into()),
            Action::KillThread => SeccompAction::KillThread,
            Action::KillProcess => SeccompAction::KillProcess,
            Action::Trap => SeccompAction::Trap,
            Action::Trace(value) => SeccompAction::Trace(value.into()),
            Action::Log => SeccompAction::Log,
        }
    }
}

/// This architecture as Docker's profiles name it.
fn docker_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// The running kernel's (major, minor); (0, 0) when unknown, so that no
/// rule asking for a minimum kernel applies.
fn kernel_version() -> (u32, u32) {
    let uname = rustix::system::uname();
    uname
        .release()
        .to_str()
        .ok()
        .and_then(profile::kernel_version)
        .unwrap_or((0, 0))
}

#[cfg(test)]
mod tests;
