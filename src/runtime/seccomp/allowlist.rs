//! The programs for a profile's default action: every call the profile
//! names gets through, every other one gets the default action.
//!
//! seccompiler compiles that to one comparison per named call, in a
//! chain: Docker's profile names some 350 calls, which makes 1700
//! instructions that the kernel checks and JIT-compiles at every start
//! (and that each system call walks until its number comes up, where
//! the kernel, before 5.11, does not cache the calls always allowed). Here the numbers become ranges searched by a balanced tree
//! (under 200 instructions, 8 comparisons or so per call). Calls named
//! only with conditions on their arguments also get through the tree, and
//! a second program, seccompiler's, applies the conditions to those calls
//! alone; the kernel takes the stricter answer of the two.

use super::profile::Action;
use super::{Matches, program};
use anyhow::Result;
use seccompiler::{BpfProgram, SeccompAction, TargetArch, sock_filter};

/// The programs that apply `default` to the calls `named` does not let
/// through, in the order they can be installed in. `seccomp` is the
/// number of seccomp(2), which must get through the first for the
/// second to be installed.
pub(super) fn programs(
    named: Matches,
    default: Action,
    arch: TargetArch,
    seccomp: i64,
) -> Result<Vec<BpfProgram>> {
    let conditional: Matches = named
        .iter()
        .filter(|(_, rules)| rules.is_some())
        .map(|(&number, rules)| (number, rules.clone()))
        .collect();
    // seccompiler's check of the architecture: what its program for no
    // calls at all holds before it returns.
    let mut arch_check = program(Matches::new(), default, Action::Allow, arch)?;
    arch_check.pop();
    let default_return = u32::from(SeccompAction::from(default));
    let tree = search_tree(named.keys().copied(), default_return, arch_check);
    // seccomp(2) with conditions could keep the tree from being installed
    // after the program that checks them.
    let Some(tree) = tree.filter(|_| !conditional.contains_key(&seccomp)) else {
        return Ok(vec![program(named, default, Action::Allow, arch)?]);
    };
    let mut programs = Vec::new();
    if !conditional.is_empty() {
        let numbers: Vec<i64> = conditional.keys().copied().collect();
        let checks = program(conditional, default, Action::Allow, arch)?;
        let Some(only_these) = only_for(&numbers, checks) else {
            return Ok(vec![program(named, default, Action::Allow, arch)?]);
        };
        programs.push(only_these);
    }
    programs.push(tree);
    Ok(programs)
}

/// Where the call's number is in the kernel's `struct seccomp_data`.
const NUMBER_OFFSET: u32 = 0;

