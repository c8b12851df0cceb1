// The run loop's seccomp allowlist, loaded in a forked child (a filter cannot be removed): what
// it allows still works, and everything else kills the process by SIGSYS with one line naming
// the call.  The real launcher runs under it in every KVM test (vm_smoke.sh has the probe).
#include "launcher/vm/seccomp_filter.hpp"

#include "fake_console.hpp"
#include "launcher/attest/evidence_bundle.hpp"
#include "launcher/net/net_server.hpp"
#include "launcher/net/socket_factory.hpp"
#include "test_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/futex.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace er::launcher {
namespace {

struct Pipe {
    int read_end = -1, write_end = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) std::abort();
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        ::close(read_end);
        if (write_end >= 0) ::close(write_end);
    }
    void close_write() {
        ::close(write_end);
        write_end = -1;
    }
    std::string drain() const {
        std::string out;
        char buf[512];
        ssize_t n;
        while ((n = ::read(read_end, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
        return out;
    }
};

struct Child {
    int status = 0;
    std::string err;  // what the child wrote to its stderr
};

// Runs `body` in a child whose stderr is a pipe, under the filter for `allowance` (stderr is
// always writable); the child exits 0 when `body` returns.
Child run_confined(RunLoopAllowance allowance, const std::function<void()>& body,
                   std::optional<CommitFds> commit = std::nullopt) {
    Pipe err;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(err.write_end, STDERR_FILENO);
        allowance.write_fds.push_back(STDERR_FILENO);
        try {
            SeccompFilter filter(allowance, commit);
            filter.load();
        } catch (...) {
            ::_exit(100);
        }
        body();
        ::_exit(0);
    }
    err.close_write();
    Child child;
    child.err = err.drain();
    ::waitpid(pid, &child.status, 0);
    return child;
}

void expect_killed_for(const Child& child, const std::string& call) {
    ASSERT_TRUE(WIFSIGNALED(child.status)) << "status " << child.status << ": " << child.err;
    EXPECT_EQ(WTERMSIG(child.status), SIGSYS);
    EXPECT_NE(child.err.find("enclave-run: seccomp: the run loop made system call " + call),
              std::string::npos)
        << child.err;
    EXPECT_EQ(child.err.find('\n'), child.err.size() - 1) << "one line: " << child.err;
}

TEST(SeccompFilter, ForbiddenOpenatKillsBySigsysAndNamesTheCall) {
    Child child = run_confined({}, [] { ::syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY); });
    expect_killed_for(child, "openat (" + std::to_string(SYS_openat) + ")");
}

TEST(SeccompFilter, WriteToAnFdNotListedKills) {
    Pipe other;
    Child child = run_confined({}, [&] { (void)!::write(other.write_end, "x", 1); });
    expect_killed_for(child, "write (" + std::to_string(SYS_write) + ")");
}

TEST(SeccompFilter, ExecutableMappingKills) {
    Child child = run_confined({}, [] {
        ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    });
    expect_killed_for(child, "mmap (");
}

TEST(SeccompFilter, OtherKvmIoctlOnTheVcpuKills) {
    int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    // KVM_RUN on the vCPU fd is let through (/dev/null then says ENOTTY); KVM_SET_REGS is not.
    Child child = run_confined({fd, {}}, [fd] {
        if (::ioctl(fd, KVM_RUN, 0) == 0 || errno != ENOTTY) ::_exit(3);
        kvm_regs regs{};
        ::ioctl(fd, KVM_SET_REGS, &regs);
    });
    ::close(fd);
    expect_killed_for(child, "ioctl (");
}

TEST(SeccompFilter, IoctlOnAnotherFdKills) {
    int vcpu = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    int other = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    Child child = run_confined({vcpu, {}}, [other] { ::ioctl(other, KVM_RUN, 0); });
    ::close(vcpu);
    ::close(other);
    expect_killed_for(child, "ioctl (");
}

// What the run loop does between set-up and exit still works: writes to the listed fds, time,
// heap memory (large enough for mmap), and the exit.  Not in a sanitizer build.
TEST(SeccompFilter, RunLoopCallsStillWork) {
    if (sanitizer_runtime()) {
        GTEST_SKIP() << "a sanitizer runtime makes calls of its own (sigaltstack ...); the "
                        "launcher loads no filter in such a build";
    }
    Pipe out;
    Child child = run_confined({-1, {out.write_end}}, [&] {
        timespec ts{};
        if (::syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts) != 0) ::_exit(1);
        std::string big(4 << 20, 'x');
        std::array<char, 3> ok{'o', 'k', '\n'};
        if (::write(out.write_end, ok.data(), ok.size()) != 3) ::_exit(2);
        if (big.size() != 4u << 20) ::_exit(4);
    });
    out.close_write();
    EXPECT_TRUE(WIFEXITED(child.status)) << child.err;
    EXPECT_EQ(WEXITSTATUS(child.status), 0) << child.err;
    EXPECT_EQ(out.drain(), "ok\n");
    EXPECT_EQ(child.err, "");
}

