#!/usr/bin/env bash
# Prepare a Debian 12 machine (as root) for rpod's integration tests and
# benchmarks: packages, test users with/without subordinate id ranges,
# /dev/fuse and /dev/net/tun, user namespaces, two local registries (plain
# HTTP on :5000, TLS + basic auth on :5443) and the fixture images.
#
# Idempotent and non-interactive: a second run on a prepared machine only
# checks things and returns within seconds.
#
# Environment knobs (all optional):
#   RPOD_SETUP_SKIP_FIXTURES=1   do everything except building/pushing fixtures
#   RPOD_SETUP_SKIP_APT=1        never call apt-get (fail later if tools are missing)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

TEST_USER=rpodtest
NOSUB_USER=rpodnosub
SUBID_START=200000
SUBID_COUNT=65536

STATE_DIR=/var/lib/rpod-test
CONF_DIR=/etc/rpod-test
CERT_DIR=$CONF_DIR/certs          # CA only: usable as a Podman-style --cert-dir
SERVER_DIR=$CONF_DIR/server       # server key/cert, htpasswd, registry configs
ENV_FILE=/etc/rpod-test.env

PLAIN_ADDR=127.0.0.1:5000
TLS_ADDR=127.0.0.1:5443
TLS_USER=rpoduser
TLS_PASSWORD=rpodpass

PACKAGES=(
    uidmap slirp4netns fuse3 docker-registry skopeo umoci busybox-static
    debootstrap hyperfine podman passt apache2-utils openssl curl jq
    fuse-overlayfs iperf3 runc pigz
    # used by the scripts themselves
    ca-certificates zstd attr tar gzip coreutils findutils
)

log() { printf '[setup-test-env] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
set -E
trap 'log "ERROR: command failed (line $LINENO): $BASH_COMMAND"' ERR

[ "$(id -u)" -eq 0 ] || die "must run as root"

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

# ---------------------------------------------------------------- packages --

missing_packages() {
    local p status
    for p in "${PACKAGES[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case "$status" in
            *" installed") ;;
            *) printf '%s\n' "$p" ;;
        esac
    done
}

install_packages() {
    local missing
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -eq 0 ]; then
        log "packages: all present"
        return
    fi
    [ "${RPOD_SETUP_SKIP_APT:-0}" = 1 ] && die "missing packages: ${missing[*]}"
    log "packages: installing ${missing[*]}"
    # Do not let package maintainer scripts start services (docker-registry
    # ships an init script that would grab :5000 with its own config).
    local made_policy=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    # Third-party sources on a machine may be unreachable; apt still refreshes
    # the Debian lists, so a failed update is only a warning here.
    apt-get update -qq || log "warning: apt-get update reported errors; trying the install anyway"
    local rc=0
    apt-get install -y -qq -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null || rc=$?
    [ "$made_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ "$rc" -eq 0 ] || die "apt-get install failed ($rc)"
    mapfile -t missing < <(missing_packages)
    [ "${#missing[@]}" -eq 0 ] || die "still missing after install: ${missing[*]}"
}

# A registry started by the Debian package's init script (not by us) would
# squat :5000 with the stock config; stop it if it is there.
stop_stock_registry() {
    local pidfile=/var/run/docker-registry.pid pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] &&
        tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q '/etc/docker/registry/config.yml'; then
        log "stopping the stock docker-registry service (pid $pid)"
        kill "$pid" 2>/dev/null || true
        sleep 1
    fi
    rm -f "$pidfile"
}

# ------------------------------------------------------------------- users --

# Remove every /etc/subuid|subgid line for a user (by name or by uid).
drop_subids() {
    local user=$1 uid file
    uid=$(id -u "$user")
    for file in /etc/subuid /etc/subgid; do
        [ -f "$file" ] || continue
        if grep -qE "^(${user}|${uid}):" "$file"; then
            sed -i -E "/^(${user}|${uid}):/d" "$file"
        fi
    done
}

# Does [start, start+count) overlap any line of FILE not belonging to USER?
range_overlaps() {
    local file=$1 user=$2 uid=$3 start=$4 count=$5
    awk -F: -v u="$user" -v id="$uid" -v s="$start" -v c="$count" '
        $1 == u || $1 == id { next }
        NF >= 3 { if ($2 < s + c && s < $2 + $3) found = 1 }
        END { exit found ? 0 : 1 }' "$file"
}

