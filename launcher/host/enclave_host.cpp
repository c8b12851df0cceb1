#include "launcher/host/enclave_host.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "attestation/bytes.hpp"
#include "launcher/attest/evidence_bundle.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/common/unix_socket.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/enclave/isolation.hpp"
#include "launcher/host/domain_sink.hpp"
#include "launcher/host/host_client.hpp"
#include "launcher/host/host_console.hpp"
#include "launcher/host/member_name.hpp"
#include "launcher/host/wire.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/domain_queue.hpp"
#include "launcher/vm/machine.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher::host {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr int kAcceptPollMs = 50;
constexpr size_t kHistory = 64;            // ended domains kept for status
constexpr uint32_t kSpareConnections = 8;  // beyond capacity: status queries, attaches refused
constexpr auto kVmEndWait = std::chrono::seconds(10);
constexpr auto kSendTimeout = std::chrono::seconds(5);

// The staging area bounds one domain's app, args and tree: an eighth of RAM, 8..64 MiB.
uint64_t staging_size_for(uint64_t mem_size) {
    return std::clamp<uint64_t>(mem_size / 8, 8 * kMiB, 64 * kMiB);
}

void write_text(int fd, const std::string& text) {
    if (fd < 0) return;
    (void)write_fully(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

// A regular file or memfd the client passed, read whole (never a FIFO or socket: that could
// block this thread for good).
std::vector<uint8_t> read_passed_file(int fd, uint64_t max_size, const std::string& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_errno("cannot stat the passed descriptor", what);
    if (!S_ISREG(st.st_mode))
        throw Error(std::string("is ") + file_kind(st.st_mode) + ", not a regular file", what);
    auto size = static_cast<uint64_t>(st.st_size);
    if (size > max_size) {
        throw Error("is too large: " + std::to_string(size) + " bytes, more than " +
                        std::to_string(max_size),
                    what);
    }
    std::vector<uint8_t> bytes(size);
    uint64_t at = 0;
    while (at < size) {
        ssize_t n = ::pread(fd, bytes.data() + at, size - at, static_cast<off_t>(at));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read", what);
        if (n == 0) throw Error("changed size while being read", what);
        at += static_cast<uint64_t>(n);
    }
    return bytes;
}

// One connection: a member once it attached.
struct Member {
    explicit Member(UniqueFd fd) : conn(std::move(fd)) {}
    UniqueFd conn;
    std::mutex send_mu;  // the reader's replies and the writer's end never interleave
    std::string id;      // as attached
    std::string name;    // its domain's name
    bool attached = false;
    std::atomic<bool> ran{false};
    std::optional<DomainQueue::Ticket> ticket;
    std::shared_ptr<DomainSink> sink;
    std::atomic<bool> ended{false};  // its end (or the enclave's) went out to the client
    std::atomic<int> status{-1};
    std::atomic<bool> done{false};  // the thread finished: join it
    std::thread thread;

    void send(const std::string& line) {
        std::lock_guard lock(send_mu);
        wire::send_line(conn.get(), line);
    }
};

class Host {
  public:
    explicit Host(const EnclaveHostConfig& config) : config_(config) {}
    int run(int ready_fd);

  private:
    void listen_socket();
    void start_vm();
    void vm_main();
    void accept_loop();
    void shutdown_all();
    void serve(const std::shared_ptr<Member>& m);
    bool handle(Member& m, const wire::Request& r, std::vector<UniqueFd> fds);
    void attach(Member& m, const wire::Request& r);
    void run_domain(Member& m, const wire::Request& r, std::vector<UniqueFd> fds);
    void leave(Member& m);
    json status_json();
    DomainInfo info_of(const Member& m) const;

    EnclaveHostConfig config_;
    UniqueFd listen_;
    bool socket_bound_ = false;
    KernelInput kernel_;
    std::unique_ptr<GuestRam> ram_;
    DomainLayout layout_;
    std::unique_ptr<EvidenceWriter> evidence_;
    std::unique_ptr<DomainQueue> queue_;
    HostConsole console_;
    std::thread vm_thread_;
    ExitStats stats_;
    DomainResults results_;

    std::mutex mu_;
    std::condition_variable cv_;
    bool started_ = false;
    bool vm_done_ = false;
    VmEnd vm_end_{0, {}};
    bool accepting_ = true;
    uint32_t members_ = 0;
    uint64_t named_ = 0;  // members named so far (the suffix of domain names)
    uint64_t added_ = 0;  // domains queued so far
    Clock::time_point idle_since_ = Clock::now();
    std::list<std::shared_ptr<Member>> connections_;
    std::deque<DomainInfo> history_;
};

void Host::listen_socket() {
    listen_ = listen_unix(config_.socket_path, "the enclave host", 64);
    socket_bound_ = true;
}

void Host::start_vm() {
    if (config_.capacity == 0 || config_.capacity >= ER_MAX_DOMAINS) {
        throw Error("the capacity must be 1.." + std::to_string(ER_MAX_DOMAINS - 1) +
                    " members, not " + std::to_string(config_.capacity));
    }
    kernel_ = load_kernel_input(
        config_.kernel.empty() ? std::optional<std::string>(config_.kernel_path) : std::nullopt,
        config_.kernel);
    EnclavePlan plan;
    plan.mem_size = config_.mem_size;
    plan.persistent = true;
    layout_ = load_enclave_domains(plan, ram_);
    queue_ = std::make_unique<DomainQueue>(staging_size_for(config_.mem_size));
    if (config_.attest) {
        std::string path = config_.evidence_path;
        if (path.empty()) {
            size_t slash = config_.socket_path.rfind('/');
            path = (slash == std::string::npos ? std::string(".")
                                               : config_.socket_path.substr(0, slash)) +
                   "/evidence.cbor";
        }
        evidence_ = std::make_unique<EvidenceWriter>(path, random_nonce());
    }
    console_.on_start = [this] {
        {
            std::lock_guard lock(mu_);
            started_ = true;
        }
        cv_.notify_all();
    };
    vm_thread_ = std::thread([this] { vm_main(); });
}

// The VM's thread: run_machine confines it (seccomp) right before the first KVM_RUN; only this
// thread (it creates none), so the accept loop, the members and the sinks' writers stay free.
void Host::vm_main() {
    VmEnd end{0, {}};
    try {
        MachineConfig mc;
        mc.mem_size = config_.mem_size;
        mc.timer_period_us = kDefaultTickMs * 1000;
        end = run_machine(mc,
                          MachineInput{kernel_.image, kernel_.bytes, layout_, *ram_, console_,
                                       evidence_.get(), nullptr, queue_.get()},
                          stats_, results_);
    } catch (const std::exception& e) {
        end = VmEnd{kExitLauncherError, e.what()};
    }
    {
        std::lock_guard lock(mu_);
        vm_done_ = true;
        vm_end_ = end;
        accepting_ = false;
    }
    cv_.notify_all();
}

DomainInfo Host::info_of(const Member& m) const {
    DomainInfo i;
    i.member = m.id;
    i.name = m.name;
    i.slot = m.sink ? m.sink->slot.load() : -1;
    i.state = m.ended ? "exited" : m.ran ? "running" : "attached";
    i.status = m.ended ? m.status.load() : -1;
    return i;  // digest: "" until the guest's evidence names each hot-added domain
}

json Host::status_json() {
    // The log as of the guest's latest evidence (attest): each measured domain's entry digest,
    // by name (names are unique in the log), and the log digest.  Nothing before it is measured.
    EnclaveLog log = queue_->log();
    std::map<std::string, std::string> digests;
    for (const EnclaveLogEntry& e : log.entries) digests[e.entry.name] = attest::to_hex(e.digest);
    std::string log_digest = log.evidence_count > 0 ? attest::to_hex(log.log_digest) : "";
    std::lock_guard lock(mu_);
    json domains = json::array();
    auto add = [&](const DomainInfo& i) {
        domains.push_back({{"member", i.member},
                           {"name", i.name},
                           {"slot", i.slot},
                           {"state", i.state},
                           {"status", i.status},
                           {"digest", digests.contains(i.name) ? digests[i.name] : ""}});
    };
    for (const DomainInfo& i : history_) add(i);
    for (const auto& m : connections_) {
        if (m->attached) add(info_of(*m));
    }
    return {{"pid", ::getpid()},
            {"group", config_.group},
            {"capacity", config_.capacity},
            {"members", members_},
            {"added", added_},
            {"accepting", accepting_ && !queue_->log_full()},
            {"log_digest", log_digest},
            {"domains", std::move(domains)}};
}

void Host::attach(Member& m, const wire::Request& r) {
    {
        std::lock_guard lock(mu_);
        if (!accepting_) throw Error("the enclave host is ending");
        if (queue_->log_full()) {
            throw Error("the enclave's measurement log is full (" + std::to_string(ER_MAX_DOMAINS) +
                        " entries): it takes no more domains");
        }
        if (members_ >= config_.capacity) {
            throw Error("the enclave host is full (" + std::to_string(config_.capacity) +
                        " members)");
        }
        ++members_;
        m.attached = true;
        m.id = r.name;
        m.name = member_domain_name(r.name, ++named_);
    }
    m.send(wire::ok_line());
}

void Host::run_domain(Member& m, const wire::Request& r, std::vector<UniqueFd> fds) {
    wire::RunFds passed = wire::split_run_fds(r, std::move(fds));
    HotDomain d;
    d.name = m.name;
    d.app =
        read_passed_file(passed.app.get(), max_app_size(config_.mem_size), m.name + ": the app");
    check_app_elf(d.app, m.name);
    d.args = build_args_blob(r.argv, r.env, ER_ARGS_MAX);
    check_app_loadable(m.name, d.app, d.args);
    check_isolation_fits_app(m.name, d.app, r.isolation);
    if (r.mem_limit > config_.mem_size) {
        throw Error(m.name + ": the memory limit of " + std::to_string(r.mem_limit) +
                    " bytes is above the enclave's " + std::to_string(config_.mem_size));
    }
    d.mem_limit = r.mem_limit;
    d.isolation = r.isolation;
    if (r.fs) {
        // The guest checks the image on its own copy (and measures it); here only its size.
        d.fs =
            read_passed_file(passed.fs.get(), queue_->staging_size(), m.name + ": the er-fs image");
    }
    // The domain's sockets are made in its container's network namespace, by the factory the
    // container process started there (docs/oci.md "Networking").
    if (passed.net.valid()) {
        d.net = std::make_shared<SocketFactory>(SocketFactory::from_channel(std::move(passed.net)));
    }
    // The writer thread sends the end once the output is out (domain_sink.hpp).  The member
    // outlives its sink, whose destructor joins the writer.
    Member* member = &m;
    auto sink = std::make_shared<DomainSink>(
        std::move(passed.out), std::move(passed.err),
        [member](const std::optional<DomainResult>& result, const std::string& why) {
            std::string line;
            if (result) {
                member->status = domain_exit_status(*result);
                line = wire::end_line(member->status, status_text(*result));
            } else {
                line = wire::error_line("the enclave ended before the domain did: " + why);
            }
            member->ended = true;
            try {
                member->send(line);
            } catch (const Error&) {
                // The client is gone; its reader thread notices.
            }
        });
    console_.expect(m.name, sink);
    std::weak_ptr<DomainSink> weak = sink;
    std::lock_guard lock(m.send_mu);  // ok goes out before any end
    try {
        // The handler runs on the vCPU thread (confined): it only stores and notifies.
        m.ticket = queue_->add(std::move(d), [weak](const DomainResult& result) {
            if (auto s = weak.lock()) s->ended(result);
        });
    } catch (...) {
        console_.forget(m.name);
        throw;
    }
    {
        std::lock_guard host_lock(mu_);
        m.sink = std::move(sink);
        m.ran = true;
        ++added_;
    }
    wire::send_line(m.conn.get(), wire::ok_line());
}

// One request; false when the connection is done.
bool Host::handle(Member& m, const wire::Request& r, std::vector<UniqueFd> fds) {
    if (r.op != wire::Op::run && !fds.empty())
        throw wire::ProtocolError("descriptors are only passed with run");
    switch (r.op) {
        case wire::Op::status:
            if (m.attached) throw wire::ProtocolError("status goes on a connection of its own");
            m.send(wire::ok_line({{"host", status_json()}}));
            return false;
        case wire::Op::attach:
            if (m.attached) throw wire::ProtocolError("attached already");
            try {
                attach(m, r);
            } catch (const Error& e) {
                m.send(wire::error_line(e.what()));
                return false;
            }
            return true;
        case wire::Op::run:
            if (!m.attached) throw wire::ProtocolError("run before attach");
            if (m.ran) throw wire::ProtocolError("the domain has run already");
            try {
                run_domain(m, r, std::move(fds));
            } catch (const Error& e) {
                m.send(wire::error_line(e.what()));  // the member may try again
            }
            return true;
        case wire::Op::kill: {
            if (!m.ran || !m.ticket) {
                m.send(wire::error_line("no domain is running for " + m.id));
                return true;
            }
            // SIGKILL ends the domain at once; any other signal goes to its init as a signal
            // (ER_POLL_SIGNAL), which a handler may catch and an init without one ignores, as a
            // container's pid 1 does on Linux: docker stop then waits its grace period and
            // sends SIGKILL.  A domain not staged yet has no handler: its signal is dropped.
            auto sig = static_cast<uint32_t>(r.signal);
            bool live = !m.ended;
            if (live && sig == SIGKILL) live = queue_->kill(*m.ticket, sig);
            if (live && sig != SIGKILL) (void)queue_->signal(*m.ticket, sig);
            m.send(wire::ok_line({{"live", live}}));
            return true;
        }
    }
    return false;
}

void Host::serve(const std::shared_ptr<Member>& member) {
    Member& m = *member;
    timeval tv{static_cast<time_t>(kSendTimeout.count()), 0};
    ::setsockopt(m.conn.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    std::string pending;
    wire::LineReader reader(m.conn.get(), pending);
    try {
        for (;;) {
            std::optional<std::string> line = reader.next();
            if (!line) break;
            wire::Request r;
            try {
                r = wire::parse_request(*line);
            } catch (const wire::ProtocolError&) {
                reader.take_fds();  // closed
                throw;
            }
            std::vector<UniqueFd> fds = reader.take_fds();
            if (!handle(m, r, std::move(fds))) break;
        }
    } catch (const wire::ProtocolError& e) {
        try {
            m.send(wire::error_line(std::string("protocol error: ") + e.what()));
        } catch (const Error&) {
        }
    } catch (const std::exception&) {
        // A read or send failed: the client is gone.
    }
    leave(m);
    m.done = true;
}

// The connection ended: a domain still running is killed (the container process died), the
// membership ends, the sink stops (what is still buffered has nobody to read it).
void Host::leave(Member& m) {
    if (m.ticket && !m.ended) queue_->kill(*m.ticket, SIGKILL);
    if (m.sink) {
        m.sink->stop();
        console_.forget(m.name);
    }
    std::lock_guard lock(mu_);
    if (!m.attached) return;
    history_.push_back(info_of(m));
    history_.back().slot = -1;
    if (history_.back().state == "running") history_.back().state = "killed";
    if (history_.size() > kHistory) history_.pop_front();
    m.attached = false;
    if (--members_ == 0) idle_since_ = Clock::now();
}

void Host::accept_loop() {
    auto idle = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(config_.idle_seconds));
    for (;;) {
        pollfd p{listen_.get(), POLLIN, 0};
        int ready = ::poll(&p, 1, kAcceptPollMs);
        int fd = ready > 0 ? ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC) : -1;
        std::list<std::shared_ptr<Member>> finished;
        std::unique_lock lock(mu_);
        for (auto it = connections_.begin(); it != connections_.end();) {
            auto next = std::next(it);
            if ((*it)->done) finished.splice(finished.end(), connections_, it);
            it = next;
        }
        if (!finished.empty()) {
            // Joined and freed outside the lock: a sink's destructor joins its writer.
            lock.unlock();
            for (const auto& m : finished) m->thread.join();
            finished.clear();
            lock.lock();
        }
        if (fd >= 0) {
            auto m = std::make_shared<Member>(UniqueFd(fd));
            if (connections_.size() >= config_.capacity + kSpareConnections) {
                lock.unlock();
                try {
                    m->send(wire::error_line("the enclave host has too many connections"));
                } catch (const Error&) {
                }
                continue;
            }
            connections_.push_back(m);
            m->thread = std::thread([this, m] { serve(m); });
        }
        if (vm_done_) return;
        // Idle, or no member left and no room in the log for another: the host's work is done.
        if (members_ == 0 && (Clock::now() - idle_since_ >= idle || queue_->log_full())) {
            accepting_ = false;  // under the lock: an attach either came first or is refused
            return;
        }
    }
}

void Host::shutdown_all() {
    {
        std::lock_guard lock(mu_);
        accepting_ = false;
    }
    // New clients fail at connect from now on.
    listen_.reset();
    ::unlink(config_.socket_path.c_str());
    socket_bound_ = false;
    queue_->shutdown();
    bool ended;
    {
        std::unique_lock lock(mu_);
        ended = cv_.wait_for(lock, kVmEndWait, [&] { return vm_done_; });
    }
    if (!ended) {
        // The guest did not end after SHUTDOWN: nothing can be joined or freed safely.
        write_text(STDERR_FILENO,
                   "enclave-run: enclave host: the enclave did not end within 10 s of its "
                   "shutdown\n");
        ::_exit(kExitLauncherError);
    }
    vm_thread_.join();
    std::list<std::shared_ptr<Member>> left;
    {
        std::lock_guard lock(mu_);
        left = connections_;
    }
    // Members whose domain still ran (the VM failed) hear the enclave's end from their sink's
    // writer; give them a moment, then every connection is closed and its thread joined.
    for (const auto& m : left) {
        std::shared_ptr<DomainSink> sink;
        {
            std::lock_guard lock(mu_);
            sink = m->sink;
        }
        if (sink) sink->fail(vm_end_.message.empty() ? "shut down" : vm_end_.message);
    }
    auto deadline = Clock::now() + std::chrono::seconds(1);
    for (const auto& m : left) {
        while (m->ran && !m->ended && !m->done && Clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        ::shutdown(m->conn.get(), SHUT_RDWR);  // wakes a reader blocked on a silent client
        m->thread.join();
    }
}

int Host::run(int ready_fd) {
    std::signal(SIGPIPE, SIG_IGN);  // a client's closed pipe is -EPIPE for its domain only
    try {
        listen_socket();
        start_vm();
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return started_ || vm_done_; });
        if (vm_done_) {
            throw Error(vm_end_.message.empty() ? std::string("the enclave ended at once")
                                                : vm_end_.message);
        }
        idle_since_ = Clock::now();
    } catch (const std::exception& e) {
        std::string line = std::string("enclave-run: enclave host: ") + e.what() + "\n";
        write_text(ready_fd, line);
        write_text(STDERR_FILENO, line);
        if (socket_bound_) ::unlink(config_.socket_path.c_str());
        if (vm_thread_.joinable()) {
            if (queue_) queue_->shutdown();
            std::unique_lock lock(mu_);
            if (!cv_.wait_for(lock, kVmEndWait, [&] { return vm_done_; })) ::_exit(1);
            lock.unlock();
            vm_thread_.join();
        }
        return 1;
    }
    write_text(ready_fd, "K");
    accept_loop();
    shutdown_all();
    if (!vm_end_.message.empty()) {
        write_text(STDERR_FILENO, "enclave-run: enclave host: " + vm_end_.message + "\n");
        return kExitLauncherError;
    }
    return 0;
}

}  // namespace

int run_enclave_host(const EnclaveHostConfig& config, int ready_fd) {
    Host host(config);
    return host.run(ready_fd);
}

}  // namespace er::launcher::host
