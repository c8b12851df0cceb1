#!/usr/bin/env bash
# Real boots on KVM with the test-only guest (guest/test_guest.S): the boot contract of
# docs/launcher.md, every hypercall, and every way a VM ends.  Needs /dev/kvm (run it inside the
# test VM: ctest runs it through tests/vm/with-kvm.sh).
#   vm_smoke.sh ENCLAVE_RUN TEST_GUEST STATIC_APP [HELLO_APP]
# With HELLO_APP (apps/hello, when built), also boots the embedded unikernel with it.
set -u
er=$1 guest=$2 app=$3 hello=${4:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/er-vm-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# boot MODE [enclave-run options...]: runs the test guest in MODE; sets $status, files out/err.
boot() {
    local mode=$1
    shift
    "$er" run --kernel "$guest" "$@" "$app" -- "$mode" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
}
# expect_end MODE STATUS STDERR_REGEX [options...]
expect_end() {
    local mode=$1 want=$2 regex=$3
    shift 3
    boot "$mode" "$@"
    if [ "$status" != "$want" ] || [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -Eq "$regex" "$tmp/err"; then
        fail "mode $mode: want $want and /$regex/, got $status: $(cat "$tmp/err")"
    else
        echo "ok: mode $mode -> $status: $(cat "$tmp/err")"
    fi
}

boot h
[ "$status" = 7 ] && [ "$(cat "$tmp/out")" = "test-guest: hello" ] && [ ! -s "$tmp/err" ] &&
    echo "ok: hello, status 7" || fail "hello: status $status, out '$(cat "$tmp/out")' err '$(cat "$tmp/err")'"

boot e
[ "$status" = 0 ] && [ "$(cat "$tmp/err")" = "test-guest: to stderr" ] && [ ! -s "$tmp/out" ] &&
    echo "ok: stderr stream" || fail "stderr stream: status $status"

boot o
[ "$status" = 7 ] && [ "$(cat "$tmp/out")" = "test-guest: hello" ] && echo "ok: zero-length write" ||
    fail "zero-length write: status $status"

"$er" run --kernel "$guest" -e A=1 --env B=two "$app" -- a 'x y' "" >"$tmp/out" 2>"$tmp/err"
printf '%s\n' "$app" a 'x y' '' A=1 B=two >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" && echo "ok: args blob" || fail "args blob: $(od -c "$tmp/out" | head)"

# Options after -- belong to the app, not to enclave-run.
"$er" run --kernel "$guest" "$app" -- a --stats -x >"$tmp/out" 2>"$tmp/err"
printf '%s\n' "$app" a --stats -x >"$tmp/want"
cmp -s "$tmp/out" "$tmp/want" && [ ! -s "$tmp/err" ] && echo "ok: options after -- go to the app" ||
    fail "options after --: $(cat "$tmp/out" "$tmp/err")"

boot l
[ "$status" = 0 ] && [ "$(cat "$tmp/err")" = 'enclave-run: guest: log\x01line' ] &&
    echo "ok: log line sanitised" || fail "log: $status $(cat "$tmp/err")"

# Boot contract: boot info fields, entry registers and the domain table, checked byte by byte.
boot i --memory 32M --tick-ms 7
# The version the launcher must report is the one the ABI header defines (bumped on every change).
abi_version=$(sed -n 's/^#define ER_ABI_VERSION \([0-9]*\)u$/\1/p' \
    "$(dirname "${BASH_SOURCE[0]}")/../../../libos-abi/enclave_abi.h")
if [ "$status" = 0 ]; then
    ER_ABI=$abi_version python3 - "$tmp/out" "$app" <<'PY' && echo "ok: boot info, entry state, domain table" || fail "boot info"
import os, struct, sys, time
data = open(sys.argv[1], "rb").read()
app_size = os.path.getsize(sys.argv[2])
assert len(data) == 240 + 128 + 72 + 136, len(data)
(magic, ver, size, mem, free, kstart, kend, app_gpa, app_sz, args_gpa, args_size, argc, envc,
 tsc_khz, rt, flags, timer) = struct.unpack_from("<QIIQQQQQQQQIIQQII", data)
entropy = data[112:144]
domains_gpa, domain_count, pad0 = struct.unpack_from("<QII", data, 208)
hints_gpa, confidential, pad1 = struct.unpack_from("<QII", data, 224)
h = data[240:368]
h_magic, h_tsc, h_rt, h_flags, h_nonce_len = struct.unpack_from("<QQQII", h)
h_entropy = h[32:64]
rdi, rsp, cr0, cr3, cr4, efer, cs, ss, rflags = struct.unpack_from("<9Q", data, 368)
d = data[440:]
name = d[:32]
(d_app, d_app_size, d_args, d_args_size, d_argc, d_envc, d_fs, d_fs_size, d_mem, d_iso,
 d_flags) = struct.unpack_from("<QQQQIIQQQII", d, 32)
args_len = len(sys.argv[2]) + 3
app_end = (0x800000 + app_size + 4095) & ~4095
checks = {
    "magic": magic == 0x544F4F42524E4C45, "abi": ver == int(os.environ["ER_ABI"]), "size": size == 256,
    "mem": mem == 32 << 20,
    "abi1 fields zero": (app_gpa, app_sz, args_gpa, args_size, argc, envc) == (0,) * 6,
    "kernel": kstart == 0x100000 and kstart < kend <= 0x800000,
    # ABI 4: nothing that changes per run in the (measured) boot info; it is in the hints page.
    "per-run fields zero": (tsc_khz, rt, flags, entropy) == (0, 0, 0, bytes(32)),
    "timer": timer == 7000, "hints_gpa": hints_gpa == 0x80000, "plain KVM": confidential == 0,
    "hints magic": h_magic == 0x53544E4948524E45, "tsc": (h_flags & 1) == (h_tsc != 0),
    "realtime": abs(h_rt / 1e9 - time.time()) < 120, "entropy": h_entropy != bytes(32),
    "no nonce": h_nonce_len == 0 and h[64:128] == bytes(64),
    "reserved": data[144:208] == bytes(64),
    "domains": domains_gpa == 0x2000 and domain_count == 1 and pad0 == 0,
    "name": name == b"static-app".ljust(32, b"\0"),
    "app": d_app == 0x800000 and d_app_size == app_size,
    "args": d_args == app_end and d_args_size == args_len and d_argc == 2 and d_envc == 0,
    "free": free == app_end + 4096,
    "fs": d_fs == 0 and d_fs_size == 0, "mem_limit": d_mem == 0,
    "iso": d_iso == 0 and d_flags == 0, "desc reserved": d[104:136] == bytes(32),
    "rdi": rdi == 0x1000, "rsp": rsp == 0xFFFFFFFF80080000, "cr3": cr3 == 0x10000,
    "cr0": cr0 & 0x80010033 == 0x80010033, "cr4": cr4 & 0x620 == 0x620,
    "efer": efer & 0xD00 == 0xD00, "cs": cs == 0x08, "ss": ss == 0x10, "rflags": rflags == 2,
}
bad = [k for k, ok in checks.items() if not ok]
print("boot info: tsc_khz=%d flags=%#x cr0=%#x cr4=%#x efer=%#x" % (h_tsc, h_flags, cr0, cr4, efer))
sys.exit("bad: " + " ".join(bad) if bad else 0)
PY
else
    fail "boot info mode: status $status $(cat "$tmp/err")"
fi

# The default tick is 10 ms; --tick-ms 0 disables the timer.
for tick in default 0; do
    if [ $tick = default ]; then boot i; want=10000; else boot i --tick-ms 0; want=0; fi
    got=$(python3 -c 'import struct,sys; print(struct.unpack_from("<I", open(sys.argv[1],"rb").read(), 108)[0])' "$tmp/out")
    [ "$status" = 0 ] && [ "$got" = $want ] && echo "ok: timer_period_us $got ($tick)" ||
        fail "timer_period_us $tick: status $status got $got"
done

# A --root tree is packed and described in the domain table.
mkdir -p "$tmp/root/sub" && printf 'data' >"$tmp/root/sub/f"
boot i --root "$tmp/root"
python3 - "$tmp/out" <<'PY' && echo "ok: --root tree in the domain table" || fail "--root: status $status"
import struct, sys
d = open(sys.argv[1], "rb").read()[440:]  # after boot info, hints and the entry state
fs, fs_size = struct.unpack_from("<QQ", d, 72)
assert fs > 0x800000 and fs % 4096 == 0 and fs_size > 64, (hex(fs), fs_size)
PY

# Several domains: prefixed lines (partial lines held until the domain ends), the kill line of
# the killed domain, the summary, and the status of the first failed domain.
"$er" run --kernel "$guest" "$app" -- D --- "$app" --- "$app" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
printf '%s\n' 'static-app   | hello' 'static-app   | partial' 'static-app-2 | hello' \
    'static-app-2 | partial' 'static-app-3 | hello' 'static-app-3 | partial' >"$tmp/want"
if [ "$status" = 1 ] && cmp -s "$tmp/out" "$tmp/want" &&
    grep -qx 'static-app   | err' "$tmp/err" &&
    grep -qx 'enclave-run: static-app-3: killed by SIGSEGV (page fault: write to unmapped address) at rip 0x401136, address 0x0' "$tmp/err" &&
    grep -Eq '^static-app-3 +killed SIGSEGV +3 ms +192 KiB +pagetable$' "$tmp/err" &&
    grep -Eq '^static-app-2 +exited 1 +2 ms +128 KiB +pagetable$' "$tmp/err" &&
    grep -Eq '^DOMAIN +STATUS +TIME +MEMORY +ISOLATION$' "$tmp/err"; then
    echo "ok: three domains: prefixes, kill line, summary, status 1"
else
    fail "three domains: status $status"
    cat "$tmp/out" "$tmp/err"
fi

# --output DIR: unprefixed per-domain files.
"$er" run --kernel "$guest" --output "$tmp/o" "$app" -- D --- "$app" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
[ "$status" = 1 ] && [ ! -s "$tmp/out" ] &&
    [ "$(cat "$tmp/o/static-app.stdout")" = "$(printf 'hello\npartial')" ] &&
    [ "$(cat "$tmp/o/static-app-2.stderr")" = err ] && echo "ok: --output files" ||
    fail "--output: status $status: $(ls "$tmp/o"; cat "$tmp/err")"

# A manifest with two domains.
printf '{"memory": "32M", "apps": [{"name": "one", "path": "%s", "args": ["D"]},
  {"name": "two", "path": "%s", "memory": "4M", "isolation": "pagetable"}]}\n' "$app" "$app" \
    >"$tmp/enclave.json"
