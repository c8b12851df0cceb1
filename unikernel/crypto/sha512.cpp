// SHA-512 / SHA-384 after FIPS 180-4 (August 2015).  Section numbers below are the standard's.
#include "crypto/sha512.hpp"

namespace uk::crypto {
namespace {

// §4.2.3: the first 64 bits of the fractional parts of the cube roots of the first 80 primes.
constexpr uint64_t kK[80] = {
    0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc,
    0x3956c25bf348b538, 0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118,
    0xd807aa98a3030242, 0x12835b0145706fbe, 0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2,
    0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235, 0xc19bf174cf692694,
    0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
    0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5,
    0x983e5152ee66dfab, 0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4,
    0xc6e00bf33da88fc2, 0xd5a79147930aa725, 0x06ca6351e003826f, 0x142929670a0e6e70,
    0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed, 0x53380d139d95b3df,
    0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
    0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30,
    0xd192e819d6ef5218, 0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8,
    0x19a4c116b8d2d0c8, 0x1e376c085141ab53, 0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8,
    0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373, 0x682e6ff3d6b2b8a3,
    0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
    0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b,
    0xca273eceea26619c, 0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178,
    0x06f067aa72176fba, 0x0a637dc5a2c898a6, 0x113f9804bef90dae, 0x1b710b35131c471b,
    0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc, 0x431d67c49c100d4c,
    0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
};

// §5.3.5: SHA-512's H(0), the fractional parts of the square roots of the first 8 primes.
constexpr uint64_t kSha512Iv[8] = {
    0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
    0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179,
};

// §5.3.4: SHA-384's H(0), the same for the ninth through sixteenth primes.
constexpr uint64_t kSha384Iv[8] = {
    0xcbbb9d5dc1059ed8, 0x629a292a367cd507, 0x9159015a3070dd17, 0x152fecd8f70e5939,
    0x67332667ffc00b31, 0x8eb44a8768581511, 0xdb0c2e0d64f98fa7, 0x47b5481dbefa4fa4,
};

// §3.2 / §2.2.2: ROTR^n on 64-bit words (0 < n < 64 here).
constexpr uint64_t rotr(uint64_t x, unsigned n) {
    return (x >> n) | (x << (64 - n));
}

// §4.1.3: the six logical functions of SHA-384/512.
constexpr uint64_t ch(uint64_t x, uint64_t y, uint64_t z) {
    return (x & y) ^ (~x & z);
}
constexpr uint64_t maj(uint64_t x, uint64_t y, uint64_t z) {
    return (x & y) ^ (x & z) ^ (y & z);
}
constexpr uint64_t big_sigma0(uint64_t x) {
    return rotr(x, 28) ^ rotr(x, 34) ^ rotr(x, 39);
}
constexpr uint64_t big_sigma1(uint64_t x) {
    return rotr(x, 14) ^ rotr(x, 18) ^ rotr(x, 41);
}
constexpr uint64_t small_sigma0(uint64_t x) {
    return rotr(x, 1) ^ rotr(x, 8) ^ (x >> 7);
}
constexpr uint64_t small_sigma1(uint64_t x) {
    return rotr(x, 19) ^ rotr(x, 61) ^ (x >> 6);
}

// §3.1: words are big-endian; byte by byte, so any alignment and host order works.
constexpr uint64_t load_be64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}
constexpr void store_be64(uint8_t* p, uint64_t v) {
    for (int i = 7; i >= 0; --i) {
        p[i] = static_cast<uint8_t>(v);
        v >>= 8;
    }
}

void copy_bytes(uint8_t* dst, const uint8_t* src, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = src[i];
}

}  // namespace

