#!/usr/bin/env bash
# Where the time of `rpod run --rm --network none busybox true` goes: the
# kernel's scheduler events (perf trace, no ptrace) mark when the CLI
# starts, when the monitor is forked, when the workload is exec'd and
# exits, and when the CLI exits. A warm-up run first leaves rpod's user
# namespace keeper, so the measured runs join its namespace (no
# newuidmap/newgidmap). Prints one line per run, phases in milliseconds.
# Run as root on a machine prepared by contrib/setup-test-env.sh, with
# Debian's linux-perf installed.
set -euo pipefail
user=${BENCH_USER:-rpodtest}
runs=${BENCH_RUNS:-10}
rpod=${RPOD_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/rpod}
work=$(mktemp -d /var/tmp/rpod-phases.XXXXXX)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
install -m 755 "$rpod" "$work/rpod"
mkdir -m 700 "$work/run"
chown -R "$user" "$work"
image=127.0.0.1:5000/library/busybox:latest
cat > "$work/one.sh" <<SCRIPT
export HOME=$work PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$work/run RPOD_ROOT=$work/store
exec $work/rpod run --rm --network none $image true
SCRIPT
as_user() { setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i "$@"; }
as_user HOME="$work" XDG_RUNTIME_DIR="$work/run" RPOD_ROOT="$work/store" \
    "$work/rpod" pull -q --tls-verify=false "$image" >/dev/null
as_user bash "$work/one.sh" # warm-up
echo "| run | CLI to monitor fork | monitor to workload exec | workload | exit to CLI end | total |"
echo "|---|---|---|---|---|---|"
for i in $(seq "$runs"); do
    perf trace -a --no-syscalls -o "$work/trace" \
        -e 'sched:sched_process_exec,sched:sched_process_exit,sched:sched_process_fork' \
        -- setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
        -- env -i bash "$work/one.sh" >/dev/null 2>&1
    # The CLI forks the middle process, which forks the monitor.
    awk -v run="$i" '
        /sched_process_exec/ && /filename: "[^"]*\/rpod"/ && !cli { cli = $1; who = $2 }
        /sched_process_fork/ && cli && !middle { middle = 1; next }
        /sched_process_fork/ && middle == 1 && !monitor { monitor = $1 }
        /sched_process_exec/ && /filename: "\/bin\/true"/ { start = $1; workload = $2 }
        /sched_process_exit/ && $2 == workload { stop = $1 }
        /sched_process_exit/ && $2 == who { last = $1 }
        END {
            printf "| %d | %.1f | %.1f | %.1f | %.1f | %.1f |\n", run,
                monitor - cli, start - monitor, stop - start, last - stop, last - cli
        }' "$work/trace"
done
