#!/usr/bin/env bash
# Runs CMD out of the test VM's chroot, for programs that need a user namespace (gVisor's runsc
# makes one for its sandbox).  The test VM runs its command chrooted into its 9p root (/host of
# the initramfs, tests/vm/init), and the kernel refuses CLONE_NEWUSER to a chrooted process
# (EPERM).  So, in a new private mount namespace, the 9p root (with every mount under it) is moved
# onto / and entered, as switch_root does: the same files at the same paths, and nothing chrooted.
# Only CMD's namespace sees the move.  Anywhere else (no test VM, or already out) CMD runs as is.
#
#   tests/vm/unchroot.sh CMD [ARG]...
#
# CMD sees ER_UNCHROOT_TRIED=1 (a script that re-runs itself through this one tests it) and
# ER_UNCHROOTED=1 when it runs out of the chroot; should the move fail it runs chrooted as before
# (without that variable), so a caller can say why runsc is missing.  Used by
# bench/net/run.sh and bench/run.sh (the harness and its dockerd, whose runsc runs need it too).
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: unchroot.sh CMD [ARG]..." >&2; exit 2; }
if [ "${ER_IN_TEST_VM:-}" != 1 ] || [ "${ER_UNCHROOTED:-}" = 1 ] || [ "${ER_UNCHROOT_TRIED:-}" = 1 ] ||
    [ "$(stat -L -c %d:%i /proc/1/root/)" = "$(stat -c %d:%i /)" ]; then
    ER_UNCHROOT_TRIED=1 exec "$@"
fi
export ER_UNCHROOT_TRIED=1
# From the initramfs's root (/proc/1/root), whose busybox has unshare and mount: there /host is
# the 9p root.  The working directory is kept (the same path after the move).
# shellcheck disable=SC2016 # the inner scripts expand their own arguments
exec chroot /proc/1/root /bin/busybox unshare -m --propagation private /bin/busybox sh -c \
    'cd /host && mount --move . / && exec chroot . /bin/sh -c '\''cd "$0" && export ER_UNCHROOTED=1 && exec "$@"'\'' "$@"
     echo "unchroot: could not move the 9p root onto /: running chrooted" >&2
     exec chroot /host /bin/sh -c '\''cd "$0" && exec "$@"'\'' "$@"' sh "$PWD" "$@"
