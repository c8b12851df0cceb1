// NetServer with a real GuestMemory and real sockets on this host's loopback (and, where this host
// allows, in a network namespace the test makes): requests are written into guest RAM as the
// guest would, served, and read back.
#include "launcher/net/net_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <set>
#include <string>

#include "../fake_console.hpp"
#include "../test_support.hpp"
#include "launcher/net/socket_options.hpp"
#include "launcher/vm/domain_queue.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "net_test_support.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kRam = 256 * 1024;
constexpr uint64_t kReq = 0x2000;
constexpr uint64_t kAddr = 0x3000;
constexpr uint64_t kPoll = 0x4000;
constexpr uint64_t kBuf = 0x10000;  // ER_NET_IO_MAX bytes of room

class NetServerTest : public ::testing::Test {
  protected:
    NetServerTest()
        : ram(kRam),
          net(
              ram.memory, console, [this](uint32_t d) { return live.count(d) > 0; },
              [](uint32_t d) { return "domain " + std::to_string(d); }) {}

    void SetUp() override {
        net.set_default_factory(std::make_shared<SocketFactory>(SocketFactory::in_current_netns()));
    }

    // Serves `req` and returns it as the guest reads it back.
    er_hc_net call(er_hc_net req) {
        ram.memory.write(kReq, req, "req");
        net.serve(kReq);
        return ram.memory.read<er_hc_net>(kReq, "req");
    }
    std::string guest_error(er_hc_net req) {
        ram.memory.write(kReq, req, "req");
        try {
            net.serve(kReq);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }
    static er_hc_net request(uint32_t domain, uint32_t op, int32_t handle, int64_t a0 = 0,
                             int64_t a1 = 0, int64_t a2 = 0) {
        er_hc_net req{};
        req.op = op;
        req.domain = domain;
        req.handle = handle;
        req.a0 = a0;
        req.a1 = a1;
        req.a2 = a2;
        return req;
    }
    int64_t socket(uint32_t domain, int family = AF_INET, int type = SOCK_STREAM) {
        return call(request(domain, ER_NET_SOCKET, -1, family, type, 0)).ret;
    }
    // BIND or CONNECT `handle` to 127.0.0.1:port.
    int64_t with_addr(uint32_t domain, uint32_t op, int64_t handle, uint16_t port) {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ram.memory.write(kAddr, a, "addr");
        er_hc_net req = request(domain, op, static_cast<int32_t>(handle));
        req.addr_gpa = kAddr;
        req.addr_len = sizeof a;
        return call(req).ret;
    }
    uint16_t local_port(uint32_t domain, int64_t handle) {
        er_hc_net req = request(domain, ER_NET_SOCKNAME, static_cast<int32_t>(handle));
        req.addr_gpa = kAddr;
        er_hc_net out = call(req);
        EXPECT_EQ(out.ret, 0);
        EXPECT_EQ(out.addr_len, sizeof(sockaddr_in));
        return ntohs(ram.memory.read<sockaddr_in>(kAddr, "addr").sin_port);
    }
    // A listener of `domain` on 127.0.0.1, an ephemeral port.
    std::pair<int64_t, uint16_t> listener(uint32_t domain) {
        int64_t h = socket(domain);
        EXPECT_GE(h, 0);
        EXPECT_EQ(with_addr(domain, ER_NET_BIND, h, 0), 0);
        EXPECT_EQ(call(request(domain, ER_NET_LISTEN, static_cast<int32_t>(h), 8)).ret, 0);
        return {h, local_port(domain, h)};
    }
    // ER_NET_POLL for one entry until it reports something (bounded: 200 polls of the cap).
    uint16_t wait_for(uint32_t domain, int64_t handle, uint16_t events) {
        for (int i = 0; i < 200; ++i) {
            er_net_pollfd e{domain, static_cast<int32_t>(handle), events, 0, 0};
            ram.memory.write(kPoll, e, "poll");
            er_hc_net req = request(domain, ER_NET_POLL, -1, 1);
            req.buf_gpa = kPoll;
            req.timeout_ns = 1'000'000'000;
            int64_t ready = call(req).ret;
            uint16_t revents = ram.memory.read<er_net_pollfd>(kPoll, "poll").revents;
            if (ready > 0) return revents;
        }
        return 0;
    }
    int64_t send(uint32_t domain, int64_t handle, const std::string& text, int64_t flags = 0) {
        ram.memory.copy_in(kBuf, {reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                           "buf");
        er_hc_net req = request(domain, ER_NET_SEND, static_cast<int32_t>(handle), flags);
        req.buf_gpa = kBuf;
        req.buf_len = text.size();
        return call(req).ret;
    }
    std::string recv(uint32_t domain, int64_t handle, uint64_t room = 4096) {
        er_hc_net req = request(domain, ER_NET_RECV, static_cast<int32_t>(handle));
        req.buf_gpa = kBuf;
        req.buf_len = room;
        int64_t n = call(req).ret;
        if (n < 0) return "errno " + std::to_string(-n);
        return std::string(reinterpret_cast<const char*>(ram.bytes.data() + kBuf),
                           static_cast<size_t>(n));
    }
    int getopt_int(uint32_t domain, int64_t handle, int level, int name) {
        er_hc_net req = request(domain, ER_NET_GETOPT, static_cast<int32_t>(handle), level, name);
        req.buf_gpa = kBuf;
        req.buf_len = sizeof(int);
        er_hc_net out = call(req);
        EXPECT_EQ(out.ret, static_cast<int64_t>(sizeof(int)));
        return ram.memory.read<int>(kBuf, "opt");
    }
    int64_t setopt_int(uint32_t domain, int64_t handle, int level, int name, int value) {
        ram.memory.write(kBuf, value, "opt");
        er_hc_net req = request(domain, ER_NET_SETOPT, static_cast<int32_t>(handle), level, name);
        req.buf_gpa = kBuf;
        req.buf_len = sizeof value;
        return call(req).ret;
    }
    // A connected pair of `domain`'s handles: (client, accepted).
    std::pair<int64_t, int64_t> connected(uint32_t domain) {
        auto [l, port] = listener(domain);
        int64_t c = socket(domain);
        int64_t rc = with_addr(domain, ER_NET_CONNECT, c, port);
        EXPECT_TRUE(rc == 0 || rc == -EINPROGRESS) << rc;
        EXPECT_NE(wait_for(domain, l, POLLIN) & POLLIN, 0);
        int64_t a = call(request(domain, ER_NET_ACCEPT, static_cast<int32_t>(l))).ret;
        EXPECT_GE(a, 0);
        EXPECT_EQ(call(request(domain, ER_NET_CLOSE, static_cast<int32_t>(l))).ret, 0);
        return {c, a};
    }

    test::FakeRam ram;
    test::FakeConsole console;
    std::set<uint32_t> live{0, 1};
    NetServer net;
};

TEST_F(NetServerTest, TcpRoundTripByHandles) {
    auto [l, port] = listener(0);
    EXPECT_EQ(getopt_int(0, l, SOL_SOCKET, SO_ACCEPTCONN), 1);
    int64_t c = socket(0);
    ASSERT_GE(c, 0);
    EXPECT_NE(c, l);
    int64_t rc = with_addr(0, ER_NET_CONNECT, c, port);
    ASSERT_TRUE(rc == 0 || rc == -EINPROGRESS) << rc;
    EXPECT_NE(wait_for(0, c, POLLOUT) & POLLOUT, 0);
    EXPECT_EQ(getopt_int(0, c, SOL_SOCKET, SO_ERROR), 0);
    ASSERT_NE(wait_for(0, l, POLLIN) & POLLIN, 0);

    er_hc_net acc = request(0, ER_NET_ACCEPT, static_cast<int32_t>(l));
    acc.addr_gpa = kAddr;
    acc = call(acc);
    int64_t a = acc.ret;
    ASSERT_GE(a, 0);
    EXPECT_EQ(acc.addr_len, sizeof(sockaddr_in));
    auto peer = ram.memory.read<sockaddr_in>(kAddr, "addr");
    EXPECT_EQ(peer.sin_family, AF_INET);
    EXPECT_EQ(ntohs(peer.sin_port), local_port(0, c));

    // Nothing to read yet: the host does not block, the guest hears EAGAIN.
    EXPECT_EQ(recv(0, a, 16), "errno " + std::to_string(EAGAIN));
    EXPECT_EQ(send(0, c, "hello, domain"), 13);
    ASSERT_NE(wait_for(0, a, POLLIN) & POLLIN, 0);
    EXPECT_EQ(call(request(0, ER_NET_FIONREAD, static_cast<int32_t>(a))).ret, 13);
    // A short read takes part; the next read the rest.
    EXPECT_EQ(recv(0, a, 5), "hello");
    EXPECT_EQ(send(0, a, "back"), 4);
    EXPECT_EQ(recv(0, a), ", domain");
    ASSERT_NE(wait_for(0, c, POLLIN) & POLLIN, 0);
    EXPECT_EQ(recv(0, c), "back");

    er_hc_net pn = request(0, ER_NET_PEERNAME, static_cast<int32_t>(c));
    pn.addr_gpa = kAddr;
    EXPECT_EQ(call(pn).ret, 0);
    EXPECT_EQ(ntohs(ram.memory.read<sockaddr_in>(kAddr, "addr").sin_port), port);

    EXPECT_EQ(call(request(0, ER_NET_SHUTDOWN, static_cast<int32_t>(c), SHUT_WR)).ret, 0);
    EXPECT_NE(wait_for(0, a, POLLIN | POLLRDHUP) & POLLRDHUP, 0);
    EXPECT_EQ(recv(0, a), "");  // EOF
    EXPECT_EQ(call(request(0, ER_NET_SHUTDOWN, static_cast<int32_t>(c), 7)).ret, -EINVAL);
    EXPECT_EQ(net.sockets(0), 3u);
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, static_cast<int32_t>(c))).ret, 0);
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, static_cast<int32_t>(c))).ret, -EBADF);
    EXPECT_EQ(net.sockets(0), 2u);
}

