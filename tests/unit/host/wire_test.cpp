// The enclave host's wire format (launcher/host/wire.hpp): every request parses only when well
// formed and within bounds; anything else is a ProtocolError (never a crash or an unbounded
// read); descriptors travel with the run line and no more than kMaxFds are ever taken.
#include "launcher/host/wire.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <thread>

#include "launcher/common/error.hpp"
#include "launcher/common/unique_fd.hpp"
#include "launcher/host/member_name.hpp"

namespace er::launcher::host::wire {
namespace {

TEST(HostWire, RequestsRoundTrip) {
    Request run;
    run.op = Op::run;
    run.argv = {"/bin/app", "a b", "\xff"};
    run.env = {"PATH=/bin"};
    run.mem_limit = 1 << 20;
    run.isolation = 1;
    run.fs = true;
    run.net = true;
    Request back = parse_request(encode_request(run));
    EXPECT_EQ(back.op, Op::run);
    EXPECT_EQ(back.argv.size(), 3u);
    EXPECT_EQ(back.argv[1], "a b");
    EXPECT_EQ(back.env, run.env);
    EXPECT_EQ(back.mem_limit, uint64_t{1} << 20);
    EXPECT_EQ(back.isolation, 1u);
    EXPECT_TRUE(back.fs);
    EXPECT_TRUE(back.net);
    EXPECT_FALSE(parse_request(R"({"op":"run","argv":["a"]})").net);  // an older client
    EXPECT_EQ(parse_request(R"({"op":"attach","name":"abc"})").name, "abc");
    EXPECT_EQ(parse_request(R"({"op":"kill","signal":15})").signal, 15);
    EXPECT_EQ(parse_request(R"({"op":"status","future":1})").op, Op::status);
}

TEST(HostWire, MalformedRequestsAreProtocolErrors) {
    for (const char* bad : {"",
                            "not json",
                            "[]",
                            "42",
                            R"({"op":1})",
                            R"({"op":"exec"})",
                            R"({"name":"x"})",
                            R"({"op":"attach"})",
                            R"({"op":"attach","name":""})",
                            R"({"op":"run"})",
                            R"({"op":"run","argv":[]})",
                            R"({"op":"run","argv":"x"})",
                            R"({"op":"run","argv":[1]})",
                            R"({"op":"run","argv":["a"],"mem_limit":-1})",
                            R"({"op":"run","argv":["a"],"mem_limit":1.5})",
                            R"({"op":"run","argv":["a"],"isolation":3})",
                            R"({"op":"run","argv":["a"],"fs":"yes"})",
                            R"({"op":"run","argv":["a"],"net":1})",
                            R"({"op":"run","argv":["a"],"net":null})",
                            R"({"op":"kill"})",
                            R"({"op":"kill","signal":0})",
                            R"({"op":"kill","signal":65})",
                            R"({"op":"run","argv":["a\u0000b"]})",
                            R"({"op":"run","argv":[["nested"]]})"}) {
        EXPECT_THROW(parse_request(bad), ProtocolError) << bad;
    }
    std::string long_name = R"({"op":"attach","name":")" + std::string(kMaxName + 1, 'x') + "\"}";
    EXPECT_THROW(parse_request(long_name), ProtocolError);
    // Deep nesting is refused while parsing, without recursion through 100k levels.
    std::string deep =
        R"({"op":"status","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    EXPECT_THROW(parse_request(deep), ProtocolError);
    std::string huge = R"({"op":"status","x":")" + std::string(kMaxLine, 'x') + "\"}";
    EXPECT_THROW(parse_request(huge), ProtocolError);
    std::string many = R"({"op":"run","argv":[)";
    for (size_t i = 0; i <= kMaxStrings; ++i) many += "\"a\",";
    many += "\"a\"]}";
    EXPECT_THROW(parse_request(many), ProtocolError);
}

TEST(HostWire, Replies) {
    EXPECT_EQ(parse_reply(ok_line()).kind, Reply::Kind::ok);
    Reply e = parse_reply(error_line("full"));
    EXPECT_EQ(e.kind, Reply::Kind::error);
    EXPECT_EQ(e.message, "full");
    Reply end = parse_reply(end_line(143, "killed SIGTERM"));
    EXPECT_EQ(end.kind, Reply::Kind::end);
    EXPECT_EQ(end.status, 143);
    EXPECT_EQ(end.text, "killed SIGTERM");
    EXPECT_TRUE(parse_reply(ok_line({{"live", true}})).body.at("live").get<bool>());
    EXPECT_THROW(parse_reply(R"({"op":"end","status":256,"text":""})"), ProtocolError);
    EXPECT_THROW(parse_reply(R"({"op":"maybe"})"), ProtocolError);
}

struct SocketPair {
    SocketPair() {
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        a = UniqueFd(sv[0]);
        b = UniqueFd(sv[1]);
    }
    UniqueFd a, b;
};

