// The guest's SNP guest messages (unikernel/sev/snp_guest_request.cpp), with OpenSSL playing the
// PSP: the test decrypts the guest's MSG_REPORT_REQ and checks every header field and the payload,
// seals MSG_REPORT_RSP pages for the guest to open, and checks that each bad response is refused
// with its reason, that sequence numbers follow the secrets-page counter (requests 1, 3, 5, ...)
// and that every failure wipes VMPCK0 for good.
#include "sev/snp_guest_request.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "libos-abi/snp_guest_msg.h"

namespace {

using namespace uk::sev;

using Page = std::vector<uint8_t>;

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

template <class T>
T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
template <class T>
void store(uint8_t* p, T v) {
    std::memcpy(p, &v, sizeof v);
}

std::vector<uint8_t> iv_for(uint64_t seqno) {
    std::vector<uint8_t> iv(12, 0);
    for (int i = 0; i < 8; ++i) iv[i] = static_cast<uint8_t>(seqno >> (8 * i));
    return iv;
}

// OpenSSL AES-256-GCM, the reference the guest's code is checked against.
void ossl_seal(const uint8_t* key, const std::vector<uint8_t>& iv, const uint8_t* aad,
               size_t aad_len, const uint8_t* pt, size_t len, uint8_t* ct, uint8_t* tag) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0;
    ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, iv.data()), 1);
    ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &n, aad, static_cast<int>(aad_len)), 1);
    ASSERT_EQ(EVP_EncryptUpdate(ctx, ct, &n, pt, static_cast<int>(len)), 1);
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx, ct + n, &n), 1);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
}

std::optional<std::vector<uint8_t>> ossl_open(const uint8_t* key, const std::vector<uint8_t>& iv,
                                              const uint8_t* aad, size_t aad_len, const uint8_t* ct,
                                              size_t len, const uint8_t* tag) {
    std::vector<uint8_t> pt(len + 16);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int n = 0, m = 0;
    bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key, iv.data()) == 1 &&
              EVP_DecryptUpdate(ctx, nullptr, &n, aad, static_cast<int>(aad_len)) == 1 &&
              EVP_DecryptUpdate(ctx, pt.data(), &n, ct, static_cast<int>(len)) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(tag)) == 1 &&
              EVP_DecryptFinal_ex(ctx, pt.data() + n, &m) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) return std::nullopt;
    pt.resize(len);
    return pt;
}

// A MSG_REPORT_RSP page as the PSP would write it; every field can be made wrong.
struct Response {
    uint64_t seqno = 2;
    uint8_t algo = 1, hdr_version = 1, msg_type = 6, msg_version = 1, msg_vmpck = 0;
    uint16_t hdr_size = 0x60;
    uint16_t msg_size = 0x20 + 1184;
    uint32_t status = 0, report_size = 1184;
    uint64_t iv_seqno = 0;  // 0: the header's seqno
    std::vector<uint8_t> report;

    Page seal(const uint8_t* key) const {
        Page page(4096, 0);
        uint8_t* h = page.data();
        store<uint64_t>(h + 0x20, seqno);
        h[0x30] = algo;
        h[0x31] = hdr_version;
        store<uint16_t>(h + 0x32, hdr_size);
        h[0x34] = msg_type;
        h[0x35] = msg_version;
        store<uint16_t>(h + 0x36, msg_size);
        h[0x3C] = msg_vmpck;
        std::vector<uint8_t> pt(0x20 + 1184, 0);
        store<uint32_t>(pt.data(), status);
        store<uint32_t>(pt.data() + 4, report_size);
        std::memcpy(pt.data() + 0x20, report.data(), std::min<size_t>(report.size(), 1184));
        size_t n = std::min<size_t>(msg_size, 4000);
        pt.resize(n, 0);
        ossl_seal(key, iv_for(iv_seqno ? iv_seqno : seqno), h + 0x30, 0x30, pt.data(), n, h + 0x60,
                  h);
        return page;
    }
};

class SnpGuestRequest : public ::testing::Test {
  protected:
    std::mt19937 rng{56860};
    std::vector<uint8_t> key = random_bytes(rng, 32);
    std::vector<uint8_t> report_data = random_bytes(rng, 64);
    std::vector<uint8_t> report = random_bytes(rng, 1184);

    Response good(uint64_t request_seqno) {
        Response r;
        r.seqno = request_seqno + 1;
        r.report = report;
        return r;
    }

    // The reason open_report_response gives, and that it leaves the report zeroed on failure.
    std::string open(uint64_t request_seqno, const Page& page, const uint8_t* k = nullptr) {
        std::vector<uint8_t> out(1184, 0xCC);
        const char* reason =
            open_report_response(k ? k : key.data(), request_seqno, page.data(), out.data());
        if (reason == nullptr) return out == report ? "" : "opened, but the report differs";
        if (out != std::vector<uint8_t>(1184, 0)) return "failed, but the report is not zeroed";
        return reason;
    }
};