"$er" run --kernel "$guest" -f "$tmp/enclave.json" >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
[ "$status" = 1 ] && grep -qx 'one | hello' "$tmp/out" && grep -qx 'two | partial' "$tmp/out" &&
    echo "ok: manifest with two domains" || fail "manifest: status $status $(cat "$tmp/out" "$tmp/err")"

boot t
if [ "$status" = 0 ]; then
    python3 - "$tmp/out" <<'PY' && echo "ok: time hypercall" || fail "time hypercall"
import struct, sys, time
m1, r1, t1, m2, r2, t2 = struct.unpack("<6Q", open(sys.argv[1], "rb").read())
assert 0 < m1 <= m2, (m1, m2)
assert abs(r1 / 1e9 - time.time()) < 120, r1
assert 0 < t1 < t2, (t1, t2)
PY
else
    fail "time mode: status $status"
fi

expect_end s 139 '^enclave-run: static-app: killed by SIGSEGV \(page fault: write to unmapped address\) at rip 0x401136, address 0x0$'
expect_end p 125 '^enclave-run: unikernel panic: test panic$'
expect_end f 125 '^enclave-run: guest error: the guest triple-faulted \(KVM_EXIT_SHUTDOWN\)'
expect_end u 125 '^enclave-run: guest error: I/O out of 4 byte\(s\) x1 on port 0x3f8, which is not a hypercall port at rip 0x'
expect_end w 125 '^enclave-run: guest error: I/O out of 1 byte\(s\) x1 on port 0x501: hypercalls are one 4-byte OUT at rip'
expect_end r 125 '^enclave-run: guest error: I/O in of 4 byte\(s\) x1 on port 0x501: hypercalls are one 4-byte OUT at rip'
expect_end n 125 '^enclave-run: guest error: console write request at GPA 0x100 lies in the null page at rip'
expect_end b 125 '^enclave-run: guest error: console buffer at GPA 0x3ffff000, length 0x10, lies outside guest memory \[0, 0x4000000\) at rip'
expect_end m 125 '^enclave-run: guest error: MMIO write of 4 byte\(s\) at GPA 0x30000000, outside guest memory at rip'
expect_end c 125 '^enclave-run: guest error: console write to unknown stream 3 at rip'
expect_end g 125 '^enclave-run: guest error: log text length 257 exceeds the limit of 256 at rip'
expect_end z 125 '^enclave-run: guest error: I/O out of 4 byte\(s\) x1 on port 0x50a, which is not a hypercall port'
expect_end T 125 '^enclave-run: guest error: domain exit for domain 0 \(static-app\), which has already ended at rip'
expect_end N 125 '^enclave-run: guest error: exit while domain 0 \(static-app\) has not reported its end \(ER_HC_DOMAIN_EXIT\) at rip'
expect_end k 124 '^enclave-run: static-app: timed out after 1.5 s$' --timeout 1.5
expect_end x 124 '^enclave-run: static-app: timed out after 1 s$' --timeout 1

