#include "launcher/host/wire.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher::host::wire {
namespace {

using nlohmann::json;

constexpr int kMaxSignal = 64;

// Parses an object of at most `max_depth` levels; anything else is a ProtocolError.  The depth
// is checked while parsing (the callback sees it), so a line of 200k '[' costs no stack.
json parse_object(std::string_view line, int max_depth) {
    if (line.size() >= kMaxLine) throw ProtocolError("message longer than the limit");
    bool too_deep = false;
    json::parser_callback_t limit = [&too_deep, max_depth](int depth, json::parse_event_t, json&) {
        if (depth > max_depth) too_deep = true;
        return !too_deep;
    };
    json j = json::parse(line.begin(), line.end(), limit, false);
    if (too_deep) throw ProtocolError("message nested too deeply");
    if (j.is_discarded()) throw ProtocolError("message is not JSON");
    if (!j.is_object()) throw ProtocolError("message is not a JSON object");
    return j;
}

const json* field(const json& j, const char* key) {
    auto it = j.find(key);
    return it == j.end() ? nullptr : &*it;
}

std::string string_field(const json& j, const char* key, size_t max) {
    const json* f = field(j, key);
    if (f == nullptr || !f->is_string())
        throw ProtocolError(std::string(key) + ": expected a string");
    const std::string& s = f->get_ref<const std::string&>();
    if (s.size() > max) throw ProtocolError(std::string(key) + ": longer than the limit");
    return s;
}

std::vector<std::string> strings_field(const json& j, const char* key) {
    const json* f = field(j, key);
    if (f == nullptr) return {};
    if (!f->is_array()) throw ProtocolError(std::string(key) + ": expected an array of strings");
    if (f->size() > kMaxStrings) throw ProtocolError(std::string(key) + ": too many entries");
    std::vector<std::string> out;
    for (const json& e : *f) {
        if (!e.is_string())
            throw ProtocolError(std::string(key) + ": expected an array of strings");
        const std::string& s = e.get_ref<const std::string&>();
        if (s.find('\0') != std::string::npos)
            throw ProtocolError(std::string(key) + ": a string holds a NUL byte");
        out.push_back(s);
    }
    return out;
}

uint64_t unsigned_field(const json& j, const char* key, uint64_t max) {
    const json* f = field(j, key);
    if (f == nullptr) return 0;
    if (!f->is_number_unsigned() && !(f->is_number_integer() && f->get<int64_t>() >= 0))
        throw ProtocolError(std::string(key) + ": expected a non-negative integer");
    uint64_t v = f->get<uint64_t>();
    if (v > max) throw ProtocolError(std::string(key) + ": out of range");
    return v;
}

bool bool_field(const json& j, const char* key) {
    const json* f = field(j, key);
    if (f == nullptr) return false;
    if (!f->is_boolean()) throw ProtocolError(std::string(key) + ": expected a boolean");
    return f->get<bool>();
}

Op op_of(const json& j) {
    std::string op = string_field(j, "op", 16);
    if (op == "attach") return Op::attach;
    if (op == "run") return Op::run;
    if (op == "kill") return Op::kill;
    if (op == "status") return Op::status;
    throw ProtocolError("unknown op (attach, run, kill, status)");
}

}  // namespace

Request parse_request(std::string_view line) {
    json j = parse_object(line, kMaxDepth);
    Request r;
    r.op = op_of(j);
    switch (r.op) {
        case Op::attach:
            r.name = string_field(j, "name", kMaxName);
            if (r.name.empty()) throw ProtocolError("name: empty");
            break;
        case Op::run: {
            r.argv = strings_field(j, "argv");
            if (r.argv.empty()) throw ProtocolError("argv: empty (argv[0] is required)");
            r.env = strings_field(j, "env");
            r.mem_limit = unsigned_field(j, "mem_limit", UINT64_MAX);
            r.isolation = static_cast<uint32_t>(unsigned_field(j, "isolation", 2));
            r.fs = bool_field(j, "fs");
            r.net = bool_field(j, "net");
            break;
        }
        case Op::kill:
            r.signal = static_cast<int>(unsigned_field(j, "signal", kMaxSignal));
            if (r.signal == 0) throw ProtocolError("signal: expected 1..64");
            break;
        case Op::status:
            break;
    }
    return r;
}

