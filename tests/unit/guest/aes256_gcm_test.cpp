// The guest's freestanding AES-256 and AES-256-GCM (unikernel/crypto/aes256_gcm.cpp): the FIPS 197
// and GCM spec example vectors, OpenSSL as the reference for random keys, IVs and every plaintext
// length 0..300 with several AAD lengths, and the refusals: any changed bit of tag, ciphertext,
// AAD, IV or key fails to open and leaves the output untouched.
#include "crypto/aes256_gcm.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace uk::crypto;

std::string hex(const uint8_t* p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

std::vector<uint8_t> unhex(const std::string& s) {
    std::vector<uint8_t> v;
    for (size_t i = 0; i + 1 < s.size(); i += 2)
        v.push_back(std::stoi(s.substr(i, 2), nullptr, 16));
    return v;
}

std::vector<uint8_t> random_bytes(std::mt19937& rng, size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

template <size_t N>
void fill(uint8_t (&a)[N], std::mt19937& rng) {
    for (auto& b : a) b = static_cast<uint8_t>(rng());
}

// OpenSSL's AES-256-GCM seal: ciphertext and tag.
void openssl_seal(const uint8_t* key, const uint8_t* iv, const std::vector<uint8_t>& aad,
                  const std::vector<uint8_t>& pt, std::vector<uint8_t>& ct, uint8_t tag[16]) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ASSERT_NE(ctx, nullptr);
    ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr), 1);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, nullptr), 1);
    ASSERT_EQ(EVP_EncryptInit_ex(ctx, nullptr, nullptr, key, iv), 1);
    int n = 0;
    if (!aad.empty()) {
        ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size())), 1);
    }
    ct.assign(pt.size() + 16, 0);
    int total = 0;
    if (!pt.empty()) {
        ASSERT_EQ(EVP_EncryptUpdate(ctx, ct.data(), &n, pt.data(), static_cast<int>(pt.size())), 1);
        total = n;
    }
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx, ct.data() + total, &n), 1);
    total += n;
    ct.resize(total);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag), 1);
    EVP_CIPHER_CTX_free(ctx);
}

// FIPS 197 Appendix C.3 (AES-256 example).
TEST(Aes256, Fips197AppendixC3) {
    uint8_t key[32];
    for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i);
    auto pt = unhex("00112233445566778899aabbccddeeff");
    uint8_t out[16];
    Aes256 aes;
    aes.set_key(key);
    aes.encrypt_block(pt.data(), out);
    EXPECT_EQ(hex(out, 16), "8ea2b7ca516745bfeafc49904b496089");
    // In place.
    aes.encrypt_block(pt.data(), pt.data());
    EXPECT_EQ(hex(pt.data(), 16), "8ea2b7ca516745bfeafc49904b496089");
}

