#!/usr/bin/env bash
# The docker end-to-end cases.  Runs inside tests/e2e/docker-env.sh (which sets DOCKER_HOST,
# E2E_DOCKER, E2E_CTR, E2E_IMAGE, E2E_OCI, E2E_STATE); start it with tests/e2e/docker-in-vm.sh.
#
#   run-cases.sh [--runtimes "runc enclave-run"] [--baseline-on-fail] [--strict] [CASE]...
#
# Every case runs once per runtime (runc is the baseline: it proves the harness and the case, so a
# failure with enclave-run alone is the runtime's).  --baseline-on-fail: after a case fails with a
# runtime other than runc, run it with runc too and say how that went (ctest's cheaper form).  One line per case and runtime:
#   PASS | FAIL (what was expected, what came) | XFAIL (known to fail with enclave-run, and why)
#   | XPASS (marked as known to fail, but passed: take it off the list below)
# then a summary.  Exit status 1 when a case FAILed (or, with --strict, XPASSed), else 0.
# Cases: hello exit-code logs stop rm-f tty ctr port netnone neighbours one-host sixth leftovers
# (default: all, in this order; neighbours, one-host and sixth with enclave-run only).
set -uo pipefail

runtimes="runc enclave-run" strict=0 baseline=0
while [ $# -gt 0 ]; do
    case $1 in
    --runtimes) runtimes=$2; shift 2 ;;
    --strict) strict=1; shift ;;
    --baseline-on-fail) baseline=1; shift ;;
    -h | --help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
all_cases="hello exit-code logs stop rm-f tty ctr port netnone neighbours one-host sixth leftovers"
# Cases about enclaves, meaningless with runc: run with enclave-run only.
enclave_only=" neighbours one-host sixth "
cases=${*:-$all_cases}
: "${E2E_DOCKER:?run inside tests/e2e/docker-env.sh}" "${E2E_IMAGE:?}" "${E2E_OCI:?}" "${E2E_STATE:?}"
docker=$E2E_DOCKER
hello="Hello from enclave-run!"

# Cases known to fail with enclave-run today, with the reason.  Keep this list true: a case
# leaves it when it passes (the XPASS line says so).
declare -A xfail=(
)

# Every docker call is bounded: a hung daemon or runtime must fail a case, not hang the VM.
d() { timeout 120 "$docker" "$@"; }
# run_capture OUT ERR CMD...: runs CMD, stdout to OUT, stderr to ERR; returns its status.
run_capture() {
    local out=$1 err=$2
    shift 2
    "$@" >"$out" 2>"$err"
}
tmp=$E2E_STATE/cases
mkdir -p "$tmp"
why=""
# expect WHAT EXPECTED GOT: records a mismatch in $why (the first one) and returns 1.
expect() {
    [ "$2" = "$3" ] && return 0
    [ -n "$why" ] || why="$1: expected '$2', got '$3'"
    return 1
}

# Each case_NAME RUNTIME returns 0 when every check held; it leaves nothing behind.
case_hello() {
    local rc=0
    run_capture "$tmp/out" "$tmp/err" d run --rm --name e2e-hello-$1 --runtime "$1" "$E2E_IMAGE" /hello || rc=$?
    expect "status" 0 "$rc" && expect "stdout" "$hello" "$(cat "$tmp/out")" &&
        expect "stderr" "" "$(cat "$tmp/err")"
}

case_exit-code() {
    local rc=0
    run_capture "$tmp/out" "$tmp/err" d run --rm --name e2e-exit-code-$1 --runtime "$1" "$E2E_IMAGE" /exit-code 3 || rc=$?
    expect "status of /exit-code 3" 3 "$rc" || return 1
    rc=0
    run_capture "$tmp/out" "$tmp/err" d run --rm --name e2e-exit-code-$1-2 --runtime "$1" "$E2E_IMAGE" /exit-code 300 || rc=$?
    expect "status of /exit-code 300 (low 8 bits)" 44 "$rc"
}

