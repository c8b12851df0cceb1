#include "launcher/host/host_client.hpp"

#include <sys/socket.h>

#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/unix_socket.hpp"
#include "launcher/host/wire.hpp"

namespace er::launcher::host {
namespace {

using nlohmann::json;

UniqueFd connect_to(const std::string& socket) {
    return connect_unix(socket, "the enclave host");
}

wire::Reply next_reply(int fd, std::string& pending, const std::string& socket) {
    std::optional<std::string> line;
    try {
        line = wire::read_line(fd, pending);
        if (!line) throw Error("the enclave host closed the connection", socket);
        return wire::parse_reply(*line);
    } catch (const wire::ProtocolError& e) {
        throw Error(std::string("bad reply from the enclave host: ") + e.what(), socket);
    }
}

}  // namespace

HostConnection HostConnection::attach(const std::string& socket, const std::string& name) {
    HostConnection c(connect_to(socket), socket);
    wire::Request r;
    r.op = wire::Op::attach;
    r.name = name;
    wire::send_line(c.fd(), wire::encode_request(r));
    Answer a = c.reply("attach");
    if (!a.ok) throw Error("the enclave host refused " + name + ": " + a.body, socket);
    return c;
}

HostConnection::Answer HostConnection::reply(const char* what) {
    for (;;) {
        wire::Reply r = next_reply(fd_.get(), pending_, socket_);
        switch (r.kind) {
            case wire::Reply::Kind::end:
                if (has_end_) throw Error("the enclave host sent a second end", socket_);
                has_end_ = true;
                end_ = DomainEnd{r.status, r.text};
                continue;
            case wire::Reply::Kind::error:
                return Answer{false, r.message};
            case wire::Reply::Kind::ok:
                return Answer{true, r.body.dump()};
        }
        throw Error(std::string("unexpected reply to ") + what, socket_);
    }
}

void HostConnection::run(const DomainRequest& request) {
    if (request.app_fd < 0 || request.stdout_fd < 0 || request.stderr_fd < 0)
        throw Error("run needs the app, stdout and stderr descriptors", socket_);
    wire::Request r;
    r.op = wire::Op::run;
    r.argv = request.argv;
    r.env = request.env;
    r.mem_limit = request.mem_limit;
    r.isolation = request.isolation;
    r.fs = request.fs_fd >= 0;
    r.net = request.net_fd >= 0;
    std::vector<int> fds{request.app_fd, request.stdout_fd, request.stderr_fd};
    if (r.fs) fds.push_back(request.fs_fd);
    if (r.net) fds.push_back(request.net_fd);
    wire::send_line(fd(), wire::encode_request(r), fds);
    Answer a = reply("run");
    if (!a.ok) throw Error(a.body, socket_);
}

bool HostConnection::kill(int signal) {
    if (has_end_) return false;
    wire::Request r;
    r.op = wire::Op::kill;
    r.signal = signal;
    wire::send_line(fd(), wire::encode_request(r));
    Answer a = reply("kill");
    if (!a.ok) throw Error(a.body, socket_);
    if (has_end_) return false;
    json body = json::parse(a.body, nullptr, false);
    return body.is_object() && body.value("live", false);
}

DomainEnd HostConnection::wait() {
    while (!has_end_) {
        wire::Reply r = next_reply(fd_.get(), pending_, socket_);
        if (r.kind == wire::Reply::Kind::end) {
            has_end_ = true;
            end_ = DomainEnd{r.status, r.text};
        } else if (r.kind == wire::Reply::Kind::error) {
            throw Error(r.message, socket_);
        } else {
            throw Error("the enclave host sent an unexpected ok", socket_);
        }
    }
    return end_;
}

HostStatus query_status(const std::string& socket) {
    UniqueFd fd = connect_to(socket);
    wire::Request r;
    r.op = wire::Op::status;
    wire::send_line(fd.get(), wire::encode_request(r));
    std::string pending;
    wire::Reply reply = next_reply(fd.get(), pending, socket);
    if (reply.kind == wire::Reply::Kind::error) throw Error(reply.message, socket);
    if (reply.kind != wire::Reply::Kind::ok) throw Error("unexpected status reply", socket);
    try {
        const json& h = reply.body.at("host");
        HostStatus s;
        s.pid = h.at("pid").get<pid_t>();
        s.group = h.at("group").get<std::string>();
        s.capacity = h.at("capacity").get<uint32_t>();
        s.members = h.at("members").get<uint32_t>();
        s.added = h.at("added").get<uint64_t>();
        s.accepting = h.at("accepting").get<bool>();
        s.log_digest = h.at("log_digest").get<std::string>();
        for (const json& d : h.at("domains")) {
            DomainInfo i;
            i.member = d.at("member").get<std::string>();
            i.name = d.at("name").get<std::string>();
            i.slot = d.at("slot").get<int32_t>();
            i.state = d.at("state").get<std::string>();
            i.status = d.at("status").get<int>();
            i.digest = d.at("digest").get<std::string>();
            s.domains.push_back(std::move(i));
        }
        return s;
    } catch (const json::exception& e) {
        throw Error(std::string("bad status reply: ") + e.what(), socket);
    }
}

}  // namespace er::launcher::host
