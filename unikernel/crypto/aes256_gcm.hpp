// AES-256 (FIPS 197) and AES-256-GCM (NIST SP 800-38D), for the SNP guest-request protocol: the
// guest seals MSG_REPORT_REQ and opens MSG_REPORT_RSP with VMPCK0 from the secrets page (SNP
// firmware ABI 56860, chapter 8 "Guest Messages": AEAD algorithm 1 = AES-256-GCM, 96-bit IV,
// 128-bit tag).  Freestanding: no allocation, no exceptions, no libc; the key schedule lives in
// the object and is wiped by its owner (wipe()) or by the one-shot functions before they return.
//
// Side channels.  Under SEV the hypervisor cannot read guest memory, but it sees which cache
// lines and pages the guest touches (cache-timing and page-fault channels) and can single-step
// the guest.  A classic table AES (S-box or T-tables indexed by key-dependent bytes) or a
// table-driven GHASH (indexed by bits of H = E(K, 0)) would leak VMPCK0 through those channels,
// and VMPCK0 is the key that lets anyone forge this VM's attestation requests.  So this code has
// no secret-dependent memory index and no secret-dependent branch:
//  - SubBytes computes the S-box (§5.1.1: inversion in GF(2^8) followed by the affine map) as
//    x^254 with a fixed square-and-multiply chain, eight bytes at a time in one 64-bit word;
//  - MixColumns' xtime and GHASH's GF(2^128) multiply use masks, never a branch on data bits;
//  - the tag comparison on open looks at every byte whatever the first difference.
// The price is speed (no AES-NI: the guest is built -mgeneral-regs-only): about 0.8 us per byte
// on the build host, 1 ms to open the 1216-byte report response, once per run.  Timing still
// depends on the (public) message lengths.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::crypto {

constexpr size_t kAes256KeySize = 32;
constexpr size_t kAesBlockSize = 16;
constexpr size_t kGcmIvSize = 12;  // only the 96-bit IV form (SP 800-38D §7.1, J0 = IV || 0^31 1)
constexpr size_t kGcmTagSize = 16;

// The AES-256 block cipher, encryption direction only (GCM never decrypts a block).
class Aes256 {
  public:
    // FIPS 197 §5.2: Nk = 8, Nr = 14, 60 round-key words.
    void set_key(const uint8_t (&key)[kAes256KeySize]);
    // FIPS 197 §5.1.  in and out may be the same buffer.
    void encrypt_block(const uint8_t in[kAesBlockSize], uint8_t out[kAesBlockSize]) const;
    // Zeroes the round keys (which reveal the key).
    void wipe();

  private:
    static constexpr int kRounds = 14;
    uint8_t rk_[(kRounds + 1) * kAesBlockSize];
};

// SP 800-38D §7.1 GCM-AE: encrypts len bytes of plaintext into ciphertext (same length; the two
// may be the same buffer) and authenticates them together with aad_len bytes of aad.  Buffers may
// be null when their length is 0.
void aes256_gcm_seal(const uint8_t (&key)[kAes256KeySize], const uint8_t (&iv)[kGcmIvSize],
                     const uint8_t* aad, size_t aad_len, const uint8_t* plaintext, size_t len,
                     uint8_t* ciphertext, uint8_t (&tag)[kGcmTagSize]);

// SP 800-38D §7.2 GCM-AD: checks the tag over aad and ciphertext first and only then decrypts
// into plaintext (may be the ciphertext buffer).  Returns false, with plaintext untouched, when
// the tag does not match.  ciphertext must not change during the call: a caller holding it in
// memory another party can write (a shared page) copies it into private memory first.
[[nodiscard]] bool aes256_gcm_open(const uint8_t (&key)[kAes256KeySize],
                                   const uint8_t (&iv)[kGcmIvSize], const uint8_t* aad,
                                   size_t aad_len, const uint8_t* ciphertext, size_t len,
                                   const uint8_t (&tag)[kGcmTagSize], uint8_t* plaintext);

// n bytes equal, in time that depends only on n.
bool equal_ct(const uint8_t* a, const uint8_t* b, size_t n);

// Zeroes n bytes in a way the compiler may not drop as a dead store (key material on the stack).
void secure_zero(void* p, size_t n);

}  // namespace uk::crypto
