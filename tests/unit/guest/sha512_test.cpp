// The guest's freestanding SHA-384/SHA-512 (unikernel/crypto/sha512.cpp): the FIPS 180-4 example
// vectors, then OpenSSL's EVP digests as the reference for every length 0..1000, every split of a
// message across update() calls around the padding boundaries, and a large streamed input.
#include "crypto/sha512.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using uk::crypto::Sha384;
using uk::crypto::Sha512;

std::string hex(const uint8_t* p, size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s += digits[p[i] >> 4];
        s += digits[p[i] & 15];
    }
    return s;
}

template <class H>
std::string ours(const uint8_t* data, size_t len) {
    uint8_t out[H::kDigestSize];
    H h;
    h.update(data, len);
    h.final(out);
    return hex(out, sizeof out);
}

template <class H>
std::string ours(std::string_view s) {
    return ours<H>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// One message given in pieces: the bytes [0, cuts[0]), [cuts[0], cuts[1]), ..., [last, len).
template <class H>
std::string ours_split(const uint8_t* data, size_t len, std::initializer_list<size_t> cuts) {
    uint8_t out[H::kDigestSize];
    H h;
    size_t at = 0;
    for (size_t c : cuts) {
        h.update(data + at, c - at);
        at = c;
    }
    h.update(data + at, len - at);
    h.final(out);
    return hex(out, sizeof out);
}

template <class H>
const EVP_MD* evp_md() {
    return H::kDigestSize == 48 ? EVP_sha384() : EVP_sha512();
}

template <class H>
std::string openssl(const uint8_t* data, size_t len) {
    uint8_t out[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    EXPECT_EQ(EVP_Digest(data, len, out, &n, evp_md<H>(), nullptr), 1);
    EXPECT_EQ(n, H::kDigestSize);
    return hex(out, n);
}

std::vector<uint8_t> random_bytes(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(rng());
    return v;
}

// FIPS 180-4 example messages (NIST CSRC "Examples with Intermediate Values", SHA-384 and
// SHA-512), the 896-bit two-block message being the one whose padding needs a second block.
constexpr std::string_view kAbc = "abc";
constexpr std::string_view k896 =
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnop"
    "qrsmnopqrstnopqrstu";

TEST(Sha512, FipsExampleVectors) {
    ASSERT_EQ(k896.size() * 8, 896u);
    EXPECT_EQ(ours<Sha512>(""),
              "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
              "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    EXPECT_EQ(ours<Sha512>(kAbc),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    EXPECT_EQ(ours<Sha512>(k896),
              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

TEST(Sha384, FipsExampleVectors) {
    EXPECT_EQ(ours<Sha384>(""),
              "38b060a751ac96384cd9327eb1b1e36a21fdb71114be0743"
              "4c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b");
    EXPECT_EQ(ours<Sha384>(kAbc),
              "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
              "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
    EXPECT_EQ(ours<Sha384>(k896),
              "09330c33f71147e83d192fc782cd1b4753111b173b3b05d2"
              "2fa08086e3b0f712fcc7c71a557e2db966c3e9fa91746039");
}

// The "one million 'a'" vector, fed in 1000-byte pieces (not a multiple of the block size).
TEST(Sha512Family, MillionA) {
    std::string thousand(1000, 'a');
    uint8_t d384[48], d512[64];
    Sha384 h384;
    Sha512 h512;
    for (int i = 0; i < 1000; ++i) {
        h384.update(thousand.data(), thousand.size());
        h512.update(thousand.data(), thousand.size());
    }
    h384.final(d384);
    h512.final(d512);
    EXPECT_EQ(hex(d384, 48),
              "9d0e1809716474cb086e834e310a4a1ced149e9c00f24852"
              "7972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985");
    EXPECT_EQ(hex(d512, 64),
              "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
              "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

TEST(Sha512Family, OneShotHelpersMatchStreaming) {
    auto data = random_bytes(300, 7);
    uint8_t a384[48], a512[64];
    uk::crypto::sha384(data.data(), data.size(), a384);
    uk::crypto::sha512(data.data(), data.size(), a512);
    EXPECT_EQ(hex(a384, 48), ours<Sha384>(data.data(), data.size()));
    EXPECT_EQ(hex(a512, 64), ours<Sha512>(data.data(), data.size()));
    // Empty input through the helper, with no buffer at all.
    uk::crypto::sha384(nullptr, 0, a384);
    EXPECT_EQ(hex(a384, 48), ours<Sha384>(""));
}

// init() starts a new message: nothing of the previous one (count, partial block) survives.
TEST(Sha512Family, InitStartsOver) {
    auto data = random_bytes(200, 11);
    uint8_t out[64];
    Sha512 h;
    h.update(data.data(), 150);
    h.final(out);
    h.init();
    h.update(data.data(), 77);  // a partial block left from before would change this digest
    h.final(out);
    EXPECT_EQ(hex(out, 64), openssl<Sha512>(data.data(), 77));
}

// The two algorithms differ only in H(0) and the output length: SHA-384 is not a prefix of
// SHA-512 of the same message.
TEST(Sha512Family, Sha384IsNotTruncatedSha512) {
    EXPECT_NE(ours<Sha512>(kAbc).substr(0, 96), ours<Sha384>(kAbc));
}

template <class H>
void every_length_against_openssl(uint32_t seed) {
    auto data = random_bytes(1000, seed);
    std::mt19937 rng(seed + 1);
    for (size_t len = 0; len <= data.size(); ++len) {
        std::string want = openssl<H>(data.data(), len);
        ASSERT_EQ(ours<H>(data.data(), len), want) << "length " << len;
        // The same message in two random pieces.
        size_t cut = len == 0 ? 0 : rng() % (len + 1);
        ASSERT_EQ(ours_split<H>(data.data(), len, {cut}), want)
            << "length " << len << " cut " << cut;
    }
}

TEST(Sha384, EveryLengthTo1000MatchesOpenSsl) {
    every_length_against_openssl<Sha384>(384);
}
TEST(Sha512, EveryLengthTo1000MatchesOpenSsl) {
    every_length_against_openssl<Sha512>(512);
}

// Messages whose length sits around the padding boundaries (111/112: the 0x80 byte and the
// 16-byte length still fit or not; 127/128: a full block) of the first and second block, each
// split at every point, and at every pair of points for the shorter ones.
template <class H>
void every_split_around_boundaries() {
    auto data = random_bytes(300, 99);
    for (size_t len :
         {110, 111, 112, 113, 126, 127, 128, 129, 238, 239, 240, 241, 254, 255, 256, 257}) {
        std::string want = openssl<H>(data.data(), len);
        for (size_t cut = 0; cut <= len; ++cut)
            ASSERT_EQ(ours_split<H>(data.data(), len, {cut}), want)
                << "length " << len << " cut " << cut;
        if (len > 130) continue;
        for (size_t c1 = 0; c1 <= len; ++c1)
            for (size_t c2 = c1; c2 <= len; ++c2)
                ASSERT_EQ(ours_split<H>(data.data(), len, {c1, c2}), want)
                    << "length " << len << " cuts " << c1 << "," << c2;
    }
}

TEST(Sha384, EverySplitAroundBlockBoundariesMatchesOpenSsl) {
    every_split_around_boundaries<Sha384>();
}
TEST(Sha512, EverySplitAroundBlockBoundariesMatchesOpenSsl) {
    every_split_around_boundaries<Sha512>();
}

// Byte-at-a-time feeding over several blocks.
TEST(Sha512Family, ByteAtATime) {
    auto data = random_bytes(700, 5);
    Sha384 h;
    for (uint8_t b : data) h.update(&b, 1);
    uint8_t out[48];
    h.final(out);
    EXPECT_EQ(hex(out, 48), openssl<Sha384>(data.data(), data.size()));
}

// A large input (an app image's size), streamed in odd piece sizes against OpenSSL's streaming
// EVP interface.  The buffer is unaligned (offset 1) to check that whole blocks are read from the
// caller's memory byte-wise.
template <class H>
void large_input(uint32_t seed) {
    constexpr size_t kSize = 8u << 20;
    auto buf = random_bytes(kSize + 1, seed);
    const uint8_t* data = buf.data() + 1;
    H h;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ASSERT_NE(ctx, nullptr);
    ASSERT_EQ(EVP_DigestInit_ex(ctx, evp_md<H>(), nullptr), 1);
    std::mt19937 rng(seed);
    for (size_t at = 0; at < kSize;) {
        size_t n = std::min<size_t>(kSize - at, rng() % 70000);
        h.update(data + at, n);
        ASSERT_EQ(EVP_DigestUpdate(ctx, data + at, n), 1);
        at += n;
    }
    uint8_t want[EVP_MAX_MD_SIZE], got[H::kDigestSize];
    unsigned n = 0;
    ASSERT_EQ(EVP_DigestFinal_ex(ctx, want, &n), 1);
    EVP_MD_CTX_free(ctx);
    h.final(got);
    EXPECT_EQ(hex(got, sizeof got), hex(want, n));
}

TEST(Sha384, LargeStreamedInputMatchesOpenSsl) {
    large_input<Sha384>(1);
}
TEST(Sha512, LargeStreamedInputMatchesOpenSsl) {
    large_input<Sha512>(2);
}

}  // namespace
