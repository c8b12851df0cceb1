#!/usr/bin/env bash
# Builds everything and runs the whole test suite: unit tests on the host, and the KVM tests on
# this machine's KVM or in the test VM (one VM boot for the batch).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/build.sh"
build=${ER_BUILD_DIR:-$top/build}
cd "$build"
exec ctest --output-on-failure "$@"
