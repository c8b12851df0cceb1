// The enclave host's wire format (private to launcher/host/; docs/launcher.md "Shared enclave
// host").  A Unix stream socket carries newline-delimited JSON objects, one message per line,
// each at most kMaxLine bytes (the newline included).  Every message has "op":
//
//   client -> host                                      host -> client
//   {"op":"attach","name":ID}                           {"op":"ok"} | {"op":"error","message":M}
//   {"op":"run","argv":[..],"env":[..],"mem_limit":N,   {"op":"ok"} | {"op":"error",..}
//    "isolation":I,"fs":BOOL,"net":BOOL}  + SCM_RIGHTS   ... later, once: {"op":"end","status":S,
//    fds: app, stdout, stderr[, fs][, net]  (in order)                   "text":T}
//   {"op":"kill","signal":N}                            {"op":"ok","live":BOOL} | {"op":"error",..}
//   {"op":"status"}  (first message, instead of         {"op":"ok","host":{...}}  then closes
//    attach, on a connection of its own)
//
// The host answers every request with exactly one ok or error line, in request order; the one
// "end" line may come between them (the domain ends whenever it ends).  The descriptors ride on
// the sendmsg that carries the run line; the host takes at most kMaxFds per run and refuses
// descriptors sent with any other message.  Anything malformed (not JSON, not an object, nested
// deeper than kMaxDepth, an unknown op, a field of the wrong type or out of range, a line over
// kMaxLine, truncated or surplus descriptors) is answered with one error line and the connection
// is closed.  Unknown fields are ignored (a newer client may send more).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "launcher/common/unique_fd.hpp"

namespace er::launcher::host::wire {

constexpr size_t kMaxLine = 256 * 1024;  // argv + env are at most ER_ARGS_MAX (56 KiB) raw;
                                         // JSON escaping can make that up to 6x longer
constexpr size_t kMaxFds = 5;            // app, stdout, stderr, fs, net
constexpr int kMaxDepth = 3;             // of a request: {"argv":["x"]} is depth 2
constexpr int kMaxReplyDepth = 6;        // of a reply: {"host":{"domains":[{...}]}} is 4
constexpr size_t kMaxName = 256;         // attach's name (a container id is 64)
constexpr size_t kMaxStrings = 4096;     // entries of argv or env

// A peer broke the protocol: the connection is answered with the message and closed.
class ProtocolError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Op { attach, run, kill, status };

struct Request {
    Op op = Op::status;
    std::string name;  // attach
    std::vector<std::string> argv, env;
    uint64_t mem_limit = 0;
    uint32_t isolation = 0;  // er_isolation
    bool fs = false;         // run: a descriptor for the er-fs image follows stderr's
    // run: the last descriptor is the channel of a socket factory (launcher/net/socket_factory.hpp)
    // in the container's network namespace: the domain's sockets are made there.
    bool net = false;
    int signal = 0;  // kill: 1..64
};

// Parses and checks one request line (without its newline).  Throws ProtocolError.
Request parse_request(std::string_view line);
std::string encode_request(const Request& request);

struct Reply {
    enum class Kind { ok, error, end } kind = Kind::ok;
    std::string message;  // error
    int status = 0;       // end
    std::string text;     // end
    nlohmann::json body;  // the whole object (ok's extra fields: "live", "host")
};

// The descriptors that came with a run line, by role.
struct RunFds {
    UniqueFd app, out, err;
    UniqueFd fs;   // when r.fs
    UniqueFd net;  // when r.net: a socket factory's channel
};

// Splits a run request's descriptors: exactly app, stdout, stderr, then the er-fs image when
// r.fs and the socket factory's channel when r.net, none more or fewer.  The channel must be what
// a factory's is, an AF_UNIX SOCK_SEQPACKET socket (a pipe, a file or a stream socket would
// leave the host reading garbage or blocking).  Throws ProtocolError; every descriptor is closed
// then.
RunFds split_run_fds(const Request& r, std::vector<UniqueFd> fds);

// Parses one reply line.  Throws ProtocolError.
Reply parse_reply(std::string_view line);
std::string ok_line(nlohmann::json extra = nlohmann::json::object());
std::string error_line(const std::string& message);
std::string end_line(int status, const std::string& text);

// Sends `line` plus its newline, with `fds` as SCM_RIGHTS on the first byte.  MSG_NOSIGNAL.
// Throws Error (with errno) when the peer is gone.
void send_line(int socket, const std::string& line, std::span<const int> fds = {});

// Reads lines from a stream socket, keeping what it read past the last newline (in `pending`,
// the caller's) and any descriptors that came with the bytes.
class LineReader {
  public:
    LineReader(int socket, std::string& pending) : socket_(socket), pending_(pending) {}
    // The next line without its newline; nullopt at end of stream (a partial last line is
    // dropped).  Throws ProtocolError for a line over kMaxLine, truncated control data or more
    // than kMaxFds descriptors waiting; Error for a read error.
    std::optional<std::string> next();
    // The descriptors received so far (in order), now the caller's.
    std::vector<UniqueFd> take_fds();
    size_t fds_waiting() const { return fds_.size(); }

  private:
    int socket_;
    std::string& pending_;
    std::vector<UniqueFd> fds_;
};

// The client's reader (no descriptors expected: any received are closed at once).  `pending`
// holds bytes past the last line between calls.  nullopt at end of stream.
std::optional<std::string> read_line(int socket, std::string& pending);

}  // namespace er::launcher::host::wire