TEST_F(NetServerTest, PeekAndFlagsOut) {
    auto [c, a] = connected(0);
    ASSERT_EQ(send(0, c, "abcdef"), 6);
    ASSERT_NE(wait_for(0, a, POLLIN) & POLLIN, 0);
    er_hc_net req = request(0, ER_NET_RECV, static_cast<int32_t>(a), MSG_PEEK);
    req.buf_gpa = kBuf;
    req.buf_len = 3;
    EXPECT_EQ(call(req).ret, 3);
    EXPECT_EQ(recv(0, a), "abcdef");
}

TEST_F(NetServerTest, UdpWithAddressesAndTruncation) {
    int64_t s = socket(0, AF_INET, SOCK_DGRAM);
    int64_t r = socket(0, AF_INET, SOCK_DGRAM);
    ASSERT_EQ(with_addr(0, ER_NET_BIND, r, 0), 0);
    uint16_t port = local_port(0, r);
    std::string text = "datagram of 25 bytes long";
    ram.memory.copy_in(kBuf, {reinterpret_cast<const uint8_t*>(text.data()), text.size()}, "buf");
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ram.memory.write(kAddr, to, "addr");
    er_hc_net snd = request(0, ER_NET_SEND, static_cast<int32_t>(s));
    snd.buf_gpa = kBuf;
    snd.buf_len = text.size();
    snd.addr_gpa = kAddr;
    snd.addr_len = sizeof to;
    ASSERT_EQ(call(snd).ret, static_cast<int64_t>(text.size()));
    ASSERT_NE(wait_for(0, r, POLLIN) & POLLIN, 0);
    er_hc_net rcv = request(0, ER_NET_RECV, static_cast<int32_t>(r), MSG_TRUNC);
    rcv.buf_gpa = kBuf;
    rcv.buf_len = 8;
    rcv.addr_gpa = kAddr;
    rcv = call(rcv);
    EXPECT_EQ(rcv.ret, static_cast<int64_t>(text.size()));  // MSG_TRUNC: the real length
    EXPECT_NE(rcv.a1 & MSG_TRUNC, 0);                       // msg_flags out
    EXPECT_EQ(rcv.addr_len, sizeof(sockaddr_in));
    EXPECT_EQ(ntohs(ram.memory.read<sockaddr_in>(kAddr, "addr").sin_port), local_port(0, s));
}

