#!/usr/bin/env bash
# The compatibility suite: real third-party static programs from Debian (busybox-static,
# bash-static, zsh-static, sash, and Go programs built with Debian's golang-go) run natively and
# inside the enclave; each case passes when stdout and the exit status are the same.
#
#   tests/compat/run.sh [--build DIR] [--cache DIR] [--min N] [--timeout S] [--memory SIZE]
#                       [--require GLOB]... [--markdown FILE] [CASE...]
#
# --build     the build tree whose launcher/enclave-run runs the cases (default build/, or
#             $ER_BUILD_DIR); the suite works in DIR/compat (tree, outputs, results.tsv)
# --cache     where the downloaded packages and the Go toolchain stay between runs (default
#             $ER_COMPAT_CACHE, else ~/.cache/enclave-run-compat); never committed
# --min       exit non-zero when fewer than N cases pass (default: all of those run)
# --require   cases whose id matches GLOB (a shell pattern, e.g. 'go-*') must all pass, whatever
#             --min says; may be given more than once
# --timeout   seconds per case, natively and in the enclave (default 30; 124 when it runs out)
# --memory    the enclave's --memory per case (default 256M)
# --markdown  also write the results as a Markdown table (docs/compat.md's)
# CASE        run only these case ids (tests/compat/cases.txt); default all
# One line per case (PASS, or FAIL with why and the first syscall the guest did not serve), then
# "compat: N/M passed".  The enclave runs happen in one test VM boot (tests/vm/with-kvm.sh).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${ER_BUILD_DIR:-$top/build}
cache=${ER_COMPAT_CACHE:-$HOME/.cache/enclave-run-compat}
min='' timeout=30 memory=256M markdown='' required=()
die() { echo "compat: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --cache) cache=$2; shift 2 ;;
    --min) min=$2; shift 2 ;;
    --require) required+=("$2"); shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    --memory) memory=$2; shift 2 ;;
    --markdown) markdown=$2; shift 2 ;;
    -h | --help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
    esac
done
build=$(cd "$build" && pwd) || die "no build tree $build"
enclave_run=$build/launcher/enclave-run
[ -x "$enclave_run" ] || die "$enclave_run is missing: ninja -C $build enclave-run"
cases=$here/cases.txt

