#!/usr/bin/env bash
# Runs a command where a real KVM is: directly when /dev/kvm is a usable kvm_amd or kvm_intel,
# otherwise inside the project's test VM (run-in-vm.sh).  Tests that need KVM go through this,
# so they run on every machine where the README's set-up ran: they never skip.
#   tests/vm/with-kvm.sh [run-in-vm options] -- CMD [ARGS...]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usable_kvm() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    [ -d /sys/module/kvm_amd ] || [ -d /sys/module/kvm_intel ] || return 1
    [ ! -d /sys/module/kvm_pvm ]
}

if [ "${ER_FORCE_TEST_VM:-0}" != 1 ] && usable_kvm; then
    while [ $# -gt 0 ] && [ "$1" != -- ]; do shift; done
    [ $# -gt 0 ] && shift
    echo "with-kvm: running on this machine's /dev/kvm" >&2
    exec "$@"
fi
echo "with-kvm: no usable kvm_amd/kvm_intel here; running inside the test VM (kvm_amd under QEMU TCG, emulated)" >&2
exec "$here/run-in-vm.sh" "$@"
