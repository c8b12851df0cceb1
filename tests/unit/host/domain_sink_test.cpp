// A hot-added domain's output on the enclave host (launcher/host/domain_sink.hpp): bytes reach
// the client's descriptors exactly and before the end is reported; a reader that stalls makes its
// domain's writes return -EAGAIN after a bounded wait (never block the vCPU for good); a reader
// that closes makes them -EPIPE.
#include "launcher/host/domain_sink.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <future>
#include <string>

namespace er::launcher::host {
namespace {

struct Pipe {
    Pipe() {
        int p[2];
        EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
        r = UniqueFd(p[0]);
        w = UniqueFd(p[1]);
    }
    UniqueFd r, w;
};

std::span<const uint8_t> bytes(const std::string& s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string read_all(int fd) {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    return out;
}

TEST(HostDomainSink, BytesGoOutExactlyThenTheEnd) {
    Pipe out, err;
    int out_r = out.r.get(), err_r = err.r.get();
    std::promise<std::string> ended;
    std::string out_seen;
    {
        DomainSink sink(std::move(out.w), std::move(err.w),
                        [&](const std::optional<DomainResult>& r, const std::string&) {
                            // Everything written was written before the end is reported.
                            ::fcntl(out_r, F_SETFL, O_NONBLOCK);
                            out_seen = read_all(out_r);
                            ended.set_value(r ? status_text(*r) : "none");
                        });
        std::string big(300000, 'a');  // more than a pipe holds: the writer must loop
        for (size_t i = 0; i < big.size(); ++i) big[i] = char('a' + i % 26);
        std::future<std::string> reader = std::async(std::launch::async, [&] {
            std::string got;
            char buf[65536];
            while (got.size() < big.size()) {
                ssize_t n = ::read(out_r, buf, sizeof buf);
                if (n <= 0) break;
                got.append(buf, size_t(n));
            }
            return got;
        });
        EXPECT_EQ(sink.write(0, bytes(big)), int64_t(big.size()));
        EXPECT_EQ(sink.write(1, bytes("err\n")), 4);
        EXPECT_EQ(reader.get(), big);
        DomainResult r;
        r.status = 3;
        sink.ended(r);
        EXPECT_EQ(ended.get_future().get(), "exited 3");
        EXPECT_EQ(out_seen, "");
    }
    EXPECT_EQ(read_all(err_r), "err\n");  // the sink is gone: its descriptors closed (EOF)
}

TEST(HostDomainSink, AStalledReaderGetsEagainAfterABoundedWait) {
    Pipe out, err;  // nobody reads `out`
    DomainSink sink(std::move(out.w), std::move(err.w),
                    [](const std::optional<DomainResult>&, const std::string&) {});
    std::string chunk(64 * 1024, 'x');
    int64_t accepted = 0;
    int64_t last = 0;
    // The pipe (64 KiB) and the buffer (1 MiB) fill; then a write takes what fits after at
    // most kStallWait, and the next ones are -EAGAIN at once.
    for (int i = 0; i < 40 && last >= 0; ++i) {
        last = sink.write(0, bytes(chunk));
        if (last > 0) accepted += last;
    }
    EXPECT_EQ(last, -EAGAIN);
    EXPECT_LE(uint64_t(accepted), DomainSink::kBufferBytes + 64 * 1024 + chunk.size());
    EXPECT_GT(sink.dropped(0), 0u);
    EXPECT_EQ(sink.write(1, bytes("still fine\n")), 11) << "stderr is not stalled";
    sink.stop();  // the member left: writes are discarded, the writer ends
    EXPECT_EQ(sink.write(0, bytes(chunk)), int64_t(chunk.size()));
}

TEST(HostDomainSink, AClosedReaderIsEpipe) {
    std::signal(SIGPIPE, SIG_IGN);
    Pipe out, err;
    out.r.reset();
    DomainSink sink(std::move(out.w), std::move(err.w),
                    [](const std::optional<DomainResult>&, const std::string&) {});
    EXPECT_EQ(sink.write(0, bytes("lost")), 4);  // buffered; the writer then fails
    int64_t r = 0;
    for (int i = 0; i < 200 && r >= 0; ++i) {
        r = sink.write(0, bytes("x"));
        if (r >= 0) ::usleep(5000);
    }
    EXPECT_EQ(r, -EPIPE);
}

TEST(HostDomainSink, TheEnclaveEndingFirstIsReported) {
    Pipe out, err;
    std::promise<std::string> why;
    DomainSink sink(std::move(out.w), std::move(err.w),
                    [&](const std::optional<DomainResult>& r, const std::string& w) {
                        why.set_value(r ? "result" : w);
                    });
    sink.fail("guest error");
    EXPECT_EQ(why.get_future().get(), "guest error");
}

}  // namespace
}  // namespace er::launcher::host
