// The software PSP's SNP_GUEST_REQUEST (TEST DOUBLE, simulated, not hardware): a MSG_REPORT_REQ
// built here with OpenSSL, as the guest builds it, round-trips into a report the er_attestation
// verifier trusts only with the simulated root, and says SIMULATED; every tampering gets a
// firmware error and no response.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "attestation/certificate.hpp"
#include "attestation/evidence.hpp"
#include "attestation/verifier.hpp"
#include "sev/sim/sim_platform.hpp"
#include "sev/sim/software_psp.hpp"
#include "sim_test_support.hpp"

namespace er::sev::sim {
namespace {

using namespace er::attest;
using testing::Key;
using testing::Page;
using testing::RequestFields;

struct Guest {
    std::unique_ptr<SoftwarePsp> psp;
    Key vmpck0{}, vmpck1{};
    HostData host_data{};
};

// A launched guest: one measured page, the secrets page (where the guest finds VMPCK0), a VMSA.
Guest launch() {
    Guest g;
    g.psp = std::make_unique<SoftwarePsp>(testing::load_identity());
    g.psp->start(GuestPolicy{});
    std::vector<std::uint8_t> code(4096, 0x90), secrets(4096);
    g.psp->update({0x100000, PageType::normal, code});
    g.psp->update({0x80D000, PageType::secrets, secrets});
    std::memcpy(g.vmpck0.data(), &secrets[0x20], 32);
    std::memcpy(g.vmpck1.data(), &secrets[0x40], 32);
    std::vector<VmsaPage> vmsas(1);
    vmsas[0].fill(0x42);
    for (std::size_t i = 0; i < g.host_data.size(); ++i)
        g.host_data[i] = static_cast<std::uint8_t>(i);
    g.psp->finish(vmsas, g.host_data);
    return g;
}

std::array<std::uint8_t, 64> some_report_data(std::uint8_t seed) {
    std::array<std::uint8_t, 64> d{};
    for (std::size_t i = 0; i < d.size(); ++i) d[i] = static_cast<std::uint8_t>(seed ^ i);
    return d;
}

// Sends one request; returns the firmware status and the response page.
std::uint64_t send(Guest& g, const Page& request, Page& response) {
    response.fill(0xCD);  // so "nothing written" is visible
    return g.psp->handle_guest_request(request, response);
}

Bytes report_of(const testing::Response& r) {
    er_snp_report_rsp hdr{};
    std::memcpy(&hdr, r.payload.data(), sizeof hdr);
    return Bytes(r.payload.begin() + sizeof hdr, r.payload.begin() + sizeof hdr + hdr.report_size);
}

TrustStore simulated_store(const SimIdentity& id) {
    TrustStore store = std::move(*TrustStore::builtin());
    auto ark = load_certificate_file(id.ark_pem_path());
    EXPECT_TRUE(ark);
    EXPECT_TRUE(store.trust_simulated_root(std::move(*ark), id.ark_pem_path().string()));
    return store;
}

std::vector<X509Ptr> supplied(const SimIdentity& id, bool with_ark) {
    std::vector<X509Ptr> out;
    for (const Bytes* der : {&id.vcek_der(), &id.ask_der(), &id.ark_der()}) {
        if (der == &id.ark_der() && !with_ark) continue;
        auto certs = load_certificates(*der, "sim");
        EXPECT_TRUE(certs);
        for (X509Ptr& c : *certs) out.push_back(std::move(c));
    }
    return out;
}

bool untouched(const Page& p) {
    for (std::uint8_t b : p)
        if (b != 0xCD) return false;
    return true;
}

TEST(SimGuestRequest, ReportRoundTripsAndVerifiesOnlyAsSimulated) {
    Guest g = launch();
    RequestFields f;
    f.report_data = some_report_data(0x5A);
    Page response;
    ASSERT_EQ(send(g, testing::make_request(g.vmpck0, f), response), kFwSuccess);
    auto opened = testing::open_response(g.vmpck0, response);
    ASSERT_TRUE(opened);
    EXPECT_EQ(opened->header.msg_seqno, 2u);
    EXPECT_EQ(opened->header.msg_type, ER_SNP_MSG_REPORT_RSP);
    EXPECT_EQ(opened->header.msg_version, ER_SNP_MSG_VERSION);
    EXPECT_EQ(opened->header.hdr_size, sizeof(er_snp_msg_hdr));
    EXPECT_EQ(opened->header.msg_size, sizeof(er_snp_report_rsp) + 1184);
    er_snp_report_rsp rsp{};
    std::memcpy(&rsp, opened->payload.data(), sizeof rsp);
    EXPECT_EQ(rsp.status, 0u);
    ASSERT_EQ(rsp.report_size, 1184u);
    const Bytes report = report_of(*opened);

    const SimIdentity& id = g.psp->identity();
    Policy policy;
    policy.measurements = {g.psp->measurement()};
    policy.report_data = f.report_data;
    policy.host_data = g.host_data;
    Verdict v = verify_report(simulated_store(id), report, supplied(id, true), policy, {});
    for (const Error& e : v.failures) ADD_FAILURE() << e.message();
    EXPECT_TRUE(v.trusted());
    EXPECT_TRUE(v.simulated_root);
    EXPECT_EQ(v.product, Product::genoa);
    ASSERT_TRUE(v.report);
    EXPECT_EQ(v.report->measurement, g.psp->measurement());
    EXPECT_EQ(v.report->report_data, f.report_data);
    EXPECT_EQ(v.report->host_data, g.host_data);
    EXPECT_EQ(v.report->policy, 0x30000u);
    EXPECT_EQ(v.report->version, 3u);
    EXPECT_EQ(v.report->signing_key, SigningKey::vcek);
    EXPECT_EQ(v.report->chip_id, id.chip_id());

    // Without --trust-root the same report is refused: its chain does not reach AMD's ARK.
    Verdict with_ark =
        verify_report(*TrustStore::builtin(), report, supplied(id, true), policy, {});
    EXPECT_FALSE(with_ark.trusted());
    EXPECT_TRUE(with_ark.has(Reason::chain_untrusted_root));
    Verdict without_ark =
        verify_report(*TrustStore::builtin(), report, supplied(id, false), policy, {});
    EXPECT_FALSE(without_ark.trusted());
    EXPECT_TRUE(without_ark.has(Reason::chain_issuer_mismatch));

    // The next request uses seqno 3 and gets 4; the guest's REPORT_ID stays the same.
    f.seqno = 3;
    ASSERT_EQ(send(g, testing::make_request(g.vmpck0, f), response), kFwSuccess);
    auto second = testing::open_response(g.vmpck0, response);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->header.msg_seqno, 4u);
    auto a = parse_report(report), b = parse_report(report_of(*second));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->report_id, b->report_id);
}

