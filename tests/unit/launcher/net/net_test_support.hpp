// Helpers for the host networking tests: real sockets on this host's loopback only.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <optional>
#include <string>
#include <utility>

#include "launcher/common/error.hpp"
#include "launcher/common/unique_fd.hpp"
#include "launcher/net/socket_factory.hpp"

namespace er::launcher::test {

// A TCP listener on 127.0.0.1, an ephemeral port, made directly (not through a factory).
inline std::pair<UniqueFd, uint16_t> loopback_listener() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd.get(), 8) != 0)
        throw_errno("test listener");
    socklen_t len = sizeof addr;
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    return {std::move(fd), ntohs(addr.sin_port)};
}

// The outcome of a non-blocking connect: waits for POLLOUT (bounded, so a broken test ends)
// and returns SO_ERROR.
inline int connect_result(int fd) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 10'000) != 1) return ETIMEDOUT;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    return err;
}

inline std::string& netns_skip_text() {
    static std::string text;
    return text;
}

// A factory in a new network namespace, or nullopt (netns_skip_reason() says why) where this
// host refuses namespaces to the test.
inline std::optional<SocketFactory> new_netns_factory() {
    try {
        return SocketFactory::in_new_netns();
    } catch (const Error& e) {
        netns_skip_text() = std::string("no new network namespace here: ") + e.what();
        return std::nullopt;
    }
}

inline std::string netns_skip_reason() {
    return netns_skip_text();
}

}  // namespace er::launcher::test
