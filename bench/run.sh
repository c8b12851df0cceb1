#!/usr/bin/env bash
# The whole benchmark suite in one command (issue 20; docs/benchmarks.md):
#
#   bench/run.sh [--quick|--full] [--sections LIST] [BUILD_DIR]      (default: --quick, build/)
#
# Builds what it needs in BUILD_DIR (configuring it when it has no build.ninja), then
#  1. on this machine's CPU: attestation verification (Google Benchmark JSON) and WRPKRU
#     (pkru_bench; reported skipped without PKU);
#  2. where a KVM is (this machine's /dev/kvm, else the test VM: kvm_amd under QEMU TCG, and every
#     figure is labelled emulated), with containerd and dockerd up (tests/e2e/docker-env.sh; in
#     the test VM out of its chroot, tests/vm/unchroot.sh, so runsc gets a user namespace):
#     bench/harness.py, which runs enclave-run next to its baselines in the same run (a process,
#     runc, crun, runsc), the growth curves, and bench/oci's runtime benchmark (with `docker run`
#     per runtime: runc, crun, runsc, enclave-run);
#  3. only where runsc could not run there: gVisor on this machine's own CPU (gvisor_host);
#  4. bench/report.py: report.md (medians, ratios, slopes), results.csv, plots (PNG, SVG);
#  5. bench/net/run.sh, when it exists (its own results under net/; --quick: one round).
# Results: bench/results/<UTC date and time>-<mode>/.  --quick took 14.3 minutes on the loaded
# 2-core dev machine (2026-12-07 18:35, load average 8 to 11); --full runs more samples and
# points (not timed yet: several times longer).
# Never part of the test command: speed is not asserted in CI.
# --sections: a comma list of the harness's sections (gvisor_host,start,image,costs,switch,add,
# density,evidence,oci), for rerunning one.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=quick sections= build=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) mode=quick; shift ;;
    --full) mode=full; shift ;;
    --sections) sections=$2; shift 2 ;;
    -h | --help) sed -n '2,23p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) build=$1; shift ;;
    esac
done
build=${build:-$top/build}
t0=$(date +%s)
say() { echo "bench: $(($(date +%s) - t0)) s  $*" >&2; }

# Debian's python3 (a pyenv or venv python3 first in PATH would not see python3-matplotlib).
py=/usr/bin/python3
missing=()
$py -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
for b in crun runsc; do command -v $b >/dev/null || missing+=($b); done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "installing ${missing[*]} (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null ||
            say "could not install ${missing[*]}: those parts will say so"
    else
        say "missing ${missing[*]}: apt-get install ${missing[*]} (those parts will say so)"
    fi
fi

if [ ! -f "$build/build.ninja" ]; then
    say "configuring $build"
    cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DER_BUILD_BENCH=ON >/dev/null
fi
say "building in $build"
ninja -C "$build" enclave-run apps unikernel_test_apps bench_apps attestation_bench pkru_bench >/dev/null

# hello padded with N MiB of loaded data, for the image-size curve.
mkdir -p "$build/bench/pad"
for n in 1 2 4 8 16 32 64; do
    out=$build/bench/pad/hello-pad-$n
    if [ ! -x "$out" ] || [ "$top/bench/apps/hello-pad.c" -nt "$out" ]; then
        musl-gcc -static -O2 -DPAD_MIB=$n -o "$out" "$top/bench/apps/hello-pad.c"
    fi
done

# The software PSP's keys for the evidence part, made here on the real CPU (RSA-4096 key generation
# takes minutes under TCG); enclave-run makes them before it opens /dev/kvm.
sim=$build/bench/sim-psp
if [ ! -f "$sim/vcek.pem" ]; then
    ENCLAVE_RUN_SIM_DIR=$sim "$build/launcher/enclave-run" run --attest --nonce "$(printf '%064d' 0)" \
        --evidence "$build/bench/sim-evidence.cbor" --confidential sim "$build/apps/hello" \
        >/dev/null 2>&1 || true
fi

res=$top/bench/results/$(date -u +%Y-%m-%d-%H%M)-$mode
mkdir -p "$res"
say "results go to $res"

reps=3
[ $mode = full ] && reps=10
say "attestation (host CPU, not emulated)"
"$build/bench/attestation/attestation_bench" --benchmark_repetitions=$reps --benchmark_min_time=0.1 \
    --benchmark_format=console --benchmark_out_format=json --benchmark_out="$res/attestation.json" \
    >"$res/attestation.txt"
"$build/bench/mpk/pkru_bench" --benchmark_min_time=0.05 --benchmark_format=console \
    --benchmark_out_format=json --benchmark_out="$res/pkru.json" >"$res/pkru.txt" 2>&1 || true

gvisor_host() {
    # gVisor's ptrace platform on this machine's own CPU (no KVM needed), next to a process on
    # this same CPU: its ratios stand on their own there.
    say "gVisor on this machine's CPU (runsc --platform=ptrace, no KVM needed)"
    "$py" "$top/bench/harness.py" --build "$build" --out "$res" --mode "$mode" \
        --sections gvisor_host --json host.json || say "gVisor part failed ($?)"
}
want_gvisor_host=0
[[ ,$sections, == *,gvisor_host,* ]] && want_gvisor_host=1
sections=${sections:-start,image,costs,switch,add,density,evidence,oci}
sections=$(echo ",$sections," | sed 's/,gvisor_host,/,/; s/^,//; s/,$//')
say "the KVM part: bench/harness.py ($mode)"
timeout_s=1500
[ $mode = full ] && timeout_s=5400
harness=("$py" "$top/bench/harness.py" --build "$build" --out "$res" --mode "$mode" --sections "$sections")
set +e
"$top/tests/e2e/docker-in-vm.sh" --build "$build" --timeout $timeout_s --unchroot -- "${harness[@]}"
status=$?
set -e
[ -f "$res/harness.json" ] || { say "the harness wrote nothing (status $status)"; exit 1; }
[ $status = 0 ] || say "the harness ended with status $status: the report shows what it has"
# The fallback: where runsc could not run beside the others (its start row says why).
if [ $want_gvisor_host = 1 ] || $py -c 'import json, sys
h = json.load(open(sys.argv[1]))
sys.exit(0 if "error" in h.get("start", {}).get("runsc", {}) else 1)' "$res/harness.json"; then
    gvisor_host
fi

$py "$top/bench/report.py" "$res"
if [ -x "$top/bench/net/run.sh" ]; then
    say "bench/net/run.sh"
    ninja -C "$build" net_programs >/dev/null || say "ninja net_programs failed: bench/net will say what it lacks"
    rounds=${ER_BENCH_NET_ROUNDS:-3}
    [ $mode = quick ] && rounds=${ER_BENCH_NET_ROUNDS:-1}
    ER_BENCH_NET_ROUNDS=$rounds ER_BENCH_OUT=$res/net "$top/bench/net/run.sh" "$build" ||
        say "bench/net/run.sh failed ($?)"
fi
say "done in $(($(date +%s) - t0)) s: $res/report.md"