# A detached container's stdout and stderr reach docker logs, each on its own stream.
case_logs() {
    local name=e2e-logs-$1 ok=0 code
    d rm -f "$name" >/dev/null 2>&1
    d run -d --name "$name" --runtime "$1" "$E2E_IMAGE" /stderr >"$tmp/out" 2>"$tmp/err" ||
        { why="docker run -d failed: $(tail -c 400 "$tmp/err")"; return 1; }
    code=$(d wait "$name" 2>&1)
    expect "docker wait" 0 "$code" &&
        d logs "$name" >"$tmp/out" 2>"$tmp/err" &&
        expect "docker logs stdout" "to stdout" "$(cat "$tmp/out")" &&
        expect "docker logs stderr" "to stderr" "$(cat "$tmp/err")" || ok=1
    d rm -f "$name" >/dev/null 2>&1
    return $ok
}

# wait_running NAME: until docker says the container runs (at most 60 s).
wait_running() {
    for _ in $(seq 120); do
        [ "$(d inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ] && return 0
        sleep 0.5
    done
    why="$1 never ran"
    return 1
}

# docker stop -t 2 of an app that spins without a system call: as a container's pid 1 it
# ignores SIGTERM (SIG_DFL), so stop returns once the SIGKILL after 2 s took it down, well within
# the timeout plus the SIGKILL's round trip (emulated: 20 s slack): exit code 137.  Then docker
# stop of an init with a SIGTERM handler (signal-check wait-term 42): the handler runs, prints
# its sender, and the container exits 42 without waiting for the grace period.
case_stop() {
    local name=e2e-stop-$1 ok=0 t rc=0 code
    d rm -f "$name" >/dev/null 2>&1
    d run -d --name "$name" --runtime "$1" "$E2E_IMAGE" /spin >"$tmp/out" 2>"$tmp/err" ||
        { why="docker run -d failed: $(tail -c 400 "$tmp/err")"; return 1; }
    if wait_running "$name"; then
        t=$SECONDS
        d stop -t 2 "$name" >"$tmp/out" 2>"$tmp/err" || rc=$?
        t=$((SECONDS - t))
        code=$(d inspect -f '{{.State.Running}} {{.State.ExitCode}}' "$name" 2>&1)
        note="docker stop took $t s, exit code ${code#* }"
        expect "docker stop status" 0 "$rc" && { [ $t -le 22 ] || { why="docker stop took $t s"; false; }; } &&
            expect "state after stop" "false 137" "$code" || ok=1
    else
        ok=1
    fi
    d rm -f "$name" >/dev/null 2>&1
    [ $ok = 0 ] || return 1
    d run -d --name "$name" --runtime "$1" "$E2E_IMAGE" /signal-check wait-term 42 >"$tmp/out" 2>"$tmp/err" ||
        { why="docker run -d /signal-check failed: $(tail -c 400 "$tmp/err")"; return 1; }
    if wait_running "$name"; then
        sleep 2 # the handler is installed (a SIGTERM before it would be ignored, as by runc's init)
        rc=0
        d stop -t 20 "$name" >"$tmp/out" 2>"$tmp/err" || rc=$?
        code=$(d inspect -f '{{.State.Running}} {{.State.ExitCode}}' "$name" 2>&1)
        expect "docker stop status (handler)" 0 "$rc" &&
            expect "state after stop (handler)" "false 42" "$code" &&
            expect "the handler's line" "signal-check: SIGTERM from pid 0 code 0" "$(d logs "$name" 2>&1)" || ok=1
    else
        ok=1
    fi
    d rm -f "$name" >/dev/null 2>&1
    return $ok
}

# docker rm -f of a running container: it is gone from docker, and so is its process.
case_rm-f() {
    local name=e2e-rm-f-$1 rc=0 pid
    d rm -f "$name" >/dev/null 2>&1
    d run -d --name "$name" --runtime "$1" "$E2E_IMAGE" /spin >"$tmp/out" 2>"$tmp/err" ||
        { why="docker run -d failed: $(tail -c 400 "$tmp/err")"; return 1; }
    wait_running "$name" || { d rm -f "$name" >/dev/null 2>&1; return 1; }
    pid=$(d inspect -f '{{.State.Pid}}' "$name")
    d rm -f "$name" >"$tmp/out" 2>"$tmp/err" || rc=$?
    expect "docker rm -f status" 0 "$rc" &&
        expect "containers named $name" "" "$(d ps -aq --filter "name=^$name\$")" || return 1
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    why="the container's process $pid still runs after docker rm -f"
    return 1
}

# docker run -t: the output comes through the pty (so "\n" arrives as "\r\n").
case_tty() {
    local rc=0
    run_capture "$tmp/out" "$tmp/err" d run --rm -t --name e2e-tty-$1 --runtime "$1" "$E2E_IMAGE" /hello || rc=$?
    expect "status" 0 "$rc" && expect "stdout" "$hello"$'\r' "$(cat "$tmp/out")"
}

# containerd alone: ctr run with the runc shim (io.containerd.runc.v2), whose BinaryName is
# enclave-run-oci for enclave-run (ctr's --runc-binary), runc from PATH for the baseline.
ctr_imported=0
case_ctr() {
    local ref=docker.io/library/$E2E_IMAGE bin=() rc=0 name=e2e-ctr-$1
    read -r -a ctr <<<"$E2E_CTR"
    ctr+=(-n "$E2E_CTR_NS")
    if [ $ctr_imported = 0 ]; then
        d save "$E2E_IMAGE" >"$tmp/image.tar" && timeout 120 "${ctr[@]}" images import "$tmp/image.tar" >/dev/null 2>"$tmp/err" ||
            { why="ctr images import failed: $(tail -c 400 "$tmp/err")"; return 1; }
        rm -f "$tmp/image.tar"
        ctr_imported=1
    fi
    [ "$1" = runc ] || bin=(--runc-binary "$E2E_OCI")
    run_capture "$tmp/out" "$tmp/err" timeout 120 "${ctr[@]}" run --rm --runtime io.containerd.runc.v2 \
        "${bin[@]}" "$ref" "$name" /hello || rc=$?
    expect "ctr run /hello status" 0 "$rc" && expect "ctr run /hello stdout" "$hello" "$(cat "$tmp/out")" || return 1
    rc=0
    run_capture "$tmp/out" "$tmp/err" timeout 120 "${ctr[@]}" run --rm --runtime io.containerd.runc.v2 \
        "${bin[@]}" "$ref" "$name" /exit-code 3 || rc=$?
    expect "ctr run /exit-code 3 status" 3 "$rc"
}

# hosts_of ID...: for each container ID, the pid of the enclave host whose status lists it as a
# member (now or among its last ended domains), one line each, from one `enclave-run list --json`.
hosts_of() {
    local list id
    list=$("$E2E_ENCLAVE_RUN" list --root "$E2E_OCI_ROOT" --json 2>/dev/null)
    for id in "$@"; do
        jq -r --arg id "$id" '[.enclaves[] | select(any(.domains[]?; .member == $id)) | .pid][0]' <<<"$list"
    done
}

# docker run -p on a user-defined bridge network: busybox httpd in a container serves the image's
# /www/blob (192 KiB of random bytes) on port 80 of the container's namespace, published on the
# VM's 127.0.0.1:18080 (docker-proxy connects to the container's address on the bridge); curl in
# the VM fetches it, byte for byte the same.  While it serves, a --network none container (the
# netnone case's probe, so that both cases cost one network and two containers) connects to
# 127.0.0.1:80 and is refused: its loopback is its own namespace's, not the server's, though with
# enclave-run both are domains of one enclave host.
# The probe's results, by runtime, for case_netnone.
declare -A netnone_done=() netnone_why=() netnone_note=()
case_port() {
    local name=e2e-port-$1 net=e2e-port-$1 ok=0 got=$tmp/blob rc=0 gw listener hosts
    d rm -f "$name" >/dev/null 2>&1
    if ! d network create "$net" >/dev/null 2>"$tmp/err"; then
        d network rm "$net" >/dev/null 2>&1 # left by an interrupted run
        d network create "$net" >/dev/null 2>"$tmp/err" || { why="docker network create failed: $(tail -c 400 "$tmp/err")"; return 1; }
    fi
    if d run -d --name "$name" --runtime "$1" --network "$net" -p 127.0.0.1:18080:80 "$E2E_IMAGE" \
        /bin/busybox httpd -f -p 80 -h /www >"$tmp/out" 2>"$tmp/err"; then
        rm -f "$got"
        for _ in $(seq 60); do
            timeout 10 curl -sf -o "$got" http://127.0.0.1:18080/blob 2>/dev/null && break
            rm -f "$got"
            sleep 0.5
        done
        if [ ! -e "$got" ]; then
            why="no answer from 127.0.0.1:18080 within 30 s; logs: $(d logs "$name" 2>&1 | tail -c 300)"
            ok=1
        elif ! cmp -s "$got" "$E2E_WWW/blob"; then
            why="what httpd served ($(stat -c %s "$got") bytes) differs from /www/blob"
            ok=1
        fi
    else
        why="docker run -d failed: $(tail -c 400 "$tmp/err")"
        ok=1
    fi
    if [ $ok = 0 ]; then
        # The probe (netnone below): the VM listens on its address on the bridge (the network's
        # gateway), natively.
        gw=$(d network inspect -f '{{(index .IPAM.Config 0).Gateway}}' "$net" 2>&1)
        timeout 120 "$E2E_BUILD/apps/netns-check" listen 0.0.0.0 18081 60 >"$tmp/listener" 2>&1 &
        listener=$!
        rm -f "$tmp/cid"
        run_capture "$tmp/probe" "$tmp/err" d run --rm --cidfile "$tmp/cid" --hostname e2e-none \
            --runtime "$1" --network none "$E2E_IMAGE" \
            /netns-check lo-only "$gw:18081" 127.0.0.1:18081 127.0.0.1:80 || rc=$?
        netnone_done[$1]=1
        why=""
        expect "status" 0 "$rc" &&
            expect "output" "hostname: e2e-none
loopback: ok
connect $gw:18081: ENETUNREACH
connect 127.0.0.1:18081: ECONNREFUSED
connect 127.0.0.1:80: ECONNREFUSED" "$(cat "$tmp/probe")" &&
            expect "the VM's own connect to $gw:18081" "connect $gw:18081: ok" \
                "$("$E2E_BUILD/apps/netns-check" connect "$gw" 18081 2>&1)"
        netnone_why[$1]=$why
        kill "$listener" 2>/dev/null
        wait "$listener" 2>/dev/null
        why=""
        expect "the --network none probe's connect to 127.0.0.1:80 (the server's port)" \
            "connect 127.0.0.1:80: ECONNREFUSED" "$(grep '127.0.0.1:80:' "$tmp/probe")" || ok=1
        if [ $ok = 0 ] && [ "$1" = enclave-run ]; then
            # (no process substitution: the test VM has no /dev/fd)
            read -r -a hosts <<<"$(hosts_of "$(d inspect -f '{{.Id}}' "$name" 2>/dev/null)" "$(cat "$tmp/cid")" | tr '\n' ' ')"
            expect "the enclave host of the probe (that of the server)" "${hosts[0]:-}" "${hosts[1]:-}" || ok=1
            [ "${hosts[0]:-null}" != null ] || { why="enclave-run list does not show the server"; ok=1; }
            note="server and probe in enclave host ${hosts[0]:-}"
            netnone_note[$1]=$note
        fi
    fi
    d rm -f "$name" >/dev/null 2>&1
    d network rm "$net" >/dev/null 2>&1
    return $ok
}

# docker run --network none: the container has loopback only.  Its program (netns-check lo-only,
# run by the port case while its server runs) prints the container's /etc/hostname (docker's
# bind mount, packed into the domain's tree: the --hostname given), listens, connects and talks
# on 127.0.0.1, and fails to connect to the VM's address on port's bridge where the VM listens,
# to 127.0.0.1 at that port (its own loopback, not the VM's) and to 127.0.0.1:80 (not the
# server's either).  The VM's own connect to its listener then works, so the address was there.
case_netnone() {
    if [ -z "${netnone_done[$1]:-}" ]; then
        case_port "$1" >/dev/null
        [ -n "${netnone_done[$1]:-}" ] || { why="the port case did not get to the probe: $why"; return 1; }
    fi
    why=${netnone_why[$1]:-} note=${netnone_note[$1]:-}
    unset "netnone_done[$1]" # a rerun (the runc baseline) probes again
    [ -z "$why" ]
}

# vmm_pids: the processes of docker's runtime root holding a KVM VM (an anon_inode:kvm-vm
# descriptor), one per line as "PID host" (an enclave host) or "PID container" (anything else: a
# container process running a VM of its own).
vmm_pids() {
    # One find, not a readlink per descriptor: under emulation every fork costs milliseconds.
    # Only docker's: a process of its runtime root names E2E_OCI_ROOT on its command line (ctr's
    # host, in containerd's own root, may still be idling out from the ctr case).
    local p cmd
    for p in $(find /proc/[0-9]*/fd -lname anon_inode:kvm-vm 2>/dev/null | cut -d/ -f3 | sort -u); do
        cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)
        [[ $cmd == *"$E2E_OCI_ROOT"* ]] || continue
        if [[ $cmd == *" enclave-host "* ]]; then echo "$p host"; else echo "$p container"; fi
    done
}

