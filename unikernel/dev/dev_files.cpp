#include "dev/dev_files.hpp"

#include "dev/dev_tree.hpp"
#include "mm/user_access.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"

namespace uk::dev {
namespace {

constexpr uint64_t kChunk = 256;  // random bytes per copy, on the kernel stack
// Bytes per read.  A syscall runs with interrupts off, so a read of 2 GiB of zeros would hold
// every other domain up; a device read may be short (libc and dd loop), as Linux's may be on a
// signal.  Random bytes cost more to make than zeros.
constexpr uint64_t kZerosPerCall = 16u << 20, kRandomPerCall = 1u << 20;

alignas(64) const uint8_t kZeros[4096] = {};

// Fills the app's buffer chunk by chunk; a fault after some bytes ends the read short.
int64_t fill_user(uint64_t user_buf, uint64_t count, bool random) {
    uint64_t cap = random ? kRandomPerCall : kZerosPerCall;
    if (count > cap) count = cap;
    uint64_t done = 0;
    while (done < count) {
        uint8_t chunk[kChunk];
        const uint8_t* src = kZeros;
        uint64_t n = count - done < sizeof kZeros ? count - done : sizeof kZeros;
        if (random) {
            n = n < kChunk ? n : kChunk;
            sys::random_bytes(chunk, n);
            src = chunk;
        }
        if (mm::copy_to_user(user_buf + done, src, n) != 0) {
            return done > 0 ? int64_t(done) : -kEFAULT;
        }
        done += n;
    }
    return int64_t(done);
}

}  // namespace

int64_t read(fs::NodeRef n, uint64_t user_buf, uint64_t count) {
    switch (n.ro) {
        case kNull:
            return 0;
        case kZero:
        case kFull:
            return fill_user(user_buf, count, false);
        case kRandom:
        case kUrandom:
            return fill_user(user_buf, count, true);
        default:
            return -kEINVAL;
    }
}

int64_t write(fs::NodeRef n, uint64_t count) {
    if (n.ro == kFull) return -kENOSPC;
    return int64_t(count);
}

}  // namespace uk::dev