TEST_F(NetServerTest, AnotherDomainsHandleIsEbadf) {
    auto [l, port] = listener(0);
    (void)port;
    // Domain 1 has no sockets: domain 0's handle names nothing of its own.
    EXPECT_EQ(call(request(1, ER_NET_LISTEN, static_cast<int32_t>(l), 1)).ret, -EBADF);
    EXPECT_EQ(call(request(1, ER_NET_ACCEPT, static_cast<int32_t>(l))).ret, -EBADF);
    EXPECT_EQ(call(request(1, ER_NET_CLOSE, static_cast<int32_t>(l))).ret, -EBADF);
    EXPECT_EQ(call(request(1, ER_NET_FIONREAD, -1)).ret, -EBADF);
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, ER_NET_MAX_SOCKETS)).ret, -EBADF);
    EXPECT_EQ(net.sockets(0), 1u);  // still there
    // In a poll, an entry naming a handle its domain does not hold is POLLNVAL, and counts.
    er_net_pollfd entries[2] = {{1, static_cast<int32_t>(l), POLLIN, 0, 0},
                                {0, static_cast<int32_t>(l), POLLIN, 0, 0}};
    ram.memory.copy_in(kPoll, {reinterpret_cast<const uint8_t*>(entries), sizeof entries}, "p");
    er_hc_net req = request(0, ER_NET_POLL, -1, 2);
    req.buf_gpa = kPoll;
    req.timeout_ns = 5'000'000'000;  // not waited: an invalid entry is an answer already
    EXPECT_EQ(call(req).ret, 1);
    EXPECT_EQ(ram.memory.read<er_net_pollfd>(kPoll, "p").revents, POLLNVAL);
    EXPECT_EQ(ram.memory.read<er_net_pollfd>(kPoll + 16, "p").revents, 0);
}

