#!/usr/bin/env bash
# Counts the requests the kernel sends to FUSE servers while one fresh
# `--storage-driver fuse` container on the Debian image starts and runs
# one of four union-fs.sh workloads, and how long they take: where the
# time beyond the kernel overlay goes (issue 5, point 6). `perf record
# -a` on the kernel's fuse:fuse_request_send and fuse_request_end
# tracepoints sees every FUSE mount of the machine, so run it with
# nothing else using FUSE. A request's round trip runs from its send to
# its end; the server's part of it, from the server thread's `read` of
# /dev/fuse to its `writev` of the answer (fuser's threads are named
# `fuser-N`). Needs root; the containers run as the test user.
# BENCH_FS_STORE=/dev/shm puts the store on tmpfs (no disk in the times).
# Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=127.0.0.1:5000/library/debian:minbase
# The server's reads and writes only (the kernel filters on the name).
events=(-e fuse:fuse_request_send -e fuse:fuse_request_end
  -e syscalls:sys_exit_read --filter 'comm ~ "fuser-*"'
  -e syscalls:sys_enter_writev --filter 'comm ~ "fuser-*"')

# `perf script` lines in, one line per answered request out:
# KIND ROUND-TRIP-µs SERVER-µs (the server's part is "-" when unknown).
timings() {
  awk '
    { for (i = 1; i <= NF; i++) if ($i ~ /^\[[0-9]+\]$/) break
      comm = $1; tid = $2; t = $(i + 1); sub(/:$/, "", t); event = $(i + 2) }
    event == "fuse:fuse_request_send:" {
      sent[$(i + 4) " " $(i + 6)] = t; kind[$(i + 4) " " $(i + 6)] = $(i + 9) }
    event == "syscalls:sys_exit_read:" && comm ~ /^fuser-/ { got[tid] = t }
    event == "syscalls:sys_enter_writev:" && comm ~ /^fuser-/ { answered[tid] = t }
    event == "fuse:fuse_request_end:" {
      key = $(i + 4) " " $(i + 6)
      if (!(key in sent)) next
      server = (comm ~ /^fuser-/ && (tid in got) && (tid in answered)) ? \
        sprintf("%.0f", (answered[tid] - got[tid]) * 1e6) : "-"
      name = kind[key]; gsub(/[()]/, "", name)
      printf "%s %.0f %s\n", name, (t - sent[key]) * 1e6, server
      delete sent[key] }'
}

# The median of the numbers on stdin ("-" left out), or "-".
median() {
  { grep -v '^-$' || true; } | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'
}

count() { # NAME TITLE SCRIPT: the workload's requests by kind, most first
  local name=$1
  { prologue
    printf '$R run --rm --network none --storage-driver fuse %s sh -c %q\n' "$image" "$3"; } > "$work/$name.sh"
  chown "$user" "$work/$name.sh"
  if ! perf record -q "${events[@]}" -a -o "$work/$name.data" -- \
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- \
    env -i bash "$work/$name.sh" > "$work/$name.log" 2>&1; then
    echo "$2: failed:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  perf script -i "$work/$name.data" 2>/dev/null > "$work/$name.script"
  timings < "$work/$name.script" > "$work/$name.times"
  # Linux 6.15 to 6.17 trace a request's send before giving it its
  # number, so no end matches it there: the counts stand, the times not.
  [ -s "$work/$name.times" ] || echo "$2: no request end matched its send: no times" >&2
  echo; echo "### $2"
  echo '| requests | kind | round trip (median) | in the server (median) | all round trips |'
  echo '|---:|:---|---:|---:|---:|'
  { grep -oE 'fuse_request_send: .*\(FUSE_[A-Z_]*\)' "$work/$name.script" || true; } |
    grep -oE 'FUSE_[A-Z_]*' | sort | uniq -c | sort -rn | while read -r n kind; do
    local trip server total
    trip=$(awk -v k="$kind" '$1 == k { print $2 }' "$work/$name.times" | median)
    server=$(awk -v k="$kind" '$1 == k { print $3 }' "$work/$name.times" | median)
    total=$(awk -v k="$kind" '$1 == k { s += $2 } END { printf "%.1f", s / 1000 }' "$work/$name.times")
    echo "| $n | $kind | $trip µs | $server µs | $total ms |"
  done
}
{ prologue; echo "\$R pull -q --tls-verify=false $image >/dev/null"; } > "$work/pull.sh"
run_as_user "$work/pull.sh"
count tar "1. tar c /" "tar c --one-file-system / 2>/dev/null | cat >/dev/null"
count create "2. create + unlink 3000 files" "mkdir /t && cd /t && seq 3000 | xargs touch && seq 3000 | xargs rm"
count find "3. find walk" "find / -xdev >/dev/null"
count ls "4b. ls -lR /usr, 3 times" "for i in 1 2 3; do ls -lR /usr; done >/dev/null"
