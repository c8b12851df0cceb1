#include "launcher/net/net_server.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "launcher/net/socket_options.hpp"

namespace er::launcher {
namespace {

// The MSG_* bits a domain may pass (the ABI comment): the host adds its own.
constexpr int kSendFlags = MSG_MORE | MSG_OOB | MSG_EOR;
constexpr int kRecvFlags = MSG_PEEK | MSG_TRUNC | MSG_OOB;
constexpr short kPollEvents = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
constexpr short kPollRevents = kPollEvents | POLLERR | POLLHUP | POLLNVAL;
// An option value is at most this long on the host side (tcp_info is the longest listed, ~240
// bytes); a longer buffer is accepted and its tail ignored, as the kernel does.
constexpr size_t kOptionMax = 512;

const char* op_name(uint32_t op) {
    static const char* const names[] = {
        "?",    "SOCKET",   "CLOSE",    "BIND",     "LISTEN", "ACCEPT", "CONNECT", "SEND",
        "RECV", "SHUTDOWN", "SOCKNAME", "PEERNAME", "SETOPT", "GETOPT", "POLL",    "FIONREAD"};
    return op < std::size(names) ? names[op] : "?";
}

// Guest page 0 is never mapped by the guest: a pointer into it is a bug (a null pointer plus an
// offset), refused rather than read.
void refuse_null_page(uint64_t gpa, uint64_t len, const char* what) {
    if (len != 0 && gpa < 0x1000) {
        throw GuestError(std::string("socket request: ") + what + " at GPA " + hex(gpa) +
                         " lies in the null page");
    }
}

int64_t errno_result(ssize_t rc) {
    return rc < 0 ? -static_cast<int64_t>(errno) : static_cast<int64_t>(rc);
}

bool fits_int(int64_t v) {
    return v >= INT_MIN && v <= INT_MAX;
}

}  // namespace

int check_sockaddr(int socket_family, const void* addr, uint32_t len) {
    sa_family_t family = AF_UNSPEC;
    if (len < sizeof family) return -EINVAL;
    std::memcpy(&family, addr, sizeof family);
    switch (family) {
        case AF_UNSPEC:  // connect: dissolve a datagram association; the kernel decides the rest
            return 0;
        case AF_INET:  // on an AF_INET6 socket: a v4 peer, which the kernel maps or refuses
            return len < sizeof(sockaddr_in) ? -EINVAL : 0;
        case AF_INET6:
            if (socket_family != AF_INET6) return -EAFNOSUPPORT;
            return len < 24 ? -EINVAL : 0;  // SIN6_LEN_RFC2133: without sin6_scope_id
        default:
            return -EAFNOSUPPORT;
    }
}

NetServer::NetServer(GuestMemory& memory, Console& console, std::function<bool(uint32_t)> live,
                     std::function<std::string(uint32_t)> label)
    : memory_(memory),
      console_(console),
      live_(std::move(live)),
      label_(std::move(label)),
      domains_(std::make_unique<std::array<DomainNet, ER_MAX_DOMAINS>>()),
      scratch_(std::make_unique<PollScratch>()) {}

void NetServer::set_default_factory(std::shared_ptr<SocketFactory> factory) {
    default_ = std::move(factory);
}

void NetServer::attach(uint32_t domain, SocketFactory factory) {
    attach(domain, std::make_shared<SocketFactory>(std::move(factory)));
}

void NetServer::attach(uint32_t domain, std::shared_ptr<SocketFactory> factory) {
    if (domain >= ER_MAX_DOMAINS)
        throw Error("internal: a socket factory for domain " + std::to_string(domain));
    (*domains_)[domain].factory = std::move(factory);
}

void NetServer::domain_ended(uint32_t domain) {
    if (domain >= ER_MAX_DOMAINS) return;
    DomainNet& d = (*domains_)[domain];
    d.table.clear();
    d.factory.reset();
}

uint32_t NetServer::sockets(uint32_t domain) const {
    return domain < ER_MAX_DOMAINS ? (*domains_)[domain].table.size() : 0;
}

bool NetServer::first_report(char kind, int a, int b) {
    return logged_.insert({kind, a, b}).second;
}

void NetServer::serve(uint64_t gpa) {
    refuse_null_page(gpa, sizeof(er_hc_net), "the request");
    if (gpa % alignof(er_hc_net) != 0)
        throw GuestError("socket request at GPA " + hex(gpa) + " is not 8-byte aligned");
    er_hc_net req = memory_.read<er_hc_net>(gpa, "socket request");
    if (req.op < ER_NET_SOCKET || req.op > ER_NET_FIONREAD)
        throw GuestError("socket request with unknown op " + std::to_string(req.op));
    // Error lines are built only on the way out: the served path allocates nothing.
    auto what = [&req] { return std::string("socket request ") + op_name(req.op); };
    if (req.addr_len > ER_NET_ADDR_MAX) {
        throw GuestError(what() + ": addr_len " + std::to_string(req.addr_len) +
                         " exceeds the limit of " + std::to_string(ER_NET_ADDR_MAX));
    }
    if (req.op != ER_NET_POLL) {
        if (req.buf_len > ER_NET_IO_MAX) {
            throw GuestError(what() + ": buf_len " + std::to_string(req.buf_len) +
                             " exceeds the limit of " + std::to_string(ER_NET_IO_MAX));
        }
        if (req.domain >= ER_MAX_DOMAINS || !live_(req.domain)) {
            throw GuestError(what() + " for domain " + std::to_string(req.domain) +
                             ", which is not live");
        }
    }
    req.ret = dispatch(req);
    memory_.write(gpa, req, "socket request");
}

std::span<uint8_t> NetServer::buffer(const er_hc_net& req, const char* what) {
    refuse_null_page(req.buf_gpa, req.buf_len, what);
    return memory_.view_mut(req.buf_gpa, req.buf_len, what);
}

void NetServer::check_addr_room(const er_hc_net& req) const {
    if (req.addr_gpa == 0) return;
    refuse_null_page(req.addr_gpa, ER_NET_ADDR_MAX, "the address");
    memory_.check(req.addr_gpa, ER_NET_ADDR_MAX, "socket request address");
}

// `len` is the address's full length (what the guest's socklen_t gets); at most the room is
// copied.
void NetServer::put_addr(er_hc_net& req, const void* addr, uint32_t len) {
    if (req.addr_gpa != 0 && len > 0) {
        uint32_t n = std::min(len, ER_NET_ADDR_MAX);
        memory_.copy_in(req.addr_gpa, {static_cast<const uint8_t*>(addr), n},
                        "socket request address");
    }
    req.addr_len = len;
}

int64_t NetServer::dispatch(er_hc_net& req) {
    if (req.op == ER_NET_POLL) return poll(req);
    if (req.op == ER_NET_SOCKET) return make_socket(req);
    DomainNet& d = (*domains_)[req.domain];
    HostSocket* s = d.table.find(req.handle);
    // Ranges are checked before -EBADF, so a malformed request is found whatever its handle.
    switch (req.op) {
        case ER_NET_BIND:
        case ER_NET_CONNECT:
        case ER_NET_SEND:
            if (req.addr_len > 0) {
                refuse_null_page(req.addr_gpa, req.addr_len, "the address");
                memory_.check(req.addr_gpa, req.addr_len, "socket request address");
            }
            break;
        case ER_NET_ACCEPT:
        case ER_NET_RECV:
        case ER_NET_SOCKNAME:
        case ER_NET_PEERNAME:
            check_addr_room(req);
            break;
        default:
            break;
    }
    if (s == nullptr) return -EBADF;
    int fd = s->fd.get();
    sockaddr_storage addr{};
    auto* sa = reinterpret_cast<sockaddr*>(&addr);
    switch (req.op) {
        case ER_NET_CLOSE:
            d.table.erase(req.handle);
            return 0;
        case ER_NET_BIND:
        case ER_NET_CONNECT: {
            if (req.addr_len == 0) return -EINVAL;
            // Copied before it is checked: the guest cannot change it in between.
            std::memcpy(&addr, memory_.view(req.addr_gpa, req.addr_len, "address").data(),
                        req.addr_len);
            if (int bad = check_sockaddr(s->family, &addr, req.addr_len); bad != 0) return bad;
            int rc = req.op == ER_NET_BIND ? ::bind(fd, sa, req.addr_len)
                                           : ::connect(fd, sa, req.addr_len);
            return errno_result(rc);
        }
        case ER_NET_LISTEN:
            return errno_result(
                ::listen(fd, static_cast<int>(std::clamp<int64_t>(req.a0, 0, SOMAXCONN))));
        case ER_NET_ACCEPT:
            return accept(req, *s);
        case ER_NET_SEND:
            return send(req, *s);
        case ER_NET_RECV:
            return recv(req, *s);
        case ER_NET_SHUTDOWN:
            if (req.a0 != SHUT_RD && req.a0 != SHUT_WR && req.a0 != SHUT_RDWR) return -EINVAL;
            return errno_result(::shutdown(fd, static_cast<int>(req.a0)));
        case ER_NET_SOCKNAME:
        case ER_NET_PEERNAME: {
            socklen_t len = sizeof addr;
            int rc = req.op == ER_NET_SOCKNAME ? ::getsockname(fd, sa, &len)
                                               : ::getpeername(fd, sa, &len);
            if (rc != 0) return -errno;
            put_addr(req, &addr, len);
            return 0;
        }
        case ER_NET_SETOPT:
            return set_option(req, *s);
        case ER_NET_GETOPT:
            return get_option(req, *s);
        case ER_NET_FIONREAD: {
            int n = 0;
            if (::ioctl(fd, FIONREAD, &n) != 0) return -errno;
            return n;
        }
        default:
            return -EINVAL;  // not reached: serve() refused unknown ops
    }
}

int64_t NetServer::make_socket(const er_hc_net& req) {
    if (!fits_int(req.a0)) return -EAFNOSUPPORT;
    if (!fits_int(req.a1)) return -EINVAL;
    if (!fits_int(req.a2)) return -EPROTONOSUPPORT;
    int family = static_cast<int>(req.a0);
    int type = static_cast<int>(req.a1);
    int protocol = static_cast<int>(req.a2);
    if (int bad = socket_request_check(family, type, protocol); bad != 0) {
        if (first_report('s', family, type))
            console_.notice(label_(req.domain) + ": socket(" + std::to_string(family) + ", " +
                            std::to_string(type) + ", " + std::to_string(protocol) +
                            ") is not served by the host (errno " + std::to_string(-bad) + ")" +
                            " (logged once)");
        return bad;
    }
    DomainNet& d = (*domains_)[req.domain];
    if (d.table.full()) return -EMFILE;
    SocketFactory* factory = d.factory ? d.factory.get() : default_.get();
    if (factory == nullptr) return -EAFNOSUPPORT;  // this domain has no network
    UniqueFd fd;
    if (int rc = factory->make_socket(family, type, protocol, &fd); rc != 0) {
        if (rc == -ENETDOWN || rc == -ETIMEDOUT || rc == -EIO) {
            if (first_report('f', static_cast<int>(req.domain), -rc))
                console_.notice(label_(req.domain) + ": its socket factory failed (errno " +
                                std::to_string(-rc) + ")" + " (logged once)");
        }
        return rc;
    }
    // The buffer cap (socket_options.hpp) holds from the start: no autotuning past it.
    for (int name : {SO_RCVBUF, SO_SNDBUF}) {
        int cap = kSocketBufferCap;
        ::setsockopt(fd.get(), SOL_SOCKET, name, &cap, sizeof cap);
    }
    return d.table.insert(std::move(fd), family, type);
}

int64_t NetServer::accept(er_hc_net& req, HostSocket& s) {
    DomainNet& d = (*domains_)[req.domain];
    if (d.table.full()) return -EMFILE;  // the connection stays queued, as with Linux
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    UniqueFd fd(::accept4(s.fd.get(), reinterpret_cast<sockaddr*>(&addr), &len,
                          SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd.valid()) return -errno;
    for (int name : {SO_RCVBUF, SO_SNDBUF}) {
        int cap = kSocketBufferCap;
        ::setsockopt(fd.get(), SOL_SOCKET, name, &cap, sizeof cap);
    }
    int handle = d.table.insert(std::move(fd), s.family, s.type);
    if (handle >= 0) put_addr(req, &addr, len);
    return handle;
}

int64_t NetServer::send(const er_hc_net& req, HostSocket& s) {
    std::span<uint8_t> data = buffer(req, "send buffer");
    sockaddr_storage addr{};
    const sockaddr* to = nullptr;
    if (req.addr_len > 0) {
        std::memcpy(&addr, memory_.view(req.addr_gpa, req.addr_len, "address").data(),
                    req.addr_len);
        if (int bad = check_sockaddr(s.family, &addr, req.addr_len); bad != 0) return bad;
        to = reinterpret_cast<const sockaddr*>(&addr);
    }
    int flags = static_cast<int>(req.a0 & kSendFlags) | MSG_DONTWAIT | MSG_NOSIGNAL;
    return errno_result(::sendto(s.fd.get(), data.data(), data.size(), flags, to,
                                 to != nullptr ? req.addr_len : 0));
}

int64_t NetServer::recv(er_hc_net& req, HostSocket& s) {
    std::span<uint8_t> data = buffer(req, "receive buffer");
    sockaddr_storage addr{};
    iovec iov{data.data(), data.size()};
    msghdr msg{};
    msg.msg_name = &addr;
    msg.msg_namelen = sizeof addr;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    int flags = static_cast<int>(req.a0 & kRecvFlags) | MSG_DONTWAIT;
    ssize_t n = ::recvmsg(s.fd.get(), &msg, flags);
    if (n < 0) return -errno;
    put_addr(req, &addr, msg.msg_namelen);
    req.a1 = msg.msg_flags;
    return n;
}

int64_t NetServer::set_option(const er_hc_net& req, HostSocket& s) {
    if (!fits_int(req.a0) || !fits_int(req.a1)) return -ENOPROTOOPT;
    int level = static_cast<int>(req.a0);
    int name = static_cast<int>(req.a1);
    std::span<uint8_t> value = buffer(req, "option value");
    if (!socket_option_allowed(level, name)) {
        if (first_report('o', level, name))
            console_.notice(label_(req.domain) + ": setsockopt level " + std::to_string(level) +
                            " option " + std::to_string(name) + " is not supported (ENOPROTOOPT)" +
                            " (logged once)");
        return -ENOPROTOOPT;
    }
    std::array<uint8_t, kOptionMax> copy{};
    size_t len = std::min(value.size(), copy.size());
    std::memcpy(copy.data(), value.data(), len);
    if (len >= sizeof(int)) {
        int v = 0;
        std::memcpy(&v, copy.data(), sizeof v);
        v = clamp_buffer_option(level, name, v);
        std::memcpy(copy.data(), &v, sizeof v);
    }
    return errno_result(
        ::setsockopt(s.fd.get(), level, name, copy.data(), static_cast<socklen_t>(len)));
}

int64_t NetServer::get_option(const er_hc_net& req, HostSocket& s) {
    if (!fits_int(req.a0) || !fits_int(req.a1)) return -ENOPROTOOPT;
    int level = static_cast<int>(req.a0);
    int name = static_cast<int>(req.a1);
    std::span<uint8_t> out = buffer(req, "option buffer");
    if (!socket_option_allowed(level, name)) {
        if (first_report('o', level, name))
            console_.notice(label_(req.domain) + ": getsockopt level " + std::to_string(level) +
                            " option " + std::to_string(name) + " is not supported (ENOPROTOOPT)" +
                            " (logged once)");
        return -ENOPROTOOPT;
    }
    std::array<uint8_t, kOptionMax> value{};
    auto len = static_cast<socklen_t>(std::min(out.size(), value.size()));
    if (::getsockopt(s.fd.get(), level, name, value.data(), &len) != 0) return -errno;
    len = std::min<socklen_t>(len, static_cast<socklen_t>(out.size()));
    std::memcpy(out.data(), value.data(), len);
    return len;
}

int64_t NetServer::poll(const er_hc_net& req) {
    if (req.a0 < 0 || req.a0 > static_cast<int64_t>(ER_NET_POLL_MAX)) {
        throw GuestError("socket request POLL with " + std::to_string(req.a0) +
                         " entries (at most " + std::to_string(ER_NET_POLL_MAX) + ")");
    }
    auto n = static_cast<size_t>(req.a0);
    uint64_t bytes = n * sizeof(er_net_pollfd);
    refuse_null_page(req.buf_gpa, bytes, "the poll entries");
    if (n > 0 && req.buf_gpa % alignof(er_net_pollfd) != 0)
        throw GuestError("socket request POLL: entries at GPA " + hex(req.buf_gpa) +
                         " are not 4-byte aligned");
    // Copied before they are checked, written back whole at the end.  The arrays are the
    // server's own: nothing is allocated on the (confined) vCPU thread per poll.
    std::array<er_net_pollfd, ER_NET_POLL_MAX>& entries = scratch_->entries;
    std::array<pollfd, ER_NET_POLL_MAX>& fds = scratch_->fds;
    if (n > 0)
        std::memcpy(entries.data(), memory_.view(req.buf_gpa, bytes, "poll entries").data(), bytes);
    bool any_invalid = false;
    for (size_t i = 0; i < n; ++i) {
        er_net_pollfd& e = entries[i];
        e.revents = 0;
        HostSocket* s = e.domain < ER_MAX_DOMAINS && live_(e.domain)
                            ? (*domains_)[e.domain].table.find(e.handle)
                            : nullptr;
        if (s == nullptr) {
            e.revents = POLLNVAL;
            fds[i] = pollfd{-1, 0, 0};  // ppoll skips a negative fd
            any_invalid = true;
        } else {
            fds[i] = pollfd{s->fd.get(), static_cast<short>(e.events & kPollEvents), 0};
        }
    }
    // An invalid entry is an answer already: no waiting then.
    uint64_t wait_ns = any_invalid ? 0 : std::min(req.timeout_ns, poll_cap_ns_);
    timespec ts{static_cast<time_t>(wait_ns / 1'000'000'000),
                static_cast<long>(wait_ns % 1'000'000'000)};
    int rc = ::ppoll(fds.data(), n, &ts, nullptr);
    // A signal (the --timeout) ends the wait early: nothing is ready, the vCPU loop sees why.
    if (rc < 0 && errno != EINTR) return -errno;
    int64_t ready = 0;
    for (size_t i = 0; i < n; ++i) {
        if (rc > 0 && fds[i].fd >= 0)
            entries[i].revents = static_cast<uint16_t>(fds[i].revents & kPollRevents);
        if (entries[i].revents != 0) ready++;
    }
    if (n > 0) {
        memory_.copy_in(req.buf_gpa, {reinterpret_cast<const uint8_t*>(entries.data()), bytes},
                        "poll entries");
    }
    return ready;
}

}  // namespace er::launcher