TEST_F(NetServerTest, MalformedRequestsAreGuestErrors) {
    int64_t h = socket(0);
    ASSERT_GE(h, 0);
    er_hc_net req = request(0, ER_NET_SEND, static_cast<int32_t>(h));
    req.buf_gpa = kBuf;
    req.buf_len = ER_NET_IO_MAX + 1;
    EXPECT_NE(guest_error(req).find("buf_len 65537 exceeds"), std::string::npos);
    req.buf_len = 16;
    req.buf_gpa = kRam - 8;  // runs past RAM
    EXPECT_NE(guest_error(req), "");
    req.buf_gpa = ~0ull - 4;  // wraps
    EXPECT_NE(guest_error(req), "");
    req.buf_gpa = 0x10;  // the null page
    EXPECT_NE(guest_error(req).find("null page"), std::string::npos);

    er_hc_net bind = request(0, ER_NET_BIND, static_cast<int32_t>(h));
    bind.addr_gpa = kAddr;
    bind.addr_len = ER_NET_ADDR_MAX + 1;
    EXPECT_NE(guest_error(bind).find("addr_len 129 exceeds"), std::string::npos);
    bind.addr_len = 16;
    bind.addr_gpa = kRam - 4;
    EXPECT_NE(guest_error(bind), "");
    // An out-address needs ER_NET_ADDR_MAX bytes of room, checked before anything happens.
    er_hc_net name = request(0, ER_NET_SOCKNAME, static_cast<int32_t>(h));
    name.addr_gpa = kRam - 64;
    EXPECT_NE(guest_error(name), "");
    // A malformed request is found whatever its handle.
    name.handle = 99;
    EXPECT_NE(guest_error(name), "");

    EXPECT_NE(guest_error(request(0, 0, -1)).find("unknown op 0"), std::string::npos);
    EXPECT_NE(guest_error(request(0, 16, -1)).find("unknown op 16"), std::string::npos);
    EXPECT_NE(guest_error(request(2, ER_NET_SOCKET, -1, AF_INET, SOCK_STREAM)).find("not live"),
              std::string::npos);
    EXPECT_NE(guest_error(request(ER_MAX_DOMAINS, ER_NET_CLOSE, 0)).find("not live"),
              std::string::npos);
    er_hc_net poll = request(0, ER_NET_POLL, -1, ER_NET_POLL_MAX + 1);
    poll.buf_gpa = kPoll;
    EXPECT_NE(guest_error(poll).find("257 entries"), std::string::npos);
    poll.a0 = -1;
    EXPECT_NE(guest_error(poll), "");
    poll.a0 = ER_NET_POLL_MAX;
    poll.buf_gpa = kRam - 16;
    EXPECT_NE(guest_error(poll), "");
    // The request itself: in the null page, outside RAM, misaligned.
    EXPECT_NE(
        [&] {
            try {
                net.serve(0);
            } catch (const GuestError& e) {
                return std::string(e.what());
            }
            return std::string();
        }(),
        "");
    for (uint64_t gpa : {kRam - 8, kReq + 4}) {
        bool threw = false;
        try {
            net.serve(gpa);
        } catch (const GuestError&) {
            threw = true;
        }
        EXPECT_TRUE(threw) << gpa;
    }
    EXPECT_EQ(net.sockets(0), 1u);  // nothing changed on the host
}