mapfile -t all_ids < <(awk '!/^[[:space:]]*(#|$)/ { print $1 }' "$cases")
ids=("$@")
[ ${#ids[@]} -gt 0 ] || ids=("${all_ids[@]}")
# A lookup table, not `printf | grep -q`: under pipefail grep's early exit can leave printf a
# broken pipe, and a case that exists was reported missing.
declare -A known=()
for id in "${all_ids[@]}"; do known[$id]=1; done
for id in "${ids[@]}"; do
    [ -n "${known[$id]:-}" ] || die "no case '$id' in $cases"
done
[ -n "$min" ] || min=${#ids[@]}

work=$build/compat
rm -rf "$work/native-tree" "$work/native" "$work/enclave"
mkdir -p "$work"
"$here/fetch.sh" "$cache" "$work/tree"
cp -a "$work/tree" "$work/native-tree"

echo "compat: ${#ids[@]} cases natively" >&2
"$here/runner.sh" native "$work/native-tree" "$work/native" "$cases" "$timeout" "$memory" \
    "$enclave_run" "$work/tree" "${@}" 2>"$work/native.log"
echo "compat: ${#ids[@]} cases in the enclave" >&2
vm_timeout=$((${#ids[@]} * (timeout + 15) + 60))
# Progress lines go to the terminal and to enclave.log (the guest's messages are in each ID.err).
(cd "$top" && tests/vm/with-kvm.sh --timeout "$vm_timeout" --share "$work" -- \
    "$here/runner.sh" enclave "$work/tree" "$work/enclave" "$cases" "$timeout" "$memory" \
    "$enclave_run" "$work/tree" "${@}") 2>&1 | tee "$work/enclave.log" >&2 ||
    echo "compat: the enclave runs ended with status ${PIPESTATUS[0]} (see $work/enclave.log)" >&2

# why ID: empty when the case passes, else a short reason.
why() {
    local id=$1 n=$work/native/$1 e=$work/enclave/$1 rn re
    [ -f "$e.rc" ] || { echo "not run in the enclave"; return; }
    rn=$(cat "$n.rc") re=$(cat "$e.rc")
    local r=()
    [ "$rn" = 124 ] && r+=("native run timed out: fix the case")
    [ "$re" = 124 ] && r+=("timed out after ${timeout}s")
    [ "$rn" = "$re" ] || [ "$re" = 124 ] || r+=("exit $re, native $rn")
    if ! cmp -s "$n.out" "$e.out"; then
        local line
        line=$(cmp "$n.out" "$e.out" 2>&1 | grep -o 'line [0-9]*' | head -n1 | tr -dc 0-9)
        line=${line:-1}
        r+=("stdout line $line: \"$(sed -n "${line}p" "$e.out" | cut -c1-30)\" not \"$(sed -n "${line}p" "$n.out" | cut -c1-30)\"")
    fi
    local killed
    killed=$(grep -o -m1 'killed by SIG[A-Z]*' "$e.err" || true)
    [ -z "$killed" ] || r+=("$killed")
    local all='' x
    for x in "${r[@]}"; do all+="${all:+; }$x"; done
    echo "$all"
}
# enosys ID: the syscalls the guest answered with ENOSYS (it logs each once), in call order.
enosys() {
    { grep -o 'unsupported syscall [0-9]* ([a-z0-9_]*)' "$work/enclave/$1.err" 2>/dev/null || true; } |
        sed 's/.*(\(.*\))/\1/' | paste -sd, -
}
# app_err ID: the app's first stderr line in the enclave (not the launcher's or the guest's).
app_err() {
    { grep -v -m1 '^enclave-run: ' "$work/enclave/$1.err" 2>/dev/null || true; } |
        sed "s|$work/tree/bin/||" | cut -c1-80
}

# is_required ID: whether a --require pattern names the case.
is_required() {
    local g
    for g in "${required[@]}"; do
        # shellcheck disable=SC2053 # $g is a pattern on purpose
        [[ $1 == $g ]] && return 0
    done
    return 1
}

pass=0 required_failed=0
: >"$work/results.tsv"
for id in "${ids[@]}"; do
    reason=$(why "$id")
    sys=$(enosys "$id")
    if [ -z "$reason" ]; then
        pass=$((pass + 1))
        printf 'PASS  %s\n' "$id"
    else
        if is_required "$id"; then required_failed=$((required_failed + 1)); fi
        printf 'FAIL  %-16s %s%s\n' "$id" "$reason" "${sys:+ [ENOSYS: $sys]}"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$(cat "$work/native/$id.rc")" \
        "$(cat "$work/enclave/$id.rc" 2>/dev/null || echo -)" "${reason:-PASS}" "$sys" \
        "$(app_err "$id")" >>"$work/results.tsv"
done
echo "compat: $pass/${#ids[@]} passed${required[*]:+ (required: ${required[*]}; $required_failed of them failed)}"

if [ -n "$markdown" ]; then
    {
        echo "| case | command | native exit | enclave exit | result | ENOSYS answered to | the app's first stderr line in the enclave |"
        echo "|---|---|---|---|---|---|---|"
        while IFS=$'\t' read -r id rn re res sys err; do
            cmd=$(sed -n "s/^${id}[[:space:]]\{1,\}//p" "$cases")
            [ "$res" = PASS ] || res="FAIL: $res"
            # shellcheck disable=SC2016 # the backquotes are Markdown's
            printf '| %s | `` %s `` | %s | %s | %s | %s | %s |\n' "$id" "${cmd//|/\\|}" "$rn" \
                "$re" "${res//|/\\|}" "${sys//,/, }" "${err//|/\\|}"
        done <"$work/results.tsv"
    } >"$markdown"
fi
[ "$pass" -ge "$min" ] && [ "$required_failed" = 0 ]