# Five containers started together (docker start of all five): four victims that re-verify their
# memory before each of their 50 lines, and a hostile static PIE that reads 0x400000, where an EXEC
# neighbour's image lies when they share an enclave.  The hostile one dies of SIGSEGV (139) after
# its announcement and every victim exits 0 with its 50 well-formed lines and nothing on stderr.
# (The test VM has one CPU: victims that never end would starve the daemons, so they are bounded,
# and their overlap in time with the hostile one depends on the scheduling.)  Meanwhile the
# processes holding a KVM VM are sampled for one-host.
group_vmms=""
case_neighbours() {
    local n names=() ok=0 sampler code
    for n in 1 2 3 4; do names+=("e2e-neighbours-$1-$n"); done
    names+=("e2e-neighbours-$1-hostile")
    d rm -f "${names[@]}" >/dev/null 2>&1
    for n in 0 1 2 3; do
        d create --name "${names[n]}" --runtime "$1" "$E2E_IMAGE" /victim 50 >/dev/null 2>"$tmp/err" || ok=1
    done
    d create --name "${names[4]}" --runtime "$1" "$E2E_IMAGE" /hostile-read-other-pie exec >/dev/null 2>>"$tmp/err" || ok=1
    [ $ok = 0 ] || { why="docker create failed: $(tail -c 400 "$tmp/err")"; d rm -f "${names[@]}" >/dev/null 2>&1; return 1; }
    (while :; do vmm_pids; sleep 0.5; done) >"$tmp/vmms" &
    sampler=$!
    d start "${names[@]}" >/dev/null 2>"$tmp/err" || { why="docker start failed: $(tail -c 400 "$tmp/err")"; ok=1; }
    # Which enclave host has the five as members, asked at once: it ends its idle time after the
    # last of them (it keeps the ended ones in its status until then).
    local id ids=() list
    for n in 0 1 2 3 4; do id=$(d inspect -f '{{.Id}}' "${names[n]}" 2>/dev/null) && ids+=("$id"); done
    list=$("$E2E_ENCLAVE_RUN" list --root "$E2E_OCI_ROOT" --json 2>&1)
    group_list="ids ${ids[*]:0:1}.. $(head -c 700 <<<"$list")"
    group_hosts=$(for id in "${ids[@]}"; do
        jq -r --arg id "$id" '.enclaves[] | select(any(.domains[]?; .member == $id)) | .pid' <<<"$list"
    done | sort -u)
    for n in 0 1 2 3; do
        code=$(d wait "${names[n]}" 2>&1)
        d logs "${names[n]}" >"$tmp/vout" 2>"$tmp/verr"
        expect "${names[n]} exit code" 0 "$code" && expect "${names[n]} stderr" "" "$(cat "$tmp/verr")" &&
            expect "${names[n]} lines 'victim N CHECKSUM'" 50 "$(grep -c '^victim [0-9]* [0-9a-f]\{16\}$' "$tmp/vout")" || ok=1
    done
    code=$(d wait "${names[4]}" 2>&1)
    d logs "${names[4]}" >"$tmp/out" 2>/dev/null
    expect "hostile exit code (SIGSEGV)" 139 "$code" &&
        expect "hostile's last line" "hostile-read-other: reading exec at 0x400000" "$(tail -n 1 "$tmp/out")" || ok=1
    kill $sampler 2>/dev/null
    wait $sampler 2>/dev/null
    group_vmms=$(sort -u "$tmp/vmms")
    d rm -f "${names[@]}" >/dev/null 2>&1
    return $ok
}

