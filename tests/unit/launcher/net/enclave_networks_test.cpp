// One socket factory per distinct network namespace of an enclave's apps (a manifest's per-app
// "network"): apps that share a namespace reach each other's loopback listeners, the others get
// ECONNREFUSED.
#include "launcher/net/enclave_networks.hpp"

#include <gtest/gtest.h>

#include <set>

#include "net_test_support.hpp"

namespace er::launcher {
namespace {

using test::connect_result;
using test::loopback_listener;

// A listener on 127.0.0.1 (an ephemeral port) made by `f`, in its namespace.
std::pair<UniqueFd, uint16_t> listener_in(SocketFactory& f) {
    UniqueFd s;
    if (f.make_socket(AF_INET, SOCK_STREAM, 0, &s) != 0) return {};
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(s.get(), 8) != 0 ||
        ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return {};
    return {std::move(s), ntohs(a.sin_port)};
}

// 0 when a socket of `f` connects to 127.0.0.1:port, else the errno.
int connect_from(SocketFactory& f, uint16_t port) {
    UniqueFd s;
    if (int rc = f.make_socket(AF_INET, SOCK_STREAM, 0, &s); rc != 0) return -rc;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) return 0;
    return errno == EINPROGRESS ? connect_result(s.get()) : errno;
}

// Starts the enclave's networks, or nullopt where this host refuses new namespaces.
std::optional<EnclaveNetworks> start(bool enclave_none,
                                     const std::vector<std::optional<std::string>>& apps,
                                     std::string* why) {
    try {
        return start_enclave_networks(enclave_none, apps);
    } catch (const Error& e) {
        *why = std::string("no new network namespace here: ") + e.what();
        return std::nullopt;
    }
}

TEST(EnclaveNetworks, AppsShareLoopbackIffTheyShareANamespace) {
    std::string why;
    auto nets = start(false, {std::nullopt, "none:a", "none:a", "none", "none", "host"}, &why);
    if (!nets) GTEST_SKIP() << why;
    ASSERT_EQ(nets->domains.size(), 6u);
    EXPECT_EQ(nets->domains[0], nullptr);           // the enclave's
    EXPECT_EQ(nets->domains[5], nets->enclave);     // --network host is the launcher's too
    EXPECT_EQ(nets->domains[1], nets->domains[2]);  // one namespace for the group "a"
    EXPECT_NE(nets->domains[3], nets->domains[4]);  // "none" is an app's own
    EXPECT_NE(nets->domains[3], nets->domains[1]);
    std::vector<pid_t> pids = nets->pids();  // enclave, "a", and two of their own, each once
    EXPECT_EQ(pids.size(), 4u);
    EXPECT_EQ(std::set<pid_t>(pids.begin(), pids.end()).size(), 4u);

    auto [listener, port] = listener_in(*nets->domains[1]);
    ASSERT_TRUE(listener.valid());
    EXPECT_EQ(connect_from(*nets->domains[2], port), 0);  // the same namespace
    EXPECT_EQ(connect_from(*nets->domains[3], port), ECONNREFUSED);
    EXPECT_EQ(connect_from(*nets->domains[4], port), ECONNREFUSED);
    EXPECT_EQ(connect_from(*nets->enclave, port), ECONNREFUSED);
}

// --network none: apps without "network" share the enclave's fresh namespace; "host" is the
// launcher's, and a group "none:NAME" is never the enclave's namespace.
TEST(EnclaveNetworks, NetworkNoneLeavesHostAppsInTheLaunchersNamespace) {
    std::string why;
    auto nets = start(true, {"host", std::nullopt, "none:x"}, &why);
    if (!nets) GTEST_SKIP() << why;
    ASSERT_EQ(nets->domains.size(), 3u);
    ASSERT_NE(nets->domains[0], nullptr);
    EXPECT_NE(nets->domains[0], nets->enclave);
    EXPECT_EQ(nets->domains[1], nullptr);
    EXPECT_NE(nets->domains[2], nets->enclave);
    EXPECT_EQ(nets->pids().size(), 3u);

    auto [native, port] = loopback_listener();  // in this process's namespace
    EXPECT_EQ(connect_from(*nets->domains[0], port), 0);
    EXPECT_EQ(connect_from(*nets->enclave, port), ECONNREFUSED);
    EXPECT_EQ(connect_from(*nets->domains[2], port), ECONNREFUSED);
    auto [inner, inner_port] = listener_in(*nets->enclave);
    ASSERT_TRUE(inner.valid());
    EXPECT_EQ(connect_from(*nets->domains[2], inner_port), ECONNREFUSED);
}

}  // namespace
}  // namespace er::launcher
