#!/usr/bin/env bash
# enclave-run's error paths that need no KVM: each bad input gives exactly one line on stderr,
# starting "enclave-run: ", nothing on stdout, and exit status 125.
#   cli_errors.sh ENCLAVE_RUN TEST_GUEST STATIC_APP
set -u
er=$1 kernel=$2 app=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/er-cli-errors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0

# expect STATUS EXPECTED_LINE ARGS...: runs enclave-run ARGS, checks status and the stderr line.
expect() {
    local want_status=$1 want_line=$2
    shift 2
    "$er" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    local status=$? lines
    lines=$(wc -l <"$tmp/err")
    if [ "$status" != "$want_status" ] || [ "$lines" != 1 ] || [ -s "$tmp/out" ] ||
        [ "$(cat "$tmp/err")" != "$want_line" ]; then
        echo "FAIL: enclave-run $*"
        echo "  want status $want_status, line: $want_line"
        echo "  got  status $status, $lines line(s) on stderr:"
        sed 's/^/    /' "$tmp/err"
        [ -s "$tmp/out" ] && echo "  and stdout:" && sed 's/^/    /' "$tmp/out"
        failures=$((failures + 1))
    else
        echo "ok: enclave-run $*"
    fi
}

printf 'not an elf at all\n' >"$tmp/text"
head -c 100 /dev/zero >"$tmp/zeros"
head -c $((9 * 1024 * 1024)) /dev/zero >"$tmp/big"
printf '\177ELF' >"$tmp/short"

expect 125 "enclave-run: /nonexistent/app: cannot open: No such file or directory" \
    run --kernel "$kernel" /nonexistent/app
expect 125 "enclave-run: $tmp/text: not an ELF file (bad magic)" run --kernel "$kernel" "$tmp/text"
expect 125 "enclave-run: $tmp: is a directory, not a program file" run --kernel "$kernel" "$tmp"
expect 125 "enclave-run: $tmp/big is too big for 16 MiB of guest memory; use --memory" \
    run --memory 16M --kernel "$kernel" "$tmp/big"
expect 125 "enclave-run: /nonexistent/kernel: cannot open: No such file or directory" \
    run --kernel /nonexistent/kernel "$app"
expect 125 "enclave-run: $tmp/text: kernel is not an ELF file (too short)" \
    run --kernel "$tmp/text" "$app"
expect 125 "enclave-run: --memory 8M is below the minimum of 16 MiB" run --memory 8M "$app"
expect 125 "enclave-run: --memory 4G is above the maximum of 3 GiB" run --memory 4G "$app"
expect 125 "enclave-run: --memory 'lots' is not a size (a byte count with an optional K, M or G suffix)" \
    run --memory lots "$app"
expect 125 "enclave-run: --timeout '0' is not a number of seconds in (0, 10000000]" \
    run --timeout 0 "$app"
expect 125 "enclave-run: --env 'NOEQUALS' is not KEY=VALUE" run --env NOEQUALS "$app"
expect 125 "enclave-run: APP is required (see enclave-run --help)" run
expect 125 "enclave-run: A subcommand is required (see enclave-run --help)"
expect 125 "enclave-run: The following argument was not expected: --bogus (see enclave-run --help)" \
    run --bogus "$app"

# Several apps, manifests, trees (docs/launcher.md, docs/manifest.md).
expect 125 "enclave-run: --tick-ms 'x' is not whole milliseconds in [0, 1000] (0 disables the timer)" \
    run --tick-ms x "$app"
expect 125 "enclave-run: --- must be followed by an APP (app 2 is empty)" run "$app" ---
expect 125 "enclave-run: $tmp/text: not an ELF file (bad magic)" run --kernel "$kernel" "$app" --- "$tmp/text"
expect 125 "enclave-run: --root gives one app its tree; with several apps use a manifest (-f) and give each app its \"root\"" \
    run --root "$tmp" "$app" --- "$app"
expect 125 "enclave-run: $tmp/text: is not a directory" run --kernel "$kernel" --root "$tmp/text" "$app"
printf '{"apps": [{"path": "%s"}, {"path": "%s", "memory": true}]}' "$app" "$app" >"$tmp/bad.json"
expect 125 "enclave-run: $tmp/bad.json: \$.apps[1].memory: expected a size like \"32M\", got true" \
    run -f "$tmp/bad.json"
