#!/usr/bin/env bash
# Pull benchmark: `rpod pull` against rootless `podman pull` (and, for
# single-layer images, a `curl | gunzip | tar -x` pipeline as the floor),
# timed with hyperfine, every measured command run as an unprivileged user.
#
# Run as root on a machine prepared by contrib/setup-test-env.sh:
#
#   contrib/bench/pull.sh                 # both fixture images, 5 runs each
#   BENCH_RUNS=10 contrib/bench/pull.sh   # more runs
#
# What one run does:
#   1. copies the rpod binary to a place the test user can execute;
#   2. mounts a private tmpfs as the user's XDG_RUNTIME_DIR;
#   3. (default) makes a fresh ext4 file system on a loop device and puts
#      every store on it (see "Stores" below);
#   4. writes ~/.config/containers/containers.conf (runtime = "runc") for
#      the user, and a storage.conf (driver "overlay") that podman gets via
#      CONTAINERS_STORAGE_CONF;
#   5. per image, one hyperfine invocation with up to four commands, each
#      with its own --prepare that empties that command's store and syncs:
#        rpod      rpod --root STORE pull --tls-verify=false REF
#        podman    podman pull --tls-verify=false REF
#        baseline  curl -sSf BLOB_URL | gunzip | tar -x -C DIR  (1-layer only)
#        pigz      the same with pigz -d instead of gunzip (information only;
#                  when pigz is installed and BENCH_PIGZ is not 0)
#   6. checks that `rpod images` and `podman images` list the image;
#   7. prints and saves the means and the ratios against the targets
#      (rpod <= 0.7x podman; rpod <= 1.3x the baseline on the big image).
#
# A missed target is reported, never an error: the exit status is non-zero
# only when a command fails.
#
# Stores. BENCH_STORE_FS=scratch (default) puts the rpod store, the podman
# graphroot and the baseline directory on a freshly made ext4 (mkfs
# defaults, so with a journal) on a loop device. BENCH_STORE_FS=home uses
# the user's default locations (~/.local/share/rpod and
# ~/.local/share/containers/storage; this empties both). Why the default:
# on an ext4 without a journal (such as some VM root disks), inodes freed in
# the last 60 s (360 s once their inode-table block is dirty again) are
# skipped by the inode allocator one by one, so creating thousands of files
# right after deleting thousands costs seconds of kernel time, whoever does
# it. With BENCH_STORE_FS=home, BENCH_SETTLE=SECONDS sleeps after each
# emptying to let those inodes age.
#
# Knobs (environment):
#   BENCH_USER       unprivileged user running everything (rpodtest)
#   BENCH_RUNS       hyperfine --runs (5)
#   BENCH_WARMUP     hyperfine --warmup (1)
#   BENCH_REGISTRY   registry host:port, plain HTTP (127.0.0.1:5000)
#   BENCH_IMAGES     repositories:tags to pull
#                    ("library/debian:minbase library/big:latest")
#   BENCH_STORE_FS   scratch | home (scratch)
#   BENCH_FS_SIZE    size of the scratch file system image (8G, sparse)
#   BENCH_SETTLE     seconds to sleep after emptying a store (0)
#   BENCH_WORK       work directory (/var/tmp/rpod-bench)
#   BENCH_RESULTS    results directory (BENCH_WORK/results/UTC-TIMESTAMP)
#   BENCH_PIGZ=0     leave out the curl | pigz -d | tar command
#   BENCH_KEEP=1     leave the scratch file system and runtime tmpfs mounted
#   RPOD_BIN         rpod binary (REPO/target/release/rpod)
set -euo pipefail
export LC_ALL=C

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)

BENCH_USER=${BENCH_USER:-rpodtest}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_WARMUP=${BENCH_WARMUP:-1}
BENCH_REGISTRY=${BENCH_REGISTRY:-127.0.0.1:5000}
BENCH_IMAGES=${BENCH_IMAGES:-"library/debian:minbase library/big:latest"}
BENCH_STORE_FS=${BENCH_STORE_FS:-scratch}
BENCH_FS_SIZE=${BENCH_FS_SIZE:-8G}
BENCH_SETTLE=${BENCH_SETTLE:-0}
BENCH_WORK=${BENCH_WORK:-/var/tmp/rpod-bench}
BENCH_RESULTS=${BENCH_RESULTS:-$BENCH_WORK/results/$(date -u +%Y%m%dT%H%M%SZ)}
BENCH_KEEP=${BENCH_KEEP:-0}
BENCH_PIGZ=${BENCH_PIGZ:-1}
command -v pigz >/dev/null || BENCH_PIGZ=0
RPOD_BIN=${RPOD_BIN:-$REPO/target/release/rpod}