TEST_F(NetServerTest, SocketArgumentsAndAddresses) {
    EXPECT_EQ(socket(0, AF_UNIX, SOCK_STREAM), -EAFNOSUPPORT);
    EXPECT_EQ(socket(0, AF_INET, SOCK_RAW), -EINVAL);
    EXPECT_EQ(socket(0, AF_INET, SOCK_STREAM | SOCK_NONBLOCK), -EINVAL);
    EXPECT_EQ(call(request(0, ER_NET_SOCKET, -1, AF_INET, SOCK_STREAM, IPPROTO_UDP)).ret,
              -EPROTONOSUPPORT);
    EXPECT_EQ(call(request(0, ER_NET_SOCKET, -1, int64_t{1} << 40, SOCK_STREAM)).ret,
              -EAFNOSUPPORT);
    EXPECT_EQ(console.notices.size(), 4u);  // each refused (family, type) once
    EXPECT_EQ(socket(0, AF_UNIX, SOCK_STREAM), -EAFNOSUPPORT);
    EXPECT_EQ(console.notices.size(), 4u);

    int64_t h = socket(0);
    sockaddr_storage ss{};
    ss.ss_family = AF_UNIX;
    ram.memory.write(kAddr, ss, "addr");
    er_hc_net bind = request(0, ER_NET_BIND, static_cast<int32_t>(h));
    bind.addr_gpa = kAddr;
    bind.addr_len = 110;
    EXPECT_EQ(call(bind).ret, -EAFNOSUPPORT);
    ss.ss_family = AF_INET6;  // on an AF_INET socket
    ram.memory.write(kAddr, ss, "addr");
    bind.addr_len = sizeof(sockaddr_in6);
    EXPECT_EQ(call(bind).ret, -EAFNOSUPPORT);
    ss.ss_family = AF_INET;
    ram.memory.write(kAddr, ss, "addr");
    bind.addr_len = 8;  // shorter than sockaddr_in
    EXPECT_EQ(call(bind).ret, -EINVAL);
    bind.addr_len = 0;
    EXPECT_EQ(call(bind).ret, -EINVAL);

    // IPv6 loopback works where this host has it.
    int64_t h6 = socket(0, AF_INET6, SOCK_STREAM);
    ASSERT_GE(h6, 0);
    sockaddr_in6 six{};
    six.sin6_family = AF_INET6;
    six.sin6_addr = in6addr_loopback;
    ram.memory.write(kAddr, six, "addr");
    bind.handle = static_cast<int32_t>(h6);
    bind.addr_len = sizeof six;
    int64_t rc = call(bind).ret;
    EXPECT_TRUE(rc == 0 || rc == -EADDRNOTAVAIL) << rc;
    bind.addr_len = 20;
    EXPECT_EQ(call(bind).ret, -EINVAL);
}

