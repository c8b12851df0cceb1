// Verifications per second of a real SNP report (virtee's Milan vector) with a cached chain,
// next to the raw OpenSSL ECDSA P-384 verification of the same bytes with the same key.
// overhead.py turns the two into the overhead ratio (target: under 20%).
#include <benchmark/benchmark.h>

#include <stdexcept>

#include "attestation/signature.hpp"
#include "attestation/verifier.hpp"

namespace {

using namespace er::attest;

constexpr std::time_t kVectorTime = 1751328000;  // 2025-07-01, inside the VCEK's validity

struct Fixture {
    Bytes report;
    std::vector<X509Ptr> certs;
    TrustStore store;
    std::optional<ReportVerifier> verifier;
    Bytes der_signature;
    Policy policy;

    Fixture() {
        const std::string dir = ER_SEV_TEST_DATA;
        report = take(load_report_file(dir + "/virtee-sev/report_milan.hex"));
        certs = take(load_certificate_file(dir + "/virtee-sev/vcek_milan.der"));
        store = take(TrustStore::builtin());
        verifier.emplace(take(verify_chain(store, certs, ChainOptions{std::nullopt, kVectorTime})));
        der_signature = take(report_signature_der(report));
        // A realistic policy: pinned measurement and the default guest-policy checks.
        policy.measurements.push_back(take(parse_report(report)).measurement);
    }
    template <typename T>
    static T take(Expected<T> v) {
        if (!v) throw std::runtime_error(v.error().message());
        return std::move(*v);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

// The floor: one EVP ECDSA P-384/SHA-384 verification of [0, 0x2A0) with a ready DER signature.
void BM_RawEcdsaP384Verify(benchmark::State& state) {
    Fixture& f = fixture();
    EVP_PKEY* key = f.verifier->chain().leaf_key.get();
    for (auto _ : state) {
        EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha384(), nullptr, key);
        int rc = EVP_DigestVerify(ctx.get(), f.der_signature.data(), f.der_signature.size(),
                                  f.report.data(), report_layout::kSignedSize);
        if (rc != 1) state.SkipWithError("raw verify failed");
        benchmark::DoNotOptimize(rc);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawEcdsaP384Verify);

// Everything the verifier does per report once the chain is cached: signature (incl. building
// the DER signature from the little-endian r/s), parse, product, signing key, TCB, hwID, policy.
void BM_VerifyReportCachedChain(benchmark::State& state) {
    Fixture& f = fixture();
    for (auto _ : state) {
        Verdict v = f.verifier->verify(f.report, f.policy);
        if (!v.trusted()) state.SkipWithError("report not trusted");
        benchmark::DoNotOptimize(v);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyReportCachedChain);

// For scale: the same with the chain verified every time (three RSA-4096 PSS verifications).
void BM_VerifyReportFullChain(benchmark::State& state) {
    Fixture& f = fixture();
    for (auto _ : state) {
        Verdict v = verify_report(f.store, f.report, f.certs, f.policy,
                                  VerifyOptions{std::nullopt, kVectorTime});
        if (!v.trusted()) state.SkipWithError("report not trusted");
        benchmark::DoNotOptimize(v);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VerifyReportFullChain);

void BM_ParseReport(benchmark::State& state) {
    Fixture& f = fixture();
    for (auto _ : state) {
        auto r = parse_report(f.report);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseReport);

}  // namespace

BENCHMARK_MAIN();
