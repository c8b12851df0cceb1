#include "launcher/vm/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::span<const uint8_t> b(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(LinePrefixer, PadsNamesToTheLongest) {
    LinePrefixer p({"web", "worker", "db"});
    EXPECT_EQ(p.prefix(0), "web    | ");
    EXPECT_EQ(p.prefix(1), "worker | ");
    EXPECT_EQ(p.prefix(2), "db     | ");
}

TEST(LinePrefixer, WholeLinesOutPartialLinesHeldPerDomainAndStream) {
    LinePrefixer p({"a", "bb"});
    EXPECT_EQ(p.feed(0, 0, b("one\ntw")), "a  | one\n");
    EXPECT_EQ(p.feed(1, 0, b("x")), "");
    EXPECT_EQ(p.feed(0, 1, b("err")), "");  // stderr holds its own partial line
    EXPECT_EQ(p.feed(0, 0, b("o\nthree\n\n")), "a  | two\na  | three\na  | \n");
    EXPECT_EQ(p.feed(1, 0, b("y\n")), "bb | xy\n");
    EXPECT_EQ(p.flush(0, 1), "a  | err\n");  // the domain ended mid-line: newline added
    EXPECT_EQ(p.flush(0, 1), "");
    EXPECT_EQ(p.flush(1, 0), "");
    EXPECT_EQ(p.feed(0, 0, b(std::string("bin\0ary\n", 8))), std::string("a  | bin\0ary\n", 13));
}

TEST(LinePrefixer, AnEndlessLineIsBrokenAtTheCap) {
    LinePrefixer p({"a"});
    std::string big(LinePrefixer::kMaxHeldLine + 10, 'z');
    EXPECT_EQ(p.feed(0, 0, b(big)), "a | " + std::string(LinePrefixer::kMaxHeldLine, 'z') + "\n");
    EXPECT_EQ(p.flush(0, 0), "a | " + std::string(10, 'z') + "\n");
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(DomainOutput, FilesModeWritesUnprefixedPerDomainFiles) {
    test::TempDir dir;
    std::string out = dir.path() + "/new/out";
    dir.make_dir("new");
    {
        DomainOutput o({"web", "db"}, DomainOutput::Mode::files, out);
        EXPECT_EQ(o.write(0, ER_STREAM_STDOUT, b("partial")), 7);
        EXPECT_EQ(o.write(1, ER_STREAM_STDERR, b("oops\n")), 5);
        EXPECT_EQ(o.write(0, ER_STREAM_STDOUT, b(" line\n")), 6);
        o.end_domain(0);
    }
    EXPECT_EQ(slurp(out + "/web.stdout"), "partial line\n");
    EXPECT_EQ(slurp(out + "/web.stderr"), "");
    EXPECT_EQ(slurp(out + "/db.stdout"), "");
    EXPECT_EQ(slurp(out + "/db.stderr"), "oops\n");
    // Existing files are kept as they are until the enclave starts, then truncated.
    {
        DomainOutput o({"web", "db"}, DomainOutput::Mode::files, out);
        EXPECT_EQ(slurp(out + "/db.stderr"), "oops\n");
        o.start();
        EXPECT_EQ(slurp(out + "/db.stderr"), "");
    }
}

std::string error_of(const std::vector<std::string>& names, const std::string& dir) {
    try {
        DomainOutput o(names, DomainOutput::Mode::files, dir);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(DomainOutput, FilesModeRefusesAnExistingFifoWithoutBlocking) {
    test::TempDir dir;
    ASSERT_EQ(::mkfifo((dir.path() + "/a.stdout").c_str(), 0600), 0);
    // No reader: a blocking open would wait for one forever.
    EXPECT_EQ(error_of({"a"}, dir.path()), dir.path() + "/a.stdout: is a FIFO, not a regular file");
    // With a reader the open succeeds, and the type check refuses it.
    int reader = ::open((dir.path() + "/a.stdout").c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    EXPECT_EQ(error_of({"a"}, dir.path()), dir.path() + "/a.stdout: is a FIFO, not a regular file");
    ::close(reader);
}

TEST(DomainOutput, FilesModeNeverFollowsASymlink) {
    test::TempDir dir;
    dir.make_dir("out");
    dir.write_file("victim", {'k', 'e', 'e', 'p'});
    ASSERT_EQ(::symlink((dir.path() + "/victim").c_str(), (dir.path() + "/out/a.stderr").c_str()),
              0);
    EXPECT_EQ(error_of({"a"}, dir.path() + "/out"),
              dir.path() + "/out/a.stderr: is a symlink; --output does not follow symlinks");
    EXPECT_EQ(slurp(dir.path() + "/victim"), "keep");
    // DIR itself through a symlink: refused too (trailing slashes do not make it followed).
    ASSERT_EQ(::symlink((dir.path() + "/out").c_str(), (dir.path() + "/link").c_str()), 0);
    EXPECT_EQ(error_of({"b"}, dir.path() + "/link/"),
              dir.path() + "/link: is a symlink; --output does not follow symlinks");
}

TEST(DomainOutput, FilesModeNamesAFileItCannotCreate) {
    test::TempDir dir;
    dir.write_file("file", {});
    try {
        DomainOutput o({"a"}, DomainOutput::Mode::files, dir.path() + "/file");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind(
                      dir.path() + "/file: cannot create the output directory", 0),
                  0u)
            << e.what();
    }
}

}  // namespace
}  // namespace er::launcher