TEST(SimGuestRequest, EvidenceBundleVerifiesAsSimulatedAndTamperingIsNamed) {
    Guest g = launch();
    Evidence ev;
    ev.nonce = Bytes(16, 0xAB);
    ev.hardware_backed = true;
    ev.platform = "sev-snp";
    ev.log = {DomainEntry{"web", {}, {}, {}, "mpk"}};
    ev.log[0].image.fill(1);
    RequestFields f;
    f.report_data = binding_report_data(ev.nonce, replay_log(ev.log));
    Page response;
    ASSERT_EQ(send(g, testing::make_request(g.vmpck0, f), response), kFwSuccess);
    auto opened = testing::open_response(g.vmpck0, response);
    ASSERT_TRUE(opened);
    ev.report = report_of(*opened);
    const SimIdentity& id = g.psp->identity();
    ev.certs = {id.vcek_der(), id.ask_der(), id.ark_der()};
    Policy policy;
    policy.measurements = {g.psp->measurement()};
    policy.nonce = ev.nonce;
    const TrustStore store = simulated_store(id);

    Verdict v = verify_evidence(store, encode_evidence(ev), policy, {});
    for (const Error& e : v.failures) ADD_FAILURE() << e.message();
    EXPECT_TRUE(v.trusted());
    EXPECT_TRUE(v.simulated_root);

    Evidence other_app = ev;
    other_app.log[0].image.fill(2);
    Verdict bad = verify_evidence(store, encode_evidence(other_app), policy, {});
    EXPECT_FALSE(bad.trusted());
    EXPECT_TRUE(bad.has(Reason::evidence_log_binding));
    EXPECT_TRUE(bad.simulated_root);

    Evidence flipped = ev;
    (*flipped.report)[0x90] ^= 1;  // the measurement
    Verdict forged = verify_evidence(store, encode_evidence(flipped), policy, {});
    EXPECT_FALSE(forged.trusted());
    EXPECT_TRUE(forged.has(Reason::report_signature));
    EXPECT_TRUE(forged.simulated_root);

    Verdict refused = verify_evidence(*TrustStore::builtin(), encode_evidence(ev), policy, {});
    EXPECT_FALSE(refused.trusted());
    EXPECT_TRUE(refused.has(Reason::chain_untrusted_root));
    EXPECT_FALSE(refused.simulated_root);
}