printf '{"apps": [\n' >"$tmp/broken.json"
expect 125 "enclave-run: $tmp/broken.json: line 2, column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal" \
    run -f "$tmp/broken.json"
expect 125 "enclave-run: -f $tmp/bad.json describes the apps; give no APP on the command line as well" \
    run -f "$tmp/bad.json" "$app"
expect 125 "enclave-run: /nonexistent.json: cannot open: No such file or directory" run -f /nonexistent.json

# --isolation: a bad name; mpk for a fixed-address app, from the flag or a manifest (the flag
# wins over the manifest).  static-app is built with -static, not -static-pie: an ET_EXEC.
expect 125 "enclave-run: --isolation 'vm' is not one of auto, pagetable or mpk" \
    run --isolation vm "$app"
# --network: host or none only (docs/network.md).
expect 125 "enclave-run: --network 'bridge' is not one of host or none" \
    run --network bridge "$app"
# A manifest app's own "network": host, none or none:NAME (docs/manifest.md).
printf '{"apps": [{"path": "%s"}, {"name": "web", "path": "%s", "network": "bridge"}]}' "$app" "$app" >"$tmp/net.json"
expect 125 "enclave-run: $tmp/net.json: \$.apps[1].network: expected \"host\", \"none\" or \"none:NAME\" (NAME: 1 to 31 of A-Z a-z 0-9 _ . -), got \"bridge\"" \
    run -f "$tmp/net.json"
mpk_line="enclave-run: static-app: isolation mpk needs a relocatable app (static PIE, built with -static-pie); static-app is a fixed-address executable (ET_EXEC)"
expect 125 "$mpk_line" run --kernel "$kernel" --isolation mpk "$app"
printf '{"apps": [{"path": "%s", "isolation": "mpk"}]}' "$app" >"$tmp/mpk.json"
expect 125 "$mpk_line" run --kernel "$kernel" -f "$tmp/mpk.json"
printf '{"apps": [{"path": "%s", "isolation": "pagetable"}]}' "$app" >"$tmp/pt.json"
expect 125 "$mpk_line" run --kernel "$kernel" --isolation mpk -f "$tmp/pt.json"

# The dynamically linked /bin/ls: the exact text is the shared ELF parser's; check the shape.
"$er" run --kernel "$kernel" /bin/ls >"$tmp/out" 2>"$tmp/err"
status=$?
if [ $status = 125 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q '^enclave-run: /bin/ls: .*dynamic' "$tmp/err"; then
    echo "ok: enclave-run run /bin/ls -> $(cat "$tmp/err")"
else
    echo "FAIL: enclave-run run /bin/ls: status $status:"; cat "$tmp/err"; failures=$((failures + 1))
fi

if [ ! -e /dev/kvm ]; then
    expect 125 "enclave-run: /dev/kvm not found: this machine offers no KVM; run it inside the project's test VM: tests/vm/run-in-vm.sh -- enclave-run run APP" \
        run --kernel "$kernel" "$app"
    # --isolation pagetable overrides the manifest's mpk, so the app passes its checks.
    expect 125 "enclave-run: /dev/kvm not found: this machine offers no KVM; run it inside the project's test VM: tests/vm/run-in-vm.sh -- enclave-run run APP" \
        run --kernel "$kernel" --isolation pagetable -f "$tmp/mpk.json"
fi

"$er" --version >"$tmp/out" 2>&1
[ "$(cat "$tmp/out")" = "enclave-run 0.1.0" ] && echo "ok: --version" ||
    { echo "FAIL: --version printed: $(cat "$tmp/out")"; failures=$((failures + 1)); }
"$er" run --help >"$tmp/out" 2>&1 && grep -q -- '--memory' "$tmp/out" && echo "ok: run --help" ||
    { echo "FAIL: run --help"; failures=$((failures + 1)); }

[ $failures = 0 ] && echo "all CLI error paths ok" || echo "$failures failure(s)"
[ $failures = 0 ]
