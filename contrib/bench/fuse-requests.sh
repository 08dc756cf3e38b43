#!/usr/bin/env bash
# Counts the requests the kernel sends rpod's FUSE union for three of the
# union-fs.sh workloads, each in a fresh `--storage-driver fuse`
# container on the Debian image: where the time beyond the kernel
# overlay goes (issue 5, point 6). Needs root for `perf record -a` on the
# kernel's fuse:fuse_request_send tracepoint; the containers run as the
# test user. Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=127.0.0.1:5000/library/debian:minbase
count() { # NAME TITLE SCRIPT: the workload's requests by kind, most first
  local name=$1
  { prologue; echo "\$R run --rm --network none --storage-driver fuse $image sh -c '$3'"; } > "$work/$name.sh"
  chown "$user" "$work/$name.sh"
  perf record -q -e fuse:fuse_request_send -a -o "$work/$name.data" -- \
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i bash "$work/$name.sh" >/dev/null 2>&1
  echo; echo "### $2"; echo '| requests | kind |'; echo '|---:|:---|'
  perf script -i "$work/$name.data" 2>/dev/null | grep -oE '\(FUSE_[A-Z_]*\)' | tr -d '()' |
    sort | uniq -c | sort -rn | awk '{print "| " $1 " | " $2 " |"}'
}
{ prologue; echo "\$R pull -q --tls-verify=false $image >/dev/null"; } > "$work/pull.sh"
run_as_user "$work/pull.sh"
count tar "1. tar c /" "tar c --one-file-system / 2>/dev/null | cat >/dev/null"
count create "2. create + unlink 3000 files" "mkdir /t && cd /t && seq 3000 | xargs touch && seq 3000 | xargs rm"
count ls "4b. ls -lR /usr, 3 times" "for i in 1 2 3; do ls -lR /usr; done >/dev/null"
