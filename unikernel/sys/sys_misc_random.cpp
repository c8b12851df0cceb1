// getrandom: the CPU's RDRAND where CPUID has it (it is inside the trust boundary; the host is
// not), else a ChaCha20 stream keyed by the launcher's boot entropy with the domain id as nonce,
// so domains never share a stream.  The launcher's seed is trusted only as far as the host is.
#include "arch/x86/cpu.hpp"
#include "boot/host_hints.hpp"
#include "domain/domain.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::sys {
namespace {

constexpr uint64_t kGrndNonblock = 1, kGrndRandom = 2, kGrndInsecure = 4;
constexpr int kRdrandRetries = 10;  // Intel's guidance: a failure 10 times in a row is a fault

enum class Source : uint8_t { unknown, rdrand, chacha };
Source g_source = Source::unknown;

uint32_t g_key[8];
uint64_t g_counter[ER_MAX_DOMAINS];

uint32_t rotl(uint32_t v, int n) {
    return (v << n) | (v >> (32 - n));
}

void quarter(uint32_t* x, int a, int b, int c, int d) {
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 16);
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 12);
    x[a] += x[b], x[d] = rotl(x[d] ^ x[a], 8);
    x[c] += x[d], x[b] = rotl(x[b] ^ x[c], 7);
}

// One 64-byte ChaCha20 block (RFC 8439's function; 64-bit counter, 64-bit nonce layout).
void chacha_block(uint64_t counter, uint64_t nonce, uint8_t out[64]) {
    uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    for (int i = 0; i < 8; i++) s[4 + i] = g_key[i];
    s[12] = uint32_t(counter), s[13] = uint32_t(counter >> 32);
    s[14] = uint32_t(nonce), s[15] = uint32_t(nonce >> 32);
    uint32_t x[16];
    memcpy(x, s, sizeof x);
    for (int r = 0; r < 10; r++) {
        quarter(x, 0, 4, 8, 12), quarter(x, 1, 5, 9, 13), quarter(x, 2, 6, 10, 14);
        quarter(x, 3, 7, 11, 15), quarter(x, 0, 5, 10, 15), quarter(x, 1, 6, 11, 12);
        quarter(x, 2, 7, 8, 13), quarter(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++) x[i] += s[i];
    memcpy(out, x, 64);
}

bool rdrand64(uint64_t* v) {
    for (int i = 0; i < kRdrandRetries; i++) {
        uint8_t ok;
        asm volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok)::"cc");
        if (ok) return true;
    }
    return false;
}

void choose_source() {
    // The key is loaded either way: a failing RDRAND falls back to the stream.  The seed is the
    // host's (its hints page, copied at boot): under SEV the host knows it, which is why RDRAND,
    // the CPU's own, comes first.
    memcpy(g_key, boot::host_hints().entropy, sizeof g_key);
    g_source = (x86::cpuid(1).ecx & (1u << 30)) ? Source::rdrand : Source::chacha;
}

// Fills buf with random bytes from the chosen source.
void fill(uint8_t* buf, size_t n) {
    uint32_t id = domain::current().id % ER_MAX_DOMAINS;
    size_t done = 0;
    while (done < n) {
        uint8_t block[64];
        bool have = false;
        if (g_source == Source::rdrand) {
            have = true;
            for (int i = 0; i < 8 && have; i++) {
                uint64_t v;
                have = rdrand64(&v);
                memcpy(block + 8 * i, &v, 8);
            }
        }
        if (!have) {
            // A failing RDRAND (or none) falls back to the stream, never to fewer bytes.
            chacha_block(g_counter[id]++, 0x444e5247'00000000ull | id, block);
        }
        size_t take = n - done < sizeof block ? n - done : sizeof block;
        memcpy(buf + done, block, take);
        done += take;
    }
}

}  // namespace

void random_bytes(uint8_t* buf, size_t n) {
    if (g_source == Source::unknown) choose_source();
    fill(buf, n);
}

int64_t sys_getrandom(const Args& a) {
    if ((a.a2 & ~(kGrndNonblock | kGrndRandom | kGrndInsecure)) != 0) return -kEINVAL;
    if ((a.a2 & kGrndRandom) && (a.a2 & kGrndInsecure)) return -kEINVAL;
    if (g_source == Source::unknown) choose_source();
    uint64_t count = a.a1 < kMaxRwCount ? a.a1 : kMaxRwCount;
    uint64_t done = 0;
    while (done < count) {
        uint8_t chunk[256];
        size_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
        fill(chunk, n);
        if (mm::copy_to_user(a.a0 + done, chunk, n) != 0) {
            return done > 0 ? int64_t(done) : -kEFAULT;
        }
        done += n;
    }
    return int64_t(done);
}

}  // namespace uk::sys