# --stats: one parseable line; counts match what the guest did (1000 writes, domain exit, exit).
boot y --stats
line=$(grep '^enclave-run: stats:' "$tmp/err")
if [ "$status" = 0 ] && [ "$(tr -d '\n' <"$tmp/out" | wc -c)" = 1000 ] &&
    [[ $line =~ ^enclave-run:\ stats:\ exits=([0-9]+)\ io=([0-9]+)\ hlt=0\ mmio=0\ other=([0-9]+)\ hypercalls=1002\ wall_ms=[0-9]+\ peak_rss_kib=[0-9]+\ open_fds=[0-9]+$ ]] &&
    [ "${BASH_REMATCH[2]}" = 1002 ]; then
    echo "ok: stats: $line"
else
    fail "stats: status $status line '$line'"
fi

# The launcher touches only the pages it needs: 3 GiB of guest RAM, a small peak RSS.
boot h --memory 3G --stats
rss=$(sed -n 's/.*peak_rss_kib=\([0-9]*\).*/\1/p' "$tmp/err")
[ "$status" = 7 ] && [ -n "$rss" ] && [ "$rss" -lt 65536 ] && echo "ok: 3 GiB guest, peak RSS ${rss} KiB" ||
    fail "3 GiB guest: status $status rss '$rss'"

