# Shared by the benchmark scripts (sourced, as root): the test user, the
# run count, whether Podman runs beside rpod, a work directory the user
# owns with a copy of rpod, and `prologue`, which prints the start of the
# script the user runs: a private environment, Podman on runc and cgroupfs
# with its own store, and the working directory.
user=${BENCH_USER:-rpodtest}
runs=${BENCH_RUNS:-30}
with_podman=${BENCH_PODMAN:-1}
rpod=${RPOD_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/target/release/rpod}
# Keep this path short: conmon ends each Podman container with `podman
# container cleanup --runroot $work/run/podman ...`, which refuses a
# runroot over 50 characters (`podman run` then waits 20 s for it), and
# Podman's slirp4netns API socket path must stay under 108.
work=$(mktemp -d /var/tmp/rb.XXXXXX)
store=
trap 'rm -rf "$work" ${store:+"$store"} 2>/dev/null || true' EXIT
install -m 755 "$rpod" "$work/rpod"
mkdir -m 700 "$work/run" "$work/home"
chown -R "$user" "$work"
# Where the stores, layers and upper directories go: the work directory,
# or with BENCH_FS_STORE=/dev/shm a new directory there (tmpfs: no disk,
# whose speed swings, in the figures; the overlays' user.* xattrs on
# tmpfs need Linux 6.6 or later).
if [ -n "${BENCH_FS_STORE:-}" ]; then
    store=$(mktemp -d "$BENCH_FS_STORE/rb-store.XXXXXX")
    chown "$user" "$store"
else
    store=$work
fi

prologue() {
    cat <<PROLOGUE
set -euo pipefail
export HOME=$work/home PATH=/usr/bin:/bin XDG_RUNTIME_DIR=$work/run RPOD_ROOT=$store/rpod-store
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
# With BENCH_PODMAN=0, every podman command is left out.
podman() { [ $with_podman = 1 ] && command podman "\$@"; }
if [ $with_podman = 1 ]; then P=podman; else P=; fi
# The targets are medians; hyperfine's tables show means.
medians() { jq -r '.results[] | "median \\(.median * 1000 | . * 10 | round / 10) ms: \\(.command)"' "\$1"; }
PROLOGUE
}

# Runs the user's script as the user, in a clean environment.
run_as_user() {
    chown "$user" "$1"
    setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups -- env -i bash "$1"
}
