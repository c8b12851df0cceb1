// ABI 5, hot add: a persistent enclave (`enclave-run run --persistent --control SOCKET`) takes
// new domains after boot, one after another and several at once, reports each one's status to
// its client, prints their output with their names, and gives back every frame: after 200
// add/exit cycles the free-frame count when the enclave is empty is what it was before the
// first domain.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <future>
#include <map>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "attestation/evidence.hpp"
#include "harness.hpp"
#include "launcher/attest/evidence_bundle.hpp"
#include "launcher/common/error.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/fs/er_fs_pack.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/console.hpp"
#include "launcher/vm/domain_queue.hpp"
#include "launcher/vm/machine.hpp"

namespace er::test {
namespace {

// One control request (fields NUL-separated, ended by the half-close); the reply line.
std::string request(const std::string& sock, const std::vector<std::string>& fields) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return "socket failed";
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "connect failed";
    }
    std::string data;
    for (const std::string& f : fields) data += f + '\0';
    if (::send(fd, data.data(), data.size(), MSG_NOSIGNAL) != ssize_t(data.size())) {
        ::close(fd);
        return "send failed";
    }
    ::shutdown(fd, SHUT_WR);
    std::string reply;
    char buf[512];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) reply.append(buf, size_t(n));
    ::close(fd);
    if (!reply.empty() && reply.back() == '\n') reply.pop_back();
    return reply;
}

