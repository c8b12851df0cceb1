#!/usr/bin/env bash
# CLI test for enclave-attest: runs the built binary on the real vectors, tampered copies
# and test-double evidence; checks the exit status and the named reason in the output.
# Usage: cli_test.sh ENCLAVE_ATTEST MAKE_TEST_EVIDENCE DATA_DIR WORK_DIR
set -u
ATTEST=$1 MAKE_EVIDENCE=$2 D=$3 W=$4
AT=2025-07-01
failures=0
rm -rf "$W" && mkdir -p "$W"

# expect STATUS PATTERN -- command...: STATUS is the exit code, PATTERN must appear in output.
expect() {
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

# expect_absent STATUS PATTERN -- command...: STATUS is the exit code, PATTERN must NOT appear.
expect_absent() {
    local want=$1 pattern=$2
    shift 3
    local out rc
    out=$(timeout 20 "$@" 2>&1)
    rc=$?
    if [[ $rc -ne $want ]] || grep -qF -- "$pattern" <<<"$out"; then
        echo "FAIL: $* -> exit $rc (want $want), pattern '$pattern' must be absent"
        echo "$out" | sed 's/^/    /' | head -20
        failures=$((failures + 1))
    else
        echo "ok: exit $rc, no '$pattern': ${*:2}"
    fi
}

# Genuine vectors verify (the go-sev-guest guest runs with debug on, the AWS VLEK report at VMPL 1).
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/vcek_milan.der" --certs "$D/virtee-sev/cert_chain_milan" --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/go-sev-guest/attestation.bin" --certs "$D/go-sev-guest/vcek.testcer" --allow-debug --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/trustee/test-vlek-report.bin" --certs "$D/trustee/test-vlek.der" --vmpl 1 --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/trustee/e2e-genoa-siena-report-reconstructed.bin" --certs "$D/trustee/e2e-genoa-siena-vcek.der" --at $AT
expect 0 '"trusted": true' -- "$ATTEST" verify --json --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT

# Default policy forbids debug; wrong expectations are named.
expect 1 policy_debug -- "$ATTEST" verify --report "$D/go-sev-guest/attestation.bin" --certs "$D/go-sev-guest/vcek.testcer" --at $AT
expect 1 policy_measurement -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT --measurement "$(printf '00%.0s' {1..48})"
expect 1 policy_min_tcb -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT --min-tcb snp=9
echo '{"report_data": "ff"}' >"$W/policy.json"
expect 1 policy_report_data -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT --policy "$W/policy.json"
echo '{"alow_debug": true}' >"$W/typo.json"
expect 2 "unknown key 'alow_debug'" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --policy "$W/typo.json"

# Tampered copies: a flipped signed bit, a truncated report, a swapped chain, an expired window.
python3 - "$D/trustee/test-report.bin" "$W" <<'PY'
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
flipped = bytearray(data); flipped[0x90] ^= 0x01          # one bit of MEASUREMENT
open(sys.argv[2] + '/flipped.bin', 'wb').write(flipped)
open(sys.argv[2] + '/truncated.bin', 'wb').write(data[:1000])
v9 = bytearray(data); v9[0] = 9
open(sys.argv[2] + '/v9.bin', 'wb').write(v9)
open(sys.argv[2] + '/garbage.cbor', 'wb').write(b'\xa3\x0a\x41')
# Azure HCL report: 32-byte header, the SNP report, IGVM request data (report_type 2 = SNP).
hcl = bytearray(2600); hcl[0:4] = b'HCLA'; hcl[32:32 + 1184] = data; hcl[32 + 1184 + 8] = 2
open(sys.argv[2] + '/hcl.bin', 'wb').write(hcl)
open(sys.argv[2] + '/measurement.hex', 'w').write(data[0x90:0xC0].hex())
PY
expect 1 report_signature -- "$ATTEST" verify --report "$W/flipped.bin" --certs "$D/trustee/test-vcek.der" --at $AT
# Once the signature failed, no report field is shown as ok (they are unauthenticated).
expect_absent 1 "ok    signing_key" -- "$ATTEST" verify --report "$W/flipped.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect_absent 1 "ok    vmpl" -- "$ATTEST" verify --report "$W/flipped.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 1 "report's fields are unauthenticated" -- "$ATTEST" verify --report "$W/flipped.bin" --certs "$D/trustee/test-vcek.der" --at $AT
# An Azure HCL report (2600 bytes) gets a hint where its SNP report sits, and the hint works.
expect 1 "skip=32 count=1184" -- "$ATTEST" verify --report "$W/hcl.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 2 "Azure HCL report" -- "$ATTEST" show "$W/hcl.bin"
dd if="$W/hcl.bin" of="$W/hcl-inner.bin" bs=1 skip=32 count=1184 status=none
expect 0 TRUSTED -- "$ATTEST" verify --report "$W/hcl-inner.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 1 report_truncated -- "$ATTEST" verify --report "$W/truncated.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 1 report_unknown_version -- "$ATTEST" verify --report "$W/v9.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect 2 report_truncated -- "$ATTEST" show "$W/truncated.bin"
expect 1 chain_untrusted_root -- "$ATTEST" verify --report "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/vcek_milan.der" --certs "$D/amd-ca/ask_ark_genoa.pem" --at $AT
expect 1 product_mismatch -- "$ATTEST" verify --report "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/vcek_milan.der" --product genoa --at $AT
# Validity failures print the window and the time checked.
expect 1 "chain_expired: VLEK 'SEV-VLEK' has expired: valid from 2024-12-10T22:14:21Z to 2025-12-10T22:14:21Z, checked at 2026-01-01T00:00:00Z" -- "$ATTEST" verify --report "$D/trustee/test-vlek-report.bin" --certs "$D/trustee/test-vlek.der" --vmpl 1 --at 2026-01-01
expect 1 "chain_not_yet_valid: VCEK 'SEV-VCEK' is not yet valid: valid from 2023-01-24T17:58:26Z" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at 2023-01-01
expect 1 "chain_not_yet_valid: ARK 'ARK-Milan'" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at 2020-01-01
# Check order: a forged VCEK is named as such even where every date is also wrong.
expect 1 chain_signature -- "$ATTEST" certs --certs "$D/trustee/test-vcek-invalid-new.der" --product milan --at 2020-01-01
expect 1 tcb_mismatch -- "$ATTEST" verify --report "$D/go-sev-guest/attestation.bin" --certs "$D/virtee-sev/vcek_milan.der" --allow-debug --at $AT
expect 1 chain_signature -- "$ATTEST" certs --certs "$D/trustee/test-vcek-invalid-new.der" --product milan --at $AT
expect 2 cert_malformed -- "$ATTEST" certs --certs "$W/truncated.bin"
expect 2 "io_error: cannot open" -- "$ATTEST" verify --report "$W/missing.bin" --certs "$D/trustee/test-vcek.der"

# Usage errors are named as such (exit 2, like any unusable input).
expect 2 "usage_error: give exactly one of --evidence FILE or --report FILE" -- "$ATTEST" verify --certs "$D/trustee/test-vcek.der"
expect 2 "usage_error: The following argument was not expected: --bogus" -- "$ATTEST" verify --bogus
expect 2 "usage_error: cannot read time 'yesterday'" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at yesterday
expect 2 "usage_error: unknown product 'venice'" -- "$ATTEST" show "$D/trustee/test-report.bin" --product venice
expect 2 "usage_error:" -- "$ATTEST"
expect 0 "Usage:" -- "$ATTEST" --help

# Without a pinned measurement, a trusted verdict warns that any genuine guest would pass.
expect 0 "WARN  no measurement pinned" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT
expect_absent 0 "WARN" -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs "$D/trustee/test-vcek.der" --at $AT --measurement "$(cat "$W/measurement.hex")"

# certs and show.
mkdir -p "$W/certdir" && cp "$D/trustee/test-vcek.der" "$D/amd-ca/ask_ark_milan.pem" "$D/amd-ca/README.txt" "$W/certdir/"
expect 0 "chain OK: ARK-Milan -> SEV-Milan -> SEV-VCEK" -- "$ATTEST" certs --certs-dir "$W/certdir" --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$D/trustee/test-report.bin" --certs-dir "$W/certdir" --at $AT
expect 0 "chain OK: ARK-Turin -> SEV-Turin -> SEV-VCEK" -- "$ATTEST" certs --certs "$D/virtee-sev/vcek_turin.der" --at $AT
expect 0 "https://kdsintf.amd.com/vlek/v1/Milan/cert_chain" -- "$ATTEST" certs --certs "$D/trustee/test-vlek.der" --at $AT
expect 0 "kdsintf.amd.com/vcek/v1/Genoa/371c55d6" -- "$ATTEST" show "$D/trustee/e2e-genoa-siena-report-reconstructed.bin"
expect 0 '"version": 2' -- "$ATTEST" show --json "$D/virtee-sev/report_milan.hex"
# A v2 report has no CPUID: its certificates name the product (TCB layout, KDS URL).
expect 0 "product: unknown" -- "$ATTEST" show "$D/virtee-sev/report_milan.hex"
expect 0 "product: Milan" -- "$ATTEST" show "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/vcek_milan.der"
expect 0 "kdsintf.amd.com/vcek/v1/Milan/d49554ec" -- "$ATTEST" show "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/vcek_milan.der"
expect 0 '"product_source": "certificates (not verified)"' -- "$ATTEST" show --json "$D/virtee-sev/report_milan.hex" --certs "$D/virtee-sev/cert_chain_milan"

# Evidence bundles (TEST DOUBLE chain, pinned through --roots-dir).
NONCE=$("$MAKE_EVIDENCE" "$W/ev") || { echo "FAIL: evidence generator"; exit 1; }
expect 0 TRUSTED -- "$ATTEST" verify --evidence "$W/ev/evidence.cbor" --roots-dir "$W/ev/roots" --nonce "$NONCE" --at $AT
expect 0 "log_binding" -- "$ATTEST" verify --evidence "$W/ev/evidence.cbor" --roots-dir "$W/ev/roots" --at $AT
expect 0 TRUSTED -- "$ATTEST" verify --report "$W/ev/report.bin" --certs "$W/ev/vcek.der" --roots-dir "$W/ev/roots" --at $AT
expect 1 evidence_nonce -- "$ATTEST" verify --evidence "$W/ev/evidence.cbor" --roots-dir "$W/ev/roots" --nonce 0000000000000000 --at $AT
expect 1 evidence_log_binding -- "$ATTEST" verify --evidence "$W/ev/evidence-tampered-log.cbor" --roots-dir "$W/ev/roots" --at $AT
expect 1 evidence_not_hardware_backed -- "$ATTEST" verify --evidence "$W/ev/evidence-plain-kvm.cbor" --roots-dir "$W/ev/roots" --allow-debug --any-vmpl --at $AT
# Test-double evidence must not pass with the genuine AMD roots.
expect 1 chain_issuer_mismatch -- "$ATTEST" verify --evidence "$W/ev/evidence.cbor" --at $AT
expect 1 evidence_malformed -- "$ATTEST" verify --evidence "$W/garbage.cbor"
expect 0 "hardware_backed: NO" -- "$ATTEST" show "$W/ev/evidence-plain-kvm.cbor"
expect 0 '"name": "web"' -- "$ATTEST" show --json "$W/ev/evidence.cbor"

# measure: the SNP launch digest of a page list (docs/attestation.md "Launch digests").
# The firmware-only digest of sev-snp-measure's AmdSev OVMF fixture, then a list refused by line.
printf '# OVMF suffix, mapped to end at 4 GiB\n0xFFFFF000 normal %s\n' "$D/sev-snp-measure/ovmf_AmdSev_suffix.bin" >"$W/ovmf-pages.txt"
expect 0 "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa16aff8c374c2a55c467a50da6d466b74" -- "$ATTEST" measure --snp-pages "$W/ovmf-pages.txt"
expect 0 '"pages": 1' -- "$ATTEST" measure --json --snp-pages "$W/ovmf-pages.txt"
printf '0x1000 zero\n0x2001 cpuid\n' >"$W/bad-pages.txt"
expect 2 "launch_page_invalid: $W/bad-pages.txt:2: SNP page GPA 0x2001 is not 4 KiB aligned" -- "$ATTEST" measure --snp-pages "$W/bad-pages.txt"
expect 2 "io_error" -- "$ATTEST" measure --snp-pages "$W/no-such-list.txt"

if [[ $failures -ne 0 ]]; then
    echo "$failures CLI check(s) failed"
    exit 1
fi
echo "all CLI checks passed"
