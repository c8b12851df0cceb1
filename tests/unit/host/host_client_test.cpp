// The enclave host's client (launcher/host/host_client.hpp) against a fake host on a real Unix
// socket: an "end" that arrives in the same chunk as run()'s or kill()'s "ok" is kept in the
// client's buffer, where poll() on fd() cannot see it; end_ready() must say so, and wait() must
// return it without blocking.
#include "launcher/host/host_client.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "launcher/common/unique_fd.hpp"
#include "launcher/host/wire.hpp"

namespace er::launcher::host {
namespace {

struct FakeHost {
    std::string dir;
    std::string path;
    UniqueFd listener;

    FakeHost() {
        char tmpl[] = "/tmp/er-host-client-XXXXXX";
        dir = ::mkdtemp(tmpl);
        path = dir + "/host.sock";
        listener = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::memcpy(addr.sun_path, path.data(), path.size());
        EXPECT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listener.get(), 4), 0);
    }
    ~FakeHost() {
        ::unlink(path.c_str());
        ::rmdir(dir.c_str());
    }
};

// One request line from the client (its descriptors are dropped).
std::string next_request(int fd, std::string& pending) {
    wire::LineReader reader(fd, pending);
    std::optional<std::string> line = reader.next();
    return line ? *line : "";
}

bool readable_now(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
}

DomainRequest dev_null_request(UniqueFd& null_fd) {
    null_fd = UniqueFd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    DomainRequest r;
    r.argv = {"/app"};
    r.app_fd = r.stdout_fd = r.stderr_fd = null_fd.get();
    return r;
}

TEST(HostClient, EndReadWithRunsOkIsReady) {
    FakeHost host;
    int release[2];
    ASSERT_EQ(::pipe(release), 0);
    std::thread server([&] {
        UniqueFd c(::accept4(host.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        std::string pending;
        EXPECT_NE(next_request(c.get(), pending).find("attach"), std::string::npos);
        wire::send_line(c.get(), wire::ok_line());
        EXPECT_NE(next_request(c.get(), pending).find("run"), std::string::npos);
        // One write: the client's recv gets both lines in one chunk.
        wire::send_line(c.get(), wire::ok_line() + "\n" + wire::end_line(7, "exited 7"));
        char b;
        (void)!::read(release[0], &b, 1);  // keep the connection open until the client looked
    });
    HostConnection conn = HostConnection::attach(host.path, "c1");
    EXPECT_FALSE(conn.end_ready());
    UniqueFd null_fd;
    conn.run(dev_null_request(null_fd));
    EXPECT_TRUE(conn.end_ready());
    EXPECT_FALSE(readable_now(conn.fd()));  // why end_ready() is needed before poll()
    DomainEnd end = conn.wait();
    EXPECT_EQ(end.status, 7);
    EXPECT_EQ(end.text, "exited 7");
    (void)!::write(release[1], "x", 1);
    server.join();
    ::close(release[0]);
    ::close(release[1]);
}

TEST(HostClient, EndReadWithKillsOkIsReady) {
    FakeHost host;
    int release[2];
    ASSERT_EQ(::pipe(release), 0);
    std::thread server([&] {
        UniqueFd c(::accept4(host.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        std::string pending;
        next_request(c.get(), pending);
        wire::send_line(c.get(), wire::ok_line());
        next_request(c.get(), pending);
        wire::send_line(c.get(), wire::ok_line());
        EXPECT_NE(next_request(c.get(), pending).find("kill"), std::string::npos);
        wire::send_line(c.get(), wire::ok_line({{"live", true}}) + "\n" +
                                     wire::end_line(143, "killed by signal 15"));
        char b;
        (void)!::read(release[0], &b, 1);
    });
    HostConnection conn = HostConnection::attach(host.path, "c2");
    UniqueFd null_fd;
    conn.run(dev_null_request(null_fd));
    EXPECT_FALSE(conn.end_ready());
    EXPECT_TRUE(conn.kill(15));  // live when the host took it; its end came right after
    EXPECT_TRUE(conn.end_ready());
    EXPECT_FALSE(readable_now(conn.fd()));
    EXPECT_EQ(conn.wait().status, 143);
    (void)!::write(release[1], "x", 1);
    server.join();
    ::close(release[0]);
    ::close(release[1]);
}

}  // namespace
}  // namespace er::launcher::host
