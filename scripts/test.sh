#!/usr/bin/env bash
# The README's test command, and CI's (.ci/run).  Three trees (docs/build.md):
#   1. build/ (or $ER_BUILD_DIR): GCC, RelWithDebInfo, -Werror; everything, and the whole ctest
#      suite: unit tests here, KVM tests in the test VM (one VM boot per batch).
#   2. build-asan/: clang, Debug, ASan+UBSan, host code only (no guest, no KVM tests); every host
#      unit test, and the libFuzzer targets' short runs.
#   3. build-release/: GCC, Release (-O3, NDEBUG), host code only; its unit tests (--full only).
#   scripts/test.sh [--quick | --full] [CTEST ARGS...]
# Default (CI): trees 1 and 2.  The test VM runs one vCPU, so QEMU keeps one core busy and the
# other mostly idle: tree 2 builds there, at the lowest priority, while tree 1's ctest runs.
# --quick: tree 1 only.  --full: all three trees.  CTEST ARGS go to tree 1's ctest (e.g. -R
# launcher_unit).  Each step's wall time is printed at the end.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
quick=0 full=0
case "${1:-}" in
--quick) quick=1 && shift ;;
--full) full=1 && shift ;;
esac
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
asan=${build}-asan release=${build}-release
if [ "$quick" = 0 ]; then
    asan_log=$(mktemp)
    (
        [ -f "$asan/build.ninja" ] || cmake -S "$top" -B "$asan" -G Ninja \
            -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
            -DER_SANITIZE=address,undefined -DER_BUILD_GUEST=OFF -DER_BUILD_BENCH=OFF \
            -DER_BUILD_FUZZ=ON -DER_WERROR=ON \
            "-DCMAKE_C_FLAGS_DEBUG=-gline-tables-only" "-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only"
        nice -n 19 ninja -C "$asan" -j1
    ) >"$asan_log" 2>&1 &
    asan_pid=$!
    echo "== test.sh: asan: building in the background (log $asan_log)" >&2
fi
step "main: ctest" ctest --test-dir "$build" --output-on-failure "$@" || status=1
if [ "$quick" = 0 ]; then
    finish_asan() {
        local rc=0
        wait "$asan_pid" || rc=$?
        [ $rc = 0 ] || tail -n 60 "$asan_log" >&2
        rm -f "$asan_log"
        return $rc
    }
    step "asan: build (remainder)" finish_asan &&
        step "asan: ctest" ctest --test-dir "$asan" --output-on-failure -j"$(nproc)" || status=1
fi
if [ "$full" = 1 ]; then
    step "release: build" build_tree "$release" -DCMAKE_BUILD_TYPE=Release -DER_BUILD_GUEST=OFF \
        -DER_BUILD_BENCH=OFF -DER_WERROR=ON
    step "release: ctest" ctest --test-dir "$release" --output-on-failure -j"$(nproc)" || status=1
fi
exit "$status"
