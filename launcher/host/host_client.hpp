// The client side of an enclave host (docs/oci.md "Shared enclaves"): what an OCI container
// process uses to become a domain of a long-lived, shared enclave.  One connection per container,
// held for the container's whole life:
//
//   attach(socket, name)  at create: the host counts the container as a member (capacity, idle end)
//   run(request)          at start: the host stages the domain (app, args, env, er-fs tree, memory
//                         limit); its stdout/stderr go byte-exact to the descriptors passed
//   kill(signal)          any time after run: SIGKILL ends the domain at once; any other signal
//                         goes to its init as a signal (caught by a handler, else ignored, as
//                         by a container's pid 1); false once the domain has ended
//   wait()                the domain's end: exit status as `enclave-run run` gives it
//
// Closing the connection (the container process died, e.g. of SIGKILL) ends the domain and the
// membership.  The wire format (newline-delimited JSON, descriptors by SCM_RIGHTS) is private to
// launcher/host/ and documented there.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher::host {

struct DomainRequest {
    std::vector<std::string> argv;  // argv[0] as the container's config gives it
    std::vector<std::string> env;
    uint64_t mem_limit = 0;  // bytes; 0 = no limit of its own
    uint32_t isolation = ER_ISO_AUTO;
    int app_fd = -1;  // the app's static ELF (a regular file or memfd); the host reads it
    int fs_fd = -1;   // the rootfs packed as an er-fs image (memfd), or -1 for none
    // The channel of a socket factory in the container's network namespace (socket_factory.hpp's
    // release_channel()), or -1: the domain then has no sockets (socket() fails -ENETDOWN).
    int net_fd = -1;
    int stdout_fd = -1;  // where the domain's stdout goes (a pipe, a pty, a file)
    int stderr_fd = -1;
};

struct DomainEnd {
    int status = 0;    // domain_exit_status: the code, 128 + signal, 125 refused
    std::string text;  // status_text, e.g. "exited 0", "killed by signal 15 (...)"
};

class HostConnection {
  public:
    // Connects to the host listening at `socket` and joins as member `name` (the container id;
    // the host derives a valid, unique domain name from it).  Throws Error (with the path) when
    // the host is unreachable or refuses (full, ending: the reason is in the message).
    static HostConnection attach(const std::string& socket, const std::string& name);

    // Stages the domain; returns once the host has accepted the request (not its end).  Throws
    // Error with the host's reason (bad app, too large, limit above what the enclave has).
    void run(const DomainRequest& request);
    // Asks the host to end the domain with `signal`.  Not async-signal-safe: call it from the
    // process's main loop (e.g. after a signalfd read).  False when the domain already ended:
    // then wait() does not block (its end may have been read here, so fd() need not turn
    // readable again).
    bool kill(int signal);
    // Blocks until the domain's end.  Throws Error when the host went away first ("the enclave
    // host ended before the domain did").
    DomainEnd wait();
    // The connection, for poll() beside a signalfd.  run() and kill() may read the domain's end
    // together with their reply; it then sits in this object's buffer and fd() does not turn
    // readable for it.  So a poll()-based waiter checks end_ready() before each poll():
    //   while (!c.end_ready()) { poll(c.fd(), ...); if readable break; }  then c.wait()
    int fd() const { return fd_.get(); }
    // True when wait() would not block on the socket: the end, or a complete line, is buffered.
    bool end_ready() const { return has_end_ || pending_.find('\n') != std::string::npos; }

  private:
    explicit HostConnection(UniqueFd fd, std::string socket)
        : fd_(std::move(fd)), socket_(std::move(socket)) {}
    // The next ok or error reply; an "end" read meanwhile is kept for wait().
    struct Answer {
        bool ok;
        std::string body;  // error: the host's message; ok: the reply's JSON
    };
    Answer reply(const char* what);

    UniqueFd fd_;
    std::string socket_;   // for errors
    std::string pending_;  // bytes read past the last complete line
    bool has_end_ = false;
    DomainEnd end_;  // the "end" line, once read
};

// One domain of an enclave, as the host reports it.
struct DomainInfo {
    std::string member;  // the container id it was attached as ("" for a boot domain)
    std::string name;    // the domain's name in the enclave
    int32_t slot = -1;   // the guest's domain index while live, else -1
    std::string state;   // "attached" (not run yet), "running", "exited", "killed" (left mid-run)
    int status = -1;     // when exited
    std::string digest;  // hex SHA-384 of its measurement-log entry ("" until measured)
};

struct HostStatus {
    pid_t pid = 0;  // the enclave host (the VMM process)
    std::string group;
    uint32_t capacity = 0;   // members it takes at once
    uint32_t members = 0;    // attached connections now
    uint64_t added = 0;      // domains staged over its life
    bool accepting = true;   // false once shutting down or its measurement log is full
    std::string log_digest;  // hex digest over the whole measurement log, "" without --attest
    std::vector<DomainInfo> domains;  // members now and the last domains that ended
};

// Asks the host at `socket` for its status (a short-lived connection of its own).  Throws Error.
HostStatus query_status(const std::string& socket);

}  // namespace er::launcher::host
