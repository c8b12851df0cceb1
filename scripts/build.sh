#!/usr/bin/env bash
# Configures and builds everything (host tools, the unikernel, test apps, tests) into build/, with
# warnings as errors (ER_WERROR: on for CI and developers; a plain `cmake` build leaves it off).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/deps.sh"
build=${ER_BUILD_DIR:-$top/build}
if [ ! -f "$build/build.ninja" ]; then
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DER_WERROR=ON >/dev/null
elif ! grep -q '^ER_WERROR:BOOL=ON$' "$build/CMakeCache.txt"; then
    cmake -S "$top" -B "$build" -DER_WERROR=ON >/dev/null  # a tree from before the option
fi
ninja -C "$build" "$@"
