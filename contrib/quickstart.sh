#!/usr/bin/env bash
# Builds rpod, installs it, and runs a container. It pulls busybox from the
# configured registries; with no registry reachable (offline machines), it
# imports a busybox root filesystem made from the distribution's
# busybox-static instead. Run as root, it also installs what rpod needs.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then
    missing=()
    for pkg in uidmap slirp4netns busybox-static gcc; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        say "installing ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
fi
command -v cargo >/dev/null || { echo "rpod needs Rust 1.85 or newer: see https://rustup.rs" >&2; exit 1; }

say "building rpod"
cargo build --release --locked
if [ "$(id -u)" -eq 0 ]; then bin_dir=/usr/local/bin; else bin_dir=$HOME/.local/bin; fi
mkdir -p "$bin_dir"
install -m 755 target/release/rpod "$bin_dir/rpod"
rpod=$bin_dir/rpod
echo "installed $rpod"

say "rpod info"
"$rpod" info --format 'store: {{.Store.GraphRoot}}  driver: {{.Store.GraphDriverName}}  single-uid mapping: {{.Host.SingleUIDMapping}}'

say "getting busybox"
if ! "$rpod" pull busybox; then
    [ -x /bin/busybox ] || { echo "offline and no /bin/busybox: install busybox-static" >&2; exit 1; }
    echo "no registry reachable: importing a root filesystem built from /bin/busybox"
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,home}
    chmod 1777 "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    for applet in $(/bin/busybox --list-full); do
        [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
    done
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
    tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$rootfs.tar" .
    "$rpod" import --change 'CMD ["sh"]' --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' "$rootfs.tar" busybox:latest
    rm -f "$rootfs.tar"
fi

say "rpod images"
"$rpod" images
# Containers get slirp4netns's network by default; without it, none.
network=()
command -v slirp4netns >/dev/null || network=(--network none)
say "rpod run --rm ${network[*]} busybox echo ..."
"$rpod" run --rm "${network[@]}" busybox echo "hello from a rootless container"
echo "Done. Add $bin_dir to PATH, and try: alias docker=rpod"