TEST_F(NetServerTest, CapIsEmfileAndAFreedHandleIsReused) {
    for (uint32_t i = 0; i < ER_NET_MAX_SOCKETS; ++i)
        ASSERT_EQ(socket(0, AF_INET, SOCK_DGRAM), static_cast<int64_t>(i));
    EXPECT_EQ(socket(0, AF_INET, SOCK_DGRAM), -EMFILE);
    EXPECT_EQ(socket(1, AF_INET, SOCK_DGRAM), 0);  // another domain has its own cap
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, 17)).ret, 0);
    EXPECT_EQ(socket(0, AF_INET, SOCK_STREAM), 17);
    EXPECT_EQ(net.sockets(0), ER_NET_MAX_SOCKETS);
}

TEST_F(NetServerTest, AcceptAtTheCapLeavesTheConnectionQueued) {
    auto [l, port] = listener(0);
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    while (net.sockets(0) < ER_NET_MAX_SOCKETS) ASSERT_GE(socket(0, AF_INET, SOCK_DGRAM), 0);
    EXPECT_EQ(call(request(0, ER_NET_ACCEPT, static_cast<int32_t>(l))).ret, -EMFILE);
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, 5)).ret, 0);
    EXPECT_EQ(call(request(0, ER_NET_ACCEPT, static_cast<int32_t>(l))).ret, 5);
}

TEST_F(NetServerTest, OptionsWhitelistAndBufferCap) {
    int64_t h = socket(0);
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_REUSEADDR, 1), 0);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_REUSEADDR), 1);
    EXPECT_EQ(setopt_int(0, h, IPPROTO_TCP, TCP_NODELAY, 1), 0);
    EXPECT_EQ(getopt_int(0, h, IPPROTO_TCP, TCP_NODELAY), 1);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_DOMAIN), AF_INET);
    // Sockets start at the cap (the kernel reports twice what was set) ...
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_RCVBUF), 2 * kSocketBufferCap);
    // ... and a domain can lower it, never raise it past the cap.
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_SNDBUF, 64 * 1024 * 1024), 0);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_SNDBUF), 2 * kSocketBufferCap);
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_RCVBUF, 16 * 1024), 0);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_RCVBUF), 2 * 16 * 1024);

    // Not on the list: -ENOPROTOOPT, one notice per (level, name).
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_RCVBUFFORCE, 1 << 30), -ENOPROTOOPT);
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_RCVBUFFORCE, 1 << 30), -ENOPROTOOPT);
    EXPECT_EQ(setopt_int(0, h, SOL_SOCKET, SO_BINDTODEVICE, 0), -ENOPROTOOPT);
    EXPECT_EQ(setopt_int(0, h, IPPROTO_TCP, TCP_CONGESTION, 0), -ENOPROTOOPT);
    EXPECT_EQ(setopt_int(0, h, 12345, 1, 0), -ENOPROTOOPT);
    EXPECT_EQ(console.notices.size(), 4u);
    EXPECT_NE(console.notices[0].find("ENOPROTOOPT"), std::string::npos);
    EXPECT_EQ(getopt_int(0, h, SOL_SOCKET, SO_RCVBUF), 2 * 16 * 1024);  // unchanged

    // TCP_INFO reads out, truncated to the room given.
    er_hc_net info = request(0, ER_NET_GETOPT, static_cast<int32_t>(h), IPPROTO_TCP, TCP_INFO);
    info.buf_gpa = kBuf;
    info.buf_len = 8;
    EXPECT_EQ(call(info).ret, 8);
}

