#include "net/inet/host_net.hpp"

#include "hv/hypercall.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "sys/errno.hpp"

namespace uk::net::host {
namespace {

constexpr int64_t kErrnoMax = 4095;

er_hc_net request(er_net_op op, uint32_t domain, int32_t handle) {
    er_hc_net r{};
    r.op = op;
    r.domain = domain;
    r.handle = handle;
    // Always a valid place, so the host never has to tell "no buffer" from a bad GPA.
    r.buf_gpa = mm::kernel_gpa(hv::net_io());
    r.addr_gpa = mm::kernel_gpa(hv::net_addr());
    return r;
}

// The host's result as an errno or a count up to `max`; anything else is the host breaking the
// ABI, which the guest survives as -EIO.
int64_t checked(int64_t ret, uint64_t max) {
    if (ret < 0) return ret >= -kErrnoMax ? ret : -kEIO;
    return uint64_t(ret) <= max ? ret : -kEIO;
}

void put_addr(er_hc_net& r, const SockAddr& a) {
    memcpy(hv::net_addr(), a.bytes, a.len);
    r.addr_len = a.len;
}

// An address the host wrote back, its length clamped to the buffer.
void get_addr(const er_hc_net& r, SockAddr* out) {
    uint32_t len = r.addr_len <= kAddrMax ? r.addr_len : kAddrMax;
    memcpy(out->bytes, hv::net_addr(), len);
    out->len = len;
}

}  // namespace

int64_t socket(uint32_t domain, uint32_t family, uint32_t type, uint32_t protocol) {
    er_hc_net r = request(ER_NET_SOCKET, domain, -1);
    r.a0 = family;
    r.a1 = type;
    r.a2 = protocol;
    hv::net(r);
    return checked(r.ret, ER_NET_MAX_SOCKETS - 1);
}

int64_t simple(er_net_op op, uint32_t domain, int32_t handle, int64_t a0) {
    er_hc_net r = request(op, domain, handle);
    r.a0 = a0;
    hv::net(r);
    return checked(r.ret, INT32_MAX);
}

int64_t addr_in(er_net_op op, uint32_t domain, int32_t handle, const SockAddr& a) {
    er_hc_net r = request(op, domain, handle);
    put_addr(r, a);
    hv::net(r);
    return checked(r.ret, 0);
}

int64_t addr_out(er_net_op op, uint32_t domain, int32_t handle, SockAddr* out) {
    er_hc_net r = request(op, domain, handle);
    r.addr_len = kAddrMax;
    hv::net(r);
    int64_t ret = checked(r.ret, 0);
    if (ret == 0) get_addr(r, out);
    return ret;
}

int64_t accept(uint32_t domain, int32_t handle, SockAddr* peer) {
    er_hc_net r = request(ER_NET_ACCEPT, domain, handle);
    r.addr_len = kAddrMax;
    hv::net(r);
    int64_t ret = checked(r.ret, ER_NET_MAX_SOCKETS - 1);
    if (ret >= 0) get_addr(r, peer);
    return ret;
}

int64_t send(uint32_t domain, int32_t handle, uint64_t len, int64_t flags, const SockAddr* to) {
    er_hc_net r = request(ER_NET_SEND, domain, handle);
    r.buf_len = len;
    r.a0 = flags;
    if (to != nullptr) put_addr(r, *to);
    hv::net(r);
    return checked(r.ret, len);
}

int64_t recv(uint32_t domain, int32_t handle, uint64_t len, int64_t flags, SockAddr* from,
             uint32_t* msg_flags) {
    er_hc_net r = request(ER_NET_RECV, domain, handle);
    r.buf_len = len;
    r.a0 = flags;
    r.addr_len = kAddrMax;
    hv::net(r);
    // MSG_TRUNC asks a datagram socket for its real length, which may be over len (never over
    // what one datagram can be).
    int64_t ret = checked(r.ret, (flags & 0x20) ? ER_NET_IO_MAX : len);
    if (ret >= 0) {
        get_addr(r, from);
        *msg_flags = uint32_t(r.a1);
    }
    return ret;
}

int64_t setopt(uint32_t domain, int32_t handle, int64_t level, int64_t name, uint64_t len) {
    er_hc_net r = request(ER_NET_SETOPT, domain, handle);
    r.a0 = level;
    r.a1 = name;
    r.buf_len = len;
    hv::net(r);
    return checked(r.ret, 0);
}

int64_t getopt(uint32_t domain, int32_t handle, int64_t level, int64_t name, uint64_t len) {
    er_hc_net r = request(ER_NET_GETOPT, domain, handle);
    r.a0 = level;
    r.a1 = name;
    r.buf_len = len;
    hv::net(r);
    return checked(r.ret, len);
}

int64_t poll(uint32_t n, uint64_t timeout_ns) {
    er_net_pollfd* p = hv::net_pollfds();
    // The host sees only what it needs; what was asked is kept to mask what comes back.
    uint16_t asked[ER_NET_POLL_MAX];
    for (uint32_t i = 0; i < n; i++) asked[i] = p[i].events, p[i].revents = 0;
    er_hc_net r = request(ER_NET_POLL, 0, -1);
    r.buf_gpa = mm::kernel_gpa(p);
    r.a0 = n;
    r.timeout_ns = timeout_ns;
    hv::net(r);
    for (uint32_t i = 0; i < n; i++) p[i].revents &= asked[i] | 0x8 | 0x10 | 0x20;
    return checked(r.ret, n);
}

}  // namespace uk::net::host