# The five containers of neighbours ran in one enclave host: `enclave-run list` names one host
# holding all five as members, that host was seen holding the VM while they ran, and no container
# process held a VM of its own.  (Another host of docker's root may be seen too: the one the
# earlier cases used can still be ending, its idle time out, when the five's creates spawn theirs.)
group_hosts=""
case_one-host() {
    [ -n "$group_vmms" ] || case_neighbours "$1" >/dev/null || true
    local count
    count=$(echo "$group_hosts" | sed '/^$/d' | wc -l)
    expect "enclave hosts holding the five (enclave-run list)" 1 "$count" || {
        why="$why; list: $group_list"
        return 1
    }
    expect "the five's host seen holding a KVM VM" 1 "$(grep -c "^$group_hosts host$" <<<"$group_vmms")" || return 1
    expect "container processes seen holding a KVM VM of their own" 0 "$(grep -c ' container$' <<<"$group_vmms")" || {
        why="$why; sampled: $(tr '\n' ',' <<<"$group_vmms")"
        return 1
    }
}

# The host of the default group, as `enclave-run list --json` shows it: "PID ADDED" (or nothing).
default_host() {
    "$E2E_ENCLAVE_RUN" list --root "$E2E_OCI_ROOT" --json 2>/dev/null |
        jq -r '.enclaves[] | select(.group == "default" and .state == "accepting") | "\(.pid) \(.added)"' | head -n 1
}

