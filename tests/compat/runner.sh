#!/usr/bin/env bash
# Runs compatibility cases one way and records what each did: OUT/ID.out (stdout), ID.err
# (stderr), ID.rc (exit status).  run.sh calls it twice with the same cases and tree: once
# natively on this machine, once inside the enclave (in the test VM, one boot for all cases).
#
#   runner.sh native|enclave TREE OUT CASES TIMEOUT MEMORY ENCLAVE_RUN APP_TREE [ID...]
#
# enclave: `enclave-run run --root TREE APP_TREE/bin/PROG -- ARGS` (cwd /, the tree as /).
# native:  /bin/PROG as a plain process chrooted into TREE, a private copy of the enclave's
#          tree (so / is the tree, /tmp the tree's own empty tmp, cwd /, the host's /dev/null
#          and friends bound into /dev), as pid 1 of a new pid namespace: what a container's
#          first process sees.
# argv[0] is APP_TREE/bin/PROG in both: the launcher reads the app from that host path and
# passes it as written, so the native run is given the same string (an absolute one: glibc's
# static start-up asserts that readlink("/proc/self/exe") is absolute, and the guest answers
# argv[0]).
# Both: environment PATH=/bin HOME=/ only, stdin at end of file (/dev/null; the enclave's
# stdin is always at EOF), TIMEOUT seconds per case (status 124 when it runs out), so a hang
# fails its case only.  CASES is run.sh's case list; only the IDs given run (all without any).
set -uo pipefail

mode=$1 tree=$2 out=$3 cases=$4 timeout=$5 memory=$6 enclave_run=$7 app_tree=$8
shift 8
env_vars=(PATH=/bin HOME=/)
timeout_bin=$(command -v timeout)
mkdir -p "$out"

# Natively a case runs in a pid namespace of its own, as the first process of a container does
# and as a domain's app does (pid 1: sash, for one, refuses `exit` as init), and in a chroot;
# as root plainly, elsewhere in an unprivileged user namespace (unshare -r).
ns=(unshare --pid --fork --kill-child)
if [ "$(id -u)" != 0 ]; then ns+=(--map-root-user); fi
# A /proc of that pid namespace in the tree (in a mount namespace of its own), as every domain
# has one: ps, free and /proc/self read the same kind of machine both ways.
# And a /dev with the host's null, zero, full, random and urandom bound in (as docker's
# devtmpfs), as every domain has them (unikernel/dev/).
devices=(null zero full random urandom)
if [ "$mode" = native ]; then
    mkdir -p "$tree/proc" "$tree/dev"
    for d in "${devices[@]}"; do touch "$tree/dev/$d"; done
    ns+=(--mount-proc="$tree/proc")
fi

# chroot TREE, cd /, exec PROG with ARGV0 ARGS... and only env_vars (chroot(8) cannot set argv[0]).
native_exec='import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for d in os.environ["ER_COMPAT_DEVICES"].split():
    dst = os.path.join(sys.argv[1], "dev", d)
    if libc.mount(("/dev/" + d).encode(), dst.encode(), None, 4096, None) != 0:  # MS_BIND
        raise OSError(ctypes.get_errno(), "bind mount", dst)
os.chroot(sys.argv[1])
os.chdir("/")
env = dict(kv.split("=", 1) for kv in os.environ["ER_COMPAT_ENV"].split("\n"))
os.execve(sys.argv[2], sys.argv[3:], env)'
ER_COMPAT_ENV=$(printf '%s\n' "${env_vars[@]}")
ER_COMPAT_DEVICES=${devices[*]}
export ER_COMPAT_ENV ER_COMPAT_DEVICES

selected() {
    [ $# -eq 0 ] && return 0
    local want
    for want in "$@"; do [ "$want" = "$CASE_ID" ] && return 0; done
    return 1
}

run_case() { # PROG ARGS...
    local prog=$1
    shift
    if [ "$mode" = native ]; then
        # A fresh, empty /tmp for every case, as each enclave run gets.
        find "$tree/tmp" -mindepth 1 -delete
        "$timeout_bin" -k 2 "$timeout" "${ns[@]}" python3 -c "$native_exec" "$tree" \
            "/bin/$prog" "$app_tree/bin/$prog" "$@"
    else
        local e=() v
        for v in "${env_vars[@]}"; do e+=(-e "$v"); done
        # enclave-run's own --timeout ends a hung guest with 124; the outer timeout only
        # guards against a launcher that does not come back.
        (cd "$tree" && "$timeout_bin" -k 5 $((timeout + 60)) "$enclave_run" run \
            --timeout "$timeout" --memory "$memory" --root . "${e[@]}" "$app_tree/bin/$prog" \
            -- "$@")
    fi
}

n=0
while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    read -r CASE_ID prog rest <<<"$line"
    selected "$@" || continue
    # The arguments are shell words with quotes but without expansion ($, `, globs stay as
    # written): xargs splits them the way a shell's quoting would.
    args=()
    if [ -n "${rest:-}" ]; then
        # (Through a file: the test VM has no /dev/fd for a process substitution.)
        printf '%s\n' "$rest" | xargs -r printf '%s\0' >"$out/.args"
        mapfile -d '' args <"$out/.args"
    fi
    start=$(date +%s%N)
    run_case "$prog" "${args[@]}" </dev/null >"$out/$CASE_ID.out" 2>"$out/$CASE_ID.err"
    echo $? >"$out/$CASE_ID.rc"
    echo $((($(date +%s%N) - start) / 1000000)) >"$out/$CASE_ID.ms"
    n=$((n + 1))
    echo "runner: $mode $CASE_ID exit $(cat "$out/$CASE_ID.rc") ($(cat "$out/$CASE_ID.ms") ms)" >&2
done <"$cases"
echo "runner: $mode: $n cases run" >&2
