//! `--ulimit NAME=SOFT[:HARD]`: Docker's resource names, checked at
//! create against the caller's own hard limits (rootless, a limit can be
//! lowered but never raised), and set in the init before the workload.

use crate::store::containers::Ulimit;
use anyhow::{Context, Result, bail};

/// Docker's names for the resource limits.
const RESOURCES: &[(&str, libc::__rlimit_resource_t)] = &[
    ("core", libc::RLIMIT_CORE),
    ("cpu", libc::RLIMIT_CPU),
    ("data", libc::RLIMIT_DATA),
    ("fsize", libc::RLIMIT_FSIZE),
    ("locks", libc::RLIMIT_LOCKS),
    ("memlock", libc::RLIMIT_MEMLOCK),
    ("msgqueue", libc::RLIMIT_MSGQUEUE),
    ("nice", libc::RLIMIT_NICE),
    ("nofile", libc::RLIMIT_NOFILE),
    ("nproc", libc::RLIMIT_NPROC),
    ("rss", libc::RLIMIT_RSS),
    ("rtprio", libc::RLIMIT_RTPRIO),
    ("rttime", libc::RLIMIT_RTTIME),
    ("sigpending", libc::RLIMIT_SIGPENDING),
    ("stack", libc::RLIMIT_STACK),
];

fn resource(name: &str) -> Option<libc::__rlimit_resource_t> {
    RESOURCES.iter().find(|(n, _)| *n == name).map(|&(_, r)| r)
}

/// -1 (unlimited) as the kernel's RLIM_INFINITY.
fn raw(value: i64) -> libc::rlim_t {
    u64::try_from(value).unwrap_or(libc::RLIM_INFINITY)
}

/// Parses one `--ulimit` and checks it can be set by this user.
pub fn parse(text: &str) -> Result<Ulimit> {
    let invalid = || format!("invalid --ulimit {text:?}");
    let (name, values) = text
        .split_once('=')
        .with_context(|| format!("{}: use NAME=SOFT[:HARD]", invalid()))?;
    let Some(resource) = resource(name) else {
        bail!("{}: unknown resource {name:?}", invalid());
    };
    let number = |v: &str| {
        v.parse::<i64>()
            .ok()
            .filter(|&n| n >= -1)
            .with_context(|| format!("{}: {v:?} is not a number or -1", invalid()))
    };
    let (soft, hard) = match values.split_once(':') {
        Some((soft, hard)) => (number(soft)?, number(hard)?),
        None => (number(values)?, number(values)?),
    };
    if raw(soft) > raw(hard) {
        bail!("{}: the soft limit is above the hard limit", invalid());
    }
    let mut current = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit fills the struct it is given.
    if unsafe { libc::getrlimit(resource, &mut current) } == 0 && raw(hard) > current.rlim_max {
        bail!(
            "{}: the hard limit is above yours ({}), which rootless rpod cannot raise",
            invalid(),
            current.rlim_max
        );
    }
    Ok(Ulimit {
        name: name.to_string(),
        soft,
        hard,
    })
}

/// Sets the limits on this process (the container's init).
pub fn apply(ulimits: &[Ulimit]) -> Result<()> {
    for ulimit in ulimits {
        let resource = resource(&ulimit.name)
            .with_context(|| format!("unknown resource limit {:?}", ulimit.name))?;
        let limit = libc::rlimit {
            rlim_cur: raw(ulimit.soft),
            rlim_max: raw(ulimit.hard),
        };
        // SAFETY: setrlimit reads the struct it is given.
        if unsafe { libc::setrlimit(resource, &limit) } != 0 {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("cannot set the {} limit", ulimit.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_forms() {
        let limit = parse("nofile=64:128").unwrap();
        assert_eq!((limit.soft, limit.hard), (64, 128));
        assert_eq!(parse("core=0").unwrap().hard, 0);
        for bad in ["nofile", "files=1", "nofile=x", "nofile=9:8", "nofile=-2"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