bool wait_for_socket(const std::string& path) {
    for (int i = 0; i < 600; i++) {
        struct stat st {};
        if (::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

std::vector<long> all_values(const std::string& err, const std::string& key) {
    std::vector<long> out;
    std::regex re(key + "=([0-9]+)");
    for (auto it = std::sregex_iterator(err.begin(), err.end(), re); it != std::sregex_iterator();
         ++it)
        out.push_back(std::stol((*it)[1]));
    return out;
}

// Guest output and log lines, kept in memory.  Called on the vCPU thread (under the run loop's
// seccomp filter: only memory and futex), read by the test thread.
class CapturedConsole final : public launcher::Console {
  public:
    int64_t write(uint32_t domain, uint32_t, std::span<const uint8_t> bytes) override {
        std::lock_guard lock(mu_);
        out_ += names_[domain] + " | " + std::string(bytes.begin(), bytes.end());
        return int64_t(bytes.size());
    }
    void end_domain(uint32_t) override {}
    void begin_domain(uint32_t domain, const std::string& name) override {
        std::lock_guard lock(mu_);
        names_[domain] = name;
    }
    void log(std::string_view line) override { notice(line); }
    void notice(std::string_view line) override {
        std::lock_guard lock(mu_);
        err_ += std::string(line) + "\n";
    }
    std::string out() const {
        std::lock_guard lock(mu_);
        return out_;
    }
    std::string err() const {
        std::lock_guard lock(mu_);
        return err_;
    }

  private:
    mutable std::mutex mu_;
    std::map<uint32_t, std::string> names_;
    std::string out_, err_;
};

// A persistent enclave driven through the library, as an enclave host does: booted with no
// domain at all (ABI 5 amendment), fed through its DomainQueue.  run_machine confines the
// thread it runs on (seccomp), so it gets a thread of its own.
class LibraryEnclave {
  public:
    // `evidence`: --attest, the boot's bundle written there.
    explicit LibraryEnclave(bool stats, const std::string& evidence = {}) {
        launcher::EnclavePlan plan;
        plan.mem_size = 64ull << 20;
        plan.persistent = true;  // no apps
        layout_ = launcher::load_enclave_domains(plan, ram_);
        if (!evidence.empty()) {
            writer_ = std::make_unique<launcher::EvidenceWriter>(evidence,
                                                                 std::vector<uint8_t>(32, 0x5a));
        }
        kernel_ = launcher::load_kernel_input(std::string(ER_UNIKERNEL_ELF), {});
        config_.mem_size = plan.mem_size;
        config_.timer_period_us = 10'000;
        config_.guest_stats = stats;
        thread_ = std::thread([this] {
            try {
                launcher::MachineInput input{kernel_.image, kernel_.bytes, layout_, *ram_,
                                             console_};
                input.hot_add = &queue_;
                input.evidence = writer_.get();
                end_ = launcher::run_machine(config_, input, stats_, results_);
            } catch (const std::exception& e) {
                end_ = launcher::VmEnd{125, std::string("run_machine threw: ") + e.what()};
            }
        });
    }
    ~LibraryEnclave() {
        if (thread_.joinable()) finish();
    }

    // Adds the test app argv[0] as `name` with `argv` and waits for its end.
    launcher::DomainResult run(const std::string& name, const std::vector<std::string>& argv) {
        return run(domain(name, app(argv[0]), argv));
    }
    static launcher::HotDomain domain(const std::string& name, const std::string& path,
                                      const std::vector<std::string>& argv,
                                      std::vector<uint8_t> fs = {}) {
        launcher::HotDomain d;
        d.name = name;
        std::string bytes = read_file(path);
        d.app.assign(bytes.begin(), bytes.end());
        d.args = launcher::build_args_blob(argv, {}, ER_ARGS_MAX);
        d.fs = std::move(fs);
        return d;
    }
    // Adds `d` and waits for its end.
    launcher::DomainResult run(launcher::HotDomain d) {
        std::string name = d.name;
        std::promise<launcher::DomainResult> done;
        auto result = done.get_future();
        queue_.add(std::move(d), [&done](const launcher::DomainResult& r) { done.set_value(r); });
        if (result.wait_for(std::chrono::seconds(120)) != std::future_status::ready) {
            ADD_FAILURE() << name << " did not end; log: " << console_.err();
            std::abort();  // the handler still refers to `done`
        }
        return result.get();
    }

    launcher::VmEnd finish() {
        queue_.shutdown();
        thread_.join();
        return end_;
    }

    launcher::DomainQueue& queue() { return queue_; }
    const CapturedConsole& console() const { return console_; }

  private:
    std::unique_ptr<launcher::GuestRam> ram_;
    std::unique_ptr<launcher::EvidenceWriter> writer_;
    launcher::DomainLayout layout_;
    launcher::KernelInput kernel_;
    launcher::MachineConfig config_{};
    CapturedConsole console_;
    launcher::DomainQueue queue_;
    launcher::ExitStats stats_;
    launcher::DomainResults results_;
    launcher::VmEnd end_{};
    std::thread thread_;
};

// ABI 5 amendment: a persistent enclave boots with no domain and takes its first by hot add;
// nothing is left behind once it has gone (the frames before any domain are back).
TEST(HotAdd, APersistentEnclaveBootsWithNoDomainAndTakesThemByHotAdd) {
    auto t0 = std::chrono::steady_clock::now();
    LibraryEnclave e(true);
    launcher::DomainResult r = e.run("hello", {"hello"});
    EXPECT_EQ(r.reason, uint32_t(ER_EXIT_NORMAL)) << r.message;
    EXPECT_EQ(r.status, 0);
    launcher::DomainResult r2 = e.run("exit-code", {"exit-code", "3"});
    EXPECT_EQ(r2.reason, uint32_t(ER_EXIT_NORMAL)) << r2.message;
    EXPECT_EQ(r2.status, 3);
    launcher::VmEnd end = e.finish();
    EXPECT_EQ(end.status, 0) << end.message << "\n" << e.console().err();
    EXPECT_TRUE(end.message.empty()) << end.message;
    EXPECT_NE(e.console().out().find("hello | Hello from enclave-run!"), std::string::npos)
        << e.console().out();
    std::string err = e.console().err();
    std::vector<long> before = all_values(err, "frames_free_before_domains");
    std::vector<long> empty = all_values(err, "frames_free_when_empty");
    ASSERT_EQ(before.size(), 1u) << err;
    ASSERT_EQ(empty.size(), 2u) << err;
    EXPECT_EQ(empty.back(), before[0]) << err;
    std::printf("[ measured ] boot with no domain, 2 adds, shutdown: %lld ms\n",
                (long long)std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0)
                    .count());
}

// ABI 5 amendment (ER_POLL_SIGNAL): the host's SIGTERM reaches the handler of a hot-added
// domain's init (from pid 0, outside its pid namespace), which then exits normally, as docker
// stop's first step needs.  Sent until the domain ends: before the app installs its handler the
// init ignores it (SIG_DFL), as a container's pid 1 does on Linux.
TEST(HotAdd, TheHostsSignalReachesTheInitsHandler) {
    LibraryEnclave e(false);
    std::promise<launcher::DomainResult> done;
    auto result = done.get_future();
    auto ticket = e.queue().add(
        LibraryEnclave::domain("sig", kChecks + "/signal-check", {"signal-check", "wait-term"}),
        [&done](const launcher::DomainResult& r) { done.set_value(r); });
    bool sent = false;
    for (int i = 0; i < 600; i++) {
        if (result.wait_for(std::chrono::milliseconds(200)) == std::future_status::ready) break;
        sent = e.queue().signal(ticket, SIGTERM) || sent;
    }
    ASSERT_EQ(result.wait_for(std::chrono::seconds(0)), std::future_status::ready)
        << "no end; log: " << e.console().err();
    launcher::DomainResult r = result.get();
    EXPECT_TRUE(sent);
    EXPECT_EQ(r.reason, uint32_t(ER_EXIT_NORMAL)) << r.message;
    EXPECT_EQ(r.status, 0);
    launcher::VmEnd end = e.finish();
    EXPECT_EQ(end.status, 0) << end.message;
    EXPECT_NE(e.console().out().find("sig | signal-check: SIGTERM from pid 0 code 0"),
              std::string::npos)
        << e.console().out();
}

attest::Digest384 sha384_of(const std::string& bytes) {
    attest::Digest384 d{};
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), d.data(), &len, EVP_sha384(), nullptr);
    return d;
}

