#!/usr/bin/env bash
# Builds everything, then boots enclaves that run the hello app and a few more (one of them three
# domains, one hostile), on this machine's KVM or, where there is none, inside the project's test
# VM (kvm_amd under QEMU TCG).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/build.sh" enclave-run apps >/dev/null
build=${ER_BUILD_DIR:-$top/build}
cd "$top"
exec tests/vm/with-kvm.sh --share "$build" -- bash -c '
    set -x
    "$0"/launcher/enclave-run run "$0"/apps/hello
    "$0"/launcher/enclave-run run --env WHERE=enclave "$0"/apps/echo-args -- hello world
    "$0"/launcher/enclave-run run "$0"/apps/exit-code -- 3 || echo "exit status $?"
    "$0"/launcher/enclave-run run "$0"/apps/crash || echo "exit status $?"
    # Three domains; static PIEs share one address space with a protection key each where the CPU
    # has PKU (the test VM does): the hostile one dies at its first read of the victim.
    "$0"/launcher/enclave-run run "$0"/apps/victim-pie 3 --- "$0"/apps/hostile-mpk read --- \
        "$0"/apps/hello-pie || echo "exit status $?"
' "$build"
