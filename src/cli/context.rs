//! What every command may need, loaded on first use: the configuration
//! file, the store, registries.conf, the user-namespace mapping and the
//! rootfs driver of new containers.

use super::{Exit, report};
use crate::config::Config;
use crate::registry::RegistriesConf;
use crate::rootfs::{self, Driver};
use crate::store::Store;
use crate::store::paths::Locations;
use crate::userns::{self, IdMapping};
use anyhow::{Context as _, Result};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

pub struct Context {
    root_flag: Option<PathBuf>,
    runroot_flag: Option<PathBuf>,
    driver_flag: Option<Driver>,
    config: OnceCell<Config>,
    overlay: OnceCell<bool>,
    warned: std::cell::Cell<bool>,
}

/// The environment variable that forces a rootfs driver.
const DRIVER_VAR: &str = "RPOD_STORAGE_DRIVER";

impl Context {
    pub fn new(
        root_flag: Option<PathBuf>,
        runroot_flag: Option<PathBuf>,
        driver_flag: Option<Driver>,
    ) -> Self {
        Self {
            root_flag,
            runroot_flag,
            driver_flag,
            config: OnceCell::new(),
            overlay: OnceCell::new(),
            warned: std::cell::Cell::new(false),
        }
    }

    /// The rootfs driver for new containers: `--storage-driver`, else
    /// `$RPOD_STORAGE_DRIVER`, else the configuration file's
    /// `storage_driver` (each checked to work here), else the probe's
    /// choice.
    pub fn storage_driver(&self) -> Result<Driver> {
        let forced = match (self.driver_flag, crate::config::env_var(DRIVER_VAR)) {
            (Some(flag), _) => Some(flag),
            (None, Some(value)) => Some(
                value
                    .to_string_lossy()
                    .parse::<Driver>()
                    .with_context(|| format!("${DRIVER_VAR}"))?,
            ),
            (None, None) => self.config()?.storage_driver,
        };
        Driver::choose(forced, || self.overlay_works())
    }

    /// Whether the kernel overlay mounts in rpod's user namespace here:
    /// known from an earlier command in this boot, or else probed in a
    /// child inside the namespace (its exit code is the answer).
    pub fn overlay_works(&self) -> bool {
        *self.overlay.get_or_init(|| {
            let probe = || -> Result<bool> {
                let store = self.store()?;
                if store.overlay_known_to_work() {
                    return Ok(true);
                }
                let tmp = store.tmp_dir();
                let mapping = self.mapping()?;
                let runroot = self.locations()?.runroot;
                let code = userns::run_in_userns(&mapping, &runroot, || {
                    i32::from(rootfs::overlay_works(&tmp).is_err())
                })?;
                if code == 0 {
                    store.remember_overlay_works();
                }
                Ok(code == 0)
            };
            probe().unwrap_or(false)
        })
    }

    pub fn config(&self) -> Result<&Config> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let loaded = Config::load()?;
        Ok(self.config.get_or_init(|| loaded))
    }

    pub fn locations(&self) -> Result<Locations> {
        Locations::resolve(
            self.root_flag.clone(),
            self.runroot_flag.clone(),
            self.config()?,
        )
    }

    /// Opens the store, creating it on first use.
    pub fn store(&self) -> Result<Store> {
        Store::open(&self.locations()?.root)
    }

    pub fn registries(&self) -> Result<RegistriesConf> {
        RegistriesConf::load()
    }

    /// The id mapping for this user from /etc/subuid and /etc/subgid.
    pub fn mapping(&self) -> Result<IdMapping> {
        let user = userns::current_user()?;
        Ok(userns::mapping_for(
            &user,
            Path::new("/etc/subuid"),
            Path::new("/etc/subgid"),
        ))
    }

    /// Runs `work` as root of rpod's user namespace. Its errors are
    /// reported from inside; here they become the exit code.
    pub fn in_userns(&self, work: impl FnOnce(&IdMapping) -> Result<()>) -> Result<()> {
        let mapping = self.mapping()?;
        self.warn_if_single(&mapping)?;
        let runroot = self.locations()?.runroot;
        let code = userns::run_in_userns(&mapping, &runroot, || match work(&mapping) {
            Ok(()) => 0,
            Err(e) => i32::from(report(&e)),
        })?;
        match code {
            0 => Ok(()),
            code => Err(Exit(code).into()),
        }
    }

    /// Says once per command that a single-uid mapping is in use.
    pub fn warn_if_single(&self, mapping: &IdMapping) -> Result<()> {
        if mapping.is_single()
            && !rustix::process::geteuid().is_root()
            && !self.warned.replace(true)
        {
            let user = userns::current_user()?;
            eprintln!(
                "rpod: warning: no subordinate id range for {} in /etc/subuid and /etc/subgid; using a single-uid mapping, so files in images are all owned by you (an administrator can add one: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 {})",
                user.name, user.name
            );
        }
        Ok(())
    }

    /// Whether unpacking can give files their owners from the image: with
    /// a subordinate range, or as real root outside any user namespace.
    pub fn applies_owners(mapping: &IdMapping) -> bool {
        !(mapping.is_single() && userns::in_rpod_userns())
    }
}