std::string encode_request(const Request& r) {
    json j;
    switch (r.op) {
        case Op::attach:
            j = {{"op", "attach"}, {"name", r.name}};
            break;
        case Op::run:
            j = {{"op", "run"},
                 {"argv", r.argv},
                 {"env", r.env},
                 {"mem_limit", r.mem_limit},
                 {"isolation", r.isolation},
                 {"fs", r.fs},
                 {"net", r.net}};
            break;
        case Op::kill:
            j = {{"op", "kill"}, {"signal", r.signal}};
            break;
        case Op::status:
            j = {{"op", "status"}};
            break;
    }
    // Invalid UTF-8 (an argument is any bytes) is replaced rather than thrown on.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

RunFds split_run_fds(const Request& r, std::vector<UniqueFd> fds) {
    size_t want = 3 + (r.fs ? 1 : 0) + (r.net ? 1 : 0);
    if (fds.size() != want) {
        throw ProtocolError("run needs " + std::to_string(want) + " descriptors, got " +
                            std::to_string(fds.size()));
    }
    RunFds out;
    out.app = std::move(fds[0]);
    out.out = std::move(fds[1]);
    out.err = std::move(fds[2]);
    size_t next = 3;
    if (r.fs) out.fs = std::move(fds[next++]);
    if (r.net) {
        out.net = std::move(fds[next]);
        int domain = 0, type = 0;
        socklen_t len = sizeof domain;
        bool ok = ::getsockopt(out.net.get(), SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0;
        len = sizeof type;
        ok = ok && ::getsockopt(out.net.get(), SOL_SOCKET, SO_TYPE, &type, &len) == 0;
        if (!ok || domain != AF_UNIX || type != SOCK_SEQPACKET) {
            throw ProtocolError(
                "net: the descriptor is not a socket factory's channel (an AF_UNIX "
                "SOCK_SEQPACKET socket)");
        }
    }
    return out;
}

Reply parse_reply(std::string_view line) {
    json j = parse_object(line, kMaxReplyDepth);
    Reply r;
    std::string op = string_field(j, "op", 16);
    if (op == "ok") {
        r.kind = Reply::Kind::ok;
    } else if (op == "error") {
        r.kind = Reply::Kind::error;
        r.message = string_field(j, "message", kMaxLine);
    } else if (op == "end") {
        r.kind = Reply::Kind::end;
        r.status = static_cast<int>(unsigned_field(j, "status", 255));
        r.text = string_field(j, "text", kMaxLine);
    } else {
        throw ProtocolError("unknown reply op");
    }
    r.body = std::move(j);
    return r;
}

std::string ok_line(json extra) {
    extra["op"] = "ok";
    return extra.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_line(const std::string& message) {
    return json{{"op", "error"}, {"message", message}}.dump(-1, ' ', false,
                                                            json::error_handler_t::replace);
}

std::string end_line(int status, const std::string& text) {
    return json{{"op", "end"}, {"status", status}, {"text", text}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
}

void send_line(int socket, const std::string& line, std::span<const int> fds) {
    if (fds.size() > kMaxFds) throw Error("too many descriptors for one message");
    std::string data = line + "\n";
    size_t at = 0;
    bool fds_sent = fds.empty();
    while (at < data.size()) {
        iovec iov{data.data() + at, data.size() - at};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)]{};
        if (!fds_sent) {
            msg.msg_control = control;
            msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
            std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
        }
        ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot send to the enclave host's socket");
        fds_sent = true;
        at += static_cast<size_t>(n);
    }
}

std::optional<std::string> LineReader::next() {
    for (;;) {
        size_t nl = pending_.find('\n');
        if (nl != std::string::npos) {
            std::string line = pending_.substr(0, nl);
            pending_.erase(0, nl + 1);
            return line;
        }
        if (pending_.size() >= kMaxLine) throw ProtocolError("message longer than the limit");
        char buf[16384];
        iovec iov{buf, std::min(sizeof buf, kMaxLine - pending_.size())};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
        msg.msg_control = control;
        // Room for exactly kMaxFds: CMSG_SPACE's alignment padding could hold one more (with 5,
        // 40 bytes hold 6), which the kernel would then install here.
        msg.msg_controllen = CMSG_LEN(sizeof(int) * kMaxFds);
        ssize_t n = ::recvmsg(socket_, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == ECONNRESET) return std::nullopt;
        if (n < 0) throw_errno("cannot read from the enclave host's socket");
        // Take every descriptor first, so none leaks whatever is wrong with the message.
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                fds_.emplace_back(fd);
            }
        }
        if ((msg.msg_flags & MSG_CTRUNC) != 0) throw ProtocolError("too many descriptors");
        if (fds_.size() > kMaxFds) throw ProtocolError("too many descriptors");
        if (n == 0) return std::nullopt;
        pending_.append(buf, static_cast<size_t>(n));
    }
}

std::vector<UniqueFd> LineReader::take_fds() {
    return std::exchange(fds_, {});
}

std::optional<std::string> read_line(int socket, std::string& pending) {
    LineReader reader(socket, pending);
    return reader.next();  // descriptors the host should not have sent are closed here
}

}  // namespace er::launcher::host::wire