// --evidence: the bundle is committed mid-run (write, fsync, rename in its directory) only with
// the CommitFds of that file; without them, or renaming into another directory, the launcher dies.
TEST(SeccompFilter, EvidenceCommitNeedsItsCommitFds) {
    if (sanitizer_runtime()) GTEST_SKIP() << "no filter in a sanitizer build";
    test::TempDir dir;
    dir.make_dir("other");
    const std::vector<uint8_t> bytes{0xA1, 0x01, 0x02};
    auto commit_in_child = [&](bool with_fds, const std::function<void(EvidenceFile&)>& body) {
        auto file = std::make_unique<EvidenceFile>(dir.path() + "/ev.cbor");
        std::optional<CommitFds> fds;
        if (with_fds) fds = CommitFds{file->dir_fd(), file->file_fd()};
        return run_confined(
            {-1, {file->file_fd()}}, [&] { body(*file); }, fds);
    };
    Child ok = commit_in_child(true, [&](EvidenceFile& f) {
        f.commit(bytes);
        ::_exit(f.committed() ? 0 : 1);
    });
    EXPECT_TRUE(WIFEXITED(ok.status) && WEXITSTATUS(ok.status) == 0) << ok.err;
    std::ifstream in(dir.path() + "/ev.cbor", std::ios::binary);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "\xA1\x01\x02");

    expect_killed_for(commit_in_child(false, [&](EvidenceFile& f) { f.commit(bytes); }), "fsync");
    int other = ::open((dir.path() + "/other").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    expect_killed_for(
        commit_in_child(
            true, [&](EvidenceFile& f) { ::renameat(f.dir_fd(), "ev.cbor", other, "stolen"); }),
        "renameat");
    ::close(other);
}

std::string status_field(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream rest(line.substr(field.size() + 1));
            std::string value;
            rest >> value;
            return value;
        }
    }
    return "";
}

