#include "launcher/net/socket_factory.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "launcher/common/error.hpp"
#include "launcher/common/unix_socket.hpp"

namespace er::launcher {
namespace {

// The channel's messages.  Seq 0 is the factory's one "ready" answer after it entered its
// namespace (err and stage say what failed there); every later answer repeats its request's seq.
struct FactoryRequest {
    uint32_t seq;
    int32_t family;
    int32_t type;
    int32_t protocol;
};
struct FactoryReply {
    uint32_t seq;
    int32_t err;    // 0, or the errno of the failure
    int32_t stage;  // ready only: which step failed (Stage)
    int32_t pad;
};

enum Stage : int32_t {
    kStageNone = 0,
    kStageSetns,
    kStageUnshare,
    kStageUserns,
    kStageIdMap,
    kStageLoopback,
};

constexpr int kAnswerTimeoutMs = 1000;  // a request's answer (a factory only calls socket())
constexpr int kReadyTimeoutMs = 5000;   // the start: fork, namespace, loopback

enum class Netns { current, fresh, path };

// ---- The factory process (after fork: system calls only, no allocation, no locks) ----------

bool send_reply(int channel, const FactoryReply& reply, int fd) {
    return send_with_fd(channel, &reply, sizeof reply, fd) >= 0;
}

[[noreturn]] void fail_ready(int channel, Stage stage) {
    FactoryReply reply{0, errno != 0 ? errno : EIO, stage, 0};
    send_reply(channel, reply, -1);
    ::_exit(1);
}

bool write_file(const char* path, const char* text) {
    int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    size_t len = std::strlen(text);
    bool ok = ::write(fd, text, len) == static_cast<ssize_t>(len);
    int err = errno;
    ::close(fd);
    errno = err;
    return ok;
}

// Up `lo` in a fresh namespace: its only interface, and down until someone raises it.
bool loopback_up() {
    int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return false;
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, "lo", 3);
    bool ok = ::ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    if (ok) {
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        ok = ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    }
    int err = errno;
    ::close(s);
    errno = err;
    return ok;
}

void close_all_but(int keep) {
    if (keep > 0) ::close_range(0, static_cast<unsigned>(keep) - 1, 0);
    if (::close_range(static_cast<unsigned>(keep) + 1, ~0u, 0) == 0) return;
    rlimit lim{};  // no close_range (before Linux 5.9): every possible fd
    rlim_t top = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 ? lim.rlim_cur : 65536;
    if (top == RLIM_INFINITY || top > (1u << 20)) top = 1u << 20;
    for (rlim_t fd = static_cast<rlim_t>(keep) + 1; fd < top; ++fd) ::close(static_cast<int>(fd));
}

struct ChildPlan {
    Netns netns;
    int ns_fd;     // Netns::path: the namespace to join
    pid_t parent;  // to notice a parent that died before PR_SET_PDEATHSIG was in place
    const char* uid_map;
    const char* gid_map;
};

void enter_netns(int channel, const ChildPlan& plan) {
    switch (plan.netns) {
        case Netns::current:
            return;
        case Netns::path:
            if (::setns(plan.ns_fd, CLONE_NEWNET) != 0) fail_ready(channel, kStageSetns);
            return;
        case Netns::fresh:
            if (::unshare(CLONE_NEWNET) != 0) {
                if (errno != EPERM) fail_ready(channel, kStageUnshare);
                // Not privileged here: a user namespace of our own owns the new network one.
                if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) fail_ready(channel, kStageUserns);
                if (!write_file("/proc/self/setgroups", "deny") ||
                    !write_file("/proc/self/uid_map", plan.uid_map) ||
                    !write_file("/proc/self/gid_map", plan.gid_map))
                    fail_ready(channel, kStageIdMap);
            }
            if (!loopback_up()) fail_ready(channel, kStageLoopback);
            return;
    }
}