// Random keys and blocks against OpenSSL's AES-256-ECB: covers the key schedule's every word and
// the computed S-box over many inputs.
TEST(Aes256, RandomBlocksMatchOpenSsl) {
    std::mt19937 rng(197);
    for (int k = 0; k < 64; ++k) {
        uint8_t key[32];
        fill(key, rng);
        Aes256 aes;
        aes.set_key(key);
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        ASSERT_EQ(EVP_EncryptInit_ex(ctx, EVP_aes_256_ecb(), nullptr, key, nullptr), 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        for (int b = 0; b < 16; ++b) {
            uint8_t in[16], ours[16], want[16];
            fill(in, rng);
            int n = 0;
            ASSERT_EQ(EVP_EncryptUpdate(ctx, want, &n, in, 16), 1);
            ASSERT_EQ(n, 16);
            aes.encrypt_block(in, ours);
            ASSERT_EQ(hex(ours, 16), hex(want, 16)) << "key " << k << " block " << b;
        }
        EVP_CIPHER_CTX_free(ctx);
        aes.wipe();
    }
}

// The GCM specification's AES-256 test cases 13 and 14 (McGrew & Viega, "The Galois/Counter Mode
// of Operation", appendix B): zero key, zero 96-bit IV, empty and one zero block plaintext.
TEST(Aes256Gcm, SpecTestCases13And14) {
    uint8_t key[32] = {}, iv[12] = {}, tag[16];
    aes256_gcm_seal(key, iv, nullptr, 0, nullptr, 0, nullptr, tag);
    EXPECT_EQ(hex(tag, 16), "530f8afbc74536b9a963b4f1c4cb738b");
    uint8_t pt[16] = {}, ct[16];
    aes256_gcm_seal(key, iv, nullptr, 0, pt, 16, ct, tag);
    EXPECT_EQ(hex(ct, 16), "cea7403d4d606b6e074ec5d3baf39d18");
    EXPECT_EQ(hex(tag, 16), "d0d1c8a799996bf0265b98b5d48ab919");
}

// Every plaintext length 0..300 with AAD of 0, 48 (the SNP header's AAD), and other lengths around
// the block size, each with a fresh random key and IV: seal equals OpenSSL, open of OpenSSL's
// output returns the plaintext.
TEST(Aes256Gcm, EveryLengthTo300MatchesOpenSsl) {
    std::mt19937 rng(38);
    for (size_t aad_len : {0, 48, 1, 16, 17}) {
        for (size_t len = 0; len <= 300; ++len) {
            uint8_t key[32], iv[12], tag[16], want_tag[16];
            fill(key, rng);
            fill(iv, rng);
            auto aad = random_bytes(rng, aad_len);
            auto pt = random_bytes(rng, len);
            std::vector<uint8_t> want;
            openssl_seal(key, iv, aad, pt, want, want_tag);
            ASSERT_EQ(want.size(), len);

            std::vector<uint8_t> ct(len);
            aes256_gcm_seal(key, iv, aad.data(), aad_len, pt.data(), len, ct.data(), tag);
            ASSERT_EQ(hex(ct.data(), len), hex(want.data(), len))
                << "aad " << aad_len << " len " << len;
            ASSERT_EQ(hex(tag, 16), hex(want_tag, 16)) << "aad " << aad_len << " len " << len;

            std::vector<uint8_t> back(len, 0xAA);
            ASSERT_TRUE(aes256_gcm_open(key, iv, aad.data(), aad_len, want.data(), len, want_tag,
                                        back.data()))
                << "aad " << aad_len << " len " << len;
            ASSERT_EQ(back, pt);
        }
    }
}

// Seal and open in place (the SNP message code encrypts and decrypts payloads in their buffer).
TEST(Aes256Gcm, InPlace) {
    std::mt19937 rng(5);
    uint8_t key[32], iv[12], tag[16];
    fill(key, rng);
    fill(iv, rng);
    auto aad = random_bytes(rng, 48);
    auto pt = random_bytes(rng, 1216);
    auto buf = pt;
    aes256_gcm_seal(key, iv, aad.data(), aad.size(), buf.data(), buf.size(), buf.data(), tag);
    std::vector<uint8_t> want;
    uint8_t want_tag[16];
    openssl_seal(key, iv, aad, pt, want, want_tag);
    EXPECT_EQ(buf, want);
    EXPECT_EQ(hex(tag, 16), hex(want_tag, 16));
    ASSERT_TRUE(
        aes256_gcm_open(key, iv, aad.data(), aad.size(), buf.data(), buf.size(), tag, buf.data()));
    EXPECT_EQ(buf, pt);
}

// Any single flipped bit in tag, ciphertext, AAD, IV or key fails to open, and the output buffer
// is not written (nothing unauthenticated is released).
TEST(Aes256Gcm, TamperingFailsAndReleasesNothing) {
    std::mt19937 rng(99);
    uint8_t key[32], iv[12], tag[16];
    fill(key, rng);
    fill(iv, rng);
    auto aad = random_bytes(rng, 48);
    auto pt = random_bytes(rng, 100);
    std::vector<uint8_t> ct(pt.size());
    aes256_gcm_seal(key, iv, aad.data(), aad.size(), pt.data(), pt.size(), ct.data(), tag);

    auto open_fails = [&](const uint8_t(&k)[32], const uint8_t(&v)[12],
                          const std::vector<uint8_t>& a, const std::vector<uint8_t>& c,
                          const uint8_t(&t)[16]) {
        std::vector<uint8_t> out(c.size(), 0x5A);
        bool ok = aes256_gcm_open(k, v, a.data(), a.size(), c.data(), c.size(), t, out.data());
        return !ok && out == std::vector<uint8_t>(c.size(), 0x5A);
    };
    ASSERT_FALSE(open_fails(key, iv, aad, ct, tag));  // the untouched message opens

    for (int bit = 0; bit < 128; ++bit) {
        uint8_t t[16];
        for (int i = 0; i < 16; ++i) t[i] = tag[i];
        t[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(open_fails(key, iv, aad, ct, t)) << "tag bit " << bit;
    }
    for (size_t bit = 0; bit < ct.size() * 8; bit += 7) {
        auto c = ct;
        c[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(open_fails(key, iv, aad, c, tag)) << "ciphertext bit " << bit;
    }
    for (size_t bit = 0; bit < aad.size() * 8; bit += 5) {
        auto a = aad;
        a[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(open_fails(key, iv, a, ct, tag)) << "aad bit " << bit;
    }
    for (int bit = 0; bit < 96; ++bit) {
        uint8_t v[12];
        for (int i = 0; i < 12; ++i) v[i] = iv[i];
        v[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(open_fails(key, v, aad, ct, tag)) << "iv bit " << bit;
    }
    for (int bit = 0; bit < 256; bit += 3) {
        uint8_t k[32];
        for (int i = 0; i < 32; ++i) k[i] = key[i];
        k[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
        EXPECT_TRUE(open_fails(k, iv, aad, ct, tag)) << "key bit " << bit;
    }
    // A truncated or extended ciphertext (the length is authenticated) and AAD moved into the
    // ciphertext's place.
    EXPECT_TRUE(open_fails(key, iv, aad, std::vector<uint8_t>(ct.begin(), ct.end() - 1), tag));
    auto longer = ct;
    longer.push_back(0);
    EXPECT_TRUE(open_fails(key, iv, aad, longer, tag));
    EXPECT_TRUE(open_fails(key, iv, {}, ct, tag));
}

TEST(CryptoHelpers, EqualCtAndSecureZero) {
    uint8_t a[16] = {1, 2, 3}, b[16] = {1, 2, 3};
    EXPECT_TRUE(equal_ct(a, b, 16));
    b[15] = 1;
    EXPECT_FALSE(equal_ct(a, b, 16));
    EXPECT_TRUE(equal_ct(a, b, 15));
    EXPECT_TRUE(equal_ct(a, b, 0));
    secure_zero(b, sizeof b);
    for (uint8_t x : b) EXPECT_EQ(x, 0);
}

}  // namespace