// ABI 5 amendment: with --attest a persistent enclave re-sends its evidence after each hot add;
// the host takes each one that extends the last and the enclave's owner reads the log (names,
// digests, log digest) from the queue.  At ER_MAX_DOMAINS entries the log is full and the queue
// refuses more; a name that was in the log already is refused by the guest.
TEST(HotAdd, EvidenceIsResentAfterEachHotAddAndTheLogOnlyGrows) {
    auto t0 = std::chrono::steady_clock::now();
    std::string path = "/tmp/enclave-run-hotadd-" + std::to_string(::getpid()) + ".cbor";
    ::unlink(path.c_str());
    LibraryEnclave e(false, path);
    launcher::DomainResult r = e.run("hello", {"hello"});
    EXPECT_EQ(r.reason, uint32_t(ER_EXIT_NORMAL)) << r.message;
    launcher::EnclaveLog log = e.queue().log();
    ASSERT_EQ(log.entries.size(), 1u);
    EXPECT_EQ(log.evidence_count, 2u);  // the boot's (empty) and the one after the add
    EXPECT_EQ(log.entries[0].entry.name, "hello");
    EXPECT_EQ(log.entries[0].entry.image, sha384_of(read_file(app("hello"))));
    EXPECT_EQ(log.entries[0].entry.filesystem, sha384_of(""));
    EXPECT_EQ(log.entries[0].digest, sha384_of([&] {
                  attest::Bytes b = attest::canonical_entry(log.entries[0].entry);
                  return std::string(b.begin(), b.end());
              }()));
    EXPECT_EQ(log.log_digest, attest::replay_log({log.entries[0].entry}));
    EXPECT_FALSE(log.full());

    launcher::DomainResult r2 = e.run("exit-code", {"exit-code", "4"});
    EXPECT_EQ(r2.status, 4);
    launcher::EnclaveLog log2 = e.queue().log();
    ASSERT_EQ(log2.entries.size(), 2u);
    EXPECT_EQ(log2.entries[0].digest, log.entries[0].digest);
    EXPECT_EQ(log2.entries[1].entry.name, "exit-code");
    EXPECT_EQ(log2.log_digest, attest::replay_log({log2.entries[0].entry, log2.entries[1].entry}));

    // The same name again, after its domain ended: the log keeps names unique.
    launcher::DomainResult again = e.run("hello", {"hello"});
    EXPECT_EQ(again.reason, uint32_t(ER_EXIT_REFUSED));
    EXPECT_NE(again.message.find("measurement log already"), std::string::npos) << again.message;
    EXPECT_EQ(e.queue().log().entries.size(), 2u);

    for (uint32_t i = 2; i < ER_MAX_DOMAINS; i++) {
        launcher::DomainResult ri = e.run("h." + std::to_string(i), {"hello"});
        ASSERT_EQ(ri.reason, uint32_t(ER_EXIT_NORMAL)) << i << ": " << ri.message;
    }
    launcher::EnclaveLog full = e.queue().log();
    EXPECT_EQ(full.entries.size(), size_t{ER_MAX_DOMAINS});
    EXPECT_TRUE(full.full());
    EXPECT_TRUE(e.queue().log_full());
    launcher::HotDomain more;
    more.name = "one-more";
    std::string bytes = read_file(app("hello"));
    more.app.assign(bytes.begin(), bytes.end());
    more.args = launcher::build_args_blob({"hello"}, {}, ER_ARGS_MAX);
    EXPECT_THROW(e.queue().add(std::move(more), [](const launcher::DomainResult&) {}),
                 launcher::Error);

    launcher::VmEnd end = e.finish();
    EXPECT_EQ(end.status, 0) << end.message << "\n" << e.console().err();
    // The file holds the boot's evidence: an empty log.
    std::string cbor = read_file(path);
    auto decoded = attest::decode_evidence(
        attest::ByteView(reinterpret_cast<const uint8_t*>(cbor.data()), cbor.size()));
    ASSERT_TRUE(decoded) << decoded.error().message();
    EXPECT_TRUE(decoded->log.empty());
    ::unlink(path.c_str());
    std::printf("[ measured ] %u hot adds with evidence re-sent after each: %lld ms\n",
                ER_MAX_DOMAINS + 1,
                (long long)std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - t0)
                    .count());
}

