#!/usr/bin/env bash
# Runs rpod's whole test suite: formatting and lint checks, unit tests,
# and integration tests that drive the real binary as an unprivileged
# user against local registries.
#
# Run as root on a fresh Debian/Ubuntu machine, it first prepares
# everything the tests need (contrib/setup-test-env.sh: packages, test
# users with subuid/subgid ranges, /dev/fuse, /dev/net/tun, registries on
# 127.0.0.1, fixture images). As a normal user it expects that done.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
    contrib/setup-test-env.sh
fi
if [ -f /etc/rpod-test.env ]; then
    set -a; . /etc/rpod-test.env; set +a
fi

cargo fmt --all -- --check
cargo clippy --locked --release --all-targets -- -D warnings
cargo build --locked --release

# The checkout may sit where the test user cannot enter: give the tests a
# copy of the binary that user can run.
bin_dir=/var/tmp/rpod-test-bin
mkdir -p "$bin_dir"
chmod 755 "$bin_dir"
install -m 755 target/release/rpod "$bin_dir/rpod"
export RPOD_TEST_BIN="$bin_dir/rpod"

cargo test --locked --release --no-fail-fast

# Every integration test again on rpod's own FUSE union filesystem
# (the unit tests and lints do not depend on the driver).
RPOD_STORAGE_DRIVER=fuse cargo test --locked --release --no-fail-fast --tests
