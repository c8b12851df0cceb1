// Bounded soak (issue 15 item 10, docs/testing.md "Soak"): many enclaves in sequence, and one
// enclave of ER_MAX_DOMAINS domains ending at different times.  What must not leak:
//   - guest frames: with --stats the guest logs its free frames before the first domain and
//     after the last; they must be equal in every enclave;
//   - the launcher's file descriptors: --stats reports those still open at its end (open_fds),
//     which must be the same for one domain and for 64 with 128 output files, in every run;
//   - host memory: the launcher's peak RSS must not creep up run after run, and neither may this
//     driver's own RSS, descriptors or children (it plays the part of a long-lived engine);
//   - the host kernel's memory (KVM objects): MemAvailable must come back.
// --enclaves=N (or ER_SOAK_ENCLAVES=N) sets how many enclaves run in sequence; the default,
// kDefaultEnclaves, keeps the test suite fast, and the full 1000 is a documented manual run
// (docs/testing.md).  Runs inside the test VM (tests/vm/with-kvm.sh).
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

namespace er::test {
namespace {

constexpr int kDefaultEnclaves = 100;
int g_enclaves = 0;  // --enclaves=N

int enclave_count() {
    const char* env = std::getenv("ER_SOAK_ENCLAVES");
    int n = g_enclaves > 0 ? g_enclaves : env != nullptr ? std::atoi(env) : 0;
    return n > 0 ? n : kDefaultEnclaves;
}

long open_fds_here() {
    long n = 0;
    DIR* d = ::opendir("/proc/self/fd");
    if (d == nullptr) return -1;
    while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
    return n - 1;  // the directory's own descriptor
}

// A "Key:   N kB" line of a /proc file, in KiB; -1 if absent.
long proc_kib(const std::string& file, const std::string& key) {
    std::ifstream f(file);
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind(key + ":", 0) == 0) return std::atol(line.c_str() + key.size() + 1);
    }
    return -1;
}

// True when this process has a child it has not reaped (a zombie counts).
bool has_children() {
    return ::waitpid(-1, nullptr, WNOHANG) != -1 || errno != ECHILD;
}

// "unikernel: stats: KEY=N" from the guest log lines (enclave-run: guest: ...).
long guest_stat(const std::string& err, const std::string& key) {
    std::smatch m;
    std::regex re("guest: unikernel: stats: " + key + "=([0-9]+)");
    if (!std::regex_search(err, m, re)) return -1;
    return std::stol(m[1]);
}

// The guest's frames all came back, and the launcher ended with `want_fds` descriptors.
void expect_no_leak(const Result& r, long want_fds, const std::string& what) {
    long before = guest_stat(r.err, "frames_free_before_domains");
    long after = guest_stat(r.err, "frames_free_after_domains");
    EXPECT_GT(before, 0) << what << ": no frame count in: " << r.err;
    EXPECT_EQ(after, before) << what << ": guest frames leaked";
    EXPECT_EQ(stat_value(r.err, "open_fds"), want_fds) << what << ": launcher descriptors";
}

