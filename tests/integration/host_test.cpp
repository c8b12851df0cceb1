// The shared enclave host (docs/launcher.md "Shared enclave host"): one VMM process whose domains
// are members' apps, hot-added.  One host, started as a child process as the OCI runtime starts
// it, serves five members at once, each getting exactly its own output on its own pipes and its
// own exit status (a hostile neighbour dies alone); kill{15} reaches an init's SIGTERM handler,
// which exits with its own status, and an init without one ignores it until kill{9} ends it with
// 137 (docker stop); a member whose connection closes mid-run has its domain killed; a full host
// refuses an attach;
// and once everyone has left the host ends by itself, status 0, its socket gone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain_output.hpp"
#include "harness.hpp"
#include "launcher/common/error.hpp"
#include "launcher/host/enclave_host.hpp"
#include "launcher/host/host_client.hpp"

namespace er::test {
namespace {

using launcher::host::DomainEnd;
using launcher::host::DomainRequest;
using launcher::host::HostConnection;
using Clock = std::chrono::steady_clock;

// A pipe whose read end a thread drains until EOF (the host closes the write end it was passed
// when the member leaves).
class Capture {
  public:
    Capture() {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        write_ = p[1];
        reader_ = std::async(std::launch::async, [fd = p[0]] {
            std::string out;
            char buf[4096];
            ssize_t n;
            while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
            ::close(fd);
            return out;
        });
    }
    ~Capture() { close_write(); }
    int write_fd() const { return write_; }
    void close_write() {
        if (write_ >= 0) ::close(write_);
        write_ = -1;
    }
    // Everything written, once every write end is closed (at most 10 s).
    std::string text() {
        close_write();
        if (reader_.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
            return "<no EOF within 10 s>";
        return reader_.get();
    }

  private:
    int write_ = -1;
    std::future<std::string> reader_;
};

struct Member {
    Capture out, err;
    // Declared last, so closed first: the host closes its copies of the pipes once the member
    // leaves, which the Captures' readers wait for.
    std::unique_ptr<HostConnection> conn;
};

// Attaches as `id` and runs apps/APP (or `path`, when given) with `args` (argv[0] = APP).
std::unique_ptr<Member> start(const std::string& sock, const std::string& id,
                              const std::string& app_name, std::vector<std::string> args = {},
                              std::string path = "") {
    auto m = std::make_unique<Member>();
    m->conn = std::make_unique<HostConnection>(HostConnection::attach(sock, id));
    if (path.empty()) path = app(app_name);
    int app_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (app_fd < 0) throw std::runtime_error("cannot open " + path);
    DomainRequest r;
    r.argv = {app_name};
    r.argv.insert(r.argv.end(), args.begin(), args.end());
    r.app_fd = app_fd;
    r.stdout_fd = m->out.write_fd();
    r.stderr_fd = m->err.write_fd();
    m->conn->run(r);
    ::close(app_fd);
    m->out.close_write();  // the host holds its own copies now
    m->err.close_write();
    return m;
}

// The host as a child process, as the OCI runtime spawns it.
class HostProcess {
  public:
    explicit HostProcess(launcher::host::EnclaveHostConfig config) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(p[0]);
            int rc = launcher::host::run_enclave_host(config, p[1]);
            ::_exit(rc);
        }
        ::close(p[1]);
        pollfd pfd{p[0], POLLIN, 0};
        char c = 0;
        ready_ = ::poll(&pfd, 1, 60000) == 1 && ::read(p[0], &c, 1) == 1 && c == 'K';
        ::close(p[0]);
    }
    ~HostProcess() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    bool ready() const { return ready_; }
    // The host's exit status, or -1 if it is still running after `limit`.
    int wait_exit(std::chrono::milliseconds limit) {
        auto deadline = Clock::now() + limit;
        while (Clock::now() < deadline) {
            int st = 0;
            if (::waitpid(pid_, &st, WNOHANG) == pid_) {
                reaped_ = true;
                return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

  private:
    pid_t pid_ = -1;
    bool ready_ = false;
    bool reaped_ = false;
};

TEST(HostEnclave, FiveMembersEachGetTheirOwnOutputAndStatusThenTheHostEndsWhenIdle) {
    // Not under kScratch: the test VM shares the build tree over 9p, which cannot hold sockets.
    std::string dir = "/tmp/er-host-test-" + std::to_string(::getpid());
    ::mkdir(dir.c_str(), 0700);
    std::string sock = dir + "/control.sock";
    launcher::host::EnclaveHostConfig config;
    config.socket_path = sock;
    config.group = "test";
    config.idle_seconds = 1;
    config.capacity = 6;
    config.kernel_path = ER_UNIKERNEL_ELF;
    HostProcess host(config);
    ASSERT_TRUE(host.ready()) << "the host did not say it was ready";

    // Five at once; one of them hostile.
    std::vector<std::unique_ptr<Member>> five;
    five.push_back(start(sock, "hello-container", "hello"));
    five.push_back(start(sock, "exit-seven", "exit-code", {"7"}));
    five.push_back(start(sock, "victim", "victim", {"20"}));
    five.push_back(start(sock, "two-streams", "stderr"));
    five.push_back(start(sock, "hostile", "hostile-read-other-pie", {"exec", "0"}));
    // Full: the sixth slot is free, a seventh member is refused.
    {
        auto sixth = HostConnection::attach(sock, "sixth");
        try {
            HostConnection::attach(sock, "seventh");
            ADD_FAILURE() << "a seventh member was let in past a capacity of 6";
        } catch (const launcher::Error& e) {
            EXPECT_NE(std::string(e.what()).find("full"), std::string::npos) << e.what();
        }
    }
    std::vector<DomainEnd> ends;
    for (auto& m : five) ends.push_back(m->conn->wait());
    EXPECT_EQ(ends[0].status, 0) << ends[0].text;
    EXPECT_EQ(ends[1].status, 7) << ends[1].text;
    EXPECT_EQ(ends[2].status, 0) << ends[2].text;
    EXPECT_EQ(ends[3].status, 0) << ends[3].text;
    EXPECT_EQ(ends[4].status, 139) << ends[4].text;
    EXPECT_EQ(ends[4].text, "killed SIGSEGV");
    for (auto& m : five) m->conn.reset();  // leave: the host closes its copies of the pipes
    EXPECT_EQ(five[0]->out.text(), kHello + "\n");
    EXPECT_EQ(five[0]->err.text(), "");
    EXPECT_EQ(five[1]->out.text(), "");
    EXPECT_EQ(five[2]->out.text(), join(victim_lines(20)));
    EXPECT_EQ(five[2]->err.text(), "");
    EXPECT_EQ(five[3]->out.text(), "to stdout\n");
    EXPECT_EQ(five[3]->err.text(), "to stderr\n");
    EXPECT_EQ(five[4]->out.text(), "hostile-read-other: reading exec at 0x400000\n");

    // kill{15} (docker stop): an init with a SIGTERM handler gets the signal and exits with its
    // own status.  Sent until the end comes: before the handler is installed the init ignores
    // it, as a container's pid 1 does.
    auto graceful =
        start(sock, "graceful", "signal-check", {"wait-term", "42"}, kChecks + "/signal-check");
    bool live = false;
    for (int i = 0; i < 300 && graceful->conn->kill(SIGTERM); i++) {
        live = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(live) << "the domain had ended before the first SIGTERM";
    DomainEnd caught = graceful->conn->wait();
    EXPECT_EQ(caught.status, 42) << caught.text;
    graceful->conn.reset();
    EXPECT_EQ(graceful->out.text(), "signal-check: SIGTERM from pid 0 code 0\n");

    // An init without a handler ignores kill{15} and keeps spinning; kill{9} ends it (137).
    auto spinner = start(sock, "spinner", "spin");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(spinner->conn->kill(SIGTERM));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_TRUE(spinner->conn->kill(SIGTERM)) << "SIGTERM ended an init without a handler";
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(spinner->conn->kill(SIGKILL)) << "SIGTERM ended an init without a handler";
    DomainEnd killed = spinner->conn->wait();
    EXPECT_EQ(killed.status, 137) << killed.text;
    EXPECT_FALSE(spinner->conn->kill(SIGKILL)) << "a kill after the end";
    spinner->conn.reset();

    // A member that goes away mid-run: its spinning domain is killed (else the enclave could not
    // end below, and the host would not exit 0).
    auto quitter = start(sock, "quitter", "spin");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto status = launcher::host::query_status(sock);
    EXPECT_EQ(status.group, "test");
    EXPECT_EQ(status.members, 1u);
    EXPECT_EQ(status.added, 8u);
    // Attested (the default): the guest measured every domain; the digests are its log's.
    EXPECT_EQ(status.log_digest.size(), 96u) << "no SHA-384 log digest";
    bool running = false, hello_listed = false;
    for (const auto& d : status.domains) {
        if (d.member == "quitter") {
            running = d.state == "running" && d.slot >= 0;
            EXPECT_EQ(d.digest.size(), 96u) << "the quitter's domain has no digest";
        }
        if (d.member == "hello-container") {
            hello_listed = d.state == "exited" && d.status == 0 && d.slot == -1;
            EXPECT_EQ(d.digest.size(), 96u) << "hello's domain has no digest";
        }
    }
    EXPECT_TRUE(running) << "the quitter's domain does not show as running";
    EXPECT_TRUE(hello_listed) << "the ended hello domain is not listed as exited 0";
    quitter->conn.reset();

    // Everyone left: the host ends within idle_seconds (1 s) plus the enclave's shutdown.
    auto left = Clock::now();
    EXPECT_EQ(host.wait_exit(std::chrono::seconds(10)), 0);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - left);
    EXPECT_LT(took.count(), 5000) << "the host took " << took.count() << " ms to end";
    struct stat st {};
    EXPECT_NE(::stat(sock.c_str(), &st), 0) << "the socket was left behind";
    ::unlink((dir + "/evidence.cbor").c_str());
    ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace er::test