TEST_F(NetServerTest, DomainEndClosesItsSockets) {
    auto [c, a] = connected(0);
    int64_t other = socket(1);
    ASSERT_GE(other, 0);
    live.erase(0);
    net.domain_ended(0);
    EXPECT_EQ(net.sockets(0), 0u);
    EXPECT_EQ(net.sockets(1), 1u);
    live.insert(0);  // the slot is reused by a new domain: it starts with no sockets
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, static_cast<int32_t>(c))).ret, -EBADF);
    EXPECT_EQ(call(request(0, ER_NET_CLOSE, static_cast<int32_t>(a))).ret, -EBADF);
    EXPECT_EQ(socket(0), 0);  // with the default factory again
}

TEST_F(NetServerTest, PollManyWithTimeoutAndNone) {
    auto [c, a] = connected(0);
    er_net_pollfd entries[2] = {{0, static_cast<int32_t>(a), POLLIN, 0, 0},
                                {0, static_cast<int32_t>(c), POLLOUT, 0, 0}};
    ram.memory.copy_in(kPoll, {reinterpret_cast<const uint8_t*>(entries), sizeof entries}, "p");
    er_hc_net req = request(0, ER_NET_POLL, -1, 2);
    req.buf_gpa = kPoll;
    req.timeout_ns = 0;
    EXPECT_EQ(call(req).ret, 1);  // c writable, a has nothing
    EXPECT_EQ(ram.memory.read<er_net_pollfd>(kPoll, "p").revents, 0);
    EXPECT_EQ(ram.memory.read<er_net_pollfd>(kPoll + 16, "p").revents, POLLOUT);
    // No entries: a bounded wait (the cap) that reports nothing.
    net.set_poll_cap_ns(1'000'000);
    er_hc_net none = request(0, ER_NET_POLL, -1, 0);
    none.timeout_ns = ~0ull;
    EXPECT_EQ(call(none).ret, 0);
}

TEST_F(NetServerTest, WithoutAFactoryADomainHasNoSockets) {
    NetServer bare(
        ram.memory, console, [](uint32_t) { return true; },
        [](uint32_t d) { return std::to_string(d); });
    ram.memory.write(kReq, request(3, ER_NET_SOCKET, -1, AF_INET, SOCK_STREAM), "req");
    bare.serve(kReq);
    EXPECT_EQ(ram.memory.read<er_hc_net>(kReq, "req").ret, -EAFNOSUPPORT);
    bare.attach(3, SocketFactory::in_current_netns());
    bare.serve(kReq);
    EXPECT_EQ(ram.memory.read<er_hc_net>(kReq, "req").ret, 0);
}

// Domain 1's sockets live in a fresh namespace: domain 0's listener (this namespace) is out of
// its reach, and so is anything else of this host.
TEST_F(NetServerTest, AFreshNamespaceCannotReachAnotherDomainsListener) {
    std::optional<SocketFactory> fresh = test::new_netns_factory();
    if (!fresh) GTEST_SKIP() << test::netns_skip_reason();
    net.attach(1, std::move(*fresh));
    auto [l, port] = listener(0);
    (void)l;
    int64_t c = socket(1);
    ASSERT_GE(c, 0);
    int64_t rc = with_addr(1, ER_NET_CONNECT, c, port);
    if (rc == -EINPROGRESS) {
        EXPECT_NE(wait_for(1, c, POLLOUT), 0);
        rc = -getopt_int(1, c, SOL_SOCKET, SO_ERROR);
    }
    EXPECT_EQ(rc, -ECONNREFUSED);
    // Domain 0, in this namespace, reaches it.
    int64_t c0 = socket(0);
    rc = with_addr(0, ER_NET_CONNECT, c0, port);
    EXPECT_TRUE(rc == 0 || rc == -EINPROGRESS) << rc;
    EXPECT_NE(wait_for(0, l, POLLIN) & POLLIN, 0);
}