ensure_subids() {
    local user=$1 uid file start want
    uid=$(id -u "$user")
    for file in /etc/subuid /etc/subgid; do
        touch "$file"
        chmod 0644 "$file"
        # Already exactly one good line? Keep it (stable across runs).
        if [ "$(grep -cE "^(${user}|${uid}):" "$file" || true)" = 1 ] &&
            grep -qE "^(${user}|${uid}):[0-9]+:${SUBID_COUNT}\$" "$file"; then
            start=$(grep -E "^(${user}|${uid}):" "$file" | cut -d: -f2)
            if ! range_overlaps "$file" "$user" "$uid" "$start" "$SUBID_COUNT"; then
                continue
            fi
        fi
        sed -i -E "/^(${user}|${uid}):/d" "$file"
        start=$SUBID_START
        while range_overlaps "$file" "$user" "$uid" "$start" "$SUBID_COUNT"; do
            start=$((start + SUBID_COUNT))
        done
        want="${user}:${start}:${SUBID_COUNT}"
        echo "$want" >> "$file"
        log "$file: added $want"
    done
}

ensure_user() {
    local user=$1
    if ! id "$user" >/dev/null 2>&1; then
        # -K SUB_*_COUNT=0: do not let useradd allocate ranges by itself.
        useradd -m -d "/home/$user" -s /bin/bash -U \
            -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
        log "created user $user"
    fi
    if [ "$(getent passwd "$user" | cut -d: -f7)" != /bin/bash ]; then
        usermod -s /bin/bash "$user"
    fi
    mkdir -p "/home/$user"
    chown "$user:" "/home/$user"
}

setup_users() {
    ensure_user "$TEST_USER"
    ensure_user "$NOSUB_USER"
    ensure_subids "$TEST_USER"
    drop_subids "$NOSUB_USER"
    log "users: $TEST_USER ($(grep -E "^$TEST_USER:" /etc/subuid)), $NOSUB_USER (no subids)"
}

has_file_caps() {
    command -v getcap >/dev/null 2>&1 || return 1
    [ -n "$(getcap "$1" 2>/dev/null)" ]
}

setup_idmap_helpers() {
    local bin
    for bin in newuidmap newgidmap; do
        bin=$(command -v "$bin") || die "$bin not found (package uidmap)"
        if [ "$(stat -c %u "$bin")" != 0 ]; then
            chown root:root "$bin"
        fi
        if [ ! -u "$bin" ] && ! has_file_caps "$bin"; then
            chmod u+s "$bin"
            log "made $bin setuid root"
        fi
    done
}

# ----------------------------------------------------------------- devices --

setup_devices() {
    if [ ! -e /dev/fuse ]; then
        mknod -m 0666 /dev/fuse c 10 229 || log "warning: cannot create /dev/fuse"
    fi
    mkdir -p /dev/net
    if [ ! -e /dev/net/tun ]; then
        mknod -m 0666 /dev/net/tun c 10 200 || log "warning: cannot create /dev/net/tun"
    fi
    local dev
    for dev in /dev/fuse /dev/net/tun; do
        [ -e "$dev" ] || continue
        [ "$(stat -c %a "$dev")" = 666 ] || chmod 0666 "$dev" || log "warning: chmod $dev failed"
    done
    log "devices: $(stat -c '%n %a' /dev/fuse /dev/net/tun 2>/dev/null | tr '\n' ' ')"
}

setup_userns_sysctls() {
    local f
    f=/proc/sys/kernel/unprivileged_userns_clone
    if [ -e "$f" ] && [ "$(cat "$f")" != 1 ]; then
        echo 1 > "$f" 2>/dev/null || log "warning: could not set kernel.unprivileged_userns_clone"
    fi
    f=/proc/sys/user/max_user_namespaces
    if [ -e "$f" ] && [ "$(cat "$f")" -le 0 ]; then
        echo 15000 > "$f" 2>/dev/null || log "warning: could not set user.max_user_namespaces"
    fi
    # Ubuntu's AppArmor restriction (absent on Debian; harmless to probe).
    f=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
    if [ -e "$f" ] && [ "$(cat "$f")" != 0 ]; then
        echo 0 > "$f" 2>/dev/null || log "warning: could not relax apparmor userns restriction"
    fi
    log "userns: max_user_namespaces=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo '?')"
}

# ------------------------------------------------------------ certificates --

