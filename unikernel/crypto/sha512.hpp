// SHA-512 and SHA-384 (FIPS 180-4), for the guest's own measurement log: the guest hashes the
// bytes it actually loads and never takes a digest from the host, and it cannot link OpenSSL.
// Freestanding: no allocation, no exceptions, no libc; the whole state lives in the object.
//
// Both algorithms share one compression function on 64-bit words (FIPS 180-4 §6.4); SHA-384 only
// starts from another initial hash value (§5.3.4 instead of §5.3.5) and keeps the leftmost 384
// bits of the result (§6.5).  Messages up to 2^64 - 1 bytes are supported (the standard allows
// 2^128 - 1 bits; the byte count is 64-bit, its bit length is encoded in full 128 bits).
//
// Use: Sha384 h; h.update(a, n); h.update(b, m); h.final(digest);  or sha384(data, n, digest).
// After final() the object must be init()ed again before the next message.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::crypto {

constexpr size_t kSha512BlockSize = 128;  // bytes: one 1024-bit message block (§5.2.2)
constexpr size_t kSha512DigestSize = 64;
constexpr size_t kSha384DigestSize = 48;

// The engine common to both: the running hash value, the byte count and a partial block.
class Sha512Family {
  public:
    void update(const void* data, size_t len);

  protected:
    // The eight words of H(0) and how many leading bytes of the final H(N) are the digest.
    void start(const uint64_t (&iv)[8], size_t digest_size);
    // Pads (§5.1.2), processes the last block(s), writes digest_size bytes big-endian.
    void finish(uint8_t* out);

  private:
    void compress(const uint8_t* block);

    uint64_t h_[8];
    uint64_t bytes_;  // message bytes so far (the 128-bit bit length is derived at the end)
    uint8_t buf_[kSha512BlockSize];
    size_t buffered_;  // bytes of a partial block in buf_, always < kSha512BlockSize
    size_t digest_size_;
};

class Sha512 : public Sha512Family {
  public:
    static constexpr size_t kDigestSize = kSha512DigestSize;
    Sha512() { init(); }
    void init();
    void final(uint8_t (&out)[kDigestSize]) { finish(out); }
};

class Sha384 : public Sha512Family {
  public:
    static constexpr size_t kDigestSize = kSha384DigestSize;
    Sha384() { init(); }
    void init();
    void final(uint8_t (&out)[kDigestSize]) { finish(out); }
};

// One-shot helpers.
void sha512(const void* data, size_t len, uint8_t (&out)[kSha512DigestSize]);
void sha384(const void* data, size_t len, uint8_t (&out)[kSha384DigestSize]);

}  // namespace uk::crypto
