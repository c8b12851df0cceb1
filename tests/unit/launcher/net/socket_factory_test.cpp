#include "launcher/net/socket_factory.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "launcher/common/error.hpp"
#include "net_test_support.hpp"

namespace er::launcher {
namespace {

using test::loopback_listener;
using test::new_netns_factory;

TEST(SocketFactory, MakesNonBlockingSocketsOfTheKindAsked) {
    SocketFactory f = SocketFactory::in_current_netns();
    ASSERT_TRUE(f.valid());
    EXPECT_GT(f.pid(), 0);
    for (auto [family, type] : {std::pair{AF_INET, SOCK_STREAM}, std::pair{AF_INET6, SOCK_DGRAM},
                                std::pair{AF_INET, SOCK_DGRAM}, std::pair{AF_INET6, SOCK_STREAM}}) {
        UniqueFd s;
        ASSERT_EQ(f.make_socket(family, type, 0, &s), 0);
        ASSERT_TRUE(s.valid());
        int got = 0;
        socklen_t len = sizeof got;
        ASSERT_EQ(::getsockopt(s.get(), SOL_SOCKET, SO_DOMAIN, &got, &len), 0);
        EXPECT_EQ(got, family);
        ASSERT_EQ(::getsockopt(s.get(), SOL_SOCKET, SO_TYPE, &got, &len), 0);
        EXPECT_EQ(got, type);
        EXPECT_NE(::fcntl(s.get(), F_GETFL) & O_NONBLOCK, 0);
        EXPECT_NE(::fcntl(s.get(), F_GETFD) & FD_CLOEXEC, 0);
    }
}

TEST(SocketFactory, RefusesOtherFamiliesTypesAndProtocols) {
    SocketFactory f = SocketFactory::in_current_netns();
    UniqueFd s;
    EXPECT_EQ(f.make_socket(AF_UNIX, SOCK_STREAM, 0, &s), -EAFNOSUPPORT);
    EXPECT_EQ(f.make_socket(AF_PACKET, SOCK_RAW, 0, &s), -EAFNOSUPPORT);
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_RAW, 0, &s), -EINVAL);
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0, &s), -EINVAL);
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP, &s), -EPROTONOSUPPORT);
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP, &s), -EPROTONOSUPPORT);
    EXPECT_FALSE(s.valid());
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, &s), 0);  // still answers
}

TEST(SocketFactory, EndsWhenItsChannelCloses) {
    SocketFactory f = SocketFactory::in_current_netns();
    pid_t pid = f.pid();
    UniqueFd channel = f.release_channel();
    UniqueFd s;
    EXPECT_EQ(f.make_socket(AF_INET, SOCK_STREAM, 0, &s), -ENETDOWN);
    channel.reset();
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);  // ended by itself, without a signal
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SocketFactory, FromChannelServesThroughAnotherOwner) {
    SocketFactory started = SocketFactory::in_current_netns();
    SocketFactory host = SocketFactory::from_channel(started.release_channel());
    EXPECT_EQ(host.pid(), -1);
    UniqueFd s;
    EXPECT_EQ(host.make_socket(AF_INET6, SOCK_STREAM, 0, &s), 0);
}

TEST(SocketFactory, GoneFactoryAnswersNetDown) {
    SocketFactory none;
    UniqueFd s;
    EXPECT_EQ(none.make_socket(AF_INET, SOCK_STREAM, 0, &s), -ENETDOWN);
}

TEST(SocketFactory, MissingNamespacePathIsOneClearError) {
    try {
        SocketFactory::in_netns_path("/nonexistent/netns");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/netns"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("network namespace"), std::string::npos);
    }
}

// A fresh namespace has only its own loopback: a listener of this namespace is out of reach,
// and its own loopback works.
TEST(SocketFactory, NewNetnsCannotReachThisNamespace) {
    std::optional<SocketFactory> fresh = new_netns_factory();
    if (!fresh) GTEST_SKIP() << test::netns_skip_reason();
    auto [listener, port] = loopback_listener();
    UniqueFd s;
    ASSERT_EQ(fresh->make_socket(AF_INET, SOCK_STREAM, 0, &s), 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc = ::connect(s.get(), reinterpret_cast<sockaddr*>(&to), sizeof to);
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS) err = test::connect_result(s.get());
    EXPECT_EQ(err, ECONNREFUSED);  // nobody listens on that port in there

    // Its own loopback is up: a listener in there is reachable from in there.
    UniqueFd inner;
    ASSERT_EQ(fresh->make_socket(AF_INET, SOCK_STREAM, 0, &inner), 0);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(inner.get(), reinterpret_cast<sockaddr*>(&any), sizeof any), 0);
    ASSERT_EQ(::listen(inner.get(), 1), 0);
    socklen_t len = sizeof any;
    ASSERT_EQ(::getsockname(inner.get(), reinterpret_cast<sockaddr*>(&any), &len), 0);
    UniqueFd client;
    ASSERT_EQ(fresh->make_socket(AF_INET, SOCK_STREAM, 0, &client), 0);
    rc = ::connect(client.get(), reinterpret_cast<sockaddr*>(&any), sizeof any);
    err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS) err = test::connect_result(client.get());
    EXPECT_EQ(err, 0);
}

TEST(SocketFactory, JoinsANamespaceByPath) {
    std::optional<SocketFactory> fresh = new_netns_factory();
    if (!fresh) GTEST_SKIP() << test::netns_skip_reason();
    if (::geteuid() != 0) GTEST_SKIP() << "joining a namespace by path needs CAP_SYS_ADMIN (root)";
    std::string path = "/proc/" + std::to_string(fresh->pid()) + "/ns/net";
    SocketFactory joined = SocketFactory::in_netns_path(path);
    // A listener made by the first factory is reachable from a socket of the second.
    UniqueFd listener;
    ASSERT_EQ(fresh->make_socket(AF_INET, SOCK_STREAM, 0, &listener), 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.get(), 1), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len), 0);
    UniqueFd client;
    ASSERT_EQ(joined.make_socket(AF_INET, SOCK_STREAM, 0, &client), 0);
    int rc = ::connect(client.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = rc == 0 ? 0 : errno;
    if (err == EINPROGRESS) err = test::connect_result(client.get());
    EXPECT_EQ(err, 0);
}

}  // namespace
}  // namespace er::launcher