# Five containers run at once and exit; a sixth, started once all five have exited, joins the same
# enclave host (within its idle time, ENCLAVE_RUN_OCI_IDLE): `enclave-run list --json` shows one
# host whose domains include all six containers (member = the container id), each with its
# measurement-log digest, and six more domains added than before the case.
case_sixth() {
    local names=() ids=() runs=() n ok=0 before after code l host id missing=()
    for n in 1 2 3 4 5 6; do names+=("e2e-sixth-$1-$n"); done
    d rm -f "${names[@]}" >/dev/null 2>&1
    before=$(default_host)
    # All five at once: their creates race to spawn and join one host.
    for n in 0 1 2 3 4; do
        d run -d --name "${names[n]}" --runtime "$1" "$E2E_IMAGE" /hello >/dev/null 2>"$tmp/err-$n" &
        runs+=($!)
    done
    for n in 0 1 2 3 4; do
        wait "${runs[n]}" ||
            { why="docker run -d ${names[n]} failed: $(tail -c 400 "$tmp/err-$n")"; ok=1; }
    done
    for n in 0 1 2 3 4; do
        code=$(d wait "${names[n]}" 2>&1)
        expect "${names[n]} exit code" 0 "$code" || ok=1
    done
    [ $ok = 0 ] && { d run --name "${names[5]}" --runtime "$1" "$E2E_IMAGE" /hello >"$tmp/out" 2>"$tmp/err" ||
        { why="the sixth docker run failed: $(tail -c 400 "$tmp/err")"; ok=1; }; }
    [ $ok = 0 ] && expect "the sixth's stdout" "$hello" "$(cat "$tmp/out")" || ok=1
    for n in 0 1 2 3 4 5; do ids+=("$(d inspect -f '{{.Id}}' "${names[n]}" 2>/dev/null)"); done
    if [ $ok = 0 ]; then
        "$E2E_ENCLAVE_RUN" list --root "$E2E_OCI_ROOT" --json >"$tmp/list" 2>"$tmp/err" ||
            { why="enclave-run list failed: $(tail -c 400 "$tmp/err")"; ok=1; }
    fi
    if [ $ok = 0 ]; then
        # The host holding the sixth: every one of the six must be its domain, with a digest.
        host=$(jq -r --arg id "${ids[5]}" '.enclaves[] | select(any(.domains[]?; .member == $id)) | .pid' "$tmp/list")
        [ -n "$host" ] || { why="no enclave host lists the sixth container"; ok=1; }
    fi
    if [ $ok = 0 ]; then
        for id in "${ids[@]}"; do
            l=$(jq -r --arg id "$id" --argjson pid "$host" \
                '.enclaves[] | select(.pid == $pid) | .domains[] | select(.member == $id) | .digest' "$tmp/list")
            [ -n "$l" ] && [ "$l" != null ] || missing+=("${id:0:12}")
        done
        [ ${#missing[@]} = 0 ] || { why="host $host lacks (a digest for) ${#missing[@]} of the six: ${missing[*]}; list: $(head -c 600 "$tmp/list")"; ok=1; }
        after=$(jq -r --argjson pid "$host" '.enclaves[] | select(.pid == $pid) | .added' "$tmp/list")
        if [ -n "$before" ] && [ "${before% *}" = "$host" ]; then
            expect "domains added to host $host during the case" 6 $((after - ${before#* })) || ok=1
        fi
        note="host $host, $after domains added over its life"
    fi
    d rm -f "${names[@]}" >/dev/null 2>&1
    return $ok
}

# After the cases before it: no process of the runtime is left (its binary as /proc/PID/exe), and
# the state folders it was given (--root; docker gives every runtime the same one) hold nothing.
# enclave-run's shared hosts end ENCLAVE_RUN_OCI_IDLE seconds after their last member left: they
# are waited for that long and 30 s more (emulated slack).
case_leftovers() {
    local exe p left=() dir waited=0 limit=0
    if [ "$1" = runc ]; then exe=$(readlink -f "$(command -v runc)"); else exe=$(readlink -f "$E2E_OCI"); fi
    [ "$1" = runc ] || limit=$(( ${ENCLAVE_RUN_OCI_IDLE%.*} + 30 ))
    while :; do
        left=() why=""
        for p in $(find /proc/[0-9]*/exe -maxdepth 0 -lname "$exe" 2>/dev/null | cut -d/ -f3); do
            left+=("$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)")
        done
        [ ${#left[@]} = 0 ] || why="processes of $exe left: ${left[*]}"
        for dir in "$E2E_STATE/docker/exec/runtime-runc/moby" "/run/containerd/runc/$E2E_CTR_NS"; do
            [ -n "$why" ] || [ -z "$(ls -A "$dir" 2>/dev/null)" ] || why="$dir not empty: $(ls -A "$dir" | head -5 | tr '\n' ' ')"
        done
        [ -n "$why" ] || break
        [ $waited -lt $limit ] || return 1
        sleep 1
        waited=$((waited + 1))
    done
    [ $waited = 0 ] || note="waited $waited s for the idle enclave host to end"
}

pass=0 fail=0 xfails=0 xpass=0
failed=()
# docker events, for the diagnosis of a failed case (printed for its containers).
"$docker" events --format '{{.Time}} {{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}' \
    >"$tmp/events" 2>&1 &
events_pid=$!
trap 'kill $events_pid 2>/dev/null' EXIT
for c in $cases; do
    declare -F "case_$c" >/dev/null || { echo "run-cases: unknown case $c (known: $all_cases)" >&2; exit 2; }
    for r in $runtimes; do
        [ "$r" = runc ] && [[ $enclave_only == *" $c "* ]] && continue
        why="" note="" t=$SECONDS
        if "case_$c" "$r"; then res=PASS; else res=FAIL; fi
        known=${xfail[$r/$c]:-}
        if [ -n "$known" ]; then
            [ $res = PASS ] && res=XPASS || res=XFAIL
        fi
        case $res in
        PASS) pass=$((pass + 1)); echo "PASS  $r $c ($((SECONDS - t)) s${note:+; $note})" ;;
        XFAIL) xfails=$((xfails + 1)); echo "XFAIL $r $c: $known (this run: $why)" ;;
        XPASS) xpass=$((xpass + 1)); echo "XPASS $r $c: passed, but listed as known to fail ($known)" ;;
        FAIL) fail=$((fail + 1)); failed+=("$r/$c"); echo "FAIL  $r $c: ${why:-failed}" ;;
        esac
        if [ $res = FAIL ] && [ -s "$tmp/err" ]; then
            echo "      its stderr: $(tail -c 600 "$tmp/err" | tr '\n' ' ')"
        fi
        if [ $res = FAIL ]; then
            grep -F -- "-$c-$r" "$tmp/events" | tail -n 12 | sed 's/^/      docker event: /'
        fi
        if [ $res = FAIL ] && [ $baseline = 1 ] && [ "$r" != runc ] && [[ $enclave_only != *" $c "* ]]; then
            why=""
            if "case_$c" runc; then echo "      runc baseline: PASS"; else echo "      runc baseline: FAIL: $why"; fi
        fi
    done
done
echo "e2e: $pass passed, $fail failed, $xfails known failures, $xpass unexpected passes (runtimes: $runtimes)"
if [ $fail -gt 0 ]; then
    echo "--- failed: ${failed[*]}; tails of the daemons' logs (the shim logs into containerd's):"
    tail -n 25 "$E2E_STATE/containerd.log" | sed 's/^/containerd: /'
    tail -n 15 "$E2E_STATE/dockerd.log" | sed 's/^/dockerd: /'
    exit 1
fi
[ $strict = 1 ] && [ $xpass -gt 0 ] && exit 1
exit 0