// Every header byte and the decrypted payload of MSG_REPORT_REQ, as the PSP reads them.
TEST_F(SnpGuestRequest, RequestHeaderAndPayloadDecryptWithOpenSsl) {
    for (uint64_t seqno : {uint64_t{1}, uint64_t{3}, uint64_t{0x12345679}, uint64_t{0xFFFFFFFE}}) {
        Page page(4096, 0xAA);
        ASSERT_TRUE(build_report_request(key.data(), seqno, report_data.data(), page.data()));
        const uint8_t* h = page.data();
        for (int i = 16; i < 32; ++i) EXPECT_EQ(h[i], 0) << "AUTHTAG byte " << i;
        EXPECT_EQ(load<uint64_t>(h + 0x20), seqno);
        for (int i = 0x28; i < 0x30; ++i) EXPECT_EQ(h[i], 0) << "reserved byte " << i;
        EXPECT_EQ(h[0x30], 1);                      // ALGO: AES-256-GCM
        EXPECT_EQ(h[0x31], 1);                      // HDR_VERSION
        EXPECT_EQ(load<uint16_t>(h + 0x32), 0x60);  // HDR_SIZE
        EXPECT_EQ(h[0x34], 5);                      // MSG_TYPE: MSG_REPORT_REQ
        EXPECT_EQ(h[0x35], 1);                      // MSG_VERSION
        EXPECT_EQ(load<uint16_t>(h + 0x36), 96);    // MSG_SIZE
        EXPECT_EQ(load<uint32_t>(h + 0x38), 0u);    // reserved
        EXPECT_EQ(h[0x3C], 0);                      // MSG_VMPCK
        for (int i = 0x3D; i < 0x60; ++i) EXPECT_EQ(h[i], 0) << "reserved byte " << i;
        for (size_t i = 0x60 + 96; i < 4096; ++i) ASSERT_EQ(page[i], 0) << "page byte " << i;

        auto pt = ossl_open(key.data(), iv_for(seqno), h + 0x30, 0x30, h + 0x60, 96, h);
        ASSERT_TRUE(pt.has_value()) << "OpenSSL refuses the request with seqno " << seqno;
        EXPECT_EQ(std::vector<uint8_t>(pt->begin(), pt->begin() + 64), report_data);
        EXPECT_EQ(load<uint32_t>(pt->data() + 64), 0u);  // VMPL 0
        EXPECT_EQ(load<uint32_t>(pt->data() + 68), 0u);  // KEY_SEL 0
        for (size_t i = 72; i < 96; ++i) EXPECT_EQ((*pt)[i], 0) << "payload byte " << i;
        // The IV really is the sequence number: under another number the tag fails.
        EXPECT_FALSE(ossl_open(key.data(), iv_for(seqno + 2), h + 0x30, 0x30, h + 0x60, 96, h));
    }
}

TEST_F(SnpGuestRequest, RequestRefusesUnusableSeqnoAndZeroesThePage) {
    for (uint64_t seqno : {uint64_t{0}, uint64_t{0xFFFFFFFF}, uint64_t{1} << 40}) {
        Page page(4096, 0xAA);
        EXPECT_FALSE(build_report_request(key.data(), seqno, report_data.data(), page.data()))
            << seqno;
        EXPECT_EQ(page, Page(4096, 0)) << seqno;
    }
}

TEST_F(SnpGuestRequest, OpensAGoodResponse) {
    EXPECT_EQ(open(1, good(1).seal(key.data())), "");
    EXPECT_EQ(open(0x12345679, good(0x12345679).seal(key.data())), "");
}