TEST(SimGuestRequest, TamperedRequestsGetAFirmwareErrorAndNoResponse) {
    Guest g = launch();
    RequestFields good;
    Page response;

    Page wrong_key = testing::make_request(g.vmpck1, good);
    EXPECT_EQ(send(g, wrong_key, response), kFwInvalidParam);
    EXPECT_TRUE(untouched(response));

    Page bad_tag = testing::make_request(g.vmpck0, good);
    bad_tag[3] ^= 0x01;
    EXPECT_EQ(send(g, bad_tag, response), kFwInvalidParam);
    EXPECT_TRUE(untouched(response));

    Page bad_ciphertext = testing::make_request(g.vmpck0, good);
    bad_ciphertext[0x60 + 10] ^= 0x80;
    EXPECT_EQ(send(g, bad_ciphertext, response), kFwInvalidParam);
    EXPECT_TRUE(untouched(response));

    Page bad_aad = testing::make_request(g.vmpck0, good);
    bad_aad[0x3D] = 1;  // a reserved header byte inside the AAD
    EXPECT_EQ(send(g, bad_aad, response), kFwInvalidParam);

    RequestFields wrong_type = good;
    wrong_type.msg_type = 3;  // MSG_KEY_REQ
    EXPECT_EQ(send(g, testing::make_request(g.vmpck0, wrong_type), response), kFwInvalidParam);
    RequestFields oversized = good;
    oversized.msg_size = ER_SNP_MSG_PAYLOAD_MAX + 1;
    EXPECT_EQ(send(g, testing::make_request(g.vmpck0, oversized), response), kFwInvalidParam);
    RequestFields short_msg = good;
    short_msg.msg_size = 64;
    EXPECT_EQ(send(g, testing::make_request(g.vmpck0, short_msg), response), kFwInvalidParam);
    RequestFields skipped = good;
    skipped.seqno = 3;
    EXPECT_EQ(send(g, testing::make_request(g.vmpck0, skipped), response), kFwInvalidParam);
    EXPECT_TRUE(untouched(response));

    // None of the failures moved the sequence: seqno 1 still works, once.
    Page first = testing::make_request(g.vmpck0, good);
    ASSERT_EQ(send(g, first, response), kFwSuccess);
    EXPECT_EQ(send(g, first, response), kFwInvalidParam);  // replayed
    EXPECT_TRUE(untouched(response));
}

TEST(SimGuestRequest, BadReportParametersAnswerWithAStatusInsideTheResponse) {
    Guest g = launch();
    Page response;
    RequestFields f;
    f.vmpl = 4;
    ASSERT_EQ(send(g, testing::make_request(g.vmpck0, f), response), kFwSuccess);
    auto opened = testing::open_response(g.vmpck0, response);
    ASSERT_TRUE(opened);
    er_snp_report_rsp rsp{};
    std::memcpy(&rsp, opened->payload.data(), sizeof rsp);
    EXPECT_EQ(rsp.status, kFwInvalidParam);
    EXPECT_EQ(rsp.report_size, 0u);

    f.seqno = 3;
    f.vmpl = 0;
    f.key_sel = 2;  // VLEK: none is loaded
    ASSERT_EQ(send(g, testing::make_request(g.vmpck0, f), response), kFwSuccess);
    opened = testing::open_response(g.vmpck0, response);
    ASSERT_TRUE(opened);
    std::memcpy(&rsp, opened->payload.data(), sizeof rsp);
    EXPECT_EQ(rsp.status, kFwInvalidKey);
}

TEST(SimGuestRequest, NoGuestNoAnswer) {
    SoftwarePsp psp(testing::load_identity());
    psp.start(GuestPolicy{});
    Page request{}, response{};
    EXPECT_EQ(psp.handle_guest_request(request, response), kFwInvalidGuestState);
}

}  // namespace
}  // namespace er::sev::sim
