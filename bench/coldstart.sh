#!/usr/bin/env bash
# Cold start of `enclave-run run hello`, and the counts that decide it.
#
#   bench/coldstart.sh [BUILD_DIR]      (default: build/)
#
# Counts, everywhere (inside the test VM too): exits to the launcher per run (--stats), host system
# calls made by enclave-run (strace -f -c), and enclave-run's peak RSS at 64 MiB and at 1 GiB of
# guest memory.  Times: N runs of enclave-run, of the bare binary as a process, and (where docker
# works) of `docker run --rm` of the same static binary on runc, side by side in one run.  On a
# machine without a usable /dev/kvm it all runs inside the test VM, and every time printed there is
# labelled "emulated": it says nothing about hardware.  Writes a markdown table to stdout.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
runs=${ER_BENCH_RUNS:-10}

if [ "${ER_BENCH_INSIDE:-0}" != 1 ]; then
    export ER_BENCH_INSIDE=1 ER_BENCH_RUNS=$runs
    exec "$top/tests/vm/with-kvm.sh" --share "$build" -- "$top/bench/coldstart.sh" "$build"
fi

er=$build/launcher/enclave-run
hello=$build/apps/hello
label=""
[ "${ER_IN_TEST_VM:-0}" = 1 ] && label=" (emulated: test VM, kvm_amd under QEMU TCG)"

stat() { sed -n "s/.*stats:.*\b$1=\([0-9]*\).*/\1/p"; }
ms_now() { date +%s%N; }
time_runs() {  # prints the median wall time in ms of $runs runs of "$@"
    local t=()
    for _ in $(seq "$runs"); do
        local a=$(ms_now)
        "$@" >/dev/null 2>&1 || true
        t+=($((($(ms_now) - a) / 1000)))
    done
    printf '%s\n' "${t[@]}" | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1000}'
}

exits=$("$er" run --stats "$hello" 2>&1 >/dev/null | stat exits)
rss64=$("$er" run --stats --memory 64M "$hello" 2>&1 >/dev/null | stat peak_rss_kib)
rss1g=$("$er" run --stats --memory 1G "$hello" 2>&1 >/dev/null | stat peak_rss_kib)
syscalls=$(strace -f -c -o /tmp/er-bench-strace.txt "$er" run "$hello" >/dev/null 2>&1; awk '/ total$/ {print $4}' /tmp/er-bench-strace.txt)
kvm_run=$(strace -f -e trace=ioctl "$er" run "$hello" 2>&1 >/dev/null | grep -c 'KVM_RUN' || true)

echo "## Cold start of \`enclave-run run hello\`$label"
echo
echo "| measure | value |"
echo "|---|---|"
echo "| exits to the launcher per hello run | $exits |"
echo "| KVM_RUN calls per hello run | $kvm_run |"
echo "| host system calls of enclave-run per hello run | $syscalls |"
echo "| ... the most frequent | $(awk 'NR>2 && $NF!="total" && $4+0>0 {print $4" "$NF}' /tmp/er-bench-strace.txt | sort -rn | head -6 | awk '{printf "%s%s %s", (NR>1?", ":""), $2, $1}') |"
echo "| peak RSS, 64 MiB guest | $rss64 KiB |"
echo "| peak RSS, 1 GiB guest | $rss1g KiB |"
echo "| peak RSS growth 64 MiB -> 1 GiB | $((rss1g - rss64)) KiB |"
echo
t_er=$(time_runs "$er" run "$hello")
t_bare=$(time_runs "$hello")
echo "| start to exit, median of $runs$label | ms | ratio to bare process |"
echo "|---|---|---|"
echo "| bare process | $t_bare | 1.0 |"
echo "| enclave-run run hello | $t_er | $(awk -v a="$t_er" -v b="$t_bare" 'BEGIN {printf "%.1f", a/b}') |"
if [ -z "$label" ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    img=enclave-run-bench-hello
    tar -C "$(dirname "$hello")" -c hello | docker import -c 'ENTRYPOINT ["/hello"]' - "$img" >/dev/null
    t_docker=$(time_runs docker run --rm --runtime runc "$img")
    echo "| docker run --rm (runc) | $t_docker | $(awk -v a="$t_docker" -v b="$t_bare" 'BEGIN {printf "%.1f", a/b}') |"
else
    echo "| docker run --rm (runc) | not measured: needs real KVM for a fair comparison and a running dockerd | |"
fi
