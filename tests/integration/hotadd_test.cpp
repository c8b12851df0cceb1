// ABI 5, hot add: a persistent enclave (`enclave-run run --persistent --control SOCKET`) takes
// new domains after boot, one after another and several at once, reports each one's status to
// its client, prints their output with their names, and gives back every frame: after 200
// add/exit cycles the free-frame count when the enclave is empty is what it was before the
// first domain.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <future>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

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
