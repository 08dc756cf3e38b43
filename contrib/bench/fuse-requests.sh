#!/usr/bin/env bash
# Counts the requests the kernel sends to FUSE servers while one fresh
# `--storage-driver fuse` container on the Debian image starts and runs
# one of three union-fs.sh workloads: where the time beyond the kernel
# overlay goes (issue 5, point 6). `perf record -a` on the kernel's
# fuse:fuse_request_send tracepoint sees every FUSE mount of the machine,
# so run it with nothing else using FUSE. Needs root; the containers run
# as the test user. Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=127.0.0.1:5000/library/debian:minbase
count() { # NAME TITLE SCRIPT: the workload's requests by kind, most first
  local name=$1
  { prologue; printf '$R run --rm --network none --storage-driver fuse %s sh -c %q\n' "$image" "$3"; } > "$work/$name.sh"
  chown "$user" "$work/$name.sh"
  if ! perf record -q -e fuse:fuse_request_send -a -o "$work/$name.data" -- \
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- \
    env -i bash "$work/$name.sh" > "$work/$name.log" 2>&1; then
    echo "$2: failed:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  echo; echo "### $2"; echo '| requests | kind |'; echo '|---:|:---|'
  perf script -i "$work/$name.data" 2>/dev/null | { grep -oE '\(FUSE_[A-Z_]*\)' || true; } | tr -d '()' |
    sort | uniq -c | sort -rn | awk '{print "| " $1 " | " $2 " |"}'
}
{ prologue; echo "\$R pull -q --tls-verify=false $image >/dev/null"; } > "$work/pull.sh"
run_as_user "$work/pull.sh"
count tar "1. tar c /" "tar c --one-file-system / 2>/dev/null | cat >/dev/null"
count create "2. create + unlink 3000 files" "mkdir /t && cd /t && seq 3000 | xargs touch && seq 3000 | xargs rm"
count ls "4b. ls -lR /usr, 3 times" "for i in 1 2 3; do ls -lR /usr; done >/dev/null"
