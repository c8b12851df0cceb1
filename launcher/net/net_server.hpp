// Serving ER_HC_NET (libos-abi/enclave_abi.h, docs/network.md "Host side"): a domain's AF_INET and
// AF_INET6 sockets are host sockets, made by the domain's socket factory inside its network
// namespace and named to the guest by per-domain handles (SocketTable).  Every operation is
// non-blocking on the host (the guest blocks its own task and waits with ER_NET_POLL), works only
// on the calling domain's handles, and reads and writes guest memory only through GuestMemory's
// checked ranges.  A request that breaks the ABI's rules throws GuestError (the VM ends, never
// the host); everything a Linux socket call could answer comes back as -errno.
#pragma once

#include <poll.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "launcher/net/socket_factory.hpp"
#include "launcher/net/socket_table.hpp"
#include "launcher/vm/console.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

// The longest one ER_NET_POLL waits on the host, whatever the guest asked, so the vCPU thread
// always comes back.  The --timeout signal ends a wait at once (ppoll returns EINTR).
constexpr uint64_t kNetPollCapNs = 1'000'000'000;
// In a persistent enclave: the guest polls for the host's news (hot adds, kills, docker stop's
// signal, shutdown) between waits, so this bounds how late it hears them.
constexpr uint64_t kNetPollCapPersistentNs = 50'000'000;

class NetServer {
  public:
    // `live(d)` says whether domain index d is live now (the HypercallServer's view); `label(d)`
    // names it in log lines ("domain 1 (web)").
    NetServer(GuestMemory& memory, Console& console, std::function<bool(uint32_t)> live,
              std::function<std::string(uint32_t)> label);

    // Where domains without a factory of their own make sockets (enclave-run run --network).
    // Without one, and without attach(), ER_NET_SOCKET answers -EAFNOSUPPORT.
    void set_default_factory(std::shared_ptr<SocketFactory> factory);
    // Domain `domain`'s own factory (an OCI container's network namespace), from now until the
    // domain ends; null: the default.
    void attach(uint32_t domain, SocketFactory factory);
    void attach(uint32_t domain, std::shared_ptr<SocketFactory> factory);
    // The domain ended (ER_HC_DOMAIN_EXIT): its sockets are closed and its own factory dropped.
    void domain_ended(uint32_t domain);

    // Serves the struct er_hc_net at `request_gpa` and writes its results back.  Throws
    // GuestError for a request that breaks the ABI.
    void serve(uint64_t request_gpa);

    // How many host sockets `domain` holds now.
    uint32_t sockets(uint32_t domain) const;
    void set_poll_cap_ns(uint64_t ns) { poll_cap_ns_ = ns; }

  private:
    struct DomainNet {
        SocketTable table;
        std::shared_ptr<SocketFactory> factory;  // null: default_
    };

    int64_t dispatch(er_hc_net& req);
    int64_t make_socket(const er_hc_net& req);
    int64_t accept(er_hc_net& req, HostSocket& s);
    int64_t send(const er_hc_net& req, HostSocket& s);
    int64_t recv(er_hc_net& req, HostSocket& s);
    int64_t set_option(const er_hc_net& req, HostSocket& s);
    int64_t get_option(const er_hc_net& req, HostSocket& s);
    int64_t poll(const er_hc_net& req);
    // ER_NET_ADDR_MAX bytes of room at addr_gpa (nothing when addr_gpa is 0): checked before the
    // operation, so a bad address ends the VM before any socket changed.
    void check_addr_room(const er_hc_net& req) const;
    void put_addr(er_hc_net& req, const void* addr, uint32_t len);
    std::span<uint8_t> buffer(const er_hc_net& req, const char* what);
    // True the first time (kind, a, b) is reported: each refusal is logged once per enclave.
    bool first_report(char kind, int a, int b);

    GuestMemory& memory_;
    Console& console_;
    std::function<bool(uint32_t)> live_;
    std::function<std::string(uint32_t)> label_;
    std::shared_ptr<SocketFactory> default_;
    std::unique_ptr<std::array<DomainNet, ER_MAX_DOMAINS>> domains_;
    struct PollScratch {
        std::array<er_net_pollfd, ER_NET_POLL_MAX> entries;
        std::array<pollfd, ER_NET_POLL_MAX> fds;
    };
    std::unique_ptr<PollScratch> scratch_;
    std::set<std::tuple<char, int, int>> logged_;
    uint64_t poll_cap_ns_ = kNetPollCapNs;
};

// The checks of an address a domain passes in (BIND, CONNECT, SEND): 0, or -EINVAL (shorter than
// its family's sockaddr), -EAFNOSUPPORT (a family other than AF_UNSPEC, AF_INET, or AF_INET6 on an
// AF_INET6 socket).  `socket_family` is the socket's.
int check_sockaddr(int socket_family, const void* addr, uint32_t len);

}  // namespace er::launcher
