//! A seccomp profile in rpod's terms, and Docker's JSON profile format
//! (`--security-opt seccomp=FILE`) read into it. A profile is the action
//! for calls no rule names, and rules: the calls they name, their action,
//! checks on the calls' arguments, and what must hold for the rule to
//! count (capabilities of the container, architecture, kernel version).
//!
//! The JSON is hostile input: anything rpod cannot honour exactly is an
//! error, not a silent weakening. Unknown fields are ignored, as Docker
//! does, and so are call names this architecture lacks.

use anyhow::{Context, Result, bail};
use rustix::thread::CapabilitySet;
use serde::Deserialize;

/// What a filter does with one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Allow,
    /// Fail the call with this errno.
    Errno(u16),
    KillThread,
    KillProcess,
    /// Send SIGSYS.
    Trap,
    /// Tell a ptrace tracer, with this value.
    Trace(u16),
    /// Allow, and log it.
    Log,
}

/// A comparison of one argument of a call with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// The argument's bits under this mask equal the value.
    MaskedEq(u64),
}

/// One check on the argument `index` (0 to 5), 64 bits wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgCheck {
    pub index: u8,
    pub compare: Compare,
    pub value: u64,
}

/// Facts about the container and its host a rule may depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub capabilities: CapabilitySet,
    /// Architectures, in Docker's (Go's) names: `amd64`, `arm64`.
    pub arches: Vec<String>,
    /// Kernel version (major, minor).
    pub min_kernel: Option<(u32, u32)>,
}

impl Default for Facts {
    fn default() -> Self {
        Facts {
            capabilities: CapabilitySet::empty(),
            arches: Vec::new(),
            min_kernel: None,
        }
    }
}

/// One rule: for the calls named, when it applies, `action` if every
/// argument check holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub names: Vec<String>,
    pub action: Action,
    pub args: Vec<ArgCheck>,
    /// Applies only when the container has all these capabilities, runs
    /// on one of these architectures and at least this kernel.
    pub only_if: Facts,
    /// Does not apply when the container has any of these capabilities,
    /// runs on one of these architectures or on at least this kernel.
    pub unless: Facts,
}

/// The container and host a profile is compiled for.
#[derive(Debug, Clone, Copy)]
pub struct Host {
    pub capabilities: CapabilitySet,
    /// Docker's name of this architecture.
    pub arch: &'static str,
    pub kernel: (u32, u32),
}

impl Rule {
    /// A rule allowing `names` whatever their arguments.
    pub fn allow(names: &[&str]) -> Self {
        Rule {
            names: names.iter().map(|n| n.to_string()).collect(),
            action: Action::Allow,
            args: Vec::new(),
            only_if: Facts::default(),
            unless: Facts::default(),
        }
    }

    /// Whether the rule counts for this container on this host.
    pub fn applies(&self, host: &Host) -> bool {
        let (only, not) = (&self.only_if, &self.unless);
        let arch_in = |arches: &[String]| arches.iter().any(|a| a == host.arch);
        host.capabilities.contains(only.capabilities)
            && (only.arches.is_empty() || arch_in(&only.arches))
            && only.min_kernel.is_none_or(|k| host.kernel >= k)
            && !host.capabilities.intersects(not.capabilities)
            && !arch_in(&not.arches)
            && not.min_kernel.is_none_or(|k| host.kernel < k)
    }
}

/// A whole profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// For calls no applying rule names.
    pub default: Action,
    pub rules: Vec<Rule>,
}

/// The largest profile file read.
pub const MAX_PROFILE_BYTES: usize = 4 << 20;

/// Reads a profile in Docker's JSON format.
pub fn parse(json: &str) -> Result<Profile> {
    let docker: DockerProfile = serde_json::from_str(json)?;
    let default = action(&docker.default_action, docker.default_errno_ret)
        .context("invalid defaultAction")?;
    let rules = docker
        .syscalls
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, entry)| rule(entry).with_context(|| format!("invalid syscalls entry {}", i + 1)))
        .collect::<Result<_>>()?;
    Ok(Profile { default, rules })
}

