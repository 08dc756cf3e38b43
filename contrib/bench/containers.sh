#!/usr/bin/env bash
# Container lifecycle benchmarks, rpod beside Podman in one run, as the
# unprivileged test user (issue 3, point 11):
#   1. start latency: `run --rm --network none busybox true`, with bare
#      `unshare -Urmpf --mount-proc true` as the floor;
#   2. `create` + `start -a` + `rm` of one container;
#   3. 100 detached containers started back to back, then `ps` listing them;
#   4. the memory of the per-container monitor (rpod's monitor, Podman's
#      conmon), VmRSS and Pss read from /proc while the 100 containers run.
# Run as root on a machine prepared by contrib/setup-test-env.sh. Podman
# runs with runc and the overlay driver in a private store, so the user's
# own Podman set-up is left alone; BENCH_PODMAN=0 leaves Podman out.
# Results go to stdout (Markdown).
set -euo pipefail
user=${BENCH_USER:-rpodtest}
runs=${BENCH_RUNS:-30}
with_podman=${BENCH_PODMAN:-1}
rpod=${RPOD_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/rpod}
# Keep this path short: conmon ends each Podman container with `podman
# container cleanup --runroot $work/run/podman ...`, which refuses a
# runroot over 50 characters; `podman run` then waits 20 s for it.
work=$(mktemp -d /var/tmp/rpod-bench.XXXXXX)
trap 'rm -rf "$work" 2>/dev/null || true' EXIT
install -m 755 "$rpod" "$work/rpod"
mkdir -m 700 "$work/run" "$work/home"
chown -R "$user" "$work"
image=127.0.0.1:5000/library/busybox:latest
cat > "$work/bench.sh" <<SCRIPT
set -euo pipefail
export HOME=$work/home PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$work/run RPOD_ROOT=$work/rpod-store
export XDG_CONFIG_HOME=$work/home/.config
mkdir -p \$XDG_CONFIG_HOME/containers
# cgroupfs and no event log (there is no systemd user session), and a
# working directory the user may enter. The store goes in the user's own
# storage.conf: rootless Podman 4.3 ignores graphroot and runroot in a
# file named by CONTAINERS_STORAGE_CONF.
cd $work
printf '[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n' > \$XDG_CONFIG_HOME/containers/containers.conf
printf '[storage]\ndriver = "overlay"\ngraphroot = "$work/podman-store"\nrunroot = "$work/run/podman"\n' > \$XDG_CONFIG_HOME/containers/storage.conf
R=$work/rpod
\$R pull -q --tls-verify=false $image >/dev/null
# With BENCH_PODMAN=0, every podman command below is left out.
podman() { [ $with_podman = 1 ] && command podman "\$@"; }
if [ $with_podman = 1 ]; then P=podman; else P=; fi
podman pull -q --tls-verify=false $image >/dev/null || true

# The targets are medians; hyperfine's tables show means.
medians() { jq -r '.results[] | "median \\(.median * 1000 | . * 10 | round / 10) ms: \\(.command)"' "\$1"; }

echo '### 1. Start latency'
hyperfine -N --warmup 3 --runs $runs --export-markdown $work/start.md --export-json $work/start.json \\
  "\$R run --rm --network none $image true" \\
  "unshare -Urmpf --mount-proc true" \\
  \${P:+"podman run --rm --network none $image true"} >/dev/null
cat $work/start.md
medians $work/start.json

echo; echo '### 2. create + start -a + rm'
hyperfine --warmup 2 --runs $runs --export-markdown $work/cycle.md --export-json $work/cycle.json \\
  "c=\\\$(\$R create --network none $image true) && \$R start -a \\\$c && \$R rm \\\$c >/dev/null" \\
  \${P:+"c=\\\$(podman create --network none $image true) && podman start -a \\\$c && podman rm \\\$c >/dev/null"} >/dev/null
cat $work/cycle.md
medians $work/cycle.json

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

echo; echo '### 4. Monitor memory (kB, each of the 100 monitors)'
# VmRSS counts every resident page mapped, shared library and binary pages
# too; Pss shares those out among the processes that map them, so it is
# what each further container costs.
field() { awk -v f="\$1:" '\$1 == f {print \$2}' "\$2"; }
summary() { sort -n | awk '{a[NR]=\$1; s+=\$1} END {printf "min %d, median %d, max %d, mean %.0f\\n", a[1], a[int((NR+1)/2)], a[NR], s/NR}'; }
monitors() { for c in \$(\$1 ps -q); do \$1 inspect --format '{{.State.ConmonPid}}' \$c; done; }
for what in "VmRSS status" "Pss smaps_rollup"; do
  set -- \$what
  echo -n "rpod monitor \$1: "; for p in \$(monitors \$R); do field \$1 /proc/\$p/\$2; done | summary
  [ $with_podman = 1 ] && echo -n "podman conmon \$1: " && for p in \$(monitors podman); do field \$1 /proc/\$p/\$2; done | summary
done

\$R rm -f \$(\$R ps -aq) >/dev/null
[ $with_podman = 0 ] || podman rm -f -t 0 \$(podman ps -aq) >/dev/null
# Podman's pause process (catatonit) would outlive the work directory.
[ $with_podman = 0 ] || kill \$(cat $work/run/libpod/tmp/pause.pid)
SCRIPT
setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i bash "$work/bench.sh"
