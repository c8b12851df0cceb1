// The launcher's inputs, end to end on the host (HostOnly: every refusal here comes before
// /dev/kvm is opened, so this runs without KVM, in the `cli_host` ctest entry):
//  - no file can hang enclave-run: a FIFO as the app, the manifest, the kernel, in a --root tree
//    or as an output file gives one line and a non-zero status at once;
//  - --output never follows a symlink and truncates nothing before the enclave starts;
//  - --timeout counts from the start and covers reading the inputs;
//  - inputs are sized before they are read: what cannot fit costs no memory, and a sparse file
//    that fits costs only its data.
// Each run has a short subprocess deadline, so a regression fails instead of hanging CI.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "harness.hpp"

namespace er::test {
namespace {

constexpr int kDeadlineS = 20;  // a hang shows as timed_out, far beyond the few ms these take
constexpr long kMaxRssKib = 64 * 1024;

bool have_kvm() {
    return access("/dev/kvm", F_OK) == 0;
}

// A fresh directory under the scratch area, removed with its contents at the end.
class Scratch {
  public:
    explicit Scratch(const std::string& name) : path_(kScratch + "/inputs-" + name) {
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string& path() const { return path_; }
    std::string fifo(const std::string& rel) const {
        std::string p = path_ + "/" + rel;
        EXPECT_EQ(mkfifo(p.c_str(), 0600), 0) << p;
        return p;
    }
    // A copy of `from` grown with a hole to `size` bytes: a sparse file that costs no disk.
    std::string sparse_copy(const std::string& from, const std::string& rel, uint64_t size) const {
        std::string p = path_ + "/" + rel;
        if (!from.empty()) std::filesystem::copy_file(from, p);
        int fd = open(p.c_str(), O_WRONLY | O_CREAT, 0755);
        EXPECT_GE(fd, 0) << p;
        EXPECT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0) << p;
        close(fd);
        return p;
    }

