#include "launcher/vm/control_server.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/unix_socket.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/vm/app_image.hpp"

namespace er::launcher {
namespace {

constexpr size_t kMaxRequest = 64 * 1024;

void send_all(int fd, const std::string& text) {
    size_t at = 0;
    while (at < text.size()) {
        ssize_t n = ::send(fd, text.data() + at, text.size() - at, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // the client went away: nothing to tell it
        at += static_cast<size_t>(n);
    }
}

// Everything up to the peer's half-close, at most kMaxRequest bytes.
std::optional<std::string> receive_all(int fd) {
    std::string data;
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) return data;
        data.append(buf, static_cast<size_t>(n));
        if (data.size() > kMaxRequest) return std::nullopt;
    }
}

std::vector<std::string> split_fields(const std::string& data) {
    std::vector<std::string> out;
    size_t at = 0;
    while (at < data.size()) {
        size_t end = data.find('\0', at);
        if (end == std::string::npos) end = data.size();
        out.push_back(data.substr(at, end - at));
        at = end + 1;
    }
    return out;
}

std::string base_name(const std::string& path) {
    size_t slash = path.rfind('/');
    std::string b = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string clean;
    for (char c : b) clean += (c > 0x20 && c < 0x7f) ? c : '_';
    return clean.empty() ? "app" : clean.substr(0, 20);
}

}  // namespace

ControlServer::ControlServer(const std::string& path, DomainQueue& queue, uint64_t mem_size)
    : path_(path), queue_(queue), mem_size_(mem_size) {
    listen_ = listen_unix(path, "the control socket", 16);
    acceptor_ = std::thread([this] { accept_loop(); });
}

ControlServer::~ControlServer() {
    stop();
}

void ControlServer::stop() {
    {
        std::lock_guard lock(mu_);
        if (stopped_) return;
        stopped_ = true;
    }
    cv_.notify_all();
    // No syscall but futex here: stop() runs on the confined vCPU thread (seccomp), so the
    // acceptor notices on its own (it polls) and removes the socket itself.
    if (acceptor_.joinable()) acceptor_.join();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
}

void ControlServer::accept_loop() {
    for (;;) {
        pollfd p{listen_.get(), POLLIN, 0};
        int ready = ::poll(&p, 1, 100);  // a stop() is noticed within 100 ms
        int fd = ready > 0 ? ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC) : -1;
        std::lock_guard lock(mu_);
        if (stopped_) {
            if (fd >= 0) ::close(fd);
            ::unlink(path_.c_str());
            return;
        }
        if (fd < 0) continue;
        threads_.emplace_back([this, fd] { serve(UniqueFd(fd)); });
    }
}

void ControlServer::serve(UniqueFd client) {
    std::optional<std::string> data = receive_all(client.get());
    std::string reply;
    try {
        if (!data) throw Error("unreadable or over-long request");
        std::vector<std::string> fields = split_fields(*data);
        if (fields.empty()) throw Error("empty request");
        if (fields[0] == "add" && fields.size() >= 2) {
            reply = add(fields);
        } else if (fields[0] == "kill" && fields.size() == 2) {
            std::optional<DomainQueue::Ticket> t;
            {
                std::lock_guard lock(mu_);
                auto it = tickets_.find(fields[1]);
                if (it != tickets_.end()) t = it->second;
            }
            if (!t || !queue_.kill(*t)) throw Error("no live hot-added domain " + fields[1]);
            reply = "ok";
        } else if (fields[0] == "signal" && fields.size() == 3) {
            // ABI 5 amendment: a signal its init may catch (ER_POLL_SIGNAL).
            std::optional<DomainQueue::Ticket> t;
            {
                std::lock_guard lock(mu_);
                auto it = tickets_.find(fields[1]);
                if (it != tickets_.end()) t = it->second;
            }
            char* end = nullptr;
            unsigned long sig = std::strtoul(fields[2].c_str(), &end, 10);
            if (end == fields[2].c_str() || *end != '\0' || sig < 1 || sig > 64)
                throw Error("signal: not a signal number 1-64: " + fields[2]);
            if (!t || !queue_.signal(*t, uint32_t(sig)))
                throw Error("no running hot-added domain " + fields[1]);
            reply = "ok";
        } else if (fields[0] == "shutdown") {
            queue_.shutdown();
            reply = "ok";
        } else {
            throw Error("unknown request (add APP [ARGS...], kill NAME, signal NAME N, shutdown)");
        }
    } catch (const Error& e) {
        reply = std::string("error ") + e.what();
    }
    send_all(client.get(), reply + "\n");
}

std::string ControlServer::add(const std::vector<std::string>& fields) {
    const std::string& path = fields[1];
    HotDomain d;
    d.app = read_regular_file(path, max_app_size(mem_size_), path + ": the app is too large");
    check_app_elf(d.app, path);
    std::vector<std::string> argv(fields.begin() + 1, fields.end());
    d.args = build_args_blob(argv, {}, ER_ARGS_MAX);
    check_app_loadable(path, d.app, d.args);
    {
        std::lock_guard lock(mu_);
        d.name = base_name(path) + "." + std::to_string(++added_);
    }
    // The handler runs on the vCPU thread under seccomp: it only stores and notifies.
    auto result = std::make_shared<std::optional<DomainResult>>();
    std::string name = d.name;
    DomainQueue::Ticket ticket = queue_.add(std::move(d), [this, result](const DomainResult& r) {
        {
            std::lock_guard lock(mu_);
            *result = r;
        }
        cv_.notify_all();
    });
    std::unique_lock lock(mu_);
    tickets_[name] = ticket;
    struct Forget {
        std::map<std::string, DomainQueue::Ticket>& t;
        const std::string& n;
        ~Forget() { t.erase(n); }  // under the lock (wait() holds it on return)
    } forget{tickets_, name};
    cv_.wait(lock, [&] { return result->has_value() || stopped_; });
    if (!result->has_value()) return "ended (the enclave stopped first)";
    const DomainResult& r = **result;
    return "exit " + std::to_string(domain_exit_status(r)) + " " + status_text(r);
}

std::string control_request(const std::string& path, const std::vector<std::string>& fields) {
    UniqueFd fd = connect_unix(path, "the control socket");
    std::string data;
    for (const std::string& f : fields) {
        data += f;
        data += '\0';
    }
    send_all(fd.get(), data);
    ::shutdown(fd.get(), SHUT_WR);
    std::optional<std::string> reply = receive_all(fd.get());
    if (!reply || reply->empty()) throw Error("no reply from the control socket", path);
    if (reply->back() == '\n') reply->pop_back();
    return *reply;
}

}  // namespace er::launcher
