//! User namespaces: who the user is, which subordinate id ranges
//! `/etc/subuid` and `/etc/subgid` grant them, and running work inside the
//! mapping (`0 -> the user`, `1.. -> the subordinate range`) so that files
//! of any owner can be created and removed without root.

mod enter;
mod keep_id;
mod keeper;
mod subid;
mod user;

pub use enter::{in_rpod_userns, run_in_userns, spawn_in_userns};
pub use keep_id::{KeepId, OwnerShift, parse_userns};
pub use subid::{IdMap, IdMapping, mapping_for};
pub use user::{User, current_user};
