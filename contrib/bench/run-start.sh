#!/usr/bin/env bash
# Start latency of a container: `rpod run --rm --network none busybox true`
# beside bare `unshare -Urmpf --mount-proc true` and Podman's same command,
# in one hyperfine run, as the unprivileged test user. Run as root on a
# machine prepared by contrib/setup-test-env.sh (Podman uses runc, as
# contrib/bench/pull.sh configures it).
set -euo pipefail
user=${BENCH_USER:-rpodtest}
runs=${BENCH_RUNS:-30}
rpod=${RPOD_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/target/release/rpod}
work=$(mktemp -d /var/tmp/rpod-run-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
install -m 755 "$rpod" "$work/rpod"
mkdir -m 700 "$work/run"
chown -R "$user" "$work"
image=127.0.0.1:5000/library/busybox:latest
cat > "$work/bench.sh" <<SCRIPT
set -euo pipefail
export HOME=\$(getent passwd $user | cut -d: -f6) PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$work/run RPOD_ROOT=$work/store
$work/rpod pull -q --tls-verify=false $image >/dev/null
podman pull -q --tls-verify=false $image >/dev/null
hyperfine -N --warmup 3 --runs $runs --export-markdown $work/result.md \\
  "$work/rpod run --rm --network none $image true" \\
  "unshare -Urmpf --mount-proc true" \\
  "podman run --rm --network none $image true"
SCRIPT
setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i bash "$work/bench.sh"
cat "$work/result.md"
