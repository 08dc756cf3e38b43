#!/usr/bin/env bash
# Root filesystem benchmarks (issue 5, point 6), one run, as the
# unprivileged test user, on the Debian image (debootstrap minbase):
#   1. read the whole tree: `tar c / | cat > /dev/null` (GNU tar skips
#      reading files when writing to /dev/null itself);
#   2. create and unlink 3000 files (`seq | xargs touch`, then `rm`);
#   3. a `find` walk of the tree;
#   4. a `git status`-like stat storm: an lstat of every path under /usr
#      (`find -printf` of sizes and mtimes), three times over;
#   4b. `ls -lR /usr` three times over (an lstat of every path, and its
#      `security.selinux` xattr until the filesystem says it has none);
#   5. 1 GiB sequential write (fsync'd), then
#   6. reading it back (from the page cache: the user cannot drop it).
# Each on the kernel overlay and on rpod's FUSE union (`rpod run
# --storage-driver`), and, with the same layer directories mounted by
# `fuse-overlayfs` (Debian's 1.10) inside `rpod unshare`, chrooted
# into; the kernel overlay mounted the same way shows what the two
# methods cost apart. Run as root on a machine prepared by
# contrib/setup-test-env.sh. BENCH_FS_RUNS sets the runs per command (5),
# BENCH_FS_ONLY a list of benchmarks by name (tar create find stat ls
# write readback). BENCH_FS_BEFORE=/path/to/an/older/rpod measures that
# binary's FUSE driver against this one's instead, in the same runs.
# BENCH_FS_STORE=/dev/shm puts the stores, layers and upper directories
# in a new directory there (tmpfs: no disk, whose speed swings from run
# to run, in the figures). Results go to stdout (Markdown).
set -euo pipefail
source "$(dirname "$0")/common.sh"
image=127.0.0.1:5000/library/debian:minbase
runs=${BENCH_FS_RUNS:-5}
only=${BENCH_FS_ONLY:-}
before=${BENCH_FS_BEFORE:-}
[ -z "$before" ] || install -m 755 -o "$user" "$before" "$work/rpod-before"
{ prologue; cat <<SCRIPT
\$R pull -q --tls-verify=false $image >/dev/null
data=\$(\$R image inspect --format '{{.GraphDriver.Data.UpperDir}}:{{.GraphDriver.Data.LowerDir}}' $image)
lowers=\${data%:}
mkdir -p $store/mnt $store/upper $store/work

# A workload in a container on the kernel overlay or on rpod's FUSE union.
in_rpod() { echo "\$R run --rm --network none --storage-driver \$1 $image sh -c '\$2'"; }
# A workload chrooted into a union that \`rpod unshare\` mounts with \$1
# (kernel overlay or fuse-overlayfs) over the same layer directories,
# with a new empty upper directory each time.
in_chroot() {
  local mount
  case \$1 in
    overlay) mount="mount -t overlay overlay -o lowerdir=\$lowers,upperdir=$store/upper/u,workdir=$store/work/w,userxattr $store/mnt" ;;
    fuse-overlayfs) mount="fuse-overlayfs -o lowerdir=\$lowers,upperdir=$store/upper/u,workdir=$store/work/w $store/mnt" ;;
  esac
  # dd needs /dev/zero: the host's /dev, as a container has its own.
  mount="\$mount && mount --rbind /dev $store/mnt/dev"
  echo "\$R unshare sh -c 'rm -rf $store/upper/u $store/work/w && mkdir $store/upper/u $store/work/w && \$mount || exit 1; /usr/sbin/chroot $store/mnt sh -c \"\$2\"; s=\\\$?; umount -R $store/mnt; exit \\\$s'"
}

bench() {
  local title=\$1 script=\$2 name=\$3
  # BENCH_FS_ONLY="tar write" runs only those.
  case " $only " in "  ") ;; *" \$name "*) ;; *) return 0 ;; esac
  echo; echo "### \$title"
  local commands=("\$(in_rpod overlay "\$script")" "\$(in_rpod fuse "\$script")"
    "\$(in_chroot overlay "\$script")" "\$(in_chroot fuse-overlayfs "\$script")")
  if [ -n "$before" ]; then
    commands=("\$(in_rpod fuse "\$script" | sed "s|^\$R |$work/rpod-before |")" "\$(in_rpod fuse "\$script")")
  fi
  hyperfine --warmup 1 --runs $runs --export-markdown $work/\$name.md --export-json $work/\$name.json \\
    "\${commands[@]}" >/dev/null
  cat $work/\$name.md
  medians $work/\$name.json
}

bench "1. tar c / (read every file)" "tar c --one-file-system / 2>/dev/null | cat >/dev/null" tar
bench "2. create + unlink 3000 files" "mkdir /t && cd /t && seq 3000 | xargs touch && seq 3000 | xargs rm" create
bench "3. find walk" "find / -xdev >/dev/null" find
bench "4. stat storm (an lstat of every path under /usr, 3 times)" "for i in 1 2 3; do find /usr -printf %s%T@; done >/dev/null" stat
bench "4b. ls -lR /usr, 3 times" "for i in 1 2 3; do ls -lR /usr; done >/dev/null" ls
bench "5. 1 GiB sequential write" "dd if=/dev/zero of=/big bs=1M count=1024 conv=fsync 2>/dev/null" write
bench "6. 1 GiB write, then read back" "dd if=/dev/zero of=/big bs=1M count=1024 2>/dev/null && dd if=/big of=/dev/null bs=1M 2>/dev/null" readback
SCRIPT
} > "$work/bench.sh"
run_as_user "$work/bench.sh"
