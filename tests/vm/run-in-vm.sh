#!/usr/bin/env bash
# Runs one command inside the project's test VM: a Debian kernel under qemu-system-x86_64 -accel
# tcg -cpu max with kvm_amd loaded (a real KVM with nested paging and PKU, all emulated).  The
# host's / is visible read-only at the same paths; the working directory (and every --share DIR)
# is mounted read-write at its own path, so build trees under /tmp work too.  The command's
# stdout and stderr stream back live, and this script exits with the command's status.
#
#   tests/vm/run-in-vm.sh [--cpu MODEL] [--timeout S] [--vm-memory MiB] [--share DIR]... -- CMD [ARG]...
#
# --cpu         QEMU CPU model (default max; "max,-pku" gives a CPU without protection keys)
# --timeout     limit for the command inside (default 900 s); the VM itself gets 120 s more
# --vm-memory   RAM of the test VM in MiB (default 2048)
# Environment variables named ER_*, GTEST_* and CI are passed into the VM.
# Exit status: the command's; 124 if it timed out; 125 if the VM failed to boot or to report.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cpu=max timeout=900 vm_mem=2048
shares=("$PWD")
die() { echo "test-vm: $*" >&2; exit 125; }
while [ $# -gt 0 ]; do
    case $1 in
    --cpu) cpu=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --vm-memory) vm_mem=$2; shift 2 ;;
    --share) shares+=("$(cd "$2" && pwd)"); shift 2 ;;
    --) shift; break ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done
[ $# -gt 0 ] || die "no command given (usage: run-in-vm.sh [options] -- CMD [ARGS...])"

cache=$("$here/prepare.sh") || die "cannot prepare the test VM image"
ctl=$(mktemp -d "${TMPDIR:-/tmp}/er-test-vm.XXXXXX")
qemu_pid=
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
    rm -rf "$ctl"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The command script, run by bash in the chroot.  Arguments are quoted with printf %q.
{
    echo "cd $(printf %q "$PWD") || exit 125"
    echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root"
    echo "export ER_IN_TEST_VM=1"
    { env | grep -E '^(ER_[A-Z0-9_]*|GTEST_[A-Z0-9_]*|CI)=' || true; } | while IFS= read -r kv; do
        echo "export $(printf %q "$kv")"
    done
    printf 'exec timeout -k 5 %q' "$timeout"
    printf ' %q' "$@"
    echo
} >"$ctl/cmd.sh"
: >"$ctl/stdout"
: >"$ctl/stderr"

virtfs=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
    -virtfs "local,path=$ctl,mount_tag=ctl,security_model=none")
: >"$ctl/shares"
i=0
for dir in $(printf '%s\n' "${shares[@]}" | sort -u); do
    i=$((i + 1))
    virtfs+=(-virtfs "local,path=$dir,mount_tag=share$i,security_model=none,multidevs=remap")
    echo "share$i $dir" >>"$ctl/shares"
done

timeout -k 5 $((timeout + 120)) qemu-system-x86_64 -accel tcg -cpu "$cpu" -m "$vm_mem" -smp 1 \
    -nographic -no-reboot -nodefaults -serial "file:$ctl/console.log" \
    -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz" \
    "${virtfs[@]}" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" &
qemu_pid=$!

# Stream the command's output while the VM runs (the guest writes these files through 9p).
tail -n +1 -F --pid=$qemu_pid "$ctl/stdout" 2>/dev/null &
tail_out=$!
tail -n +1 -F --pid=$qemu_pid "$ctl/stderr" >&2 2>/dev/null &
tail_err=$!
set +e
wait $qemu_pid
qemu_status=$?
qemu_pid=
wait $tail_out $tail_err 2>/dev/null
set -e

if [ ! -s "$ctl/status" ]; then
    echo "test-vm: the VM ended without reporting a status (qemu exit $qemu_status); console:" >&2
    tail -n 30 "$ctl/console.log" >&2 || true
    exit 125
fi
exit "$(cat "$ctl/status")"