// Each way a response can be wrong, with the reason the guest gives.
TEST_F(SnpGuestRequest, RefusesEveryBadResponseWithItsReason) {
    struct Case {
        const char* what;
        void (*change)(Response&);
        const char* reason;
    };
    const Case cases[] = {
        {"seqno = request", [](Response& r) { r.seqno = 1; }, "MSG_SEQNO"},
        {"seqno = request + 2", [](Response& r) { r.seqno = 3; }, "MSG_SEQNO"},
        {"type REPORT_REQ", [](Response& r) { r.msg_type = 5; }, "MSG_TYPE"},
        {"msg version 2", [](Response& r) { r.msg_version = 2; }, "MSG_VERSION"},
        {"algo 0", [](Response& r) { r.algo = 0; }, "ALGO"},
        {"header version 2", [](Response& r) { r.hdr_version = 2; }, "HDR_VERSION"},
        {"header size", [](Response& r) { r.hdr_size = 0x50; }, "HDR_SIZE"},
        {"vmpck 1", [](Response& r) { r.msg_vmpck = 1; }, "MSG_VMPCK"},
        {"msg size 31", [](Response& r) { r.msg_size = 31; }, "MSG_SIZE out of range"},
        {"msg size 1217", [](Response& r) { r.msg_size = 1217; }, "MSG_SIZE out of range"},
        {"msg size 4000", [](Response& r) { r.msg_size = 4000; }, "MSG_SIZE out of range"},
        {"sealed under another IV", [](Response& r) { r.iv_seqno = 4; }, "authentication tag"},
        {"status 0x16", [](Response& r) { r.status = 0x16; }, "STATUS 0x16"},
        {"status 0x27", [](Response& r) { r.status = 0x27; }, "STATUS 0x27"},
        {"status 1", [](Response& r) { r.status = 1; }, "STATUS is not 0"},
        {"report size 1000", [](Response& r) { r.report_size = 1000; }, "REPORT_SIZE"},
        {"report size 1216", [](Response& r) { r.report_size = 1216; }, "REPORT_SIZE"},
        {"msg size short of the report", [](Response& r) { r.msg_size = 0x20 + 1000; },
         "MSG_SIZE does not match"},
    };
    for (const Case& c : cases) {
        Response r = good(1);
        c.change(r);
        std::string got = open(1, r.seal(key.data()));
        EXPECT_NE(got.find(c.reason), std::string::npos) << c.what << ": got \"" << got << "\"";
    }
}

// Bytes changed after sealing: tag, ciphertext, authenticated header bytes (the reserved ones
// too), and the wrong key.  The unauthenticated AUTHTAG[16..32) and reserved bytes before ALGO
// are not covered by the tag; changing them is harmless and accepted.
TEST_F(SnpGuestRequest, RefusesAlteredBytesAndTheWrongKey) {
    const Page sealed = good(1).seal(key.data());
    auto altered = [&](size_t at) {
        Page p = sealed;
        p[at] ^= 0x01;
        return open(1, p);
    };
    for (size_t at : {0, 7, 15})
        EXPECT_NE(altered(at).find("authentication tag"), std::string::npos);
    for (size_t at : {0x60, 0x61, 0x80, 0x60 + 1215})
        EXPECT_NE(altered(at).find("authentication tag"), std::string::npos) << at;
    for (size_t at : {0x38, 0x3D, 0x40, 0x5F})
        EXPECT_NE(altered(at).find("authentication tag"), std::string::npos) << at;
    EXPECT_EQ(altered(16), "");           // AUTHTAG[16..32): not part of the tag
    EXPECT_EQ(altered(0x28), "");         // reserved before the AAD
    EXPECT_EQ(altered(0x60 + 1216), "");  // past MSG_SIZE
    auto other = random_bytes(rng, 32);
    EXPECT_NE(open(1, sealed, other.data()).find("authentication tag"), std::string::npos);
}

// ---- the secrets page: counter and key ----

struct Secrets {
    Page page = Page(4096, 0);
    explicit Secrets(std::mt19937& rng) {
        for (size_t i = 0; i < 4096; ++i) page[i] = static_cast<uint8_t>(rng());
        store<uint32_t>(page.data() + 0xA0, 0);  // msg_seqno[0] as the firmware leaves it
    }
    uint32_t counter() const { return load<uint32_t>(page.data() + 0xA0); }
    std::vector<uint8_t> vmpck0() const { return {page.begin() + 0x20, page.begin() + 0x40}; }
};

TEST_F(SnpGuestRequest, SequenceNumbersAreOddRequestsFromTheCounter) {
    Secrets s(rng);
    const uint32_t vmpck1_counter = load<uint32_t>(s.page.data() + 0xA4);
    EXPECT_TRUE(vmpck0_usable(s.page.data()));
    for (uint64_t want : {1, 3, 5, 7}) {
        EXPECT_EQ(next_request_seqno(s.page.data()), want);
        advance_seqno(s.page.data());
        EXPECT_EQ(s.counter(), want + 1);
    }
    // The last usable request leaves room for its response in 32 bits.
    store<uint32_t>(s.page.data() + 0xA0, 0xFFFFFFFD);
    EXPECT_EQ(next_request_seqno(s.page.data()), 0xFFFFFFFEu);
    store<uint32_t>(s.page.data() + 0xA0, 0xFFFFFFFE);
    EXPECT_EQ(next_request_seqno(s.page.data()), 0u);
    // The counter saturates rather than wrap to numbers (IVs) already used.
    advance_seqno(s.page.data());
    EXPECT_EQ(s.counter(), 0xFFFFFFFFu);
    advance_seqno(s.page.data());
    EXPECT_EQ(s.counter(), 0xFFFFFFFFu);
    EXPECT_EQ(next_request_seqno(s.page.data()), 0u);
    // Only msg_seqno[0] (VMPCK0's) moves.
    EXPECT_EQ(load<uint32_t>(s.page.data() + 0xA4), vmpck1_counter);
}

