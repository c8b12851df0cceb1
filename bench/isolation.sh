#!/usr/bin/env bash
# The in-guest cost of a syscall round trip and of a domain switch, for both isolation backends
# (issue #4), next to the same measurement of Linux processes on the same CPU.
#
#   bench/isolation.sh [BUILD_DIR] [N]      (defaults: build/, 20000 calls)
#
# apps/mpk-bench times N sched_yield() and N getppid() calls with rdtsc and prints medians.  Two of
# them run side by side: as two domains of one enclave with --isolation pagetable, then with
# --isolation mpk (where the CPU has PKU).  While both yield, one yield = 2 syscall round trips +
# 2 switches, so switch = (yield - 2 * syscall) / 2.  The baseline for the syscall round trip is
# the same binary as a plain Linux process on the same CPU (Linux's sched_yield does not reliably
# switch between two CFS tasks, so it gives no switch figure).  On a machine without a usable /dev/kvm it runs
# inside the test VM (-cpu max: PKU emulated), and every figure is labelled emulated: TCG cycles
# say nothing about hardware.  Writes a markdown table to stdout.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
n=${2:-20000}

if [ "${ER_BENCH_INSIDE:-0}" != 1 ]; then
    export ER_BENCH_INSIDE=1
    exec "$top/tests/vm/with-kvm.sh" --share "$build" -- "$top/bench/isolation.sh" "$build" "$n"
fi

er=$build/launcher/enclave-run
app=$build/apps/mpk-bench
label="hardware TSC cycles"
[ "${ER_IN_TEST_VM:-0}" = 1 ] && label="emulated TSC cycles: test VM, kvm_amd under QEMU TCG"
has_pku=no
grep -qw pku /proc/cpuinfo && has_pku=yes

# "mpk-bench: key K syscall S cycles yield Y cycles" lines -> "S Y" (the mean of the two apps).
parse() {
    awk '/mpk-bench: key/ {for (i = 1; i <= NF; i++) {if ($i == "syscall") s += $(i+1); if ($i == "yield") y += $(i+1)} c++}
         END {if (c == 0) exit 1; printf "%d %d\n", s / c, y / c}'
}
row() {  # label, "S Y"
    read -r s y <<<"$2"
    echo "| $1 | $s | $y | $(((y - 2 * s) / 2)) |"
}

echo "## Domain switch and syscall cost ($label)"
echo
echo "mpk-bench, $n calls each, medians; switch = (yield - 2 x syscall) / 2."
echo
echo "| two of them as | syscall round trip | yield (2 syscalls + 2 switches) | switch |"
echo "|---|---|---|---|"
read -r linux_sys _ <<<"$("$app" "$n" | parse)"
echo "| a Linux process (baseline) | $linux_sys | - | - |"
pt=$("$er" run --isolation pagetable "$app" "$n" --- "$app" "$n" | parse)
row "enclave-run domains, page tables" "$pt"
if [ "$has_pku" = yes ]; then
    mpk=$("$er" run --isolation mpk "$app" "$n" --- "$app" "$n" | parse)
    row "enclave-run domains, MPK (one address space)" "$mpk"
else
    echo "| enclave-run domains, MPK | no PKU on this CPU | | |"
fi