# Targets from the issue; reported, not asserted.
TARGET_VS_PODMAN=0.7
TARGET_VS_BASELINE=1.3
# The image on which the baseline target applies.
BASELINE_TARGET_IMAGE=library/big:latest

log() { printf '[bench] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
set -E
trap 'log "ERROR: command failed (line $LINENO): $BASH_COMMAND"' ERR

[ "$(id -u)" -eq 0 ] || die "run as root (every measured command runs as $BENCH_USER)"
for tool in hyperfine podman runc jq curl gunzip tar setpriv mkfs.ext4 findmnt; do
    command -v "$tool" >/dev/null || die "missing $tool (contrib/setup-test-env.sh installs it)"
done
[ -x "$RPOD_BIN" ] || die "no rpod binary at $RPOD_BIN (cargo build --release, or set RPOD_BIN)"
case $BENCH_STORE_FS in scratch | home) ;; *) die "BENCH_STORE_FS must be scratch or home" ;; esac
[[ $BENCH_RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer"
[[ $BENCH_WARMUP =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer"
[[ $BENCH_SETTLE =~ ^[0-9]+$ ]] || die "BENCH_SETTLE must be a whole number of seconds"

USER_UID=$(id -u "$BENCH_USER") || die "no user $BENCH_USER"
USER_GID=$(id -g "$BENCH_USER")
USER_HOME=$(getent passwd "$BENCH_USER" | cut -d: -f6)
grep -qE "^($BENCH_USER|$USER_UID):" /etc/subuid ||
    die "$BENCH_USER has no range in /etc/subuid (run contrib/setup-test-env.sh)"

cd /

BIN_DIR=$BENCH_WORK/bin
RPOD=$BIN_DIR/rpod
RUN_MNT=$BENCH_WORK/run
RUN_DIR=$RUN_MNT/$BENCH_USER
FS_IMAGE=$BENCH_WORK/scratch.ext4
FS_MNT=$BENCH_WORK/scratch
CONF_DIR=$BENCH_WORK/conf
STORAGE_CONF=$CONF_DIR/storage.conf

# Runs "$@" as the bench user with a clean environment.
as_user() {
    setpriv --reuid="$USER_UID" --regid="$USER_GID" --init-groups \
        env -i HOME="$USER_HOME" USER="$BENCH_USER" LOGNAME="$BENCH_USER" \
        SHELL=/bin/bash PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
        XDG_RUNTIME_DIR="$RUN_DIR" CONTAINERS_STORAGE_CONF="$STORAGE_CONF" \
        "$@"
}

# Rootless podman leaves a pause process (catatonit -P) per user and
# runtime dir. Stop exactly the ones started under this benchmark's private
# XDG_RUNTIME_DIR: the user's processes whose environment says
# _PODMAN_PAUSE=1 and XDG_RUNTIME_DIR=$RUN_DIR (the pid file's place
# depends on what podman's database remembers, so it is not used).
stop_pause_process() {
    local dir environ
    for dir in /proc/[0-9]*; do
        [ "$(stat -c %u "$dir" 2>/dev/null)" = "$USER_UID" ] || continue
        environ=$(tr '\0' '\n' < "$dir/environ" 2>/dev/null) || continue
        grep -qx '_PODMAN_PAUSE=1' <<<"$environ" || continue
        grep -qxF "XDG_RUNTIME_DIR=$RUN_DIR" <<<"$environ" || continue
        kill "${dir#/proc/}" 2>/dev/null || true
    done
}

unmount_all() {
    stop_pause_process
    if mountpoint -q "$FS_MNT"; then umount "$FS_MNT" || umount -l "$FS_MNT"; fi
    if mountpoint -q "$RUN_MNT"; then umount "$RUN_MNT" || umount -l "$RUN_MNT"; fi
}

cleanup() {
    if [ "$BENCH_KEEP" = 1 ]; then
        log "BENCH_KEEP=1: leaving $FS_MNT and $RUN_MNT mounted"
        return
    fi
    unmount_all
    rm -f "$FS_IMAGE"
}

# ------------------------------------------------------------------ set-up --

install -d -m 0755 "$BENCH_WORK" "$BIN_DIR" "$CONF_DIR"
install -m 0755 "$RPOD_BIN" "$RPOD"
install -d -m 0755 "$BENCH_RESULTS"
chown "$USER_UID:$USER_GID" "$BENCH_RESULTS"

# Leftovers of an interrupted run.
unmount_all
trap cleanup EXIT

install -d -m 0755 "$RUN_MNT"
mount -t tmpfs -o size=64m,mode=0755 rpod-bench-run "$RUN_MNT"
install -d -o "$USER_UID" -g "$USER_GID" -m 0700 "$RUN_DIR"

if [ "$BENCH_STORE_FS" = scratch ]; then
    rm -f "$FS_IMAGE"
    truncate -s "$BENCH_FS_SIZE" "$FS_IMAGE"
    mkfs.ext4 -q -F -L rpod-bench "$FS_IMAGE"
    install -d -m 0755 "$FS_MNT"
    mount -o loop "$FS_IMAGE" "$FS_MNT"
    DATA=$FS_MNT/$BENCH_USER
    install -d -o "$USER_UID" -g "$USER_GID" -m 0700 "$DATA"
    RPOD_STORE=$DATA/rpod
    PODMAN_ROOT=$DATA/containers/storage
    BASE_DIR=$DATA/baseline
else
    RPOD_STORE=$USER_HOME/.local/share/rpod
    PODMAN_ROOT=$USER_HOME/.local/share/containers/storage
    BASE_DIR=$USER_HOME/.cache/rpod-bench-baseline
fi

# Podman: runc as the runtime, in the user's own containers.conf (any
# other content there is kept in a backup); overlay storage via a private
# storage.conf so the user's own podman set-up is left alone.
as_user mkdir -p "$USER_HOME/.config/containers"
CONTAINERS_CONF=$USER_HOME/.config/containers/containers.conf
WANT_CONF=$(printf '# written by rpod contrib/bench/pull.sh\n[engine]\nruntime = "runc"\n')
if [ -f "$CONTAINERS_CONF" ] && [ "$(cat "$CONTAINERS_CONF")" != "$WANT_CONF" ]; then
    as_user cp "$CONTAINERS_CONF" "$CONTAINERS_CONF.bak-$(date -u +%Y%m%dT%H%M%SZ)"
fi
printf '%s\n' "$WANT_CONF" | as_user tee "$CONTAINERS_CONF" >/dev/null
cat > "$STORAGE_CONF" <<EOF
# written by rpod contrib/bench/pull.sh; podman gets it via CONTAINERS_STORAGE_CONF
# (a file named by that variable is read as the system file: rootless podman
# takes its store from rootless_storage_path, not graphroot)
[storage]
driver = "overlay"
runroot = "$RUN_DIR/containers"
graphroot = "$PODMAN_ROOT"
rootless_storage_path = "$PODMAN_ROOT"
EOF
chmod 0644 "$STORAGE_CONF"

podman_setup=$(as_user podman info --format '{{.Store.GraphDriverName}} {{.Store.GraphRoot}} {{.Host.OCIRuntime.Name}}' 2>/dev/null) ||
    die "podman info failed as $BENCH_USER"
[ "$podman_setup" = "overlay $PODMAN_ROOT runc" ] ||
    die "podman is not set up as intended: got '$podman_setup', want 'overlay $PODMAN_ROOT runc'"
native_diff=$(as_user podman info --format '{{index .Store.GraphStatus "Native Overlay Diff"}}' 2>/dev/null || true)

# -------------------------------------------------------------- machine facts

facts() {
    printf 'date (UTC): %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'nproc: %s\n' "$(nproc)"
    printf 'cpu: %s\n' "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    printf 'memory: %s\n' "$(grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2-3)"
    printf 'kernel: %s\n' "$(uname -r)"
    printf 'load average at start: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'store mode: %s\n' "$BENCH_STORE_FS"
    printf 'store file system: %s\n' "$(findmnt -n -o FSTYPE,OPTIONS -T "$(dirname "$RPOD_STORE")")"
    if [ "$BENCH_STORE_FS" = scratch ]; then
        printf 'scratch fs: loop-mounted %s image on %s (%s), mkfs.ext4 defaults: %s\n' \
            "$BENCH_FS_SIZE" "$(findmnt -n -o SOURCE -T "$BENCH_WORK")" \
            "$(findmnt -n -o FSTYPE -T "$BENCH_WORK")" \
            "$(dumpe2fs -h "$FS_IMAGE" 2>/dev/null | sed -n 's/^Filesystem features: *//p')"
    fi
    printf 'XDG_RUNTIME_DIR: tmpfs %s\n' "$RUN_DIR"
    printf 'rpod: %s; binary %s, built %s, sha256 %s\n' "$("$RPOD" --version)" "$RPOD_BIN" \
        "$(date -u -r "$RPOD_BIN" +%Y-%m-%dT%H:%M:%SZ)" "$(sha256sum "$RPOD" | cut -c1-16)"
    local head dirty=""
    head=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
    if [ -n "$(git -C "$REPO" --no-optional-locks status --porcelain --untracked-files=no \
        -- src Cargo.toml Cargo.lock 2>/dev/null || true)" ]; then
        dirty=" (src/ has uncommitted changes)"
    fi
    printf 'checkout: HEAD %s%s\n' "$head" "$dirty"
    printf 'podman: %s; storage driver %s (native overlay diff: %s), graphroot %s; runtime %s\n' \
        "$(podman --version)" "$(cut -d' ' -f1 <<<"$podman_setup")" "${native_diff:-?}" \
        "$PODMAN_ROOT" "$(runc --version | head -n1)"
    printf 'hyperfine: %s\n' "$(hyperfine --version)"
    printf 'curl: %s\n' "$(curl --version | head -n1)"
    printf 'gzip: %s\n' "$(gzip --version | head -n1)"
    printf 'tar: %s\n' "$(tar --version | head -n1)"
    printf 'registry: %s (plain HTTP)\n' "$BENCH_REGISTRY"
    printf 'hyperfine: --warmup %s --runs %s; settle after emptying: %s s\n' \
        "$BENCH_WARMUP" "$BENCH_RUNS" "$BENCH_SETTLE"
}
facts | tee "$BENCH_RESULTS/facts.txt" >&2

# ------------------------------------------------------------ the benchmark

ACCEPT='application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'

# "sync" after emptying: the previous run's dirty pages are written back
# before the next timed run instead of during it.
settle=""
[ "$BENCH_SETTLE" -gt 0 ] && settle=" && sleep $BENCH_SETTLE"

# library/big:latest -> library_big_latest
slug_of() { printf '%s\n' "${1//[^A-Za-z0-9._-]/_}"; }

bench_image() {
    local image=$1 slug ref manifest layers blob url
    slug=$(slug_of "$image")
    ref=$BENCH_REGISTRY/$image
    manifest=$(curl -sSf -H "Accept: $ACCEPT" \
        "http://$BENCH_REGISTRY/v2/${image%:*}/manifests/${image##*:}") ||
        die "cannot fetch the manifest of $ref"
    layers=$(jq '.layers | length' <<<"$manifest")

    local -a args=(
        --shell=bash --warmup "$BENCH_WARMUP" --runs "$BENCH_RUNS"
        --export-json "$BENCH_RESULTS/$slug.json"
        --export-markdown "$BENCH_RESULTS/$slug.md"
        -n rpod
        --prepare "$RPOD --root $RPOD_STORE unshare rm -rf $RPOD_STORE && sync$settle"
        "$RPOD --root $RPOD_STORE pull --tls-verify=false $ref"
        -n podman
        --prepare "podman rmi -a -f >/dev/null && sync$settle"
        "podman pull --tls-verify=false $ref"
    )
    if [ "$layers" = 1 ]; then
        blob=$(jq -r '.layers[0].digest' <<<"$manifest")
        url="http://$BENCH_REGISTRY/v2/${image%:*}/blobs/$blob"
        args+=(
            -n curl-gunzip-tar
            --prepare "rm -rf $BASE_DIR && mkdir -p $BASE_DIR && sync$settle"
            "set -o pipefail; curl -sSf $url | gunzip | tar -x -C $BASE_DIR"
        )
        if [ "$BENCH_PIGZ" != 0 ]; then
            args+=(
                -n curl-pigz-tar
                --prepare "rm -rf $BASE_DIR && mkdir -p $BASE_DIR && sync$settle"
                "set -o pipefail; curl -sSf $url | pigz -d | tar -x -C $BASE_DIR"
            )
        fi
    else
        log "$image has $layers layers: no curl | gunzip | tar baseline"
    fi

    log "benchmarking $ref ($layers layer(s))"
    as_user hyperfine "${args[@]}" 2>&1 | tee "$BENCH_RESULTS/$slug.log" >&2

    # Both tools must end with a usable image.
    local listed
    listed=$(as_user "$RPOD" --root "$RPOD_STORE" images --format '{{.Repository}}:{{.Tag}}')
    grep -qxF "$ref" <<<"$listed" || die "rpod images does not list $ref after the runs"
    listed=$(as_user podman images --format '{{.Repository}}:{{.Tag}}')
    grep -qxF "$ref" <<<"$listed" || die "podman images does not list $ref after the runs"
    {
        echo "\$ rpod images"
        as_user "$RPOD" --root "$RPOD_STORE" images
        echo "\$ podman images"
        as_user podman images
    } | tee "$BENCH_RESULTS/$slug.images.txt" >&2
    if [ "$layers" = 1 ]; then
        [ -n "$(ls -A "$BASE_DIR")" ] || die "the baseline left $BASE_DIR empty"
    fi
}

for image in $BENCH_IMAGES; do
    bench_image "$image"
done
printf 'load average at end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" |
    tee -a "$BENCH_RESULTS/facts.txt" >&2

# ---------------------------------------------------------------- summary --

# mean and stddev of a named command in a hyperfine export (empty if absent)
stat_of() {
    jq -r --arg c "$2" '.results[] | select(.command == $c) | "\(.mean) \(.stddev // 0)"' "$1"
}

# ratio a/b with its standard deviation by first-order error propagation
ratio() {
    awk -v a="$1" -v sa="$2" -v b="$3" -v sb="$4" 'BEGIN {
        r = a / b; printf "%.3f %.3f\n", r, r * sqrt((sa / a) ^ 2 + (sb / b) ^ 2) }'
}

verdict() {
    awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t) ? "met" : "MISSED" }'
}

fmt() { [ -n "$1" ] && printf '%.3f ± %.3f' "$1" "$2" || printf 'n/a'; }

{
    printf '| image | rpod [s] | podman [s] | curl-gunzip-tar [s] | curl-pigz-tar [s] | rpod / podman (target <= %s) | rpod / curl-gunzip-tar (target <= %s) | rpod / curl-pigz-tar (information) |\n' \
        "$TARGET_VS_PODMAN" "$TARGET_VS_BASELINE"
    printf '|---|---|---|---|---|---|---|---|\n'
    printf 'image\trpod_mean\trpod_sd\tpodman_mean\tpodman_sd\tgunzip_mean\tgunzip_sd\tpigz_mean\tpigz_sd\trpod_over_podman\trpod_over_gunzip\trpod_over_pigz\n' >&3
    for image in $BENCH_IMAGES; do
        json=$BENCH_RESULTS/$(slug_of "$image").json
        r_mean="" r_sd="" p_mean="" p_sd="" b_mean="" b_sd="" z_mean="" z_sd=""
        read -r r_mean r_sd < <(stat_of "$json" rpod) || true
        read -r p_mean p_sd < <(stat_of "$json" podman) || true
        read -r b_mean b_sd < <(stat_of "$json" curl-gunzip-tar) || true
        read -r z_mean z_sd < <(stat_of "$json" curl-pigz-tar) || true
        rp="" rp_sd="" rb="" rb_sd="" rz="" rz_sd=""
        read -r rp rp_sd < <(ratio "$r_mean" "$r_sd" "$p_mean" "$p_sd")
        vp=$(verdict "$rp" "$TARGET_VS_PODMAN")
        vb=""
        if [ -n "$b_mean" ]; then
            read -r rb rb_sd < <(ratio "$r_mean" "$r_sd" "$b_mean" "$b_sd")
            if [ "$image" = "$BASELINE_TARGET_IMAGE" ]; then
                vb=" $(verdict "$rb" "$TARGET_VS_BASELINE")"
            else
                vb=" (no target)"
            fi
        fi
        if [ -n "$z_mean" ]; then
            read -r rz rz_sd < <(ratio "$r_mean" "$r_sd" "$z_mean" "$z_sd")
        fi
        printf '| %s | %s | %s | %s | %s | %s %s | %s%s | %s |\n' "$image" \
            "$(fmt "$r_mean" "$r_sd")" "$(fmt "$p_mean" "$p_sd")" \
            "$(fmt "$b_mean" "$b_sd")" "$(fmt "$z_mean" "$z_sd")" \
            "$(fmt "$rp" "$rp_sd")" "$vp" "$(fmt "$rb" "$rb_sd")" "$vb" "$(fmt "$rz" "$rz_sd")"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$image" \
            "$r_mean" "$r_sd" "$p_mean" "$p_sd" "${b_mean:--}" "${b_sd:--}" \
            "${z_mean:--}" "${z_sd:--}" "$rp" "${rb:--}" "${rz:--}" >&3
    done
} > "$BENCH_RESULTS/summary.md" 3> "$BENCH_RESULTS/summary.tsv"

log "results in $BENCH_RESULTS"
echo
echo "Summary (mean ± stddev over $BENCH_RUNS runs; ratios use the means):"
cat "$BENCH_RESULTS/summary.md"