if [ -n "$hello" ] && [ -x "$hello" ]; then
    "$er" run --timeout 60 "$hello" >"$tmp/out" 2>"$tmp/err"
    status=$?
    [ "$status" = 0 ] && [ -s "$tmp/out" ] && [ ! -s "$tmp/err" ] &&
        echo "ok: embedded unikernel runs $hello: $(head -1 "$tmp/out")" ||
        fail "embedded unikernel with $hello: status $status: $(cat "$tmp/err")"
fi

# The run loop is confined (launcher/vm/seccomp_filter.hpp): every boot above ran under the
# allowlist (seccomp_filter_test.cpp checks mode 2 and no_new_privs in /proc, on the host).
# One forbidden call kills it by SIGSYS with one line naming the call: the probe makes an
# openat right after the filter is loaded.  128 + 31 (SIGSYS) is how the shell reports the kill.
(ulimit -c 0; ENCLAVE_RUN_SECCOMP_PROBE=1 exec "$er" run --kernel "$guest" "$app" -- h) \
    >"$tmp/out" 2>"$tmp/err" </dev/null
status=$?
want='enclave-run: seccomp: the run loop made system call openat (257), which is not on its allowlist; the launcher is killed (SIGSYS)'
[ "$status" = 159 ] && [ "$(cat "$tmp/err")" = "$want" ] && [ ! -s "$tmp/out" ] &&
    echo "ok: a forbidden call kills the launcher by SIGSYS: $(cat "$tmp/err")" ||
    fail "seccomp probe: status $status, err '$(cat "$tmp/err")', out '$(cat "$tmp/out")'"

[ $failures = 0 ] && echo "launcher VM smoke: all ok" || echo "launcher VM smoke: $failures failure(s)"
[ $failures = 0 ]