// Loaded means seccomp mode 2 (filter) with no_new_privs, seen from outside the process.
TEST(SeccompFilter, LoadSetsNoNewPrivsAndFilterMode) {
    Pipe ready;
    int ready_fd = ready.write_end;
    pid_t pid = ::fork();
    if (pid == 0) {
        SeccompFilter filter(RunLoopAllowance{-1, {ready_fd}});
        filter.load();
        (void)!::write(ready_fd, "r", 1);
        static int never = 0;
        for (;;) ::syscall(SYS_futex, &never, FUTEX_WAIT, 0, nullptr, nullptr, 0);
    }
    ready.close_write();
    char c = 0;
    ASSERT_EQ(::read(ready.read_end, &c, 1), 1);
    EXPECT_EQ(status_field(pid, "NoNewPrivs"), "1");
    EXPECT_EQ(status_field(pid, "Seccomp"), "2");
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(SeccompFilter, WritableFdsAreTheWriteEndsOnly) {
    Pipe p;
    int rw = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    std::array<int, 1> except{rw};
    std::vector<int> fds = writable_fds(except);
    auto has = [&](int fd) { return std::find(fds.begin(), fds.end(), fd) != fds.end(); };
    EXPECT_TRUE(has(p.write_end));
    EXPECT_FALSE(has(p.read_end));
    EXPECT_FALSE(has(rw));
    ::close(rw);
}

// ER_HC_NET under the filter: the NetServer serves a whole loopback round trip with sockets from
// a factory started before the filter (and reaps it: wait4 on its pid), while socket() and
// setns() themselves kill.
TEST(SeccompFilter, NetServingWorksButSocketAndSetnsKill) {
    if (sanitizer_runtime()) GTEST_SKIP() << "no filter in a sanitizer build";
    Pipe err;
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(err.write_end, STDERR_FILENO);
        auto factory = std::make_shared<SocketFactory>(SocketFactory::in_current_netns());
        test::FakeRam ram(128 * 1024);
        test::FakeConsole console;
        NetServer net(
            ram.memory, console, [](uint32_t) { return true; },
            [](uint32_t) { return std::string("d"); });
        net.set_default_factory(factory);
        try {
            SeccompFilter filter(RunLoopAllowance{-1, {STDERR_FILENO}, {factory->pid()}});
            filter.load();
        } catch (...) {
            ::_exit(100);
        }
        int step = 0;
        auto call = [&](er_hc_net req) {
            step++;
            ram.memory.write(0x2000, req, "req");
            net.serve(0x2000);
            return ram.memory.read<er_hc_net>(0x2000, "req");
        };
        auto req = [](uint32_t op, int32_t h, int64_t a0 = 0, int64_t a1 = 0) {
            er_hc_net r{};
            r.op = op;
            r.handle = h;
            r.a0 = a0;
            r.a1 = a1;
            return r;
        };
        auto expect = [&](bool ok) {
            if (!ok) ::_exit(step);
        };
        sockaddr_in lo{};
        lo.sin_family = AF_INET;
        lo.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ram.memory.write(0x3000, lo, "addr");
        expect(call(req(ER_NET_SOCKET, -1, AF_INET, SOCK_STREAM)).ret == 0);
        er_hc_net bind = req(ER_NET_BIND, 0);
        bind.addr_gpa = 0x3000;
        bind.addr_len = sizeof lo;
        expect(call(bind).ret == 0);
        expect(call(req(ER_NET_LISTEN, 0, 4)).ret == 0);
        er_hc_net name = req(ER_NET_SOCKNAME, 0);
        name.addr_gpa = 0x3000;
        expect(call(name).ret == 0);
        expect(call(req(ER_NET_SOCKET, -1, AF_INET, SOCK_STREAM)).ret == 1);
        bind.op = ER_NET_CONNECT;
        bind.handle = 1;
        int64_t rc = call(bind).ret;
        expect(rc == 0 || rc == -EINPROGRESS);
        er_net_pollfd entry{0, 0, POLLIN, 0, 0};
        ram.memory.write(0x4000, entry, "poll");
        er_hc_net poll = req(ER_NET_POLL, -1, 1);
        poll.buf_gpa = 0x4000;
        poll.timeout_ns = 10'000'000'000;
        expect(call(poll).ret == 1);
        expect(call(req(ER_NET_ACCEPT, 0)).ret == 2);
        ram.memory.copy_in(0x5000, {reinterpret_cast<const uint8_t*>("ping"), 4}, "buf");
        er_hc_net send = req(ER_NET_SEND, 1);
        send.buf_gpa = 0x5000;
        send.buf_len = 4;
        expect(call(send).ret == 4);
        entry.handle = 2;
        ram.memory.write(0x4000, entry, "poll");
        expect(call(poll).ret == 1);
        expect(call(req(ER_NET_FIONREAD, 2)).ret == 4);
        er_hc_net recv = req(ER_NET_RECV, 2);
        recv.buf_gpa = 0x6000;
        recv.buf_len = 16;
        expect(call(recv).ret == 4);
        ram.memory.write(0x5000, 1, "opt");
        er_hc_net opt = req(ER_NET_SETOPT, 1, IPPROTO_TCP, TCP_NODELAY);
        opt.buf_gpa = 0x5000;
        opt.buf_len = sizeof(int);
        expect(call(opt).ret == 0);
        opt.op = ER_NET_GETOPT;
        expect(call(opt).ret == sizeof(int));
        expect(call(req(ER_NET_SHUTDOWN, 1, SHUT_RDWR)).ret == 0);
        expect(call(req(ER_NET_CLOSE, 1)).ret == 0);
        net.domain_ended(0);
        net.set_default_factory(nullptr);
        factory.reset();  // the channel closes, wait4 reaps the factory
        ::_exit(0);
    }
    err.close_write();
    std::string text = err.drain();
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << text;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "failed at step " << WEXITSTATUS(status) << ": " << text;

    expect_killed_for(run_confined({-1, {}}, [] { ::socket(AF_INET, SOCK_STREAM, 0); }),
                      "socket (" + std::to_string(SYS_socket) + ")");
    expect_killed_for(run_confined({-1, {}}, [] { ::setns(-1, CLONE_NEWNET); }),
                      "setns (" + std::to_string(SYS_setns) + ")");
    // accept4 only with the NetServer's flags.
    expect_killed_for(run_confined({-1, {}}, [] { ::accept4(-1, nullptr, nullptr, 0); }),
                      "accept4 (");
}

}  // namespace
}  // namespace er::launcher
