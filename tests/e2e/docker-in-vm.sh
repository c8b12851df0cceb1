#!/usr/bin/env bash
# Runs CMD with a private containerd and dockerd up where a KVM is: inside the project's test VM
# (tests/vm/with-kvm.sh) on machines without /dev/kvm, directly (in a private mount namespace) on
# a machine with one.  `enclave-run` is registered as a docker runtime (BUILD/launcher/
# enclave-run-oci) and the image enclave-run-apps:test holds BUILD/apps/* at /.  See README.md.
#
#   tests/e2e/docker-in-vm.sh [--timeout S] [--build BUILD] [--unchroot] [-- CMD [ARG]...]
#
# --build    the build tree (default: $ER_BUILD_DIR, else <top>/build)
# --timeout  limit for everything inside the VM (default 600 s)
# --unchroot daemons and CMD out of the test VM's chroot (tests/vm/unchroot.sh): runsc's sandbox
#            needs a user namespace (bench/run.sh; the e2e cases do not use it)
# CMD        default: tests/e2e/run-cases.sh (every case, both runtimes)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${ER_BUILD_DIR:-$top/build} timeout=600 wrap=()
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --unchroot) wrap=("$top/tests/vm/unchroot.sh"); shift ;;
    --) shift; break ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "docker-in-vm: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[ $# -gt 0 ] || set -- "$here/run-cases.sh"
build=$(cd "$build" && pwd)
[ -x "$build/apps/hello" ] || { echo "docker-in-vm: $build/apps/hello missing (ninja apps)" >&2; exit 2; }
[ -x "$build/unikernel/tests/signal-check" ] ||
    { echo "docker-in-vm: $build/unikernel/tests/signal-check missing (ninja unikernel_test_apps)" >&2; exit 2; }
# The VM gets more memory than the default: dockerd, containerd and the shims beside the enclaves.
# The source tree is shared too: this script's helpers live there, and the VM sees the host's /
# only where it is not a tmpfs (a clone under /tmp, as CI makes, would be invisible otherwise).
exec "$top/tests/vm/with-kvm.sh" --timeout "$timeout" --vm-memory 3072 --share "$build" \
    --share "$top" -- \
    "${wrap[@]}" "$here/docker-env.sh" "$build" -- "$@"
