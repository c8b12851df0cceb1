// net/user_msg.cpp, what the socket syscalls copy to and from the app: socket addresses (Linux's
// length rules and truncation), msghdr and iovec limits, and gather/scatter across iovecs from
// any offset.  User memory is this process's memory here; one range stands for an unmapped hole
// (copies touching it fail as the guest's checked copies do).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "net/user_msg.hpp"
#include "sys/errno.hpp"

namespace {

alignas(64) uint8_t g_hole[4096];  // "unmapped": any copy touching it is -EFAULT

bool touches_hole(uint64_t addr, size_t len) {
    auto lo = reinterpret_cast<uint64_t>(g_hole);
    return len != 0 && addr < lo + sizeof g_hole && addr + len > lo;
}

}  // namespace

namespace uk::mm {

int copy_from_user(void* dst, uint64_t user_src, size_t len) {
    if (user_src == 0 || touches_hole(user_src, len)) return -kEFAULT;
    std::memcpy(dst, reinterpret_cast<const void*>(user_src), len);
    return 0;
}

int copy_to_user(uint64_t user_dst, const void* src, size_t len) {
    if (user_dst == 0 || touches_hole(user_dst, len)) return -kEFAULT;
    std::memcpy(reinterpret_cast<void*>(user_dst), src, len);
    return 0;
}

}  // namespace uk::mm

