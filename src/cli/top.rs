//! `rpod top CONTAINER [ps OPTIONS]`: the container's processes as the
//! host's `ps` prints them (default `-ef`), as Docker does: `ps` runs with
//! the user's options, limited to the container's PIDs with `-q` where the
//! options allow it, and only the rows whose PID column names one of the
//! container's processes are kept. PIDs are host PIDs and users host ids.

use super::Context;
use super::containers::find;
use super::lifecycle::Running;
use crate::format;
use anyhow::{Context as _, Result, bail};
use std::collections::{BTreeSet, HashMap};
use std::process::Command;

#[derive(Debug, clap::Args)]
pub struct TopArgs {
    /// The container (name or ID)
    pub container: String,
    /// Options for ps (default -ef)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub ps_options: Vec<String>,
}

/// Docker's `top` table: columns at least 20 wide, 3 spaces apart.
const MIN_WIDTH: usize = 20;
const PADDING: usize = 3;

pub fn top(ctx: &Context, args: TopArgs) -> Result<()> {
    let store = ctx.store()?;
    let record = find(&store.containers()?, &args.container)?.clone();
    let init = Running::of(&record)
        .and_then(|running| running.init())
        .map(|pid| pid.as_raw_nonzero().get())
        .with_context(|| format!("container {} is not running", args.container))?;
    let pids = container_pids(init)?;
    let options = if args.ps_options.is_empty() {
        vec!["-ef".to_string()]
    } else {
        args.ps_options
    };
    let table = select_rows(&run_ps(&options, &pids)?, &pids)?;
    let text: String = table.iter().map(|row| row.join("\t") + "\n").collect();
    print!("{}", format::align(&text, MIN_WIDTH, PADDING));
    Ok(())
}

/// Runs the host's `ps`, first limited to `pids` (`-q`), then, when the
/// options exclude that (forest listings), without the limit.
fn run_ps(options: &[String], pids: &BTreeSet<i32>) -> Result<String> {
    let list: Vec<String> = pids.iter().map(i32::to_string).collect();
    let limited = Command::new("ps")
        .args(options)
        .arg("-q")
        .arg(list.join(","))
        .output()
        .context("cannot run ps (top needs procps)")?;
    if limited.status.success() {
        return Ok(String::from_utf8_lossy(&limited.stdout).into_owned());
    }
    let all = Command::new("ps")
        .args(options)
        .output()
        .context("cannot run ps (top needs procps)")?;
    if !all.status.success() {
        let stderr = String::from_utf8_lossy(&all.stderr);
        let reason = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        bail!("ps {} failed: {reason}", options.join(" "));
    }
    Ok(String::from_utf8_lossy(&all.stdout).into_owned())
}

/// The header and the rows of `ps` output that belong to `pids`; cells
/// beyond the header's count join the last column (the command line).
/// A row whose PID is `-` (a thread under `-m`) follows its process.
fn select_rows(output: &str, pids: &BTreeSet<i32>) -> Result<Vec<Vec<String>>> {
    let mut lines = output.lines();
    let titles: Vec<String> = lines
        .next()
        .unwrap_or("")
        .split_whitespace()
        .map(String::from)
        .collect();
    let pid_column = titles
        .iter()
        .position(|t| t == "PID")
        .context("ps printed no PID column; include pid in the ps options")?;
    let mut table = vec![titles.clone()];
    let mut keeping = false;
    for line in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(&pid) = fields.get(pid_column) else {
            continue;
        };
        keeping = if pid == "-" {
            keeping
        } else {
            let pid: i32 = pid
                .parse()
                .with_context(|| format!("ps printed {pid:?} as a PID"))?;
            pids.contains(&pid)
        };
        if keeping {
            let last = titles.len() - 1;
            let mut row: Vec<String> = fields.iter().take(last).map(|f| f.to_string()).collect();
            row.push(fields.get(last..).unwrap_or_default().join(" "));
            table.push(row);
        }
    }
    Ok(table)
}

/// Host PIDs of the container's processes: its init, every process in
/// the init's PID namespace (`exec` adds some that are not the init's
/// descendants), and all their descendants (nested PID namespaces).
pub(super) fn container_pids(init: i32) -> Result<BTreeSet<i32>> {
    let namespace = |pid: i32| std::fs::read_link(format!("/proc/{pid}/ns/pid")).ok();
    let init_namespace =
        namespace(init).context("cannot read the PID namespace of the container's init")?;
    let mut found = BTreeSet::from([init]);
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    for entry in std::fs::read_dir("/proc").context("cannot read /proc")? {
        let Some(pid) = entry?
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        let Some(ppid) = parent_of(pid) else {
            continue;
        };
        children.entry(ppid).or_default().push(pid);
        if namespace(pid).as_ref() == Some(&init_namespace) {
            found.insert(pid);
        }
    }
    let mut pending: Vec<i32> = found.iter().copied().collect();
    while let Some(pid) = pending.pop() {
        for &child in children.get(&pid).into_iter().flatten() {
            if found.insert(child) {
                pending.push(child);
            }
        }
    }
    Ok(found)
}

/// A process's parent (field 4 of `/proc/PID/stat`).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_container_rows_and_joins_the_command() {
        let output = "UID PID PPID CMD\n\
                      root 1 0 /sbin/init splash\n\
                      100000 42 1 sh -c sleep 9\n\
                      100000 43 42 sleep 9\n";
        let table = select_rows(output, &BTreeSet::from([42, 43])).unwrap();
        assert_eq!(
            table,
            [
                vec!["UID", "PID", "PPID", "CMD"],
                vec!["100000", "42", "1", "sh -c sleep 9"],
                vec!["100000", "43", "42", "sleep 9"],
            ]
        );
        let threads = "PID TID CMD\n7 - sh\n- 7 -\n8 - x\n- 8 -\n";
        let table = select_rows(threads, &BTreeSet::from([7])).unwrap();
        assert_eq!(table.len(), 3);
        assert!(select_rows("USER CMD\nroot x\n", &BTreeSet::new()).is_err());
        assert!(select_rows("PID CMD\nabc x\n", &BTreeSet::new()).is_err());
    }

    #[test]
    fn finds_this_process_and_its_children() {
        let me = std::process::id() as i32;
        assert_eq!(
            parent_of(me),
            Some(std::os::unix::process::parent_id() as i32)
        );
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        let pids = container_pids(me).unwrap();
        assert!(pids.contains(&(child.id() as i32)));
        child.kill().unwrap();
        child.wait().unwrap();
    }
}