/// Docker's JSON: what rpod reads of it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerProfile {
    default_action: String,
    default_errno_ret: Option<u32>,
    syscalls: Option<Vec<DockerRule>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerRule {
    names: Option<Vec<String>>,
    /// The older single-name form.
    name: Option<String>,
    action: String,
    errno_ret: Option<u32>,
    args: Option<Vec<DockerArg>>,
    includes: Option<DockerFacts>,
    excludes: Option<DockerFacts>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerArg {
    index: u32,
    value: u64,
    #[serde(default)]
    value_two: u64,
    op: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DockerFacts {
    caps: Option<Vec<String>>,
    arches: Option<Vec<String>>,
    min_kernel: Option<String>,
}

fn rule(entry: DockerRule) -> Result<Rule> {
    let mut names = entry.names.unwrap_or_default();
    names.extend(entry.name.filter(|n| !n.is_empty()));
    if names.is_empty() {
        bail!("it names no system call");
    }
    Ok(Rule {
        names,
        action: action(&entry.action, entry.errno_ret)?,
        args: entry
            .args
            .unwrap_or_default()
            .into_iter()
            .map(arg_check)
            .collect::<Result<_>>()?,
        only_if: facts(entry.includes.unwrap_or_default())?,
        unless: facts(entry.excludes.unwrap_or_default())?,
    })
}

/// `SCMP_ACT_…`; `errno` is the errno (EPERM when absent) or trace value.
fn action(name: &str, errno: Option<u32>) -> Result<Action> {
    let data = |limit: u32| match errno {
        None => Ok(libc::EPERM as u16),
        Some(n) if n <= limit => Ok(n as u16),
        Some(n) => bail!("errnoRet {n} is out of range (0 to {limit})"),
    };
    Ok(match name {
        "SCMP_ACT_ALLOW" => Action::Allow,
        "SCMP_ACT_ERRNO" => Action::Errno(data(4095)?),
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => Action::KillThread,
        "SCMP_ACT_KILL_PROCESS" => Action::KillProcess,
        "SCMP_ACT_TRAP" => Action::Trap,
        "SCMP_ACT_TRACE" => Action::Trace(data(u32::from(u16::MAX))?),
        "SCMP_ACT_LOG" => Action::Log,
        "SCMP_ACT_NOTIFY" => bail!("SCMP_ACT_NOTIFY is not supported by rpod"),
        other => bail!("unknown action {other:?}"),
    })
}

fn arg_check(arg: DockerArg) -> Result<ArgCheck> {
    let index = u8::try_from(arg.index)
        .ok()
        .filter(|&i| i < 6)
        .with_context(|| format!("argument index {} is out of range (0 to 5)", arg.index))?;
    let (compare, value) = match arg.op.as_str() {
        "SCMP_CMP_EQ" => (Compare::Eq, arg.value),
        "SCMP_CMP_NE" => (Compare::Ne, arg.value),
        "SCMP_CMP_LT" => (Compare::Lt, arg.value),
        "SCMP_CMP_LE" => (Compare::Le, arg.value),
        "SCMP_CMP_GT" => (Compare::Gt, arg.value),
        "SCMP_CMP_GE" => (Compare::Ge, arg.value),
        // Docker: `value` is the mask, `valueTwo` what the masked bits equal.
        "SCMP_CMP_MASKED_EQ" => (Compare::MaskedEq(arg.value), arg.value_two),
        other => bail!("unknown comparison {other:?}"),
    };
    Ok(ArgCheck {
        index,
        compare,
        value,
    })
}

fn facts(docker: DockerFacts) -> Result<Facts> {
    let mut capabilities = CapabilitySet::empty();
    for name in docker.caps.unwrap_or_default() {
        capabilities |= crate::runtime::capabilities::parse(&name)?;
    }
    let min_kernel = docker
        .min_kernel
        .map(|v| kernel_version(&v).with_context(|| format!("invalid minKernel {v:?}")))
        .transpose()?;
    Ok(Facts {
        capabilities,
        arches: docker.arches.unwrap_or_default(),
        min_kernel,
    })
}

/// `6.1.0-18-amd64` or `4.8` → (6, 1) or (4, 8).
pub fn kernel_version(release: &str) -> Option<(u32, u32)> {
    let mut parts = release.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dockers_format() {
        let profile = parse(
            r#"{
                "defaultAction": "SCMP_ACT_ERRNO",
                "defaultErrnoRet": 38,
                "architectures": ["SCMP_ARCH_X86_64"],
                "syscalls": [
                    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "args": null},
                    {"name": "clone", "action": "SCMP_ACT_ALLOW",
                     "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
                     "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390x"]}},
                    {"names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS",
                     "includes": {"minKernel": "4.8"}, "comment": "ignored"},
                    {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}
                ]
            }"#,
        )
        .unwrap();
        assert_eq!(profile.default, Action::Errno(38));
        assert_eq!(profile.rules.len(), 4);
        assert_eq!(profile.rules[0], Rule::allow(&["read", "write"]));
        let clone = &profile.rules[1];
        assert_eq!(clone.names, ["clone"]);
        assert_eq!(
            clone.args,
            [ArgCheck {
                index: 0,
                compare: Compare::MaskedEq(0x7e02_0000),
                value: 0
            }]
        );
        assert_eq!(clone.unless.capabilities, CapabilitySet::SYS_ADMIN);
        assert_eq!(clone.unless.arches, ["s390x"]);
        assert_eq!(profile.rules[2].action, Action::KillProcess);
        assert_eq!(profile.rules[2].only_if.min_kernel, Some((4, 8)));
        assert_eq!(profile.rules[3].action, Action::Errno(1));
    }

    #[test]
    fn refuses_what_it_cannot_honour() {
        let bad = |json: &str| parse(json).unwrap_err().to_string();
        assert!(bad("").contains("EOF"));
        assert!(bad("[]").contains("expected struct"));
        assert!(bad(r#"{"syscalls": []}"#).contains("defaultAction"));
        assert!(bad(r#"{"defaultAction": "SCMP_ACT_MAYBE"}"#).contains("defaultAction"));
        let entry = |rule: &str| {
            let json = format!(r#"{{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{rule}]}}"#);
            format!("{:#}", parse(&json).unwrap_err())
        };
        assert!(entry(r#"{"names": [], "action": "SCMP_ACT_ERRNO"}"#).contains("names no"));
        assert!(
            entry(r#"{"names": ["a"], "action": "SCMP_ACT_NOTIFY"}"#).contains("not supported")
        );
        assert!(
            entry(r#"{"names": ["a"], "action": "SCMP_ACT_ERRNO", "errnoRet": 70000}"#)
                .contains("out of range")
        );
        let arg = |a: &str| {
            entry(&format!(
                r#"{{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{a}]}}"#
            ))
        };
        assert!(arg(r#"{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}"#).contains("index 6"));
        assert!(arg(r#"{"index": 0, "value": 1, "op": "SCMP_CMP_LIKE"}"#).contains("comparison"));
        assert!(arg(r#"{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}"#).contains("expected u64"));
        assert!(
            entry(
                r#"{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_FLY"]}}"#
            )
            .contains("unknown capability")
        );
        assert!(
            entry(
                r#"{"names": ["a"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "new"}}"#
            )
            .contains("minKernel")
        );
    }

    #[test]
    fn rules_apply_by_capability_arch_and_kernel() {
        let host = Host {
            capabilities: CapabilitySet::CHOWN | CapabilitySet::SYS_PTRACE,
            arch: "amd64",
            kernel: (6, 1),
        };
        let with = |only_if: Facts, unless: Facts| {
            Rule {
                only_if,
                unless,
                ..Rule::allow(&["x"])
            }
            .applies(&host)
        };
        let caps = |c| Facts {
            capabilities: c,
            ..Facts::default()
        };
        let arches = |a: &[&str]| Facts {
            arches: a.iter().map(|s| s.to_string()).collect(),
            ..Facts::default()
        };
        let kernel = |k| Facts {
            min_kernel: Some(k),
            ..Facts::default()
        };
        let none = Facts::default;
        assert!(with(none(), none()));
        assert!(with(caps(CapabilitySet::SYS_PTRACE), none()));
        assert!(!with(
            caps(CapabilitySet::SYS_PTRACE | CapabilitySet::SYS_ADMIN),
            none()
        ));
        assert!(!with(
            none(),
            caps(CapabilitySet::SYS_ADMIN | CapabilitySet::CHOWN)
        ));
        assert!(with(none(), caps(CapabilitySet::SYS_ADMIN)));
        assert!(with(arches(&["arm64", "amd64"]), arches(&["s390x"])));
        assert!(!with(arches(&["arm64"]), none()));
        assert!(!with(none(), arches(&["amd64"])));
        assert!(with(kernel((4, 8)), kernel((6, 2))));
        assert!(!with(kernel((6, 2)), none()));
        assert!(!with(none(), kernel((6, 1))));
    }

    #[test]
    fn kernel_versions() {
        assert_eq!(kernel_version("6.1.0-18-amd64"), Some((6, 1)));
        assert_eq!(kernel_version("4.8"), Some((4, 8)));
        assert_eq!(kernel_version("5"), None);
        assert_eq!(kernel_version("x.y"), None);
    }
}
