#!/usr/bin/env bash
# Configures and builds everything (host tools, the unikernel, test apps, tests) into build/, with
# warnings as errors (ER_WERROR: on for CI and developers; a plain `cmake` build leaves it off).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$top/scripts/deps.sh"
build=${ER_BUILD_DIR:-$top/build}
if [ ! -f "$build/build.ninja" ]; then
    # -g1 (line tables: backtraces, addr2line and perf still name lines) instead of -g: about a
    # third less compile time for the heavy template code (nlohmann_json, CLI11, GoogleTest).
    # For full debug info configure your own tree with plain RelWithDebInfo or Debug.
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DER_WERROR=ON \
        "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" >/dev/null
elif ! grep -q '^ER_WERROR:BOOL=ON$' "$build/CMakeCache.txt"; then
    cmake -S "$top" -B "$build" -DER_WERROR=ON >/dev/null  # a tree from before the option
fi
ninja -C "$build" "$@"
