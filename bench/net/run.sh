#!/usr/bin/env bash
# Server benchmark (issue 19): the same static HTTP server (go-httpd, tests/integration/net/
# httpd.go, one static binary serving a 4 KiB page) as a plain process, under runc, under gVisor
# (runsc, ptrace platform, host network) and in an enclave domain (enclave-run run), side by side
# in one run, loaded by the same native client (go-loadgen: keep-alive connections, every body
# checked).  Requests per second and latency percentiles (p50/p90/p99), rounds interleaved so the
# machine's load hits every target alike.
#
#   bench/net/run.sh [BUILD_DIR]     (default build/; needs: ninja -C BUILD net_programs enclave-run)
#
# Where there is no usable /dev/kvm it runs inside the test VM (tests/vm/with-kvm.sh) and every
# figure is labelled emulated.  Results go to $ER_BENCH_OUT (default bench/results/net/):
# runs.tsv (one row per measured run), summary.md (medians per target), net.json, net.png.
# Knobs: ER_BENCH_NET_REQUESTS (measured requests per run, 1000), ER_BENCH_NET_WARMUP (200),
# ER_BENCH_NET_CONNS (8), ER_BENCH_NET_ROUNDS (3), ER_BENCH_NET_TARGETS
# (process,runc,runsc,enclave), ER_BENCH_NET_PAGE (page bytes, 4096), ER_BENCH_TIMEOUT (1500 s).
# Not part of the test command: speed is never asserted.  See bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
say() { echo "bench/net: $*" >&2; }

if [ "${ER_BENCH_NET_INSIDE:-0}" != 1 ]; then
    build=$(cd "${1:-$top/build}" && pwd)
    for f in launcher/enclave-run tests/integration/net/bin/go-httpd tests/integration/net/bin/go-loadgen; do
        [ -x "$build/$f" ] || { say "$build/$f missing: ninja -C $build net_programs enclave-run"; exit 2; }
    done
    # Debian's runsc and python3-matplotlib (the plot), as bench/run.sh installs them.
    missing=()
    /usr/bin/python3 -c 'import matplotlib' 2>/dev/null || missing+=(python3-matplotlib)
    command -v runsc >/dev/null || missing+=(runsc)
    if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
        say "installing ${missing[*]} (Debian)"
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}" >/dev/null ||
            say "could not install ${missing[*]}: the runsc row or the plot will be missing"
    fi
    out=${ER_BENCH_OUT:-$top/bench/results/net}
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    export ER_BENCH_NET_INSIDE=1 ER_BENCH_NET_BUILD=$build ER_BENCH_NET_OUT=$out
    "$top/tests/vm/with-kvm.sh" --timeout "${ER_BENCH_TIMEOUT:-1500}" --vm-memory 3072 \
        --share "$build" --share "$out" --share "$top" -- "$here/run.sh"
    /usr/bin/python3 "$here/report.py" "$out"
    exit 0
fi

# ---- inside: where the KVM is (the test VM, as root, or this machine's /dev/kvm) ----
[ "$(id -u)" = 0 ] || { say "needs root (mounts, runc, runsc)"; exit 2; }
# runsc needs a user namespace, which the kernel refuses inside the test VM's chroot: out of it
# first (tests/vm/unchroot.sh; a no-op elsewhere).
if [ "${ER_UNCHROOT_TRIED:-}" != 1 ]; then
    exec "$top/tests/vm/unchroot.sh" "$here/run.sh"
fi
if [ "${ER_BENCH_NET_PRIVATE:-}" != 1 ]; then
    export ER_BENCH_NET_PRIVATE=1
    exec unshare --mount --propagation private "$here/run.sh"
fi

build=$ER_BENCH_NET_BUILD out=$ER_BENCH_NET_OUT
n=${ER_BENCH_NET_REQUESTS:-1000} warm=${ER_BENCH_NET_WARMUP:-200} conns=${ER_BENCH_NET_CONNS:-8}
rounds=${ER_BENCH_NET_ROUNDS:-3} page_bytes=${ER_BENCH_NET_PAGE:-4096}
IFS=, read -r -a targets <<<"${ER_BENCH_NET_TARGETS:-process,runc,runsc,enclave}"

st=/run/er-bench-net
mkdir -p $st
mount -t tmpfs -o mode=0755 er-bench-net $st
mkdir -p $st/bin $st/rootfs/www $st/logs
# cgroup v1 hierarchies for runc where nothing is mounted (the test VM), as docker-env.sh does.
if [ -z "$(ls -A /sys/fs/cgroup 2>/dev/null)" ]; then
    mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup
    for c in cpu,cpuacct memory devices pids freezer blkio cpuset; do
        mkdir -p /sys/fs/cgroup/$c
        mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c || say "cgroup $c not mounted"
    done
fi
# Programs start from tmpfs (the test VM's 9p root starts programs slowly); enclave-run stripped.
cp "$build/tests/integration/net/bin/go-httpd" "$build/tests/integration/net/bin/go-loadgen" $st/bin/
strip -o $st/bin/enclave-run "$build/launcher/enclave-run"
for t in runc runsc; do
    p=$(command -v $t || true)
    if [ -n "$p" ]; then cp "$p" $st/bin/; else say "$t is not installed (apt-get install $t)"; fi
done
cp $st/bin/go-httpd $st/rootfs/
/usr/bin/python3 -c "
import sys
n = int(sys.argv[1]); s = ''
i = 0
while len(s) < n:
    s += 'bench page line %d\n' % i; i += 1