fn statement(code: u32, k: u32) -> sock_filter {
    jump(code, k, 0, 0)
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

fn load(offset: u32) -> sock_filter {
    statement(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, offset)
}

fn ret(value: u32) -> sock_filter {
    statement(libc::BPF_RET | libc::BPF_K, value)
}

/// After `arch_check`, allows the calls numbered `allowed` (ascending)
/// and returns `default` for the rest. `None` when a jump would not fit
/// in an instruction (a profile naming calls spread very thinly).
fn search_tree(
    allowed: impl Iterator<Item = i64>,
    default: u32,
    mut arch_check: BpfProgram,
) -> Option<BpfProgram> {
    let intervals = intervals(allowed)?;
    arch_check.push(load(NUMBER_OFFSET));
    arch_check.extend(search(&intervals, default)?);
    fits(arch_check)
}

/// The kernel's limit on a program's length (`BPF_MAXINSNS`).
const MAX_INSTRUCTIONS: usize = 4096;

fn fits(program: BpfProgram) -> Option<BpfProgram> {
    (program.len() <= MAX_INSTRUCTIONS).then_some(program)
}

/// The numbers from 0 up, cut where the answer changes: each interval's
/// first number and whether it is allowed.
fn intervals(allowed: impl Iterator<Item = i64>) -> Option<Vec<(u32, bool)>> {
    let mut intervals = Vec::new();
    let mut next = 0u32;
    for number in allowed {
        let number = u32::try_from(number).ok()?;
        if number < next {
            continue;
        }
        match intervals.last() {
            Some(&(_, true)) if number == next => {}
            _ => {
                if number > next {
                    intervals.push((next, false));
                }
                intervals.push((number, true));
            }
        }
        next = number.checked_add(1)?;
    }
    intervals.push((next, false));
    Some(intervals)
}

/// A balanced search of `intervals` for the number loaded: at each step
/// a jump past the lower half when the number is at least the upper
/// half's first one.
fn search(intervals: &[(u32, bool)], default: u32) -> Option<Vec<sock_filter>> {
    if let [(_, allowed)] = intervals {
        let value = if *allowed {
            libc::SECCOMP_RET_ALLOW
        } else {
            default
        };
        return Some(vec![ret(value)]);
    }
    let middle = intervals.len() / 2;
    let lower = search(&intervals[..middle], default)?;
    let upper = search(&intervals[middle..], default)?;
    let past_lower = u8::try_from(lower.len()).ok()?;
    let compare = libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K;
    let mut code = vec![jump(compare, intervals[middle].0, past_lower, 0)];
    code.extend(lower);
    code.extend(upper);
    Some(code)
}

/// `checks` applied to the calls numbered `numbers` only: the others get
/// through before it runs.
fn only_for(numbers: &[i64], checks: BpfProgram) -> Option<BpfProgram> {
    let count = numbers.len();
    let mut program = vec![load(NUMBER_OFFSET)];
    for (i, &number) in numbers.iter().enumerate() {
        // From the comparison after `load`, past the rest and `ret`.
        let to_checks = u8::try_from(count - i).ok()?;
        let number = u32::try_from(number).ok()?;
        let equal = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
        program.push(jump(equal, number, to_checks, 0));
    }
    program.push(ret(libc::SECCOMP_RET_ALLOW));
    program.extend(checks);
    fits(program)
}

#[cfg(test)]
mod tests {
    use super::super::profile::{ArgCheck, Compare, Host, Profile, Rule};
    use super::super::{default, docker_arch, matches, syscalls};
    use super::*;
    use rustix::thread::CapabilitySet;

    /// Runs a classic BPF program (the instructions seccompiler and this
    /// module emit) on a `struct seccomp_data`.
    fn run(program: &[sock_filter], data: &[u8; 64]) -> u32 {
        let (mut a, mut pc) = (0u32, 0usize);
        loop {
            let insn = &program[pc];
            let (k, jt, jf) = (insn.k, usize::from(insn.jt), usize::from(insn.jf));
            pc += 1;
            let jump_if = |yes: bool| if yes { jt } else { jf };
            match u32::from(insn.code) {
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                    let at = k as usize;
                    a = u32::from_ne_bytes(data[at..at + 4].try_into().unwrap());
                }
                c if c == libc::BPF_ALU | libc::BPF_AND | libc::BPF_K => a &= k,
                c if c == libc::BPF_JMP | libc::BPF_JA => pc += k as usize,
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => pc += jump_if(a == k),
                c if c == libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K => pc += jump_if(a >= k),
                c if c == libc::BPF_JMP | libc::BPF_JGT | libc::BPF_K => pc += jump_if(a > k),
                c if c == libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K => pc += jump_if(a & k != 0),
                c if c == libc::BPF_RET | libc::BPF_K => return k,
                other => panic!("opcode {other:#x} not interpreted"),
            }
        }
    }

    /// The answer of a set of programs, as the kernel picks it.
    fn verdict(programs: &[BpfProgram], data: &[u8; 64]) -> u32 {
        let strictness = |value: &u32| (value & libc::SECCOMP_RET_ACTION_FULL) as i32;
        programs
            .iter()
            .map(|program| run(program, data))
            // On a tie the program installed last answers.
            .rev()
            .min_by_key(strictness)
            .unwrap()
    }

    fn seccomp_data(arch: u32, number: u32, args: [u64; 6]) -> [u8; 64] {
        let mut data = [0u8; 64];
        data[0..4].copy_from_slice(&number.to_ne_bytes());
        data[4..8].copy_from_slice(&arch.to_ne_bytes());
        for (i, arg) in args.iter().enumerate() {
            data[16 + 8 * i..24 + 8 * i].copy_from_slice(&arg.to_ne_bytes());
        }
        data
    }

    /// The programs for `profile`, after checking that they answer every
    /// call exactly as seccompiler's one chain does: each number up to
    /// well past the table, the argument values the profile compares
    /// (and their neighbours) in each position, and a foreign
    /// architecture. Also returns the chain.
    fn answering_as_the_chain(
        profile: &Profile,
        capabilities: CapabilitySet,
    ) -> (Vec<BpfProgram>, BpfProgram) {
        let numbers = syscalls::numbers();
        let arch = TargetArch::try_from(std::env::consts::ARCH).unwrap();
        let mut values = vec![0, 1, u64::MAX];
        for check in profile.rules.iter().flat_map(|rule| &rule.args) {
            values.extend([
                check.value,
                check.value.wrapping_add(1),
                check.value.wrapping_sub(1),
            ]);
            if let Compare::MaskedEq(mask) = check.compare {
                values.extend([mask, check.value | mask, !mask]);
            }
        }
        let host = Host {
            capabilities,
            arch: docker_arch(),
            kernel: (6, 1),
        };
        let (named, _) = matches(profile, &host, &numbers).unwrap();
        let seccomp = numbers["seccomp"];
        let chain = program(named.clone(), profile.default, Action::Allow, arch).unwrap();
        let programs = programs(named.clone(), profile.default, arch, seccomp).unwrap();
        let native = chain[1].k;
        for number in 0..1100u32 {
            let mut argument_sets = vec![[0u64; 6]];
            if matches!(named.get(&i64::from(number)), Some(Some(_))) {
                for position in 0..6 {
                    for &value in &values {
                        let mut args = [0u64; 6];
                        args[position] = value;
                        argument_sets.push(args);
                    }
                }
            }
            for args in argument_sets {
                for arch in [native, native ^ 1] {
                    let data = seccomp_data(arch, number, args);
                    let want = verdict(std::slice::from_ref(&chain), &data);
                    let got = verdict(&programs, &data);
                    assert_eq!(got, want, "call {number}, args {args:?}, arch {arch:#x}");
                }
            }
        }
        (programs, chain)
    }

    #[test]
    fn dockers_profile_becomes_a_short_tree_that_answers_as_the_chain() {
        for capabilities in [CapabilitySet::empty(), CapabilitySet::all()] {
            let (programs, chain) = answering_as_the_chain(&default::profile(), capabilities);
            assert_eq!(programs.len(), 2);
            assert!(programs.iter().map(Vec::len).sum::<usize>() * 4 < chain.len());
        }
    }

    #[test]
    fn other_default_actions_and_the_fallbacks_answer_as_the_chain() {
        let numbers = syscalls::numbers();
        let conditional = |name: &str| {
            let mut rule = Rule::allow(&[name]);
            rule.args = vec![ArgCheck {
                index: 1,
                compare: Compare::MaskedEq(0xff),
                value: 3,
            }];
            rule
        };
        // A killing default, with conditions: a tree and its checks.
        let mut profile = Profile {
            default: Action::KillProcess,
            rules: vec![
                Rule::allow(&["read", "write", "seccomp"]),
                conditional("clone"),
            ],
        };
        let (programs, _) = answering_as_the_chain(&profile, CapabilitySet::empty());
        assert_eq!(programs.len(), 2);
        // Conditions on seccomp(2) itself: the chain.
        profile.rules[0] = Rule::allow(&["read", "write"]);
        profile.rules.push(conditional("seccomp"));
        let (programs, chain) = answering_as_the_chain(&profile, CapabilitySet::empty());
        assert_eq!(programs, [chain]);
        // Every other call number: too many jumps too far for a tree.
        let mut spread: Vec<&str> = numbers
            .iter()
            .filter(|&(_, &number)| number % 2 == 0)
            .map(|(&name, _)| name)
            .collect();
        spread.sort_unstable();
        let profile = Profile {
            default: Action::Log,
            rules: vec![Rule::allow(&spread)],
        };
        let (programs, chain) = answering_as_the_chain(&profile, CapabilitySet::empty());
        assert_eq!(programs, [chain]);
    }

    #[test]
    fn intervals_cut_where_the_answer_changes() {
        let cut = |numbers: &[i64]| intervals(numbers.iter().copied()).unwrap();
        assert_eq!(cut(&[]), [(0, false)]);
        assert_eq!(cut(&[0, 1, 2]), [(0, true), (3, false)]);
        assert_eq!(
            cut(&[1, 2, 5, 7, 8]),
            [
                (0, false),
                (1, true),
                (3, false),
                (5, true),
                (6, false),
                (7, true),
                (9, false)
            ]
        );
        assert!(intervals([-1].into_iter()).is_none());
    }
}