[[noreturn]] void factory_main(int channel, const ChildPlan& plan) {
    // The launcher's handlers are not this process's business: only SIGKILL (the parent's death)
    // or the channel's end stop it.
    sigset_t all;
    sigfillset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || ::getppid() != plan.parent) ::_exit(1);
    errno = 0;
    enter_netns(channel, plan);
    close_all_but(channel);
    if (!send_reply(channel, FactoryReply{0, 0, kStageNone, 0}, -1)) ::_exit(1);
    while (true) {
        FactoryRequest req{};
        ssize_t n = ::recv(channel, &req, sizeof req, 0);
        if (n == 0) ::_exit(0);  // the channel closed: nobody will ask again
        if (n < 0) {
            if (errno == EINTR) continue;
            ::_exit(1);
        }
        FactoryReply reply{req.seq, 0, kStageNone, 0};
        int fd = -1;
        if (n != static_cast<ssize_t>(sizeof req)) {
            reply.err = EINVAL;
        } else if (int check = socket_request_check(req.family, req.type, req.protocol);
                   check != 0) {
            reply.err = -check;
        } else {
            fd = ::socket(req.family, req.type | SOCK_NONBLOCK | SOCK_CLOEXEC, req.protocol);
            if (fd < 0) reply.err = errno;
        }
        bool sent = send_reply(channel, reply, fd);
        if (fd >= 0) ::close(fd);
        if (!sent) ::_exit(1);
    }
}

// ---- The host side ------------------------------------------------------------------------

// Waits up to `ms` for the channel to be readable; false on timeout.
bool wait_readable(int fd, int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() < 0) left = std::chrono::nanoseconds(0);
        timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                    static_cast<long>(left.count() % 1'000'000'000)};
        pollfd p{fd, POLLIN, 0};
        int rc = ::ppoll(&p, 1, &ts, nullptr);
        if (rc > 0) return true;
        if (rc == 0) return false;
        if (errno != EINTR) return true;  // let the read report it
    }
}

// One answer with at most one fd (extra fds a broken factory sent are closed with `extra`).
// Returns bytes read, 0 at the channel's end, -errno on error.
ssize_t read_reply(int channel, FactoryReply* reply, UniqueFd* fd, bool* truncated) {
    constexpr size_t kMaxFds = 4;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
    iovec iov{reply, sizeof *reply};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do {
        n = ::recvmsg(channel, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    *truncated = (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0;
    int fds_seen = 0;
    for (cmsghdr* cm = CMSG_FIRSTHDR(&msg); cm != nullptr; cm = CMSG_NXTHDR(&msg, cm)) {
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int got = -1;
            std::memcpy(&got, CMSG_DATA(cm) + i * sizeof(int), sizeof got);
            UniqueFd owned(got);
            if (fds_seen++ == 0) *fd = std::move(owned);  // any more close here
        }
    }
    if (fds_seen > 1) *truncated = true;
    return n;
}

std::string stage_text(int32_t stage) {
    switch (stage) {
        case kStageSetns:
            return "cannot join the network namespace (setns)";
        case kStageUnshare:
            return "cannot make a network namespace (unshare CLONE_NEWNET)";
        case kStageUserns:
            return "cannot make a network namespace: unshare(CLONE_NEWNET) needs CAP_SYS_ADMIN, "
                   "and a user namespace of its own (CLONE_NEWUSER) was refused too "
                   "(kernel.unprivileged_userns_clone, user.max_user_namespaces or a seccomp "
                   "profile)";
        case kStageIdMap:
            return "cannot map the uid/gid into the new user namespace";
        case kStageLoopback:
            return "cannot bring up lo in the new network namespace";
        default:
            return "the socket factory failed to start";
    }
}

}  // namespace

SocketFactory SocketFactory::spawn(int mode, int ns_fd, const std::string& what) {
    auto netns = static_cast<Netns>(mode);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
        throw_errno("cannot make the socket factory's channel", what);
    UniqueFd host_end(sv[0]);
    UniqueFd child_end(sv[1]);
    // Built before fork: the child may not allocate.
    char uid_map[64];
    char gid_map[64];
    std::snprintf(uid_map, sizeof uid_map, "0 %u 1", static_cast<unsigned>(::geteuid()));
    std::snprintf(gid_map, sizeof gid_map, "0 %u 1", static_cast<unsigned>(::getegid()));
    ChildPlan plan{netns, ns_fd, ::getpid(), uid_map, gid_map};
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("cannot start the socket factory (fork)", what);
    if (pid == 0) factory_main(child_end.get(), plan);
    child_end.reset();
    SocketFactory factory = SocketFactory::from_channel(std::move(host_end));
    // Adopt the child so it is reaped however this ends.
    struct Adopt {
        pid_t pid;
        bool done = false;
        ~Adopt() {
            if (done) return;
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
            }
        }
    } adopt{pid};
    if (!wait_readable(factory.channel_fd(), kReadyTimeoutMs))
        throw Error("the socket factory did not start within 5 s", what);
    FactoryReply ready{};
    UniqueFd stray;
    bool truncated = false;
    ssize_t n = read_reply(factory.channel_fd(), &ready, &stray, &truncated);
    if (n != static_cast<ssize_t>(sizeof ready) || ready.seq != 0 || stray.valid())
        throw Error("the socket factory ended before it was ready", what);
    if (ready.err != 0) throw Error(stage_text(ready.stage), what, ready.err);
    adopt.done = true;
    return SocketFactory(factory.release_channel(), pid);
}

