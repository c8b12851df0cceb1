// AES-256 after FIPS 197 (November 2001, updated 2023) and GCM after NIST SP 800-38D (November
// 2007).  Section numbers below are theirs.  Why nothing here indexes memory or branches on secret
// data: see the header.
#include "crypto/aes256_gcm.hpp"

namespace uk::crypto {
namespace {

// ---- GF(2^8), eight bytes at a time in the lanes of one 64-bit word ----

constexpr uint64_t kLanes = 0x0101010101010101;  // 1 in every byte lane

// §4.2.1 xtime: multiply every lane by x modulo m(x) = x^8 + x^4 + x^3 + x + 1 (0x11b).  The
// reduction is a multiply of the lanes' top bits by 0x1b (each lane holds 0 or 1: no carries).
constexpr uint64_t xtime8(uint64_t a) {
    uint64_t top = (a >> 7) & kLanes;
    return ((a & (kLanes * 0x7f)) << 1) ^ (top * 0x1b);
}

// §4.2: lane-wise a * b in GF(2^8), shift-and-add over b's eight bits with masks, no branches.
constexpr uint64_t mul8(uint64_t a, uint64_t b) {
    uint64_t p = 0;
    for (int i = 0; i < 8; ++i) {
        p ^= a & (((b >> i) & kLanes) * 0xff);
        a = xtime8(a);
    }
    return p;
}

// Lane-wise rotate left by n (1..4) inside each byte.
constexpr uint64_t rotl8(uint64_t b, unsigned n) {
    uint64_t hi = kLanes * ((0xffu << n) & 0xffu);
    uint64_t lo = kLanes * (0xffu >> (8 - n));
    return ((b << n) & hi) | ((b >> (8 - n)) & lo);
}

// §5.1.1 SubBytes on eight lanes: the multiplicative inverse (0 maps to 0) as b^254, by the fixed
// chain 254 = 0b11111110 (7 squarings, 6 multiplies), then the affine transformation
// b' = b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63 (eq. 5.1 written with rotations).
constexpr uint64_t sub8(uint64_t x) {
    uint64_t r = x;                                       // x^1
    for (int i = 0; i < 6; ++i) r = mul8(mul8(r, r), x);  // x^3, x^7, ..., x^127
    r = mul8(r, r);                                       // x^254
    return r ^ rotl8(r, 1) ^ rotl8(r, 2) ^ rotl8(r, 3) ^ rotl8(r, 4) ^ (kLanes * 0x63);
}

static_assert((sub8(0x00) & 0xff) == 0x63, "FIPS 197 Table 4: S(0x00)");
static_assert((sub8(0x53) & 0xff) == 0xed, "FIPS 197 §5.1.1 example: S(0x53)");
static_assert((sub8(0xff) & 0xff) == 0x16, "FIPS 197 Table 4: S(0xff)");

uint64_t load_lanes(const uint8_t* p, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | p[i];
    return v;
}
void store_lanes(uint8_t* p, int n, uint64_t v) {
    for (int i = 0; i < n; ++i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// One byte times x (xtime) without a branch, for MixColumns.
constexpr uint8_t xtime(uint8_t a) {
    return static_cast<uint8_t>((a << 1) ^ (0x1b & (0u - (a >> 7))));
}

// ---- the AES round functions on the state s[r + 4c] (§3.4: input byte n is s[n % 4][n / 4]) ----

void sub_bytes(uint8_t (&s)[16]) {
    store_lanes(s, 8, sub8(load_lanes(s, 8)));
    store_lanes(s + 8, 8, sub8(load_lanes(s + 8, 8)));
}

// §5.1.2: row r rotates left by r columns.
void shift_rows(uint8_t (&s)[16]) {
    uint8_t t[16];
    for (int c = 0; c < 4; ++c)
        for (int r = 0; r < 4; ++r) t[r + 4 * c] = s[r + 4 * ((c + r) & 3)];
    for (int i = 0; i < 16; ++i) s[i] = t[i];
}

// §5.1.3: each column times {03}x^3 + {01}x^2 + {01}x + {02}; written as a_i ^ t ^ 2(a_i ^ a_i+1)
// with t the XOR of the column.
void mix_columns(uint8_t (&s)[16]) {
    for (int c = 0; c < 4; ++c) {
        uint8_t* a = s + 4 * c;
        uint8_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
        uint8_t t = a0 ^ a1 ^ a2 ^ a3;
        a[0] = a0 ^ t ^ xtime(a0 ^ a1);
        a[1] = a1 ^ t ^ xtime(a1 ^ a2);
        a[2] = a2 ^ t ^ xtime(a2 ^ a3);
        a[3] = a3 ^ t ^ xtime(a3 ^ a0);
    }
}

void add_round_key(uint8_t (&s)[16], const uint8_t* k) {
    for (int i = 0; i < 16; ++i) s[i] ^= k[i];
}

// ---- GHASH (SP 800-38D §6.3, §6.4) ----

// A 128-bit block as two big-endian halves: bit 0 of the spec (leftmost) is hi's bit 63.
struct Block128 {
    uint64_t hi, lo;
};

uint64_t load_be64(const uint8_t* p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
    return v;
}
void store_be64(uint8_t* p, uint64_t v) {
    for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}

// §6.3 Algorithm 1, X • Y, with masks instead of the two "if" steps: both operands may be secret
// (H is E(K, 0^128)).
Block128 gf128_mul(Block128 x, Block128 y) {
    Block128 z{0, 0};
    Block128 v = y;
    for (int i = 0; i < 128; ++i) {
        uint64_t xi = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        uint64_t m = 0 - xi;
        z.hi ^= v.hi & m;
        z.lo ^= v.lo & m;
        uint64_t lsb = 0 - (v.lo & 1);  // R = 11100001 || 0^120 when the bit shifted out is 1
        v.lo = (v.lo >> 1) | (v.hi << 63);
        v.hi = (v.hi >> 1) ^ (0xe100000000000000 & lsb);
    }
    return z;
}

class Ghash {
  public:
    explicit Ghash(const uint8_t (&h)[16]) : h_{load_be64(h), load_be64(h + 8)}, y_{0, 0} {}

    // §6.4 over data zero-padded to whole blocks (the AAD and the ciphertext are each padded,
    // §7.1 step 5).
    void update_padded(const uint8_t* data, size_t len) {
        for (; len > 0;) {
            uint8_t block[16] = {};
            size_t n = len < 16 ? len : 16;
            for (size_t i = 0; i < n; ++i) block[i] = data[i];
            absorb(block);
            data += n;
            len -= n;
        }
    }

    // The final block [len(A)]_64 || [len(C)]_64, lengths in bits; S goes to out.
    void finish(size_t aad_len, size_t len, uint8_t (&out)[16]) {
        uint8_t block[16];
        store_be64(block, static_cast<uint64_t>(aad_len) * 8);
        store_be64(block + 8, static_cast<uint64_t>(len) * 8);
        absorb(block);
        store_be64(out, y_.hi);
        store_be64(out + 8, y_.lo);
    }

    void wipe() { secure_zero(this, sizeof *this); }

  private:
    void absorb(const uint8_t* block) {
        y_.hi ^= load_be64(block);
        y_.lo ^= load_be64(block + 8);
        y_ = gf128_mul(y_, h_);
    }

    Block128 h_, y_;
};

// §6.2 inc32: the rightmost 32 bits of the counter block, big-endian, plus one modulo 2^32.
void inc32(uint8_t (&cb)[16]) {
    for (int i = 15; i >= 12; --i)
        if (++cb[i] != 0) break;  // the counter is public (IV and block index): branching is fine
}

// §6.5 GCTR from counter block icb over len bytes (in may equal out).
void gctr(const Aes256& aes, const uint8_t (&icb)[16], const uint8_t* in, size_t len,
          uint8_t* out) {
    uint8_t cb[16], ks[16];
    for (int i = 0; i < 16; ++i) cb[i] = icb[i];
    for (size_t at = 0; at < len; at += 16) {
        aes.encrypt_block(cb, ks);
        size_t n = len - at < 16 ? len - at : 16;
        for (size_t i = 0; i < n; ++i) out[at + i] = in[at + i] ^ ks[i];
        inc32(cb);
    }
    secure_zero(ks, sizeof ks);
}

// The values both directions derive from key and IV (§7.1 steps 1-2): H and J0 = IV || 0^31 1.
struct GcmSetup {
    Aes256 aes;
    uint8_t h[16];
    uint8_t j0[16];

    GcmSetup(const uint8_t (&key)[kAes256KeySize], const uint8_t (&iv)[kGcmIvSize]) {
        aes.set_key(key);
        for (int i = 0; i < 16; ++i) h[i] = 0;
        aes.encrypt_block(h, h);
        for (size_t i = 0; i < kGcmIvSize; ++i) j0[i] = iv[i];
        j0[12] = j0[13] = j0[14] = 0;
        j0[15] = 1;
    }
    ~GcmSetup() {
        aes.wipe();
        secure_zero(h, sizeof h);
    }

    // §7.1 steps 5-6: T = MSB_128(GCTR(J0, S)).
    void tag(Ghash& g, size_t aad_len, size_t len, uint8_t (&out)[16]) const {
        uint8_t s[16];
        g.finish(aad_len, len, s);
        gctr(aes, j0, s, 16, out);
        secure_zero(s, sizeof s);
    }

    // The first counter block for the data, inc32(J0) (§7.1 step 3).
    void data_counter(uint8_t (&cb)[16]) const {
        for (int i = 0; i < 16; ++i) cb[i] = j0[i];
        inc32(cb);
    }
};

}  // namespace

// §5.2 KeyExpansion for Nk = 8: w[i] = w[i-8] ^ temp, temp = SubWord(RotWord(w[i-1])) ^ Rcon on
// multiples of 8, SubWord(w[i-1]) on i = 4 mod 8, else w[i-1].
void Aes256::set_key(const uint8_t (&key)[kAes256KeySize]) {
    for (size_t i = 0; i < kAes256KeySize; ++i) rk_[i] = key[i];
    uint8_t rcon = 0x01;  // Rcon[i/8] = x^(i/8 - 1) in GF(2^8)
    for (int i = 8; i < 4 * (kRounds + 1); ++i) {
        const uint8_t* prev = rk_ + 4 * (i - 1);
        uint8_t t[4] = {prev[0], prev[1], prev[2], prev[3]};
        if (i % 8 == 0) {
            uint8_t r[4] = {t[1], t[2], t[3], t[0]};
            store_lanes(t, 4, sub8(load_lanes(r, 4)));
            t[0] ^= rcon;
            rcon = xtime(rcon);
        } else if (i % 8 == 4) {
            store_lanes(t, 4, sub8(load_lanes(t, 4)));
        }
        for (int b = 0; b < 4; ++b) rk_[4 * i + b] = rk_[4 * (i - 8) + b] ^ t[b];
    }
}

// §5.1 Cipher: AddRoundKey, 13 full rounds, a last round without MixColumns.
void Aes256::encrypt_block(const uint8_t in[kAesBlockSize], uint8_t out[kAesBlockSize]) const {
    uint8_t s[16];
    for (int i = 0; i < 16; ++i) s[i] = in[i];
    add_round_key(s, rk_);
    for (int round = 1; round < kRounds; ++round) {
        sub_bytes(s);
        shift_rows(s);
        mix_columns(s);
        add_round_key(s, rk_ + 16 * round);
    }
    sub_bytes(s);
    shift_rows(s);
    add_round_key(s, rk_ + 16 * kRounds);
    for (int i = 0; i < 16; ++i) out[i] = s[i];
    secure_zero(s, sizeof s);
}

void Aes256::wipe() {
    secure_zero(rk_, sizeof rk_);
}

void aes256_gcm_seal(const uint8_t (&key)[kAes256KeySize], const uint8_t (&iv)[kGcmIvSize],
                     const uint8_t* aad, size_t aad_len, const uint8_t* plaintext, size_t len,
                     uint8_t* ciphertext, uint8_t (&tag)[kGcmTagSize]) {
    GcmSetup gcm(key, iv);
    uint8_t cb[16];
    gcm.data_counter(cb);
    gctr(gcm.aes, cb, plaintext, len, ciphertext);  // §7.1 step 3
    Ghash g(gcm.h);                                 // §7.1 steps 4-5
    g.update_padded(aad, aad_len);
    g.update_padded(ciphertext, len);
    gcm.tag(g, aad_len, len, tag);
    g.wipe();
}

bool aes256_gcm_open(const uint8_t (&key)[kAes256KeySize], const uint8_t (&iv)[kGcmIvSize],
                     const uint8_t* aad, size_t aad_len, const uint8_t* ciphertext, size_t len,
                     const uint8_t (&tag)[kGcmTagSize], uint8_t* plaintext) {
    GcmSetup gcm(key, iv);
    Ghash g(gcm.h);  // §7.2 steps 4-6 before step 3: nothing is decrypted unless the tag matches
    g.update_padded(aad, aad_len);
    g.update_padded(ciphertext, len);
    uint8_t want[16];
    gcm.tag(g, aad_len, len, want);
    g.wipe();
    bool ok = equal_ct(want, tag, kGcmTagSize);  // §7.2 step 8
    secure_zero(want, sizeof want);
    if (!ok) return false;
    uint8_t cb[16];
    gcm.data_counter(cb);
    gctr(gcm.aes, cb, ciphertext, len, plaintext);
    return true;
}

bool equal_ct(const uint8_t* a, const uint8_t* b, size_t n) {
    uint8_t diff = 0;
    for (size_t i = 0; i < n; ++i) diff |= a[i] ^ b[i];
    // Keep the compiler from turning the loop into an early exit.
    __asm__ volatile("" : "+r"(diff));
    return diff == 0;
}

void secure_zero(void* p, size_t n) {
    volatile uint8_t* v = static_cast<volatile uint8_t*>(p);
    for (size_t i = 0; i < n; ++i) v[i] = 0;
    __asm__ volatile("" : : "r"(p) : "memory");
}

}  // namespace uk::crypto