// ABI 5 amendment: a hot-added domain gets an er-fs tree.  The guest copies it out of the
// staging area into the domain's own frames and reads, checks and measures only that copy; the
// domain's memory limit covers it and its end gives it back (100 cycles leave no frame behind).
TEST(HotAdd, AHotAddedDomainReadsItsOwnTreeAndGivesItBack) {
    const std::string tree = ER_TESTDATA_DIR "/fs/basic";
    std::vector<uint8_t> fs = launcher::pack_er_fs(tree);
    auto t0 = std::chrono::steady_clock::now();
    {
        std::string path = "/tmp/enclave-run-hotadd-tree-" + std::to_string(::getpid()) + ".cbor";
        LibraryEnclave e(false, path);
        launcher::DomainResult r = e.run(LibraryEnclave::domain(
            "file-check", kChecks + "/file-check", {"file-check", "--basic-tree"}, fs));
        EXPECT_EQ(r.reason, uint32_t(ER_EXIT_NORMAL)) << r.message;
        EXPECT_EQ(r.status, 0) << e.console().out();
        EXPECT_TRUE(std::regex_search(
            e.console().out(), std::regex("file-check \\| file-check: [0-9]+ checks, 0 failed")))
            << e.console().out();
        // Measured as the guest holds it: the image's bytes.
        launcher::EnclaveLog log = e.queue().log();
        ASSERT_EQ(log.entries.size(), 1u);
        EXPECT_EQ(log.entries[0].entry.filesystem, sha384_of(std::string(fs.begin(), fs.end())));
        // A limit too small for the tree: refused, and the enclave goes on.
        launcher::HotDomain tight = LibraryEnclave::domain("tight", app("hello"), {"hello"}, fs);
        tight.mem_limit = 4096;
        launcher::DomainResult t = e.run(std::move(tight));
        EXPECT_EQ(t.reason, uint32_t(ER_EXIT_REFUSED));
        EXPECT_NE(t.message.find("er-fs tree"), std::string::npos) << t.message;
        EXPECT_EQ(e.finish().status, 0) << e.console().err();
        ::unlink(path.c_str());
    }
    auto t1 = std::chrono::steady_clock::now();

    LibraryEnclave e(true);
    launcher::DomainResult cat = e.run(LibraryEnclave::domain(
        "cat", "/bin/busybox", {"/bin/busybox", "cat", "hello.txt", "sub/nested.txt"}, fs));
    EXPECT_EQ(cat.status, 0) << e.console().out() << e.console().err();
    std::string want = "cat | " + read_file(tree + "/hello.txt");  // read from its own tree
    EXPECT_EQ(e.console().out().rfind(want, 0), 0u) << e.console().out();
    // A tree of several 2 MiB chunks of the window: its last line read back through the copy.
    std::string big_dir = "/tmp/enclave-run-hotadd-big-" + std::to_string(::getpid());
    ::mkdir(big_dir.c_str(), 0755);
    std::string lines;
    for (int i = 0; i < 294912; i++) {  // 2.25 MiB of "%07d\n": two chunks of the window
        char line[16];
        std::snprintf(line, sizeof line, "%07d\n", i);
        lines += line;
    }
    FILE* f = std::fopen((big_dir + "/big").c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fwrite(lines.data(), 1, lines.size(), f);
    std::fclose(f);
    std::vector<uint8_t> big = launcher::pack_er_fs(big_dir);
    ::unlink((big_dir + "/big").c_str());
    ::rmdir(big_dir.c_str());
    launcher::DomainResult tail = e.run(LibraryEnclave::domain(
        "tail", "/bin/busybox", {"/bin/busybox", "tail", "-c", "8", "big"}, big));
    EXPECT_EQ(tail.status, 0) << e.console().out() << e.console().err();
    EXPECT_NE(e.console().out().find("tail | 0294911\n"), std::string::npos) << e.console().out();

    auto t2 = std::chrono::steady_clock::now();
    int ok = 0;
    for (int i = 0; i < 100; i++) {
        launcher::DomainResult r =
            e.run(LibraryEnclave::domain("tree." + std::to_string(i), app("hello"), {"hello"}, fs));
        ok += r.reason == ER_EXIT_NORMAL && r.status == 0;
    }
    EXPECT_EQ(ok, 100);
    launcher::VmEnd end = e.finish();
    EXPECT_EQ(end.status, 0) << end.message;
    std::string err = e.console().err();
    std::vector<long> before = all_values(err, "frames_free_before_domains");
    std::vector<long> empty = all_values(err, "frames_free_when_empty");
    ASSERT_EQ(before.size(), 1u) << err;
    ASSERT_EQ(empty.size(), 102u) << err;
    for (long v : empty) EXPECT_EQ(v, before[0]);
    using ms = std::chrono::milliseconds;
    std::printf(
        "[ measured ] tree of %zu bytes: file-check + refusal %lld ms; cat and a %zu-byte "
        "tree %lld ms; 100 add/exit cycles with the tree %lld ms\n",
        fs.size(), (long long)std::chrono::duration_cast<ms>(t1 - t0).count(), big.size(),
        (long long)std::chrono::duration_cast<ms>(t2 - t1).count(),
        (long long)std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - t2).count());
}