# Returns 0 when the current CA + server certificate are usable.
certs_ok() {
    [ -s "$CERT_DIR/ca.crt" ] && [ -s "$SERVER_DIR/server.crt" ] && [ -s "$SERVER_DIR/server.key" ] || return 1
    openssl x509 -in "$CERT_DIR/ca.crt" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 || return 1
    openssl x509 -in "$SERVER_DIR/server.crt" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 || return 1
    openssl verify -CAfile "$CERT_DIR/ca.crt" "$SERVER_DIR/server.crt" >/dev/null 2>&1 || return 1
    openssl x509 -in "$SERVER_DIR/server.crt" -noout -ext subjectAltName 2>/dev/null |
        grep -q 'IP Address:127.0.0.1' || return 1
    # The cert dir must hold nothing but the CA.
    [ "$(find "$CERT_DIR" -mindepth 1 | wc -l)" = 1 ] || return 1
}

CERTS_CHANGED=0
setup_certs() {
    mkdir -p "$CERT_DIR" "$SERVER_DIR"
    chmod 0755 "$CONF_DIR" "$CERT_DIR"
    chmod 0750 "$SERVER_DIR"
    if certs_ok; then
        log "certs: present in $CERT_DIR"
        return
    fi
    log "certs: generating a test CA and a server certificate"
    local tmp
    tmp=$(mktemp -d)
    cat > "$tmp/ca.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
x509_extensions = v3_ca
[dn]
CN = rpod test CA
O = rpod tests
[v3_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
    cat > "$tmp/server.ext" <<'EOF'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
    openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -config "$tmp/ca.cnf" -keyout "$tmp/ca.key" -out "$tmp/ca.crt" 2>/dev/null
    openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost/O=rpod tests" \
        -keyout "$tmp/server.key" -out "$tmp/server.csr" 2>/dev/null
    openssl x509 -req -in "$tmp/server.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
        -CAcreateserial -sha256 -days 3650 -extfile "$tmp/server.ext" \
        -out "$tmp/server.crt" 2>/dev/null
    # CA only in the cert dir; everything else next to the server config.
    find "$CERT_DIR" -mindepth 1 -delete
    install -m 0644 "$tmp/ca.crt" "$CERT_DIR/ca.crt"
    install -m 0600 "$tmp/ca.key" "$SERVER_DIR/ca.key"
    install -m 0644 "$tmp/server.crt" "$SERVER_DIR/server.crt"
    install -m 0600 "$tmp/server.key" "$SERVER_DIR/server.key"
    rm -rf "$tmp"
    CERTS_CHANGED=1
}

setup_htpasswd() {
    local f=$SERVER_DIR/htpasswd
    if [ -s "$f" ] && htpasswd -vb "$f" "$TLS_USER" "$TLS_PASSWORD" >/dev/null 2>&1 &&
        [ "$(wc -l < "$f")" = 1 ]; then
        return
    fi
    htpasswd -Bbn "$TLS_USER" "$TLS_PASSWORD" | grep . > "$f.tmp"
    chmod 0644 "$f.tmp"
    mv "$f.tmp" "$f"
    log "htpasswd: wrote $f"
}

# -------------------------------------------------------------- registries --

write_registry_configs() {
    mkdir -p "$STATE_DIR/registry-plain" "$STATE_DIR/registry-tls"
    cat > "$SERVER_DIR/registry-plain.yml.tmp" <<EOF
# rpod test registry: plain HTTP, no auth (written by contrib/setup-test-env.sh)
version: 0.1
log:
  level: info
  fields:
    service: rpod-test-registry-plain
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry-plain
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $PLAIN_ADDR
  secret: rpod-test-plain-not-a-secret
  headers:
    X-Content-Type-Options: [nosniff]
EOF
    cat > "$SERVER_DIR/registry-tls.yml.tmp" <<EOF
# rpod test registry: TLS + htpasswd basic auth (written by contrib/setup-test-env.sh)
version: 0.1
log:
  level: info
  fields:
    service: rpod-test-registry-tls
storage:
  filesystem:
    rootdirectory: $STATE_DIR/registry-tls
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: $TLS_ADDR
  secret: rpod-test-tls-not-a-secret
  tls:
    certificate: $SERVER_DIR/server.crt
    key: $SERVER_DIR/server.key
  headers:
    X-Content-Type-Options: [nosniff]
auth:
  htpasswd:
    realm: rpod-test
    path: $SERVER_DIR/htpasswd
EOF
    local name
    CONFIG_CHANGED_plain=0
    CONFIG_CHANGED_tls=0
    for name in plain tls; do
        if cmp -s "$SERVER_DIR/registry-$name.yml.tmp" "$SERVER_DIR/registry-$name.yml"; then
            rm -f "$SERVER_DIR/registry-$name.yml.tmp"
        else
            mv "$SERVER_DIR/registry-$name.yml.tmp" "$SERVER_DIR/registry-$name.yml"
            eval "CONFIG_CHANGED_$name=1"
        fi
    done
}

plain_answers() { curl -sf -o /dev/null --max-time 3 "http://$PLAIN_ADDR/v2/"; }

tls_answers() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
        --cacert "$CERT_DIR/ca.crt" "https://$TLS_ADDR/v2/" || true)
    [ "$code" = 401 ]
}