TEST(HostWire, LinesAndDescriptorsTravelTogether) {
    SocketPair s;
    int p[2];
    ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
    UniqueFd r(p[0]), w(p[1]);
    send_line(s.a.get(), "first");
    int fds[3] = {w.get(), w.get(), r.get()};
    send_line(s.a.get(), "second", fds);
    std::string pending;
    LineReader reader(s.b.get(), pending);
    EXPECT_EQ(reader.next(), "first");
    EXPECT_EQ(reader.next(), "second");
    std::vector<UniqueFd> got = reader.take_fds();
    ASSERT_EQ(got.size(), 3u);
    ASSERT_EQ(::write(got[0].get(), "x", 1), 1);  // a working copy of the pipe's write end
    char c = 0;
    ASSERT_EQ(::read(r.get(), &c, 1), 1);
    EXPECT_EQ(c, 'x');
    s.a.reset();
    EXPECT_EQ(reader.next(), std::nullopt);  // end of stream
}

TEST(HostWire, TooManyDescriptorsOrAnEndlessLineAreRefused) {
    {
        SocketPair s;
        int fds[kMaxFds + 1] = {};
        EXPECT_THROW(send_line(s.a.get(), "x", fds), Error);  // the client side refuses
        // A hostile client sends them anyway: the reader takes at most kMaxFds and refuses.
        char byte = '\n';
        iovec iov{&byte, 1};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)]{};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr* c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof fds);
        std::memcpy(CMSG_DATA(c), fds, sizeof fds);
        ASSERT_EQ(::sendmsg(s.a.get(), &msg, 0), 1);
        std::string pending;
        LineReader reader(s.b.get(), pending);
        EXPECT_THROW(reader.next(), ProtocolError);
        EXPECT_LE(reader.fds_waiting(), kMaxFds);
    }
    {
        SocketPair s;
        std::string chunk(64 * 1024, 'x');
        std::thread writer([&] {
            for (size_t sent = 0; sent <= kMaxLine + chunk.size(); sent += chunk.size()) {
                if (::send(s.a.get(), chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
            }
        });
        std::string pending;
        LineReader reader(s.b.get(), pending);
        EXPECT_THROW(reader.next(), ProtocolError);
        EXPECT_LE(pending.size(), kMaxLine);
        s.b.reset();
        writer.join();
    }
}

// A run's descriptors by role: exactly 3 + fs + net of them, the net one a socket factory's
// channel (AF_UNIX SOCK_SEQPACKET).  Anything else is a protocol error, never a descriptor the
// host would later block on or misread.
TEST(HostWire, RunDescriptorsAreSplitAndTheNetChannelChecked) {
    auto pipe_end = [] {
        int p[2];
        EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
        ::close(p[1]);
        return UniqueFd(p[0]);
    };
    auto socket_of = [](int type) {
        int sv[2];
        EXPECT_EQ(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv), 0);
        ::close(sv[1]);
        return UniqueFd(sv[0]);
    };
    auto fds = [&](int extra_type, int count) {
        std::vector<UniqueFd> v;
        for (int i = 0; i < count; ++i) v.push_back(pipe_end());
        if (extra_type != 0) v.push_back(socket_of(extra_type));
        return v;
    };
    Request r;
    r.op = Op::run;
    r.net = true;
    RunFds ok = split_run_fds(r, fds(SOCK_SEQPACKET, 3));
    EXPECT_TRUE(ok.app.valid() && ok.out.valid() && ok.err.valid() && ok.net.valid());
    EXPECT_FALSE(ok.fs.valid());
    r.fs = true;
    RunFds both = split_run_fds(r, fds(SOCK_SEQPACKET, 4));
    EXPECT_TRUE(both.fs.valid() && both.net.valid());
    int type = 0;
    socklen_t len = sizeof type;
    ASSERT_EQ(::getsockopt(both.net.get(), SOL_SOCKET, SO_TYPE, &type, &len), 0);
    EXPECT_EQ(type, SOCK_SEQPACKET);  // the last one is the channel, not the image
    EXPECT_THROW(split_run_fds(r, fds(0, 4)), ProtocolError);               // net missing
    EXPECT_THROW(split_run_fds(r, fds(0, 5)), ProtocolError);               // a pipe as net
    EXPECT_THROW(split_run_fds(r, fds(SOCK_STREAM, 4)), ProtocolError);     // a stream socket
    EXPECT_THROW(split_run_fds(r, fds(SOCK_SEQPACKET, 5)), ProtocolError);  // one too many
    r.net = false;
    EXPECT_THROW(split_run_fds(r, fds(SOCK_SEQPACKET, 4)), ProtocolError);  // net not announced
    EXPECT_TRUE(split_run_fds(r, fds(0, 4)).fs.valid());
}

TEST(HostMemberName, ValidUniqueAndBounded) {
    EXPECT_EQ(member_domain_name("web", 1), "web.1");
    EXPECT_EQ(member_domain_name("a b/c\xff", 2), "a_b_c_.2");
    EXPECT_EQ(member_domain_name("", 3), "member.3");
    std::string id(64, 'f');
    EXPECT_EQ(member_domain_name(id, 7), std::string(20, 'f') + ".7");
    std::string big = member_domain_name(id, UINT64_MAX);
    EXPECT_LE(big.size(), 31u);
    EXPECT_EQ(big.substr(big.size() - 21), "." + std::to_string(UINT64_MAX));
}

}  // namespace
}  // namespace er::launcher::host::wire