open(sys.argv[2], 'w').write(s[:n])" "$page_bytes" $st/rootfs/www/page.html
cp $st/rootfs/www/page.html $st/page.html

# A bundle for runc and runsc: the rootfs read-only, the host's network namespace (no network
# entry), go-httpd as the process.  Made once per port.
bundle() {
    local dir=$st/bundle-$1
    mkdir -p "$dir"
    $st/bin/runc spec --bundle "$dir"
    /usr/bin/python3 - "$dir/config.json" "$st/rootfs" "$1" <<'PY'
import json, sys
path, rootfs, port = sys.argv[1:]
cfg = json.load(open(path))
cfg["root"] = {"path": rootfs, "readonly": True}
cfg["process"]["args"] = ["/go-httpd", "-addr", "127.0.0.1:" + port, "-dir", "/www"]
cfg["process"]["terminal"] = False
cfg["linux"]["namespaces"] = [ns for ns in cfg["linux"]["namespaces"] if ns["type"] != "network"]
json.dump(cfg, open(path, "w"))
PY
    echo "$dir"
}

listening() {  # PORT: a LISTEN socket on it in /proc/net/tcp (no probe connection)
    local hex
    hex=$(printf ':%04X' "$1")
    awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp
}

port=20000
printf 'target\tround\trequests\tconns\tok\tseconds\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\texits\tsyscalls\n' >"$out/runs.tsv"
label=hardware
[ "${ER_IN_TEST_VM:-}" = 1 ] && label="emulated (kvm_amd in the test VM under QEMU TCG)"
echo "$label" >"$out/label.txt"
{
    echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ) commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo ?)"
    echo "cpus=$(nproc) kernel=$(uname -r) requests=$n warmup=$warm conns=$conns rounds=$rounds page_bytes=$page_bytes"
    for t in runc runsc; do echo "$t: $( ($st/bin/$t --version 2>/dev/null || echo missing) | head -n1)"; done
} >"$out/env.txt"

for round in $(seq "$rounds"); do
    # Each round starts one target later, so no target is always the first (cold) one.
    order=()
    for i in "${!targets[@]}"; do order+=("${targets[(i + round - 1) % ${#targets[@]}]}"); done
    for t in "${order[@]}"; do
        port=$((port + 1))
        log=$st/logs/$t-$round
        case $t in
        process) $st/bin/go-httpd -addr 127.0.0.1:$port -dir $st/rootfs/www >$log.out 2>$log.err & ;;
        runc) $st/bin/runc --root $st/runc run --bundle "$(bundle $port)" nb-$port >$log.out 2>$log.err & ;;
        runsc) $st/bin/runsc --root $st/runsc --platform=ptrace --network=host --ignore-cgroups \
            run --bundle "$(bundle $port)" nb-$port >$log.out 2>$log.err & ;;
        enclave) $st/bin/enclave-run run --stats --memory 512M --timeout 1200 --root $st/rootfs \
            $st/rootfs/go-httpd -- -addr 127.0.0.1:$port -dir /www >$log.out 2>$log.err & ;;
        *) say "unknown target $t"; exit 2 ;;
        esac
        pid=$!
        up=0
        for _ in $(seq 1200); do
            if listening $port; then up=1; break; fi
            kill -0 $pid 2>/dev/null || break
            sleep 0.1
        done
        if [ $up != 1 ]; then
            say "$t (round $round) never listened: $(tail -n 3 $log.err | tr '\n' ' ')"
            kill -KILL $pid 2>/dev/null || true
            wait $pid 2>/dev/null || true
            printf '%s\t%s\t%s\t%s\tfailed\n' "$t" "$round" "$n" "$conns" >>"$out/runs.tsv"
        cp $log.err "$out/$t-$round.log" 2>/dev/null || true
            continue
        fi
        lg=($st/bin/go-loadgen -url http://127.0.0.1:$port -c "$conns" -static /page.html=$st/page.html)
        "${lg[@]}" -n "$warm" >/dev/null 2>>$log.err || say "$t: warm-up failed"
        res=$("${lg[@]}" -n "$n" -quit 2>>$log.err) || say "$t (round $round): $res"
        for _ in $(seq 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
        kill -KILL $pid 2>/dev/null || true
        wait $pid 2>/dev/null || true
        [ "$t" = runc ] || [ "$t" = runsc ] && $st/bin/$t --root $st/$t delete -f nb-$port >/dev/null 2>&1 || true
        # The enclave's counts over the whole run (warm-up, measured requests, /quit): exits to
        # the VMM (--stats) and the guest's system calls (the unikernel's stats line).
        exits=- calls=-
        if [ "$t" = enclave ]; then
            exits=$(sed -n 's/.*enclave-run: stats: exits=\([0-9]*\).*/\1/p' $log.err | head -n1)
            calls=$(sed -n 's/.*unikernel: stats: .* syscalls=\([0-9]*\).*/\1/p' $log.err | head -n1)
        fi
        say "$t round $round: $res exits=${exits:-?} guest_syscalls=${calls:-?}"
        kv() { echo "$res" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$round" "$n" "$conns" \
            "$(kv ok)" "$(kv seconds)" "$(kv rps)" "$(kv p50_ms)" "$(kv p90_ms)" "$(kv p99_ms)" \
            "$(kv max_ms)" "${exits:--}" "${calls:--}" >>"$out/runs.tsv"
        if [ -s $log.err ]; then cp $log.err "$out/$t-$round.log"; fi
    done
done