int socket_request_check(int family, int type, int protocol) {
    if (family != AF_INET && family != AF_INET6) return -EAFNOSUPPORT;
    if (type != SOCK_STREAM && type != SOCK_DGRAM) return -EINVAL;
    int own = type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    if (protocol != 0 && protocol != own) return -EPROTONOSUPPORT;
    return 0;
}

SocketFactory SocketFactory::in_current_netns() {
    return spawn(static_cast<int>(Netns::current), -1, "socket factory (this network namespace)");
}

SocketFactory SocketFactory::in_new_netns() {
    return spawn(static_cast<int>(Netns::fresh), -1, "socket factory (a new network namespace)");
}

SocketFactory SocketFactory::in_netns_path(const std::string& path) {
    UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns.valid()) throw_errno("cannot open the network namespace", path);
    return spawn(static_cast<int>(Netns::path), ns.get(), path);
}

SocketFactory SocketFactory::from_channel(UniqueFd channel) {
    return SocketFactory(std::move(channel), -1);
}

SocketFactory::SocketFactory(SocketFactory&& other) noexcept
    : channel_(std::move(other.channel_)),
      pid_(std::exchange(other.pid_, -1)),
      next_seq_(other.next_seq_) {}

SocketFactory& SocketFactory::operator=(SocketFactory&& other) noexcept {
    if (this != &other) {
        reap();
        channel_ = std::move(other.channel_);
        pid_ = std::exchange(other.pid_, -1);
        next_seq_ = other.next_seq_;
    }
    return *this;
}

SocketFactory::~SocketFactory() {
    reap();
}

void SocketFactory::reap() {
    channel_.reset();  // the factory's recv sees the end and it exits
    if (pid_ > 0) {
        while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    pid_ = -1;
}

UniqueFd SocketFactory::release_channel() {
    return std::move(channel_);
}

int SocketFactory::make_socket(int family, int type, int protocol, UniqueFd* out) {
    if (!channel_.valid()) return -ENETDOWN;
    if (int check = socket_request_check(family, type, protocol); check != 0) return check;
    uint32_t seq = next_seq_++;
    if (next_seq_ == 0) next_seq_ = 1;  // seq 0 is the ready answer's
    FactoryRequest req{seq, family, type, protocol};
    iovec iov{&req, sizeof req};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    ssize_t sent;
    do {
        sent = ::sendmsg(channel_.get(), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) return errno == EAGAIN ? -ETIMEDOUT : -ENETDOWN;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kAnswerTimeoutMs);
    while (true) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !wait_readable(channel_.get(), static_cast<int>(left.count())))
            return -ETIMEDOUT;
        FactoryReply reply{};
        UniqueFd fd;
        bool truncated = false;
        ssize_t n = read_reply(channel_.get(), &reply, &fd, &truncated);
        if (n == -EAGAIN) continue;
        if (n <= 0) return -ENETDOWN;
        if (n != static_cast<ssize_t>(sizeof reply) || truncated) return -EIO;
        if (reply.seq != seq) continue;  // a late answer to a request that timed out
        if (reply.err != 0) return reply.err > 0 && reply.err < 4096 ? -reply.err : -EIO;
        if (!fd.valid()) return -EIO;
        // A factory of another process is trusted only this far: the fd must be the socket asked
        // for, and the VMM must never block on it.
        int got_family = 0;
        int got_type = 0;
        socklen_t len = sizeof got_family;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_DOMAIN, &got_family, &len) != 0 ||
            got_family != family)
            return -EIO;
        len = sizeof got_type;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_TYPE, &got_type, &len) != 0 || got_type != type)
            return -EIO;
        if (::fcntl(fd.get(), F_SETFL, O_NONBLOCK) != 0) return -EIO;
        *out = std::move(fd);
        return 0;
    }
}

}  // namespace er::launcher