// §6.4.2: one 1024-bit block M(i) into the intermediate hash value H(i-1).
void Sha512Family::compress(const uint8_t* block) {
    // Step 1: the message schedule W0..W79, kept as a 16-word ring (W[t] only needs W[t-16..t-2]).
    uint64_t w[16];
    for (int t = 0; t < 16; ++t) w[t] = load_be64(block + 8 * t);

    // Step 2: the working variables.
    uint64_t a = h_[0], b = h_[1], c = h_[2], d = h_[3];
    uint64_t e = h_[4], f = h_[5], g = h_[6], h = h_[7];

    // Step 3: 80 rounds.
    for (int t = 0; t < 80; ++t) {
        uint64_t wt;
        if (t < 16) {
            wt = w[t];
        } else {
            wt = small_sigma1(w[(t - 2) & 15]) + w[(t - 7) & 15] + small_sigma0(w[(t - 15) & 15]) +
                 w[t & 15];  // w[t & 15] still holds W(t-16)
            w[t & 15] = wt;
        }
        uint64_t t1 = h + big_sigma1(e) + ch(e, f, g) + kK[t] + wt;
        uint64_t t2 = big_sigma0(a) + maj(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }

    // Step 4: H(i).
    h_[0] += a;
    h_[1] += b;
    h_[2] += c;
    h_[3] += d;
    h_[4] += e;
    h_[5] += f;
    h_[6] += g;
    h_[7] += h;
}

void Sha512Family::start(const uint64_t (&iv)[8], size_t digest_size) {
    for (int i = 0; i < 8; ++i) h_[i] = iv[i];
    bytes_ = 0;
    buffered_ = 0;
    digest_size_ = digest_size;
}

void Sha512Family::update(const void* data, size_t len) {
    const uint8_t* p = static_cast<const uint8_t*>(data);
    bytes_ += len;
    // Fill a pending partial block first.
    if (buffered_ != 0) {
        size_t take = kSha512BlockSize - buffered_;
        if (take > len) take = len;
        copy_bytes(buf_ + buffered_, p, take);
        buffered_ += take;
        p += take;
        len -= take;
        if (buffered_ < kSha512BlockSize) return;
        compress(buf_);
        buffered_ = 0;
    }
    // Whole blocks straight from the caller's memory, no copy.
    for (; len >= kSha512BlockSize; p += kSha512BlockSize, len -= kSha512BlockSize) compress(p);
    copy_bytes(buf_, p, len);
    buffered_ = len;
}

void Sha512Family::finish(uint8_t* out) {
    // §5.1.2: the bit "1", then k zero bits with l + 1 + k = 896 (mod 1024), then l as a 128-bit
    // big-endian number.  The length field needs 16 bytes: a partial block of more than 111 bytes
    // (896 bits - 1 bit rounded to bytes) spills the padding into one more block.
    uint64_t bits_hi = bytes_ >> 61;  // l = 8 * bytes_, up to 67 bits
    uint64_t bits_lo = bytes_ << 3;
    buf_[buffered_++] = 0x80;
    if (buffered_ > kSha512BlockSize - 16) {
        for (size_t i = buffered_; i < kSha512BlockSize; ++i) buf_[i] = 0;
        compress(buf_);
        buffered_ = 0;
    }
    for (size_t i = buffered_; i < kSha512BlockSize - 16; ++i) buf_[i] = 0;
    store_be64(buf_ + kSha512BlockSize - 16, bits_hi);
    store_be64(buf_ + kSha512BlockSize - 8, bits_lo);
    compress(buf_);
    buffered_ = 0;

    // §6.4.2 / §6.5: H(N) big-endian, truncated to the digest size (48 or 64 bytes, whole words).
    for (size_t i = 0; i < digest_size_ / 8; ++i) store_be64(out + 8 * i, h_[i]);
}

void Sha512::init() {
    start(kSha512Iv, kDigestSize);
}

void Sha384::init() {
    start(kSha384Iv, kDigestSize);
}

void sha512(const void* data, size_t len, uint8_t (&out)[kSha512DigestSize]) {
    Sha512 h;
    h.update(data, len);
    h.final(out);
}

void sha384(const void* data, size_t len, uint8_t (&out)[kSha384DigestSize]) {
    Sha384 h;
    h.update(data, len);
    h.final(out);
}

}  // namespace uk::crypto