TEST_F(SnpGuestRequest, WipeZeroesOnlyVmpck0) {
    Secrets s(rng);
    Page before = s.page;
    wipe_vmpck0(s.page.data());
    EXPECT_EQ(s.vmpck0(), std::vector<uint8_t>(32, 0));
    EXPECT_FALSE(vmpck0_usable(s.page.data()));
    EXPECT_EQ(next_request_seqno(s.page.data()), 0u);
    for (size_t i = 0; i < 4096; ++i)
        if (i < 0x20 || i >= 0x40) {
            ASSERT_EQ(s.page[i], before[i]) << "secrets byte " << i;
        }
}

// Two whole exchanges, the test as the PSP: the request opens under VMPCK0 with the counter's
// number, the response (number + 1) opens, the counter advances by 2 each time.
TEST_F(SnpGuestRequest, TwoExchangesThroughTheSecretsPage) {
    Secrets s(rng);
    const auto k = s.vmpck0();
    for (uint64_t want : {1, 3}) {
        Page req(4096), resp;
        uint64_t seqno = 0;
        ASSERT_EQ(begin_report_request(s.page.data(), report_data.data(), req.data(), &seqno),
                  nullptr);
        EXPECT_EQ(seqno, want);
        EXPECT_EQ(load<uint64_t>(req.data() + 0x20), want);
        auto pt = ossl_open(k.data(), iv_for(seqno), req.data() + 0x30, 0x30, req.data() + 0x60, 96,
                            req.data());
        ASSERT_TRUE(pt.has_value());
        EXPECT_EQ(std::vector<uint8_t>(pt->begin(), pt->begin() + 64), report_data);

        resp = good(seqno).seal(k.data());
        std::vector<uint8_t> out(1184);
        EXPECT_EQ(finish_report_request(s.page.data(), seqno, true, resp.data(), out.data()),
                  nullptr);
        EXPECT_EQ(out, report);
        EXPECT_EQ(s.counter(), want + 1);
        EXPECT_EQ(s.vmpck0(), k);
    }
}

// Any failure after the request went out wipes VMPCK0, advances the counter, and every later
// request is refused.
TEST_F(SnpGuestRequest, EveryFailureWipesTheKeyForGood) {
    enum class Fail { kTransport, kBadTag, kBadSeqno, kStatus, kNotPending };
    for (Fail f :
         {Fail::kTransport, Fail::kBadTag, Fail::kBadSeqno, Fail::kStatus, Fail::kNotPending}) {
        Secrets s(rng);
        const auto k = s.vmpck0();
        Page req(4096);
        uint64_t seqno = 0;
        ASSERT_EQ(begin_report_request(s.page.data(), report_data.data(), req.data(), &seqno),
                  nullptr);
        Response r = good(seqno);
        if (f == Fail::kBadSeqno) r.seqno = seqno + 3;
        if (f == Fail::kStatus) r.status = 0x16;
        Page resp = r.seal(k.data());
        if (f == Fail::kBadTag) resp[0x70] ^= 0x80;
        std::vector<uint8_t> out(1184, 0xCC);
        const char* reason =
            finish_report_request(s.page.data(), f == Fail::kNotPending ? seqno + 2 : seqno,
                                  f != Fail::kTransport, resp.data(), out.data());
        ASSERT_NE(reason, nullptr) << static_cast<int>(f);
        EXPECT_EQ(out, std::vector<uint8_t>(1184, 0)) << static_cast<int>(f);
        EXPECT_EQ(s.vmpck0(), std::vector<uint8_t>(32, 0)) << static_cast<int>(f);
        EXPECT_EQ(s.counter(), f == Fail::kNotPending ? 0u : 2u) << static_cast<int>(f);

        const char* again =
            begin_report_request(s.page.data(), report_data.data(), req.data(), &seqno);
        ASSERT_NE(again, nullptr);
        EXPECT_NE(std::string(again).find("wiped"), std::string::npos);
        EXPECT_EQ(seqno, 0u);
        // Even a perfect response to the old number is not opened with a wiped key.
        EXPECT_NE(finish_report_request(s.page.data(), 1, true, good(1).seal(k.data()).data(),
                                        out.data()),
                  nullptr);
    }
}

}  // namespace