TEST(HotAdd, DomainsJoinAPersistentEnclaveAndLeaveNothingBehind) {
    // Not under kScratch: the build tree may be a 9p share inside the test VM, without sockets.
    std::string sock = "/tmp/enclave-run-hotadd-" + std::to_string(::getpid()) + ".sock";
    ::unlink(sock.c_str());
    auto enclave_run = std::async(std::launch::async, [&] {
        return enclave({"run", "--persistent", "--control", sock, "--stats", "--memory", "128M",
                        "--timeout", "240", app("hello")},
                       300);
    });
    if (!wait_for_socket(sock)) {
        request(sock, {"shutdown"});
        FAIL() << "no control socket; enclave-run said: " << enclave_run.get().err;
    }
    auto t0 = std::chrono::steady_clock::now();

    // Three one after another: status and output travel back.
    EXPECT_EQ(request(sock, {"add", app("exit-code"), "7"}), "exit 7 exited 7");
    EXPECT_EQ(request(sock, {"add", app("echo-args"), "one", "two"}), "exit 0 exited 0");
    EXPECT_EQ(request(sock, {"add", app("exit-code"), "0"}), "exit 0 exited 0");
    // A bad app is refused by the host before staging; the enclave goes on.
    EXPECT_EQ(request(sock, {"add", kScratch + "/no-such-app"}).rfind("error ", 0), 0u);

    // Two at once.
    auto a = std::async(std::launch::async, [&] {
        return request(sock, {"add", app("echo-args"), "both"});
    });
    auto b = std::async(std::launch::async, [&] {
        return request(sock, {"add", app("exit-code"), "42"});
    });
    EXPECT_EQ(b.get(), "exit 42 exited 42");
    EXPECT_EQ(a.get(), "exit 0 exited 0");
    // Two spinning domains, killed by the host: one while it runs (from a tick), the other
    // while it waits its turn (kill_other), in whichever order the scheduler has them.
    auto s1 = std::async(std::launch::async, [&] { return request(sock, {"add", app("spin")}); });
    auto s2 = std::async(std::launch::async, [&] { return request(sock, {"add", app("spin")}); });
    std::vector<std::string> kills;
    for (int i = 0; i < 200 && kills.size() < 2; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (const char* n : {"spin.6", "spin.7"}) {
            if (std::find(kills.begin(), kills.end(), n) != kills.end()) continue;
            if (request(sock, {"kill", n}) == "ok") kills.push_back(n);
        }
    }
    EXPECT_EQ(kills.size(), 2u);
    // "(killed by the host)": the guest ended it; "(killed before it was staged)": the queue did.
    std::string k1 = s1.get(), k2 = s2.get();
    EXPECT_EQ(k1.rfind("exit 137 killed SIGKILL (killed by the host)", 0), 0u) << k1;
    EXPECT_EQ(k2.rfind("exit 137 killed SIGKILL (killed by the host)", 0), 0u) << k2;
    auto t1 = std::chrono::steady_clock::now();

    // 200 add/exit cycles.
    int ok = 0;
    for (int i = 0; i < 200; i++) ok += request(sock, {"add", app("hello")}) == "exit 0 exited 0";
    EXPECT_EQ(ok, 200);
    auto t2 = std::chrono::steady_clock::now();

    EXPECT_EQ(request(sock, {"shutdown"}), "ok");
    Result r = enclave_run.get();
    using ms = std::chrono::milliseconds;
    std::printf("[ measured ] 5 adds, 1 refusal, 2 kills: %lld ms; 200 add/exit cycles: %lld ms\n",
                (long long)std::chrono::duration_cast<ms>(t1 - t0).count(),
                (long long)std::chrono::duration_cast<ms>(t2 - t1).count());
    size_t stats_at = r.err.rfind("enclave-run: stats");
    if (stats_at != std::string::npos)
        std::printf("[ measured ] %s\n", r.err.substr(stats_at).c_str());
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("echo-args.2 | argv[1]=one"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("echo-args.2 | argv[2]=two"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("| argv[1]=both"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("hello.207 | Hello from enclave-run!"), std::string::npos);

    // Leak check: every time the enclave was empty it had the frames it had before any domain.
    std::vector<long> before = all_values(r.err, "frames_free_before_domains");
    std::vector<long> empty = all_values(r.err, "frames_free_when_empty");
    ASSERT_EQ(before.size(), 1u) << r.err;
    ASSERT_GE(empty.size(), 200u) << r.err;
    EXPECT_EQ(empty.front(), before[0]);
    EXPECT_EQ(empty.back(), before[0]);
    long polls = stat_value(r.err, "domain_polls");
    std::printf("[ measured ] %zu empty points, frames %ld; domain polls %ld\n", empty.size(),
                before[0], polls);
    EXPECT_GT(polls, 207);
}

}  // namespace
}  // namespace er::test
