#!/usr/bin/env bash
# enclave-attest on evidence from the software PSP (TEST DOUBLE, simulated, not hardware):
# trusted only with --trust-root, and then every verdict says SIMULATED; refused without it.
# Usage: sim_cli_test.sh ENCLAVE_ATTEST MAKE_SIM_EVIDENCE IDENTITY_DIR WORK_DIR
set -u
ATTEST=$1 MAKE=$2 ID=$3 W=$4
failures=0
rm -rf "$W" && mkdir -p "$W"
"$MAKE" "$ID" "$W" || { echo "FAIL: $MAKE"; exit 1; }
ARK=$(cat "$W/ark_path.txt") M=$(cat "$W/measurement.txt") N=$(cat "$W/nonce.txt")

expect() {  # expect STATUS PATTERN -- command...
    local want=$1 pattern=$2
    shift 3
    local out rc
    out=$(timeout 20 "$@" 2>&1)
    rc=$?
    if [[ $rc -ne $want ]] || ! grep -qF -- "$pattern" <<<"$out"; then
        echo "FAIL: $* -> exit $rc (want $want), pattern '$pattern'"
        echo "$out" | sed 's/^/    /' | head -20
        failures=$((failures + 1))
    else
        echo "ok: exit $rc '$pattern': ${*:2}"
    fi
}

expect 0 "TRUSTED (SIMULATED" -- "$ATTEST" verify --evidence "$W/evidence.cbor" --trust-root "$ARK" --measurement "$M" --nonce "$N"
expect 0 '"simulated": true' -- "$ATTEST" verify --json --evidence "$W/evidence.cbor" --trust-root "$ARK" --measurement "$M" --nonce "$N"
expect 0 "TRUSTED (SIMULATED" -- "$ATTEST" verify --report "$W/report.bin" --certs "$W/vcek.der" --certs "$W/ask.der" --trust-root "$ARK" --measurement "$M"
expect 1 "NOT TRUSTED (SIMULATED" -- "$ATTEST" verify --evidence "$W/evidence.cbor" --trust-root "$ARK" --nonce 00112233445566778899
expect 0 "chain OK (SIMULATED" -- "$ATTEST" certs --certs "$W/vcek.der" --certs "$W/ask.der" --trust-root "$ARK"
# A SIMULATED root pinned through --roots-dir is still called so.
mkdir -p "$W/roots" && cp "$(dirname "$ARK")/ark.pem" "$(dirname "$ARK")/ask.pem" "$W/roots/"
expect 0 "TRUSTED (SIMULATED" -- "$ATTEST" verify --evidence "$W/evidence.cbor" --roots-dir "$W/roots" --measurement "$M" --nonce "$N"
# Without the flag: refused as any other untrusted root, and SIMULATED is not claimed.
expect 1 chain_untrusted_root -- "$ATTEST" verify --evidence "$W/evidence.cbor" --measurement "$M" --nonce "$N"
expect 1 '"simulated": false' -- "$ATTEST" verify --json --evidence "$W/evidence.cbor"
expect 1 chain_issuer_mismatch -- "$ATTEST" verify --report "$W/report.bin" --certs "$W/vcek.der" --certs "$W/ask.der"
# A trust root that is not an ARK is unusable input.
expect 2 "holds no ARK" -- "$ATTEST" verify --evidence "$W/evidence.cbor" --trust-root "$W/vcek.der"

echo "$failures failure(s)"
[[ $failures -eq 0 ]]
