#!/usr/bin/env bash
# enclave-run-oci against runc, side by side in one run (issue 17 item 7): the runtime part
# (create -> start -> exit of a hello container, the runtime driven directly on one bundle; for
# enclave-run cold and joining a warm enclave host), `docker run --rm` end to end (also with crun
# and runsc where installed), and the counts per container (host system calls, exits) with the
# shared enclave host's own per join.
#
#   bench/oci/run.sh [BUILD_DIR]        (default: build/; needs `ninja apps enclave-run` there)
#
# Where there is no usable /dev/kvm it all runs inside the test VM (tests/e2e/docker-in-vm.sh:
# dockerd, containerd and runc up, enclave-run registered; out of the VM's chroot, for runsc),
# and every figure is labelled emulated.  Prints a markdown table; the JSON goes to
# BUILD_DIR/bench-oci.json (or $ER_BENCH_JSON).  Knobs: ER_BENCH_RUNS (10), ER_BENCH_COLD (3),
# ER_BENCH_DOCKER_RUNS (5), ER_BENCH_TRACE_RUNS (3), ER_BENCH_PARTS (a,b,c,hotadd).  See
# bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)

if [ "${ER_BENCH_INSIDE:-0}" != 1 ]; then
    if [ ! -x "$build/launcher/enclave-run" ] || [ ! -x "$build/apps/hello" ]; then
        echo "bench/oci: build $build first: ninja -C $build apps enclave-run" >&2
        exit 2
    fi
    export ER_BENCH_INSIDE=1
    exec "$top/tests/e2e/docker-in-vm.sh" --build "$build" --timeout "${ER_BENCH_TIMEOUT:-1500}" \
        --unchroot -- "$here/run.sh" "$build"
fi

# Inside tests/e2e/docker-env.sh: E2E_STATE is a tmpfs, the daemons are up.
: "${E2E_STATE:?run through bench/oci/run.sh, which starts tests/e2e/docker-env.sh}"
scratch=$E2E_STATE/bench-oci
mkdir -p "$scratch/bin"
# Both runtimes start from tmpfs: docker-env.sh copies runc there (programs on the VM's 9p root
# start slowly); enclave-run gets the same, over its build path in this private mount namespace,
# so docker's registered enclave-run-oci (a link to it) starts from tmpfs too.  Stripped: the
# debug info is most of the file and nothing at run time.
strip -o "$scratch/bin/enclave-run" "$build/launcher/enclave-run"
mount --bind "$scratch/bin/enclave-run" "$build/launcher/enclave-run"
trap 'umount "$build/launcher/enclave-run" 2>/dev/null || true' EXIT

python3 "$here/oci_bench.py" --er "$build/launcher/enclave-run" --hello "$build/apps/hello" \
    --scratch "$scratch" --json "${ER_BENCH_JSON:-$build/bench-oci.json}" \
    --runs "${ER_BENCH_RUNS:-10}" --cold "${ER_BENCH_COLD:-3}" \
    --docker-runs "${ER_BENCH_DOCKER_RUNS:-5}" --trace-runs "${ER_BENCH_TRACE_RUNS:-3}" \
    --parts "${ER_BENCH_PARTS:-a,b,c,hotadd}"
