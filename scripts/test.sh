#!/usr/bin/env bash
# The README's test command, and CI's (.ci/run).  Three trees (docs/build.md):
#   1. build/ (or $ER_BUILD_DIR): GCC, RelWithDebInfo, -Werror; everything, and the whole ctest
#      suite: unit tests here, KVM tests in the test VM (one VM boot per batch).
#   2. build-asan/: clang, Debug, ASan+UBSan, host code only (no guest, no KVM tests); every host
#      unit test, and the libFuzzer targets' short runs.
#   3. build-release/: GCC, Release (-O3, NDEBUG), host code only; its unit tests.
#   scripts/test.sh [--quick] [CTEST ARGS...]
# --quick: tree 1 only.  CTEST ARGS go to tree 1's ctest (e.g. -R launcher_unit).  Each step's
# wall time is printed at the end.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0
if [ "${1:-}" = --quick ]; then
    quick=1
    shift
fi
build=${ER_BUILD_DIR:-$top/build}
times=()
# step NAME CMD...: runs CMD, records its wall time, returns its status.
step() {
    local name=$1 start=$SECONDS rc=0
    shift
    echo "== test.sh: $name" >&2
    "$@" || rc=$?
    times+=("$(printf '%-26s %5d s%s' "$name" $((SECONDS - start)) "$([ $rc = 0 ] || echo '  FAILED')")")
    return $rc
}
# build_tree DIR CMAKE ARGS...: configures DIR once (an existing tree keeps its cache), builds it.
build_tree() {
    local dir=$1
    shift
    [ -f "$dir/build.ninja" ] || cmake -S "$top" -B "$dir" -G Ninja "$@" >/dev/null
    ninja -C "$dir"
}
report() {
    trap - EXIT
    echo "== test.sh: wall time per step" >&2
    printf '   %s\n' "${times[@]}" >&2
}
trap report EXIT

step "main: build" "$top/scripts/build.sh"
status=0
step "main: ctest" ctest --test-dir "$build" --output-on-failure "$@" || status=1
if [ "$quick" = 0 ]; then
    asan=${build}-asan release=${build}-release
    step "asan: build" build_tree "$asan" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=Debug -DER_SANITIZE=address,undefined -DER_BUILD_GUEST=OFF \
        -DER_BUILD_BENCH=OFF -DER_BUILD_FUZZ=ON -DER_WERROR=ON
    step "asan: ctest" ctest --test-dir "$asan" --output-on-failure -j"$(nproc)" || status=1
    step "release: build" build_tree "$release" -DCMAKE_BUILD_TYPE=Release -DER_BUILD_GUEST=OFF \
        -DER_BUILD_BENCH=OFF -DER_WERROR=ON
    step "release: ctest" ctest --test-dir "$release" --output-on-failure -j"$(nproc)" || status=1
fi
exit "$status"
