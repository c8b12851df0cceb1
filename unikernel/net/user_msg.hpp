// What the socket syscalls read from and write to the app: socket addresses (value-result
// lengths, truncation as Linux does it) and msghdr/iovec lists.  Shared by both socket kinds,
// inet/ (host sockets) and unix/ (kept in the guest); socket_sys.cpp is the syscall layer.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::net {

constexpr uint32_t kAddrMax = 128;  // sizeof(struct sockaddr_storage), ER_NET_ADDR_MAX
constexpr uint64_t kMaxIov = 1024;  // UIO_MAXIOV

// A socket address in kernel memory.
struct SockAddr {
    uint8_t bytes[kAddrMax];
    uint32_t len = 0;
    uint16_t family() const { return len >= 2 ? uint16_t(bytes[0] | bytes[1] << 8) : 0; }
};

// Copies a sockaddr of `len` bytes from the app: 0, -EFAULT, -EINVAL (len > kAddrMax, or < 2).
int copy_addr_in(uint64_t user_addr, uint64_t len, SockAddr* out);
// accept, getsockname, getpeername, recvfrom: writes `a` to the app.  `user_addr` 0 writes
// nothing.  *user_len is in/out (socklen_t): at most that many bytes are written, and the full
// length is stored back.  0, -EFAULT, -EINVAL (negative length).
int copy_addr_out(const SockAddr& a, uint64_t user_addr, uint64_t user_len_ptr);

// A struct msghdr read from the app, its iovec array checked (count <= kMaxIov, each iovec
// readable, total bytes fit in ssize_t).
struct UserMsg {
    uint64_t name = 0;         // user pointer to a sockaddr, or 0
    uint32_t name_len = 0;     // msg_namelen
    uint64_t iov = 0;          // user pointer to struct iovec[iov_count]
    uint64_t iov_count = 0;
    uint64_t control = 0;      // ancillary data: user pointer, or 0
    uint64_t control_len = 0;
    uint64_t total = 0;        // sum of the iov_len
    bool plain = false;        // single_buffer(): `iov` is the buffer itself, `total` bytes
};
// 0, -EFAULT, -EMSGSIZE (more than kMaxIov iovecs, as Linux), -EINVAL (total over SSIZE_MAX, a
// negative msg_namelen).  A msg_namelen over kAddrMax is clamped to it, as Linux does.
int read_msghdr(uint64_t user_msg, UserMsg* out);
// readv/writev: an iovec array alone as a message.  0, -EFAULT, -EINVAL (count over kMaxIov,
// total over SSIZE_MAX), as Linux's import_iovec.
int read_iovec(uint64_t user_iov, uint64_t count, UserMsg* out);
// A plain buffer as a one-iovec message (send, recv, sendto, recvfrom, read, write).
UserMsg single_buffer(uint64_t user_buf, uint64_t len);

// Copies up to n bytes from the message's iovecs, starting `skip` bytes in, into dst (kernel).
// Returns the bytes copied (fewer only at the end of the iovecs), or -EFAULT.
int64_t gather(const UserMsg& m, uint64_t skip, void* dst, uint64_t n);
// Copies up to n bytes from src (kernel) into the message's iovecs, starting `skip` bytes in.
// Returns the bytes copied, or -EFAULT.
int64_t scatter(const UserMsg& m, uint64_t skip, const void* src, uint64_t n);

// recvmsg: writes msg_namelen, msg_controllen (0: no ancillary data is ever passed) and
// msg_flags back into the app's struct msghdr.  0 or -EFAULT.
int finish_recvmsg(uint64_t user_msg, uint32_t name_len, uint32_t msg_flags);

}  // namespace uk::net
