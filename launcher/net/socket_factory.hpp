// A socket factory: a small forked process that lives in one network namespace and makes sockets
// there on request, so the VMM itself never calls socket() or setns() (its seccomp filter keeps
// both out) and still gets sockets in the domain's namespace (docs/network.md "Host side").
//
// The factory only answers AF_INET/AF_INET6 with SOCK_STREAM/SOCK_DGRAM (protocol 0, TCP or
// UDP); every socket is made SOCK_NONBLOCK|SOCK_CLOEXEC and passed back over a SOCK_SEQPACKET
// socketpair with SCM_RIGHTS.  Anything else is answered with an errno and no fd.
//
// The factory process holds nothing but its end of the channel (every other fd is closed), dies
// with the process that made it (PR_SET_PDEATHSIG) and exits when the channel closes.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher {

class SocketFactory {
  public:
    // A factory in this process's network namespace (`enclave-run run --network host`).
    static SocketFactory in_current_netns();
    // A factory in a fresh network namespace with only `lo`, brought up (`--network none`, or an
    // OCI config's network namespace without a path): unshare(CLONE_NEWNET) when this process may,
    // else CLONE_NEWUSER|CLONE_NEWNET with this uid/gid mapped to 0.  Throws Error with one clear
    // line when neither is allowed.
    static SocketFactory in_new_netns();
    // A factory that joined the network namespace at `path` (/var/run/docker/netns/...,
    // /proc/PID/ns/net).  Throws Error naming the path when it cannot be opened or joined.
    static SocketFactory in_netns_path(const std::string& path);
    // The host side of a factory another process started (the OCI container process hands its
    // channel to the shared enclave host): this object neither owns nor reaps that process.
    static SocketFactory from_channel(UniqueFd channel);

    SocketFactory() = default;  // no factory: make_socket answers -ENETDOWN
    SocketFactory(SocketFactory&& other) noexcept;
    SocketFactory& operator=(SocketFactory&& other) noexcept;
    SocketFactory(const SocketFactory&) = delete;
    SocketFactory& operator=(const SocketFactory&) = delete;
    // Closes the channel (the factory exits) and reaps the factory process if this object
    // started it.
    ~SocketFactory();

    bool valid() const { return channel_.valid(); }
    // The channel's fd (for a seccomp allowance or a poll), -1 without one.
    int channel_fd() const { return channel_.get(); }
    // The factory process this object started and reaps, or -1 (from_channel, none).
    pid_t pid() const { return pid_; }

    // Gives up the channel (to pass it to another process); the factory process, if this object
    // started it, is still reaped by the destructor once it exits.
    UniqueFd release_channel();

    // Asks the factory for a socket (family, type without flag bits, protocol).  On success sets
    // *out to a non-blocking, close-on-exec socket of exactly that family and type and returns 0;
    // otherwise returns -errno: the factory's refusal (-EAFNOSUPPORT, -EINVAL, -EPROTONOSUPPORT,
    // socket()'s own errno), -ENETDOWN when the factory is gone, -ETIMEDOUT when it did not
    // answer within a second, -EIO when its answer was malformed.  Never blocks longer than that.
    int make_socket(int family, int type, int protocol, UniqueFd* out);

  private:
    SocketFactory(UniqueFd channel, pid_t pid) : channel_(std::move(channel)), pid_(pid) {}
    // Forks the factory into the namespace `mode` names (socket_factory.cpp's Netns) and waits
    // for its ready answer; throws Error naming `what` when it could not get there.
    static SocketFactory spawn(int mode, int ns_fd, const std::string& what);
    void reap();

    UniqueFd channel_;
    pid_t pid_ = -1;
    uint32_t next_seq_ = 1;  // matches answers to requests: a late answer is dropped, not misread
};

// What the factory would answer for (family, type, protocol) before making anything: 0, or
// -EAFNOSUPPORT (family), -EINVAL (type, flag bits included), -EPROTONOSUPPORT (protocol).
int socket_request_check(int family, int type, int protocol);

}  // namespace er::launcher
