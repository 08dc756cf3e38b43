#!/usr/bin/env bash
# Container lifecycle benchmarks, rpod beside Podman in one run, as the
# unprivileged test user (issue 3, point 11):
#   1. start latency: `run --rm --network none busybox true`, with bare
#      `unshare -Urmpf --mount-proc true` as the floor;
#   2. `create` + `start -a` + `rm` of one container;
#   3. 100 detached containers started back to back, then `ps` listing them;
#   4. the resident memory of the per-container monitor (rpod's monitor,
#      Podman's conmon), read from /proc while 10 containers run.
# Run as root on a machine prepared by contrib/setup-test-env.sh. Podman
# runs with runc and the overlay driver in a private store, so the user's
# own Podman set-up is left alone; BENCH_PODMAN=0 leaves Podman out.
# Results go to stdout (Markdown).
set -euo pipefail
user=${BENCH_USER:-rpodtest}
runs=${BENCH_RUNS:-30}
with_podman=${BENCH_PODMAN:-1}
rpod=${RPOD_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/rpod}
work=$(mktemp -d /var/tmp/rpod-containers-bench.XXXXXX)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
install -m 755 "$rpod" "$work/rpod"
mkdir -m 700 "$work/run" "$work/home"
chown -R "$user" "$work"
image=127.0.0.1:5000/library/busybox:latest
cat > "$work/bench.sh" <<SCRIPT
set -euo pipefail
export HOME=$work/home PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$work/run RPOD_ROOT=$work/rpod-store
export XDG_CONFIG_HOME=$work/home/.config CONTAINERS_STORAGE_CONF=$work/storage.conf
mkdir -p \$XDG_CONFIG_HOME/containers
# cgroupfs and no event log (there is no systemd user session), and a
# working directory the user may enter: otherwise each Podman container
# ends with conmon's 20 s time-out here.
cd $work
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n' > \$XDG_CONFIG_HOME/containers/containers.conf
printf '[storage]\ndriver = "overlay"\ngraphroot = "$work/podman-store"\nrunroot = "$work/run/podman"\n' > $work/storage.conf
R=$work/rpod
\$R pull -q --tls-verify=false $image >/dev/null
# With BENCH_PODMAN=0, every podman command below is left out.
podman() { [ $with_podman = 1 ] && command podman "\$@"; }
if [ $with_podman = 1 ]; then P=podman; else P=; fi
podman pull -q --tls-verify=false $image >/dev/null || true

echo '### 1. Start latency'
hyperfine -N --warmup 3 --runs $runs --export-markdown $work/start.md \\
  "\$R run --rm --network none $image true" \\
  "unshare -Urmpf --mount-proc true" \\
  \${P:+"podman run --rm --network none $image true"} >/dev/null
cat $work/start.md

echo; echo '### 2. create + start -a + rm'
hyperfine --warmup 2 --runs $runs --export-markdown $work/cycle.md \\
  "c=\\\$(\$R create --network none $image true) && \$R start -a \\\$c && \$R rm \\\$c >/dev/null" \\
  \${P:+"c=\\\$(podman create --network none $image true) && podman start -a \\\$c && podman rm \\\$c >/dev/null"} >/dev/null
cat $work/cycle.md

echo; echo '### 3. 100 detached containers, then ps'
hyperfine --runs 1 --export-markdown $work/hundred.md \\
  "for i in \\\$(seq 100); do \$R run -d --network none $image sleep 3600 >/dev/null; done" \\
  \${P:+"for i in \\\$(seq 100); do podman run -d --network none $image sleep 3600 >/dev/null; done"} >/dev/null
cat $work/hundred.md
echo
hyperfine -N --warmup 3 --runs $runs --export-markdown $work/ps.md \\
  "\$R ps" \${P:+"podman ps"} >/dev/null
cat $work/ps.md
echo "(rpod ps lists \$(\$R ps -q | wc -l) containers, podman ps \$(podman ps -q | wc -l || true))"

echo; echo '### 4. Monitor memory (VmRSS of each of 100 monitors, kB)'
rss() { awk '/^VmRSS/ {print \$2}' /proc/\$1/status; }
summary() { sort -n | awk '{a[NR]=\$1; s+=\$1} END {printf "min %d, median %d, max %d, mean %.0f\n", a[1], a[int((NR+1)/2)], a[NR], s/NR}'; }
echo -n "rpod monitor: "; for c in \$(\$R ps -q); do rss \$(\$R inspect --format '{{.State.ConmonPid}}' \$c); done | summary
[ $with_podman = 1 ] && echo -n "podman conmon: " && for c in \$(podman ps -q); do rss \$(podman inspect --format '{{.State.ConmonPid}}' \$c); done | summary

\$R rm -f \$(\$R ps -aq) >/dev/null
[ $with_podman = 0 ] || podman rm -f -t 0 \$(podman ps -aq) >/dev/null
SCRIPT
setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i bash "$work/bench.sh"
