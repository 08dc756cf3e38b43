//! Capabilities of the workload: Docker's default set, changed by
//! `--cap-add`/`--cap-drop` (names with or without `CAP_`, or `ALL`),
//! or every capability for `--privileged`. Whatever is not in the set
//! leaves the bounding set, so not even a setuid binary gets it back.

use anyhow::{Context, Result, bail};
use rustix::thread::{CapabilitySet, CapabilitySets};

/// The capabilities Docker gives a container by default.
pub fn docker_default() -> CapabilitySet {
    CapabilitySet::CHOWN
        | CapabilitySet::DAC_OVERRIDE
        | CapabilitySet::FSETID
        | CapabilitySet::FOWNER
        | CapabilitySet::MKNOD
        | CapabilitySet::NET_RAW
        | CapabilitySet::SETGID
        | CapabilitySet::SETUID
        | CapabilitySet::SETFCAP
        | CapabilitySet::SETPCAP
        | CapabilitySet::NET_BIND_SERVICE
        | CapabilitySet::SYS_CHROOT
        | CapabilitySet::KILL
        | CapabilitySet::AUDIT_WRITE
}

/// Every capability this kernel knows.
fn all_known() -> CapabilitySet {
    CapabilitySet::all()
}

/// Docker's default set with `add` and `drop` applied (drops first, as
/// Docker does, so `--cap-drop ALL --cap-add X` leaves only X).
pub fn from_flags(add: &[String], drop: &[String], privileged: bool) -> Result<CapabilitySet> {
    if privileged {
        return Ok(all_known());
    }
    let mut set = docker_default();
    for name in drop {
        set.remove(parse(name)?);
    }
    for name in add {
        set.insert(parse(name)?);
    }
    Ok(set)
}

/// One capability by name (with or without `CAP_`, any case), or `ALL`.
pub fn parse(name: &str) -> Result<CapabilitySet> {
    let upper = name.trim().to_ascii_uppercase();
    if upper == "ALL" {
        return Ok(all_known());
    }
    let bare = upper.strip_prefix("CAP_").unwrap_or(&upper);
    match CapabilitySet::from_name(bare) {
        Some(cap) => Ok(cap),
        None => bail!("unknown capability {name:?}"),
    }
}

/// Removes from the bounding set everything not in `keep`. Needs
/// CAP_SETPCAP, so it runs before the workload's user is taken on.
pub fn limit_bounding_set(keep: CapabilitySet) -> Result<()> {
    for bit in 0..64u32 {
        let Some(cap) = CapabilitySet::from_bits(1u64 << bit) else {
            continue;
        };
        if cap.is_empty() || keep.contains(cap) {
            continue;
        }
        match rustix::thread::remove_capability_from_bounding_set(cap) {
            Ok(()) | Err(rustix::io::Errno::INVAL) => {}
            Err(e) => return Err(e).context("cannot limit the capability bounding set"),
        }
    }
    Ok(())
}

/// Gives the (root) workload exactly `keep`; a non-root workload has
/// already lost every capability when it took on its uid.
pub fn apply(keep: CapabilitySet) -> Result<()> {
    let current = rustix::thread::capabilities(None).context("cannot read capabilities")?;
    let sets = CapabilitySets {
        effective: current.effective & keep,
        permitted: current.permitted & keep,
        inheritable: current.inheritable & keep,
    };
    rustix::thread::set_capabilities(None, sets).context("cannot set capabilities")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_default_matches_dockers_mask() {
        assert_eq!(docker_default().bits(), 0xa804_25fb);
    }

    #[test]
    fn flags() {
        let s = |add: &[&str], drop: &[&str]| {
            let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
            from_flags(&v(add), &v(drop), false)
        };
        assert_eq!(s(&[], &["ALL"]).unwrap(), CapabilitySet::empty());
        assert_eq!(
            s(&["net_admin"], &["all"]).unwrap(),
            CapabilitySet::NET_ADMIN
        );
        assert!(
            s(&["CAP_SYS_ADMIN"], &[])
                .unwrap()
                .contains(CapabilitySet::SYS_ADMIN)
        );
        assert!(!s(&[], &["CHOWN"]).unwrap().contains(CapabilitySet::CHOWN));
        assert!(s(&["FLY"], &[]).is_err());
        assert_eq!(from_flags(&[], &[], true).unwrap(), CapabilitySet::all());
    }
}
