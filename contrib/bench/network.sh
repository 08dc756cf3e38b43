#!/usr/bin/env bash
# Network benchmarks, rpod beside Podman in one run, as the unprivileged
# test user (issue 4, point 7):
#   1. start latency of the default network (slirp4netns) and of pasta
#      over `--network none`: `run --rm IMAGE true` each way, and with a
#      published port (slirp4netns's forwarding, rpod's forwarder);
#   2. container -> host TCP throughput with iperf3 through slirp4netns
#      (the host's iperf3 and its libraries are bound into a Debian
#      container read-only);
#   3. host -> container TCP throughput through a published port.
# Run as root on a machine prepared by contrib/setup-test-env.sh;
# BENCH_PODMAN=0 leaves Podman out. Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
busybox=127.0.0.1:5000/library/busybox:latest
debian=127.0.0.1:5000/library/debian:minbase
{ prologue; cat <<SCRIPT
for image in $busybox $debian; do
  \$R pull -q --tls-verify=false \$image >/dev/null
  podman pull -q --tls-verify=false \$image >/dev/null || true
done
# The host's first outward IPv4 address: the container reaches the host
# there through slirp4netns; pasta gives the container that very address,
# and the host is its gateway.
host=\$(ip -4 -o addr show scope global | awk '{split(\$4, a, "/"); print a[1]; exit}')
gateway=\$(ip -4 route show default | awk '{print \$3; exit}')

echo '### 1. Start latency: default network (slirp4netns), pasta, none, with -p'
hyperfine -N --warmup 3 --runs $runs --export-markdown $work/start.md --export-json $work/start.json \\
  "\$R run --rm --network none $busybox true" \\
  "\$R run --rm $busybox true" \\
  "\$R run --rm --network pasta $busybox true" \\
  "\$R run --rm -p 18181:80 $busybox true" \\
  "\$R run --rm --network slirp4netns:port_handler=rootlesskit -p 18183:80 $busybox true" \\
  \${P:+"podman run --rm --network none $busybox true"} \\
  \${P:+"podman run --rm --network slirp4netns $busybox true"} >/dev/null
cat $work/start.md
medians $work/start.json

iperf() { # NAME TARGET RUNTIME ARGS...: iperf3 client in a container -> server on the host
  local name=\$1 target=\$2; shift 2
  iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
  local server=\$!
  sleep 0.3
  "\$@" -v /usr:/usr:ro $debian iperf3 -c \$target -p 5201 -t 5 -J > $work/iperf.json || kill \$server
  wait \$server || true
  echo "| \$name | \$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' $work/iperf.json) Gbit/s |"
}
echo; echo '### 2. Container -> host TCP throughput (iperf3, 5 s)'
echo '| command | throughput |'
echo '|:---|---:|'
iperf "rpod (slirp4netns, MTU 65520)" \$host \$R run --rm
iperf "rpod (pasta)" \$gateway \$R run --rm --network pasta
[ $with_podman = 1 ] && iperf "podman (slirp4netns)" \$host podman run --rm --network slirp4netns
# Podman 4.3 has no pasta network.

published() { # NAME RUNTIME ARGS...: iperf3 server in a container, client on the host
  local name=\$1; shift
  "\$@" -d --name bench-iperf -p 15201:5201 -v /usr:/usr:ro $debian iperf3 -s >/dev/null
  sleep 1
  iperf3 -c 127.0.0.1 -p 15201 -t 5 -J > $work/iperf.json || true
  echo "| \$name | \$(jq -r '.end.sum_received.bits_per_second / 1e9 | . * 100 | round / 100' $work/iperf.json) Gbit/s |"
  "\$1" rm -f bench-iperf >/dev/null
}
echo; echo '### 3. Host -> container TCP throughput through a published port (iperf3, 5 s)'
echo '| command | throughput |'
echo '|:---|---:|'
published "rpod -p (slirp4netns add_hostfwd)" \$R run
published "rpod -p (port_handler=rootlesskit: rpod's forwarder)" \$R run --network slirp4netns:port_handler=rootlesskit
published "rpod -p (pasta)" \$R run --network pasta
[ $with_podman = 1 ] && published "podman -p (rootlesskit port handler)" podman run --network slirp4netns
[ $with_podman = 1 ] && published "podman -p (port_handler=slirp4netns)" podman run --network slirp4netns:port_handler=slirp4netns
true
SCRIPT
} > "$work/bench.sh"
run_as_user "$work/bench.sh"
