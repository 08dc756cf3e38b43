//! Signal names as `kill -s`, `--stop-signal` and images' `StopSignal`
//! give them: `SIGTERM`, `TERM`, `term` or a number.

use anyhow::{Result, bail};

const NAMES: &[(&str, i32)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
];

/// The signal number for `text`; empty means SIGTERM.
pub fn parse(text: &str) -> Result<i32> {
    if text.is_empty() {
        return Ok(libc::SIGTERM);
    }
    if let Ok(number) = text.parse::<i32>() {
        if (1..=64).contains(&number) {
            return Ok(number);
        }
        bail!("invalid signal {text:?}: numbers go from 1 to 64");
    }
    let upper = text.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(&(_, number)) = NAMES.iter().find(|(n, _)| *n == name) {
        return Ok(number);
    }
    if let Some(offset) = name
        .strip_prefix("RTMIN+")
        .and_then(|n| n.parse::<i32>().ok())
        && (0..=30).contains(&offset)
    {
        return Ok(34 + offset);
    }
    bail!("invalid signal {text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers() {
        assert_eq!(parse("").unwrap(), 15);
        assert_eq!(parse("SIGKILL").unwrap(), 9);
        assert_eq!(parse("usr1").unwrap(), 10);
        assert_eq!(parse("2").unwrap(), 2);
        assert_eq!(parse("RTMIN+1").unwrap(), 35);
        for bad in ["0", "65", "SIGNOPE", "-9"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