namespace {

using namespace uk::net;
using uk::kEFAULT;
using uk::kEINVAL;
using uk::kEMSGSIZE;

uint64_t u(const void* p) {
    return reinterpret_cast<uint64_t>(p);
}

struct Iov {
    uint64_t base;
    uint64_t len;
};

struct Msghdr {  // Linux's struct msghdr on x86-64
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

TEST(NetUserMsg, AddressInTakesTwoTo128Bytes) {
    uint8_t raw[129] = {2, 0, 0x1F, 0x90, 127, 0, 0, 1};
    SockAddr a;
    EXPECT_EQ(copy_addr_in(u(raw), 16, &a), 0);
    EXPECT_EQ(a.len, 16u);
    EXPECT_EQ(a.family(), 2);
    EXPECT_EQ(std::memcmp(a.bytes, raw, 16), 0);
    EXPECT_EQ(copy_addr_in(u(raw), 1, &a), -kEINVAL);
    EXPECT_EQ(copy_addr_in(u(raw), 129, &a), -kEINVAL);
    EXPECT_EQ(copy_addr_in(u(raw), 0xFFFFFFFFu, &a), -kEINVAL);  // a negative socklen_t
    EXPECT_EQ(copy_addr_in(u(raw), 128, &a), 0);
    EXPECT_EQ(copy_addr_in(u(g_hole), 16, &a), -kEFAULT);
}

TEST(NetUserMsg, AddressOutTruncatesAndReportsTheFullLength) {
    SockAddr a;
    for (uint32_t i = 0; i < 28; i++) a.bytes[i] = uint8_t(i + 1);
    a.len = 28;
    uint8_t out[32] = {};
    int32_t len = 8;
    EXPECT_EQ(copy_addr_out(a, u(out), u(&len)), 0);
    EXPECT_EQ(len, 28);  // what it would have taken
    EXPECT_EQ(out[7], 8);
    EXPECT_EQ(out[8], 0);  // nothing past the app's room
    len = 32;
    EXPECT_EQ(copy_addr_out(a, u(out), u(&len)), 0);
    EXPECT_EQ(len, 28);
    EXPECT_EQ(out[27], 28);
    len = -1;
    EXPECT_EQ(copy_addr_out(a, u(out), u(&len)), -kEINVAL);
    EXPECT_EQ(copy_addr_out(a, 0, 0), 0);  // no address wanted (accept(fd, NULL, NULL))
    EXPECT_EQ(copy_addr_out(a, u(out), 0), -kEFAULT);
    len = 32;
    EXPECT_EQ(copy_addr_out(a, u(g_hole), u(&len)), -kEFAULT);
}

TEST(NetUserMsg, MsghdrLimitsAsLinux) {
    std::vector<Iov> iov(1025, Iov{u(g_hole), 0});
    Msghdr h{};
    h.iov = u(iov.data());
    h.iov_len = 1024;
    UserMsg m;
    EXPECT_EQ(read_msghdr(u(&h), &m), 0);
    EXPECT_EQ(m.total, 0u);
    h.iov_len = 1025;
    EXPECT_EQ(read_msghdr(u(&h), &m), -kEMSGSIZE);
    EXPECT_EQ(read_iovec(u(iov.data()), 1025, &m), -kEINVAL);
    // Lengths that add up past SSIZE_MAX.
    iov[0].len = uint64_t(INT64_MAX);
    iov[1].len = 1;
    h.iov_len = 2;
    EXPECT_EQ(read_msghdr(u(&h), &m), -kEINVAL);
    // The name: clamped to 128, dropped with a null pointer, a negative length refused.
    iov[0].len = 5;
    iov[1].len = 0;
    uint8_t name[128];
    h.name = u(name);
    h.name_len = 4096;
    EXPECT_EQ(read_msghdr(u(&h), &m), 0);
    EXPECT_EQ(m.name_len, 128u);
    EXPECT_EQ(m.total, 5u);
    h.name_len = 0x80000000u;
    EXPECT_EQ(read_msghdr(u(&h), &m), -kEINVAL);
    h.name = 0;
    EXPECT_EQ(read_msghdr(u(&h), &m), 0);
    EXPECT_EQ(m.name_len, 0u);
    EXPECT_EQ(read_msghdr(u(g_hole), &m), -kEFAULT);
    h.iov = u(g_hole);
    EXPECT_EQ(read_msghdr(u(&h), &m), -kEFAULT);
}

TEST(NetUserMsg, GatherAndScatterAcrossIovecsFromAnyOffset) {
    char a[3], b[1], c[6];
    Iov iov[4] = {{u(a), 3}, {u(g_hole), 0}, {u(b), 1}, {u(c), 6}};
    UserMsg m;
    ASSERT_EQ(read_iovec(u(iov), 4, &m), 0);
    EXPECT_EQ(m.total, 10u);
    const char* text = "0123456789";
    EXPECT_EQ(scatter(m, 0, text, 10), 10);
    EXPECT_EQ(std::string(a, 3) + std::string(b, 1) + std::string(c, 6), "0123456789");
    char back[10] = {};
    EXPECT_EQ(gather(m, 2, back, 5), 5);
    EXPECT_EQ(std::string(back, 5), "23456");
    EXPECT_EQ(gather(m, 8, back, 100), 2);  // only what the iovecs hold
    EXPECT_EQ(std::string(back, 2), "89");
    EXPECT_EQ(gather(m, 10, back, 1), 0);
    EXPECT_EQ(scatter(m, 3, "xy", 2), 2);
    EXPECT_EQ(b[0], 'x');
    EXPECT_EQ(c[0], 'y');
    // A bad buffer after good ones: the bytes before it count; a bad first one is -EFAULT.
    Iov bad[2] = {{u(a), 3}, {u(g_hole), 4}};
    ASSERT_EQ(read_iovec(u(bad), 2, &m), 0);
    EXPECT_EQ(gather(m, 0, back, 7), 3);
    EXPECT_EQ(gather(m, 3, back, 4), -kEFAULT);
    // The one-buffer form of send/recv/read/write.
    UserMsg one = single_buffer(u(c), 6);
    EXPECT_EQ(gather(one, 4, back, 10), 2);
    EXPECT_EQ(scatter(one, 0, "abcdef", 6), 6);
    EXPECT_EQ(std::string(c, 6), "abcdef");
    EXPECT_EQ(gather(single_buffer(u(g_hole), 8), 0, back, 8), -kEFAULT);
}

TEST(NetUserMsg, FinishRecvmsgWritesNameLenControlLenAndFlags) {
    Msghdr h{};
    h.name_len = 128;
    h.control_len = 64;
    EXPECT_EQ(finish_recvmsg(u(&h), 16, 0x20), 0);
    EXPECT_EQ(h.name_len, 16u);
    EXPECT_EQ(h.control_len, 0u);
    EXPECT_EQ(h.flags, 0x20);
    EXPECT_EQ(finish_recvmsg(u(g_hole), 16, 0), -kEFAULT);
}

}  // namespace
