#include "net/user_msg.hpp"

#include "mm/user_access.hpp"
#include "sys/errno.hpp"

namespace uk::net {
namespace {

// Linux's struct msghdr on x86-64 (56 bytes) and struct iovec.
struct RawMsghdr {
    uint64_t name;
    uint32_t name_len;
    uint32_t pad;
    uint64_t iov;
    uint64_t iov_len;
    uint64_t control;
    uint64_t control_len;
    int32_t flags;
    uint32_t pad2;
};
static_assert(sizeof(RawMsghdr) == 56);

struct Iovec {
    uint64_t base;
    uint64_t len;
};

constexpr uint64_t kOffNameLen = 8, kOffControlLen = 40, kOffFlags = 48;

// Walks the message's iovecs from byte `skip` on, calling move(user, kernel_offset, len) for
// each piece, up to n bytes: the bytes moved, or -EFAULT when the first piece fails.
template <typename Move>
int64_t walk(const UserMsg& m, uint64_t skip, uint64_t n, Move move) {
    uint64_t done = 0;
    for (uint64_t i = 0; i < m.iov_count && done < n; i++) {
        Iovec v;
        if (mm::copy_from_user(&v, m.iov + i * sizeof v, sizeof v) != 0)
            return done > 0 ? int64_t(done) : -kEFAULT;
        if (skip >= v.len) {
            skip -= v.len;
            continue;
        }
        uint64_t len = v.len - skip;
        if (len > n - done) len = n - done;
        if (!move(v.base + skip, done, len)) return done > 0 ? int64_t(done) : -kEFAULT;
        done += len;
        skip = 0;
    }
    return int64_t(done);
}

// Fills m's iovec fields and total: 0, -EFAULT, -EINVAL (total over SSIZE_MAX).
int sum_iovecs(uint64_t iov, uint64_t count, UserMsg* m) {
    m->iov = iov;
    m->iov_count = count;
    uint64_t total = 0;
    for (uint64_t i = 0; i < count; i++) {
        Iovec v;
        if (mm::copy_from_user(&v, iov + i * sizeof v, sizeof v) != 0) return -kEFAULT;
        if (v.len > uint64_t(INT64_MAX) - total) return -kEINVAL;
        total += v.len;
    }
    m->total = total;
    return 0;
}

}  // namespace

int copy_addr_in(uint64_t user_addr, uint64_t len, SockAddr* out) {
    // Linux's move_addr_to_kernel takes 0 .. sizeof(sockaddr_storage); no family fits in fewer
    // than 2 bytes, so shorter ones are refused here for every family alike.
    if (int64_t(int32_t(len)) < 2 || len > kAddrMax) return -kEINVAL;
    if (mm::copy_from_user(out->bytes, user_addr, len) != 0) return -kEFAULT;
    out->len = uint32_t(len);
    return 0;
}

int copy_addr_out(const SockAddr& a, uint64_t user_addr, uint64_t user_len_ptr) {
    if (user_addr == 0) return 0;
    int32_t room;
    if (mm::copy_from_user(&room, user_len_ptr, sizeof room) != 0) return -kEFAULT;
    if (room < 0) return -kEINVAL;
    uint32_t n = uint32_t(room) < a.len ? uint32_t(room) : a.len;
    if (n > 0 && mm::copy_to_user(user_addr, a.bytes, n) != 0) return -kEFAULT;
    // The full length goes back, so the app can see that it was truncated.
    int32_t full = int32_t(a.len);
    return mm::copy_to_user(user_len_ptr, &full, sizeof full) != 0 ? -kEFAULT : 0;
}

int read_msghdr(uint64_t user_msg, UserMsg* out) {
    RawMsghdr h;
    if (mm::copy_from_user(&h, user_msg, sizeof h) != 0) return -kEFAULT;
    if (h.iov_len > kMaxIov) return -kEMSGSIZE;  // as Linux's __copy_msghdr
    *out = UserMsg{};
    out->name = h.name;
    // A name without room is no name; more room than any address is clamped (Linux).
    if (h.name != 0 && int32_t(h.name_len) < 0) return -kEINVAL;
    out->name_len = h.name == 0 ? 0 : h.name_len > kAddrMax ? kAddrMax : h.name_len;
    out->control = h.control;
    out->control_len = h.control_len;
    return sum_iovecs(h.iov, h.iov_len, out);
}

int read_iovec(uint64_t user_iov, uint64_t count, UserMsg* out) {
    if (count > kMaxIov) return -kEINVAL;
    *out = UserMsg{};
    return sum_iovecs(user_iov, count, out);
}

UserMsg single_buffer(uint64_t user_buf, uint64_t len) {
    UserMsg m;
    m.iov = user_buf;
    m.total = len;
    m.plain = true;
    return m;
}

int64_t gather(const UserMsg& m, uint64_t skip, void* dst, uint64_t n) {
    auto* out = static_cast<uint8_t*>(dst);
    if (m.plain) {
        if (skip >= m.total) return 0;
        if (n > m.total - skip) n = m.total - skip;
        return mm::copy_from_user(out, m.iov + skip, n) != 0 ? -kEFAULT : int64_t(n);
    }
    return walk(m, skip, n, [out](uint64_t user, uint64_t at, uint64_t len) {
        return mm::copy_from_user(out + at, user, len) == 0;
    });
}

int64_t scatter(const UserMsg& m, uint64_t skip, const void* src, uint64_t n) {
    auto* in = static_cast<const uint8_t*>(src);
    if (m.plain) {
        if (skip >= m.total) return 0;
        if (n > m.total - skip) n = m.total - skip;
        return mm::copy_to_user(m.iov + skip, in, n) != 0 ? -kEFAULT : int64_t(n);
    }
    return walk(m, skip, n, [in](uint64_t user, uint64_t at, uint64_t len) {
        return mm::copy_to_user(user, in + at, len) == 0;
    });
}

int finish_recvmsg(uint64_t user_msg, uint32_t name_len, uint32_t msg_flags) {
    uint64_t no_control = 0;
    if (mm::copy_to_user(user_msg + kOffNameLen, &name_len, sizeof name_len) != 0 ||
        mm::copy_to_user(user_msg + kOffControlLen, &no_control, sizeof no_control) != 0 ||
        mm::copy_to_user(user_msg + kOffFlags, &msg_flags, sizeof msg_flags) != 0) {
        return -kEFAULT;
    }
    return 0;
}

}  // namespace uk::net
