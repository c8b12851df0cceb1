#!/usr/bin/env bash
# Builds everything, then boots an enclave that runs the hello app, on this machine's KVM or, where
# there is none, inside the project's test VM (kvm_amd under QEMU TCG).
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
' "$build"
