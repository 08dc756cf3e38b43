#!/usr/bin/env bash
# Container lifecycle benchmarks, rpod beside Podman in one run, as the
# unprivileged test user (issue 3, point 11):
#   1. start latency: `run --rm --network none busybox true`, with bare
#      `unshare -Urmpf --mount-proc true` as the floor;
#   2. `create` + `start -a` + `rm` of one container;
#   3. 100 detached containers started back to back, then `ps` listing them;
#   4. the memory of the per-container monitor (rpod's monitor, Podman's
#      conmon), VmRSS, Pss and Private_Dirty read from /proc while the 100
#      containers run.
# Run as root on a machine prepared by contrib/setup-test-env.sh. Podman
# runs with runc and the overlay driver in a private store, so the user's
# own Podman set-up is left alone; BENCH_PODMAN=0 leaves Podman out.
# Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=127.0.0.1:5000/library/busybox:latest
{ prologue; cat <<SCRIPT
\$R pull -q --tls-verify=false $image >/dev/null
podman pull -q --tls-verify=false $image >/dev/null || true

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
# what each further container costs; Private_Dirty is what no other
# process shares. rpod's monitors give memory back after 2 s of quiet.
sleep 3
field() { awk -v f="\$1:" '\$1 == f {print \$2}' "\$2"; }
summary() { sort -n | awk '{a[NR]=\$1; s+=\$1} END {printf "min %d, median %d, max %d, mean %.0f\\n", a[1], a[int((NR+1)/2)], a[NR], s/NR}'; }
monitors() { for c in \$(\$1 ps -q); do \$1 inspect --format '{{.State.ConmonPid}}' \$c; done; }
for what in "VmRSS status" "Pss smaps_rollup" "Private_Dirty smaps_rollup"; do
  set -- \$what
  echo -n "rpod monitor \$1: "; for p in \$(monitors \$R); do field \$1 /proc/\$p/\$2; done | summary
  [ $with_podman = 1 ] && echo -n "podman conmon \$1: " && for p in \$(monitors podman); do field \$1 /proc/\$p/\$2; done | summary
done

\$R rm -f \$(\$R ps -aq) >/dev/null
[ $with_podman = 0 ] || podman rm -f -t 0 \$(podman ps -aq) >/dev/null
# Podman's pause process (catatonit) would outlive the work directory.
[ $with_podman = 0 ] || kill \$(cat $work/run/libpod/tmp/pause.pid)
SCRIPT
} > "$work/bench.sh"
run_as_user "$work/bench.sh"
