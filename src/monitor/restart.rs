//! `--restart`: the policy as the user wrote it, whether the monitor runs
//! the workload again when it ends, and how long it waits first (Docker's
//! backoff: 100 ms, doubled at each restart, back to 100 ms once a run
//! lasted 10 seconds, never more than a minute).

use crate::store::containers::RestartPolicy;
use anyhow::{Result, bail};
use std::time::Duration;

const FIRST_DELAY: Duration = Duration::from_millis(100);
const LONGEST_DELAY: Duration = Duration::from_secs(60);
/// A run at least this long resets the delay.
const STABLE_RUN: Duration = Duration::from_secs(10);

/// Parses `no`, `on-failure[:N]`, `always` or `unless-stopped`.
pub fn parse(text: &str) -> Result<RestartPolicy> {
    let (name, count) = match text.split_once(':') {
        Some((name, count)) => (name, Some(count)),
        None => (text, None),
    };
    let maximum_retry_count = match (name, count) {
        ("no" | "always" | "unless-stopped", None) | ("on-failure", None) => 0,
        ("on-failure", Some(count)) => count.parse().map_err(|_| {
            anyhow::anyhow!(
                "invalid --restart {text:?}: the retry count must be a whole number >= 0"
            )
        })?,
        ("no" | "always" | "unless-stopped", Some(_)) => {
            bail!("invalid --restart {text:?}: only on-failure takes a retry count")
        }
        _ => bail!("invalid --restart {text:?}: use no, on-failure[:N], always or unless-stopped"),
    };
    Ok(RestartPolicy {
        name: name.to_string(),
        maximum_retry_count,
    })
}

/// Whether a workload that ended with `code`, after `restarts` restarts
/// so far, runs again (an explicit stop was checked before).
pub fn wanted(policy: &RestartPolicy, code: i32, restarts: u32) -> bool {
    match policy.name.as_str() {
        "always" | "unless-stopped" => true,
        "on-failure" => {
            code != 0 && (policy.maximum_retry_count == 0 || restarts < policy.maximum_retry_count)
        }
        _ => false,
    }
}

/// The delay before the next restart.
#[derive(Debug, Default)]
pub struct Backoff {
    delay: Option<Duration>,
}

impl Backoff {
    /// The delay after a run that lasted `ran`.
    pub fn next(&mut self, ran: Duration) -> Duration {
        let delay = match self.delay {
            Some(delay) if ran < STABLE_RUN => (delay * 2).min(LONGEST_DELAY),
            _ => FIRST_DELAY,
        };
        self.delay = Some(delay);
        delay
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_policies() {
        assert_eq!(parse("no").unwrap(), RestartPolicy::default());
        let policy = parse("on-failure:3").unwrap();
        assert_eq!(
            (policy.name.as_str(), policy.maximum_retry_count),
            ("on-failure", 3)
        );
        assert_eq!(parse("unless-stopped").unwrap().name, "unless-stopped");
        for bad in ["sometimes", "always:2", "on-failure:x", "on-failure:-1", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn on_failure_counts_retries() {
        let policy = parse("on-failure:2").unwrap();
        assert!(!wanted(&policy, 0, 0));
        assert!(wanted(&policy, 1, 1));
        assert!(!wanted(&policy, 1, 2));
        assert!(wanted(&parse("always").unwrap(), 0, 100));
        assert!(!wanted(&parse("no").unwrap(), 1, 0));
    }

    #[test]
    fn backoff_doubles_and_resets() {
        let mut backoff = Backoff::default();
        let short = Duration::from_secs(1);
        assert_eq!(backoff.next(short), Duration::from_millis(100));
        assert_eq!(backoff.next(short), Duration::from_millis(200));
        assert_eq!(backoff.next(short), Duration::from_millis(400));
        assert_eq!(
            backoff.next(Duration::from_secs(10)),
            Duration::from_millis(100)
        );
        for _ in 0..20 {
            backoff.next(short);
        }
        assert_eq!(backoff.next(short), Duration::from_secs(60));
    }
}