# PID of the registry we started for NAME, if it is still running.
our_registry_pid() {
    local name=$1 pidfile pid
    pidfile=$STATE_DIR/registry-$name.pid
    [ -f "$pidfile" ] || return 1
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "registry-$name.yml" || return 1
    echo "$pid"
}

stop_our_registry() {
    local name=$1 pid
    pid=$(our_registry_pid "$name") || return 0
    log "registry-$name: restarting (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        [ -e "/proc/$pid" ] || break
        sleep 0.1
    done
    rm -f "$STATE_DIR/registry-$name.pid"
}

start_registry() {
    local name=$1 check=$2
    if "$check"; then
        log "registry-$name: already answering"
        return
    fi
    # A process of ours that exists but does not answer: replace it.
    stop_our_registry "$name"
    log "registry-$name: starting (log $STATE_DIR/registry-$name.log)"
    # New session, detached from us; the lock fd must not leak into it.
    setsid -f sh -c 'exec 9>&-; echo $$ > "$1"; exec docker-registry serve "$2" >> "$3" 2>&1 < /dev/null' \
        sh "$STATE_DIR/registry-$name.pid" "$SERVER_DIR/registry-$name.yml" \
        "$STATE_DIR/registry-$name.log"
    for _ in $(seq 60); do
        if "$check"; then
            log "registry-$name: up"
            return
        fi
        sleep 0.5
    done
    tail -n 20 "$STATE_DIR/registry-$name.log" >&2 || true
    die "registry-$name did not answer within 30 s"
}

setup_registries() {
    stop_stock_registry
    write_registry_configs
    if [ "$CONFIG_CHANGED_plain" = 1 ]; then stop_our_registry plain; fi
    if [ "$CONFIG_CHANGED_tls" = 1 ] || [ "$CERTS_CHANGED" = 1 ]; then stop_our_registry tls; fi
    start_registry plain plain_answers
    start_registry tls tls_answers
    # Credentials must actually work on the TLS one.
    curl -sf -o /dev/null --max-time 5 --cacert "$CERT_DIR/ca.crt" \
        -u "$TLS_USER:$TLS_PASSWORD" "https://$TLS_ADDR/v2/" ||
        die "TLS registry rejects $TLS_USER"
}

write_env_file() {
    cat > "$ENV_FILE.tmp" <<EOF
RPOD_TEST_USER=$TEST_USER
RPOD_TEST_NOSUB_USER=$NOSUB_USER
RPOD_TEST_REGISTRY=$PLAIN_ADDR
RPOD_TEST_TLS_REGISTRY=$TLS_ADDR
RPOD_TEST_CERT_DIR=$CERT_DIR
RPOD_TEST_TLS_USER=$TLS_USER
RPOD_TEST_TLS_PASSWORD=$TLS_PASSWORD
EOF
    chmod 0644 "$ENV_FILE.tmp"
    if cmp -s "$ENV_FILE.tmp" "$ENV_FILE"; then
        rm -f "$ENV_FILE.tmp"
    else
        mv "$ENV_FILE.tmp" "$ENV_FILE"
        log "wrote $ENV_FILE"
    fi
}

# -------------------------------------------------------------------- main --

main() {
    local t0=$SECONDS
    # One run at a time.
    mkdir -p "$STATE_DIR"
    exec 9> "$STATE_DIR/.setup.lock"
    flock 9
    install_packages
    setup_users
    setup_idmap_helpers
    setup_devices
    setup_userns_sysctls
    chmod 0755 "$STATE_DIR"
    setup_certs
    setup_htpasswd
    setup_registries
    write_env_file
    if [ "${RPOD_SETUP_SKIP_FIXTURES:-0}" != 1 ]; then
        RPOD_TEST_REGISTRY=$PLAIN_ADDR RPOD_TEST_TLS_REGISTRY=$TLS_ADDR \
            RPOD_TEST_CERT_DIR=$CERT_DIR RPOD_TEST_TLS_USER=$TLS_USER \
            RPOD_TEST_TLS_PASSWORD=$TLS_PASSWORD \
            bash "$SCRIPT_DIR/fixtures/build-fixtures.sh"
    fi
    log "done in $((SECONDS - t0)) s"
}

main "$@"
