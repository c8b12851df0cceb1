// A minimal front end to a persistent enclave's DomainQueue (docs/launcher.md "Hot add"): a Unix
// stream socket; each connection is one request, its fields NUL-separated, ended by the client's
// half-close:
//   add\0APP\0ARG1\0...   stage APP (argv[0] = APP) and wait: the reply is one line,
//                         "exit STATUS" (domain_exit_status: code, 128 + signal, 125 refused)
//                         then the domain's status text, e.g. "exit 0 exited 0"
//   kill\0NAME            end the hot-added domain NAME (SIGKILL): reply "ok", or "error ..."
//   shutdown\0            no more domains; the enclave ends once none is live: reply "ok"
// The domain's output goes through the enclave's console with its name as prefix; per-domain
// stdio routing is the OCI mode's next step.  The server threads start before the run loop is
// confined (seccomp), so they may open app files; the vCPU thread only flips a condition.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/vm/domain_queue.hpp"

namespace er::launcher {

class ControlServer {
  public:
    // Binds and listens at `path` (which must not exist) and starts accepting.  `mem_size`
    // bounds app sizes as for boot apps.  Throws Error naming the path.
    ControlServer(const std::string& path, DomainQueue& queue, uint64_t mem_size);
    // stop(); the socket is gone once it returns.
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // The enclave has ended: waiting clients hear "ended", no new ones are served, the socket
    // is removed.  Makes no system call but futex: callable from the confined run loop's thread.
    void stop();

  private:
    void accept_loop();
    void serve(UniqueFd client);
    std::string add(const std::vector<std::string>& fields);

    std::string path_;
    DomainQueue& queue_;
    uint64_t mem_size_;
    UniqueFd listen_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
    uint64_t added_ = 0;
    std::map<std::string, DomainQueue::Ticket> tickets_;  // live hot-added domains by name
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

// The client side: sends one request to the socket at `path` and returns the reply line.
std::string control_request(const std::string& path, const std::vector<std::string>& fields);

}  // namespace er::launcher