  private:
    std::string path_;
};

void expect_refused(const Result& r, const std::string& needle) {
    EXPECT_FALSE(r.timed_out) << "enclave-run hung";
    EXPECT_EQ(r.status, 125) << r.err;
    expect_one_error_line(r, needle);
}

TEST(HostOnly, FifoAsAppIsRefusedAtOnce) {
    Scratch s("fifo-app");
    std::string fifo = s.fifo("app");
    expect_refused(enclave({"run", fifo}, kDeadlineS), fifo + ": is a FIFO, not a program file");
}

TEST(HostOnly, FifoAsManifestIsRefusedAtOnce) {
    Scratch s("fifo-manifest");
    std::string fifo = s.fifo("enclave.json");
    expect_refused(enclave({"run", "--timeout", "60", "-f", fifo}, kDeadlineS),
                   fifo + ": is a FIFO, not a regular file");
}

TEST(HostOnly, FifoAsKernelIsRefusedAtOnce) {
    Scratch s("fifo-kernel");
    std::string fifo = s.fifo("kernel");
    expect_refused(enclave({"run", "--kernel", fifo, app("hello")}, kDeadlineS),
                   fifo + ": is a FIFO, not a program file");
}

TEST(HostOnly, FifoInRootIsRefusedAtOnce) {
    Scratch s("fifo-root");
    std::filesystem::create_directories(s.path() + "/tree/etc");
    std::string fifo = s.fifo("tree/etc/pipe");
    expect_refused(enclave({"run", "--root", s.path() + "/tree", app("hello")}, kDeadlineS),
                   fifo + ": is a FIFO; er-fs holds only regular files, directories and symlinks");
}

TEST(HostOnly, OutputFileThatIsAFifoOrASymlinkIsRefused) {
    Scratch s("output");
    std::string out = s.path() + "/out";
    std::filesystem::create_directories(out);
    std::string fifo = s.fifo("out/hello.stdout");
    expect_refused(enclave({"run", "--output", out, app("hello")}, kDeadlineS),
                   fifo + ": is a FIFO, not a regular file");
    std::filesystem::remove(fifo);

    std::string victim = write_file("inputs-victim", "precious\n");
    ASSERT_EQ(symlink(victim.c_str(), (out + "/hello.stderr").c_str()), 0);
    expect_refused(enclave({"run", "--output", out, app("hello")}, kDeadlineS),
                   out + "/hello.stderr: is a symlink; --output does not follow symlinks");
    EXPECT_EQ(read_file(victim), "precious\n");
}

// Without /dev/kvm the run fails after every input was accepted and the output files opened:
// exactly the "failed before the enclave started" case, which must leave earlier output intact.
TEST(HostOnly, OutputIsNotTruncatedBeforeTheEnclaveStarts) {
    if (have_kvm()) GTEST_SKIP() << "needs a machine without /dev/kvm (the run must fail)";
    Scratch s("keep");
    std::string out = s.path() + "/out";
    std::filesystem::create_directories(out);
    std::string old = out + "/hello.stdout";
    std::filesystem::copy_file(write_file("inputs-old-output", "earlier run\n"), old);
    auto r = enclave({"run", "--output", out, app("hello")}, kDeadlineS);
    expect_refused(r, "/dev/kvm");
    EXPECT_EQ(read_file(old), "earlier run\n");
    EXPECT_TRUE(std::filesystem::exists(out + "/hello.stderr"));
}

// The deadline counts from the start: a timeout that has passed before the inputs are read ends
// the run with 124 and the usual line, wherever the launcher is (here: reading its inputs; on a
// machine without KVM a timer armed only at the vCPU would never fire).
TEST(HostOnly, TimeoutCoversReadingTheInputs) {
    Scratch s("timeout");
    auto r =
        enclave({"run", "--timeout", "0.000001", "--root", s.path(), app("hello")}, kDeadlineS);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.status, 124) << r.err;
    EXPECT_EQ(r.err, "enclave-run: hello: timed out after 0.000001 s\n");
}

// Four sparse 900 MiB apps: each fits the boot window alone, together they fit nothing.  They
// are refused from their sizes, before a byte is read.
TEST(HostOnly, AppsThatCannotFitTogetherAreRefusedWithoutReadingThem) {
    Scratch s("big-apps");
    std::vector<std::string> args = {"run", "--memory", "3G"};
    for (int i = 0; i < 4; ++i) {
        if (i > 0) args.push_back("---");
        args.push_back(s.sparse_copy(app("hello"), "app" + std::to_string(i), 900ull << 20));
    }
    auto r = enclave(args, kDeadlineS);
    expect_refused(r, "do not fit in 3 GiB of guest memory; use --memory");
    EXPECT_LT(r.max_rss_kib, kMaxRssKib);
    std::cout << "[ measured ] 4 sparse 900 MiB apps: peak_rss_kib=" << r.max_rss_kib << "\n";
}

// A --root tree with a 1000 MiB sparse file: refused from sizes when it cannot fit, and packed
// straight into guest memory (holes untouched) when it can.
TEST(HostOnly, SparseFileInRootCostsOnlyItsData) {
    Scratch s("big-root");
    std::filesystem::create_directories(s.path() + "/tree");
    s.sparse_copy("", "tree/big", 1000ull << 20);
    std::string tree = s.path() + "/tree";

    auto small = enclave({"run", "--memory", "512M", "--root", tree, app("hello")}, kDeadlineS);
    expect_refused(small, "do not fit in 512 MiB of guest memory; use --memory");
    EXPECT_LT(small.max_rss_kib, kMaxRssKib);
    std::cout << "[ measured ] 1000 MiB sparse file in --root, refused: peak_rss_kib="
              << small.max_rss_kib << "\n";

    if (have_kvm()) GTEST_SKIP() << "the accepted case is measured where the run stops at KVM";
    auto fits = enclave({"run", "--memory", "2G", "--root", tree, app("hello")}, kDeadlineS);
    expect_refused(fits, "/dev/kvm");  // every input accepted and loaded; only KVM is missing
    EXPECT_LT(fits.max_rss_kib, kMaxRssKib);
    std::cout << "[ measured ] 1000 MiB sparse file in --root, loaded: peak_rss_kib="
              << fits.max_rss_kib << "\n";
}

}  // namespace
}  // namespace er::test
