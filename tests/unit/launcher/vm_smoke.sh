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

# Boot contract: boot info fields and entry registers, checked byte by byte.
boot i --memory 32M
if [ "$status" = 0 ]; then
    python3 - "$tmp/out" "$app" <<'PY' && echo "ok: boot info and entry state" || fail "boot info"
import os, struct, sys, time
data = open(sys.argv[1], "rb").read()
app_size = os.path.getsize(sys.argv[2])
assert len(data) == 208 + 72, len(data)
(magic, ver, size, mem, free, kstart, kend, app_gpa, app_sz, args_gpa, args_size, argc, envc,
 tsc_khz, rt, flags, timer) = struct.unpack_from("<QIIQQQQQQQQIIQQII", data)
entropy = data[112:144]
rdi, rsp, cr0, cr3, cr4, efer, cs, ss, rflags = struct.unpack_from("<9Q", data, 208)
checks = {
    "magic": magic == 0x544F4F42524E4C45, "abi": ver == 1, "size": size == 208,
    "mem": mem == 32 << 20, "app_gpa": app_gpa == 0x800000, "app_size": app_sz == app_size,
    "free": free == (0x800000 + app_size + 4095) & ~4095,
    "kernel": kstart == 0x100000 and kstart < kend <= 0x800000,
    "args": args_gpa == 0x2000 and argc == 2 and envc == 0 and args_size == len(sys.argv[2]) + 3,
    "tsc": (flags & 1) == (tsc_khz != 0), "timer": timer == 0,
    "realtime": abs(rt / 1e9 - time.time()) < 120, "entropy": entropy != bytes(32),
    "reserved": data[144:208] == bytes(64),
    "rdi": rdi == 0x1000, "rsp": rsp == 0xFFFFFFFF80080000, "cr3": cr3 == 0x10000,
    "cr0": cr0 & 0x80010033 == 0x80010033, "cr4": cr4 & 0x620 == 0x620,
    "efer": efer & 0xD00 == 0xD00, "cs": cs == 0x08, "ss": ss == 0x10, "rflags": rflags == 2,
}
bad = [k for k, ok in checks.items() if not ok]
print("boot info: tsc_khz=%d flags=%#x cr0=%#x cr4=%#x efer=%#x" % (tsc_khz, flags, cr0, cr4, efer))
sys.exit("bad: " + " ".join(bad) if bad else 0)
PY
else
    fail "boot info mode: status $status $(cat "$tmp/err")"
fi

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
expect_end z 125 '^enclave-run: guest error: I/O out of 4 byte\(s\) x1 on port 0x509, which is not a hypercall port'
expect_end k 124 '^enclave-run: static-app: timed out after 1.5 s$' --timeout 1.5
expect_end x 124 '^enclave-run: static-app: timed out after 1 s$' --timeout 1

# --stats: one parseable line; counts match what the guest did (1000 writes + exit).
boot y --stats
line=$(grep '^enclave-run: stats:' "$tmp/err")
if [ "$status" = 0 ] && [ "$(tr -d '\n' <"$tmp/out" | wc -c)" = 1000 ] &&
    [[ $line =~ ^enclave-run:\ stats:\ exits=([0-9]+)\ io=([0-9]+)\ hlt=0\ mmio=0\ other=([0-9]+)\ hypercalls=1001\ wall_ms=[0-9]+\ peak_rss_kib=[0-9]+$ ]] &&
    [ "${BASH_REMATCH[2]}" = 1001 ]; then
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

[ $failures = 0 ] && echo "launcher VM smoke: all ok" || echo "launcher VM smoke: $failures failure(s)"
[ $failures = 0 ]