// Through the HypercallServer: ER_HC_NET reaches the NetServer, a domain's end closes its sockets
// and makes it unreachable, and a hot-added domain makes its sockets with its own factory
// (HotDomain::net), its neighbours with the default.
TEST(NetHypercalls, ServedEndedAndHotAdded) {
    test::FakeRam ram(kRam);
    test::FakeConsole console;
    DomainQueue queue(0x10000);
    HypercallServer server(
        ram.memory, console, [] { return HostTimes{}; }, std::vector<ServedDomain>{{"boot"}});
    server.set_domain_queue(&queue, 0x30000);
    server.net().set_default_factory(
        std::make_shared<SocketFactory>(SocketFactory::in_current_netns()));
    auto net_call = [&](uint32_t domain) {
        er_hc_net req{};
        req.op = ER_NET_SOCKET;
        req.domain = domain;
        req.handle = -1;
        req.a0 = AF_INET;
        req.a1 = SOCK_STREAM;
        ram.memory.write(kReq, req, "req");
        server.serve(ER_HC_NET, kReq);
        return ram.memory.read<er_hc_net>(kReq, "req").ret;
    };
    EXPECT_EQ(net_call(0), 0);
    EXPECT_EQ(server.net().sockets(0), 1u);
    EXPECT_THROW(net_call(1), GuestError);  // no domain 1 yet

    std::optional<SocketFactory> fresh = test::new_netns_factory();
    HotDomain d;
    d.name = "web";
    d.app.assign(100, 0x7f);
    d.args = build_args_blob({"web"}, {}, 4096);
    pid_t fresh_pid = fresh ? fresh->pid() : -1;
    if (fresh) d.net = std::make_shared<SocketFactory>(std::move(*fresh));
    queue.add(std::move(d), nullptr);
    er_hc_domain_poll poll{};
    poll.free_slot = 1;
    ram.memory.write(kReq, poll, "req");
    server.serve(ER_HC_DOMAIN_POLL, kReq);
    ASSERT_EQ(ram.memory.read<er_hc_domain_poll>(kReq, "req").action, ER_POLL_ADD);
    EXPECT_EQ(net_call(1), 0);
    if (fresh_pid > 0) {
        // Its socket is of the fresh namespace: a listener of this one is out of its reach.
        auto [listener, port] = test::loopback_listener();
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ram.memory.write(kAddr, to, "addr");
        er_hc_net req{};
        req.op = ER_NET_CONNECT;
        req.domain = 1;
        req.handle = 0;
        req.addr_gpa = kAddr;
        req.addr_len = sizeof to;
        ram.memory.write(kReq, req, "req");
        server.serve(ER_HC_NET, kReq);
        int64_t rc = ram.memory.read<er_hc_net>(kReq, "req").ret;
        if (rc == -EINPROGRESS) {
            er_net_pollfd e{1, 0, POLLOUT, 0, 0};
            ram.memory.write(kPoll, e, "poll");
            req.op = ER_NET_POLL;
            req.a0 = 1;
            req.buf_gpa = kPoll;
            req.timeout_ns = 1'000'000'000;
            for (int i = 0; i < 100 && ram.memory.read<er_net_pollfd>(kPoll, "p").revents == 0;
                 ++i) {
                ram.memory.write(kReq, req, "req");
                server.serve(ER_HC_NET, kReq);
            }
            req = er_hc_net{};
            req.op = ER_NET_GETOPT;
            req.domain = 1;
            req.handle = 0;
            req.a0 = SOL_SOCKET;
            req.a1 = SO_ERROR;
            req.buf_gpa = kBuf;
            req.buf_len = sizeof(int);
            ram.memory.write(kReq, req, "req");
            server.serve(ER_HC_NET, kReq);
            rc = -ram.memory.read<int>(kBuf, "err");
        }
        EXPECT_EQ(rc, -ECONNREFUSED);
    } else {
        std::cout << "[ SKIPPED  ] the namespace check: " << test::netns_skip_reason() << "\n";
    }
    er_hc_domain_exit end{};
    end.exit.reason = ER_EXIT_NORMAL;
    end.exit.domain = 0;
    end.isolation = ER_ISO_PAGETABLE;
    ram.memory.write(kReq, end, "req");
    server.serve(ER_HC_DOMAIN_EXIT, kReq);
    EXPECT_EQ(server.net().sockets(0), 0u);
    EXPECT_EQ(server.net().sockets(1), 1u);
    EXPECT_THROW(net_call(0), GuestError);  // an ended domain sends nothing more
}

}  // namespace
}  // namespace er::launcher