struct Sample {
    long launcher_rss_kib;
    double seconds;
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// One of a few kinds of enclave, in turn: a plain exit, an exit code, a crash, a static PIE.
Result one_enclave(int i, int* want_status) {
    switch (i % 4) {
        case 0:
            *want_status = 0;
            return enclave({"run", "--stats", app("hello")});
        case 1:
            *want_status = 7;
            return enclave({"run", "--stats", app("exit-code"), "--", "7"});
        case 2:
            *want_status = 128 + 11;  // SIGSEGV
            return enclave({"run", "--stats", app("crash")});
        default:
            *want_status = 0;
            return enclave({"run", "--stats", app("hello-pie")});
    }
}

TEST(Soak, EnclavesInSequenceLeakNothing) {
    const int n = enclave_count();
    const long fds_before = open_fds_here();
    const long rss_before = proc_kib("/proc/self/status", "VmRSS");
    const long avail_before = proc_kib("/proc/meminfo", "MemAvailable");
    long launcher_fds = -1;
    std::vector<Sample> samples;
    for (int i = 0; i < n; i++) {
        int want = 0;
        auto t0 = std::chrono::steady_clock::now();
        Result r = one_enclave(i, &want);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_FALSE(r.signaled || r.timed_out) << "run " << i << ": " << r.err;
        ASSERT_EQ(r.status, want) << "run " << i << ": " << r.err;
        if (launcher_fds < 0) launcher_fds = stat_value(r.err, "open_fds");
        expect_no_leak(r, launcher_fds, "run " + std::to_string(i));
        if (::testing::Test::HasFailure()) return;  // one report, not n
        samples.push_back({r.max_rss_kib, s});
    }
    ASSERT_FALSE(has_children());
    long rss_after = proc_kib("/proc/self/status", "VmRSS");
    long avail_after = proc_kib("/proc/meminfo", "MemAvailable");
    EXPECT_EQ(open_fds_here(), fds_before) << "the driver leaked descriptors";
    EXPECT_EQ(launcher_fds, 3) << "the launcher ends with more than stdin, stdout and stderr";

    // Peak RSS of the launcher per kind of enclave: the last runs of a kind must not need more
    // than its first runs (a leak per run would not show here, but growth from shared state
    // such as a cache in a long-lived file would).  Compare the first and last tenth.
    std::vector<double> seconds;
    long first_max = 0, last_max = 0;
    size_t tenth = std::max<size_t>(samples.size() / 10, 4);
    for (size_t i = 0; i < samples.size(); i++) {
        seconds.push_back(samples[i].seconds);
        if (i < tenth) first_max = std::max(first_max, samples[i].launcher_rss_kib);
        if (i + tenth >= samples.size()) last_max = std::max(last_max, samples[i].launcher_rss_kib);
    }
    EXPECT_LE(last_max, first_max + 1024) << "launcher peak RSS grew over the runs";
    // This process only forked and read pipes: its RSS may settle a little, not grow per run.
    EXPECT_LE(rss_after - rss_before, 4096) << "the driver's RSS grew";
    // The host kernel gives back what each VM took (its page tables, KVM's objects); the page
    // cache may move a little either way.
    EXPECT_GE(avail_after, avail_before - 32 * 1024) << "host MemAvailable dropped";
    std::cout << "[ measured ] " << n << " enclaves: median " << median(seconds)
              << " s each; launcher peak RSS first " << first_max << " KiB, last " << last_max
              << " KiB; driver RSS " << rss_before << " -> " << rss_after << " KiB; MemAvailable "
              << avail_before << " -> " << avail_after << " KiB; launcher open_fds " << launcher_fds
              << "\n";
}

// 64 domains (ER_MAX_DOMAINS) of different kinds in one enclave, ending at different times and in
// different ways: exits after 1..64 lines of work, page-table and MPK domains, crashes, an OOM
// kill at a memory limit.  Every frame comes back and no output file stays open.
struct Planned {
    std::string json;
    std::string name;
    int lines = -1;  // a victim's line count, checked in its output file
};

std::vector<Planned> sixty_four() {
    std::vector<Planned> apps;
    for (int i = 0; i < 64; i++) {
        char name[8];
        std::snprintf(name, sizeof name, "d%02d", i);
        Planned p;
        p.name = name;
        std::string head = "{\"name\": \"" + p.name + "\", ";
        switch (i % 8) {
            case 3:
                p.json = head + "\"path\": \"" + app("crash") + "\"}";
                break;
            case 5:
                p.json = head + "\"path\": \"" + app("hostile-oom") + "\", \"memory\": \"4M\"}";
                break;
            case 6:
                p.json = head + "\"path\": \"" + app("exit-code") + "\", \"args\": [\"" +
                         std::to_string(i) + "\"]}";
                break;
            default:  // victims, static and PIE (MPK where the CPU has PKU), 1..64 lines
                p.lines = 1 + (i * 37) % 64;
                p.json = head + "\"path\": \"" + app(i % 2 ? "victim-pie" : "victim") +
                         "\", \"args\": [\"" + std::to_string(p.lines) + "\"]}";
                break;
        }
        apps.push_back(p);
    }
    return apps;
}

TEST(Soak, SixtyFourDomainsEndingAtDifferentTimesLeakNothing) {
    std::vector<Planned> apps = sixty_four();
    std::string json = "{\"memory\": \"1G\", \"apps\": [\n";
    for (size_t i = 0; i < apps.size(); i++) json += (i ? ",\n" : "") + apps[i].json;
    json += "]}\n";
    std::string manifest = write_file("soak-64.json", json);
    std::string out = kScratch + "/soak-64-out";

    // The same launcher with one domain: the descriptors it ends with are the baseline.
    Result one = enclave({"run", "--stats", app("hello")});
    ASSERT_EQ(one.status, 0) << one.err;
    long base_fds = stat_value(one.err, "open_fds");

    for (int round = 0; round < 2; round++) {
        auto t0 = std::chrono::steady_clock::now();
        Result r = enclave({"run", "--stats", "--output", out, "-f", manifest}, 600);
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_FALSE(r.signaled || r.timed_out) << r.err;
        // The first failed domain in order is d03, the crash: 128 + SIGSEGV.
        EXPECT_EQ(r.status, 139) << r.err;
        expect_no_leak(r, base_fds, "64 domains, round " + std::to_string(round));
        EXPECT_EQ(r.out.find("unfinished"), std::string::npos) << r.out;
        for (const Planned& p : apps) {
            if (p.lines < 0) continue;
            EXPECT_EQ(count_lines(read_file(out + "/" + p.name + ".stdout")), p.lines) << p.name;
        }
        EXPECT_NE(r.err.find("d05: killed by SIGKILL"), std::string::npos) << r.err;
        std::cout << "[ measured ] 64 domains, round " << round << ": " << s
                  << " s; launcher peak RSS " << r.max_rss_kib << " KiB; guest frames "
                  << guest_stat(r.err, "frames_free_before_domains") << " free before, "
                  << guest_stat(r.err, "frames_free_after_domains") << " after\n";
        if (::testing::Test::HasFailure()) return;
    }
}

}  // namespace
}  // namespace er::test

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i];
        if (arg.rfind("--enclaves=", 0) == 0) er::test::g_enclaves = std::atoi(arg.c_str() + 11);
    }
    return RUN_ALL_TESTS();
}
