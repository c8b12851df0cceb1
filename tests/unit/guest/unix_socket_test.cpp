// AF_UNIX sockets' pure parts (unikernel/net/unix/unix_obj, unix_names): a stream keeps bytes in
// order and blocks (EAGAIN) at exactly one ring, message sockets keep boundaries and truncate,
// shutdown and close give EOF, EPIPE, ECONNRESET and the poll bits Linux gives, a listener's
// backlog is bounded and its pending connections are reset when it goes, descriptors passed with
// SCM_RIGHTS come out with their own bytes, every page goes back, and the name space (a domain's
// FilePool) finds, refuses and unbinds names.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "net/unix/unix_names.hpp"
#include "net/unix/unix_obj.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::net;
using namespace uk::net::un;

struct Pages {
    int live = 0;
    int budget = 1 << 20;
};
void* page_alloc(void* ctx) {
    auto* p = static_cast<Pages*>(ctx);
    if (p->budget == 0) return nullptr;
    p->budget--;
    p->live++;
    return std::calloc(1, uk::pipe::kPageSize);
}
void page_free(void* ctx, void* page) {
    static_cast<Pages*>(ctx)->live--;
    std::free(page);
}

// A byte buffer as a Copier: sends read from it, receives write into it.  fault_at: offsets from
// there on fault.
struct Buf {
    std::vector<uint8_t> bytes;
    bool into_ring;
    uint64_t fault_at = UINT64_MAX;
};
int buf_copy(void* ctx, uint64_t off, uint8_t* ring, uint32_t n) {
    auto* b = static_cast<Buf*>(ctx);
    if (off + n > b->fault_at || off + n > b->bytes.size()) return -uk::kEFAULT;
    if (b->into_ring) {
        std::memcpy(ring, b->bytes.data() + off, n);
    } else {
        std::memcpy(b->bytes.data() + off, ring, n);
    }
    return 0;
}

std::vector<void*> g_dropped;
void drop(void*, void* file) {
    g_dropped.push_back(file);
}

class UnixSockets : public ::testing::Test {
  protected:
    Pages pages;
    uk::fs::PageSource src{page_alloc, page_free, &pages};
    Cred me{7, 0, 0};

    UnixSocket* make(uint8_t type) {
        UnixSocket* s = create(src, type, me, 1);
        EXPECT_NE(s, nullptr);
        return s;
    }
    void close_all(std::initializer_list<UnixSocket*> ss) {
        for (UnixSocket* s : ss) close(s, drop, nullptr);
    }
    int64_t send(UnixSocket* s, const std::string& data, Rights* r = nullptr) {
        Buf b{std::vector<uint8_t>(data.begin(), data.end()), true};
        return s->type == kSockStream ? stream_send(s, data.size(), Copier{buf_copy, &b}, r)
                                      : msg_send(s, data.size(), Copier{buf_copy, &b}, r);
    }
    // Receives up to n bytes; *got gets them.
    int64_t recv(UnixSocket* s, size_t n, std::string* got, bool peek = false,
                 uint32_t* full = nullptr, Rights* rights = nullptr) {
        Buf b{std::vector<uint8_t>(n), false};
        Rights r{};
        uint32_t f = 0;
        int64_t k = s->type == kSockStream
                        ? stream_recv(s, n, peek, Copier{buf_copy, &b}, rights ? rights : &r)
                        : msg_recv(s, n, peek, Copier{buf_copy, &b}, &f, rights ? rights : &r);
        if (full != nullptr) *full = f;
        got->assign(b.bytes.begin(), b.bytes.begin() + (k > 0 ? k : 0));
        return k;
    }
};

TEST_F(UnixSockets, StreamPairCarriesBytesBothWaysInOrderUpToOneRing) {
    UnixSocket *a = make(kSockStream), *b = make(kSockStream);
    pair(a, b, me);
    EXPECT_EQ(pages.live, 2);  // one page each before any data
    EXPECT_EQ(send(a, "hello"), 5);
    EXPECT_EQ(send(b, "world!"), 6);
    std::string got;
    EXPECT_EQ(recv(b, 3, &got, true), 3);  // peek leaves the bytes
    EXPECT_EQ(got, "hel");
    EXPECT_EQ(recv(b, 100, &got), 5);
    EXPECT_EQ(got, "hello");
    EXPECT_EQ(recv(b, 100, &got), -uk::kEAGAIN);
    EXPECT_EQ(recv(a, 100, &got), 6);
    EXPECT_EQ(got, "world!");
    // Exactly one ring of 64 KiB goes in; then a writer would block; a read makes room.
    std::string big(100000, 'x');
    for (size_t i = 0; i < big.size(); i++) big[i] = char('a' + i % 26);
    EXPECT_EQ(send(a, big), int64_t(uk::pipe::kCapacity));
    EXPECT_EQ(send(a, "more"), -uk::kEAGAIN);
    uint32_t gen;
    EXPECT_FALSE(ready(a, &gen) & kPollOut);
    EXPECT_TRUE(ready(b, &gen) & kPollIn);
    EXPECT_EQ(readable_bytes(b), uk::pipe::kCapacity);
    std::string all;
    while (recv(b, 5000, &got) > 0) all += got;
    EXPECT_EQ(all, big.substr(0, uk::pipe::kCapacity));
    EXPECT_TRUE(ready(a, &gen) & kPollOut);
    close_all({a, b});
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, CloseGivesEofAfterTheDataEpipeAndHup) {
    UnixSocket *a = make(kSockStream), *b = make(kSockStream);
    pair(a, b, me);
    EXPECT_EQ(send(a, "last words"), 10);
    close(a, drop, nullptr);
    std::string got;
    EXPECT_EQ(recv(b, 5, &got), 5);
    EXPECT_EQ(recv(b, 100, &got), 5);
    EXPECT_EQ(got, "words");
    EXPECT_EQ(recv(b, 100, &got), 0);  // EOF, and stays so
    EXPECT_EQ(recv(b, 100, &got), 0);
    EXPECT_EQ(send(b, "x"), -uk::kEPIPE);
    uint32_t gen;
    uint32_t m = ready(b, &gen);
    EXPECT_EQ(m & (kPollIn | kPollHup | kPollRdhup | kPollOut),
              kPollIn | kPollHup | kPollRdhup | kPollOut);
    EXPECT_FALSE(m & kPollErr);
    close(b, drop, nullptr);
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, ClosingWithUnreadBytesResetsThePeer) {
    UnixSocket *a = make(kSockStream), *b = make(kSockStream);
    pair(a, b, me);
    EXPECT_EQ(send(b, "never read"), 10);
    close(a, drop, nullptr);
    uint32_t gen;
    EXPECT_TRUE(ready(b, &gen) & kPollErr);
    std::string got;
    EXPECT_EQ(recv(b, 10, &got), -uk::kECONNRESET);
    EXPECT_EQ(recv(b, 10, &got), 0);  // reported once, then EOF
    close(b, drop, nullptr);
}

TEST_F(UnixSockets, ShutdownEachDirection) {
    UnixSocket *a = make(kSockStream), *b = make(kSockStream);
    pair(a, b, me);
    EXPECT_EQ(shutdown(a, 3), -uk::kEINVAL);
    EXPECT_EQ(send(b, "in flight"), 9);
    EXPECT_EQ(shutdown(a, 1), 0);  // SHUT_WR: a cannot write, b reads EOF
    EXPECT_EQ(send(a, "x"), -uk::kEPIPE);
    std::string got;
    EXPECT_EQ(recv(b, 10, &got), 0);
    EXPECT_EQ(send(b, "more"), 4);  // the other direction still works
    EXPECT_EQ(recv(a, 100, &got), 13);
    EXPECT_EQ(got, "in flightmore");
    EXPECT_EQ(shutdown(a, 0), 0);  // SHUT_RD: a reads EOF, b's writes fail
    EXPECT_EQ(recv(a, 10, &got), 0);
    EXPECT_EQ(send(b, "x"), -uk::kEPIPE);
    uint32_t gen;
    EXPECT_TRUE(ready(a, &gen) & kPollHup);
    close_all({a, b});
}

TEST_F(UnixSockets, FreshStreamSocketIsHungUpAndCannotMoveData) {
    UnixSocket* s = make(kSockStream);
    uint32_t gen;
    EXPECT_EQ(ready(s, &gen), kPollOut | kPollWrnorm | kPollHup);  // as Linux's unix_poll
    std::string got;
    EXPECT_EQ(send(s, "x"), -uk::kENOTCONN);
    EXPECT_EQ(recv(s, 1, &got), -uk::kEINVAL);
    close_all({s});
}

TEST_F(UnixSockets, SeqpacketKeepsBoundariesTruncatesAndSeesEof) {
    UnixSocket *a = make(kSockSeqpacket), *b = make(kSockSeqpacket);
    pair(a, b, me);
    EXPECT_EQ(send(a, "one"), 3);
    EXPECT_EQ(send(a, ""), 0);  // an empty message is a message
    EXPECT_EQ(send(a, "three33"), 7);
    EXPECT_EQ(readable_bytes(b), 3u);
    std::string got;
    uint32_t full;
    EXPECT_EQ(recv(b, 100, &got, false, &full), 3);
    EXPECT_EQ(got, "one");
    EXPECT_EQ(recv(b, 100, &got, false, &full), 0);
    EXPECT_EQ(full, 0u);
    EXPECT_EQ(recv(b, 2, &got, true, &full), 2);  // peek, truncated: the message stays
    EXPECT_EQ(full, 7u);
    EXPECT_EQ(recv(b, 5, &got, false, &full), 5);  // truncated: the rest is dropped
    EXPECT_EQ(got, "three");
    EXPECT_EQ(full, 7u);
    EXPECT_EQ(recv(b, 100, &got), -uk::kEAGAIN);
    // A message goes in whole or waits; over one ring it never fits.
    EXPECT_EQ(send(a, std::string(kMaxMessage + 1, 'z')), -uk::kEMSGSIZE);
    EXPECT_EQ(send(a, std::string(40000, 'y')), 40000);
    EXPECT_EQ(send(a, std::string(40000, 'y')), -uk::kEAGAIN);
    close(a, drop, nullptr);
    EXPECT_EQ(recv(b, 100000, &got, false, &full), 40000);
    EXPECT_EQ(recv(b, 100, &got), 0);  // then EOF
    EXPECT_EQ(send(b, "x"), -uk::kEPIPE);
    close(b, drop, nullptr);
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, DgramPairRefusesOnceWhenThePeerIsGoneAndNeverSeesEof) {
    UnixSocket *a = make(kSockDgram), *b = make(kSockDgram);
    pair(a, b, me);
    EXPECT_EQ(send(a, "d1"), 2);
    EXPECT_EQ(send(a, "d2"), 2);
    std::string got;
    EXPECT_EQ(recv(b, 1, &got), 1);
    EXPECT_EQ(got, "d");
    EXPECT_EQ(recv(b, 10, &got), 2);
    EXPECT_EQ(got, "d2");
    close(a, drop, nullptr);
    EXPECT_EQ(recv(b, 10, &got), -uk::kEAGAIN);  // a datagram socket has no EOF
    EXPECT_EQ(send(b, "x"), -uk::kECONNREFUSED);
    EXPECT_EQ(send(b, "x"), -uk::kENOTCONN);
    close(b, drop, nullptr);
}

TEST_F(UnixSockets, DatagramsByNameReachTheBoundSocketUntilItShutsReading) {
    UnixSocket *to = make(kSockDgram), *from = make(kSockDgram);
    Buf b{std::vector<uint8_t>{'h', 'i'}, true};
    EXPECT_EQ(msg_send_to(from, to, 2, Copier{buf_copy, &b}, nullptr), 2);
    EXPECT_EQ(msg_send_to(from, to, kMaxMessage + 1, Copier{buf_copy, &b}, nullptr),
              -uk::kEMSGSIZE);
    std::string got;
    EXPECT_EQ(recv(to, 10, &got), 2);
    EXPECT_EQ(got, "hi");
    EXPECT_EQ(shutdown(to, 0), 0);
    EXPECT_EQ(msg_send_to(from, to, 2, Copier{buf_copy, &b}, nullptr), -uk::kEPIPE);
    close_all({to, from});
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, AFaultingCopyLeavesNoHalfMessage) {
    UnixSocket *a = make(kSockSeqpacket), *b = make(kSockSeqpacket);
    pair(a, b, me);
    Buf bad{std::vector<uint8_t>(10000, 1), true, 5000};
    Rights none{};
    EXPECT_EQ(msg_send(a, 10000, Copier{buf_copy, &bad}, &none), -uk::kEFAULT);
    EXPECT_EQ(b->rx.count, 0u);
    // A stream keeps what was copied before the fault.
    UnixSocket *c = make(kSockStream), *d = make(kSockStream);
    pair(c, d, me);
    EXPECT_EQ(stream_send(c, 10000, Copier{buf_copy, &bad}, &none), 4096);
    close_all({a, b, c, d});
}

TEST_F(UnixSockets, ListenerBacklogIsBoundedAndAcceptHandsOutInOrder) {
    UnixSocket* l = make(kSockStream);
    UnixSocket* e = make(kSockStream);
    UnixSocket* c0 = make(kSockStream);
    EXPECT_EQ(listen(l, 1, me), -uk::kEINVAL);  // unbound
    l->key.kind = Key::Kind::abstract;
    Cred server{1, 0, 0}, client{9, 0, 0};
    EXPECT_EQ(connect(c0, l, e, client), -uk::kECONNREFUSED);  // not listening yet
    EXPECT_EQ(listen(l, 1, server), 0);
    uint32_t gen;
    EXPECT_EQ(ready(l, &gen), 0u);
    // backlog 1: two wait (Linux's "more than backlog" is full), the third would block.
    std::vector<UnixSocket*> clients, embryos;
    for (int i = 0; i < 3; i++) {
        clients.push_back(make(kSockStream));
        embryos.push_back(make(kSockStream));
    }
    EXPECT_EQ(connect(clients[0], l, embryos[0], client), 0);
    EXPECT_EQ(connect(clients[1], l, embryos[1], client), 0);
    EXPECT_TRUE(backlog_full(l));
    EXPECT_EQ(connect(clients[2], l, embryos[2], client), -uk::kEAGAIN);
    EXPECT_EQ(connect(clients[0], l, embryos[2], client), -uk::kEISCONN);
    UnixSocket* dg = make(kSockDgram);
    EXPECT_EQ(connect(dg, l, embryos[2], client), -uk::kEPROTOTYPE);
    EXPECT_TRUE(ready(l, &gen) & kPollIn);
    // A client may write before it is accepted; credentials go both ways.
    EXPECT_EQ(send(clients[0], "early"), 5);
    EXPECT_EQ(clients[0]->peer_cred.pid, 1);
    UnixSocket* a0 = accept(l);
    ASSERT_EQ(a0, embryos[0]);
    EXPECT_EQ(a0->peer_cred.pid, 9);
    std::string got;
    EXPECT_EQ(recv(a0, 10, &got), 5);
    EXPECT_EQ(got, "early");
    EXPECT_FALSE(backlog_full(l));
    // The listener goes with one connection pending: its client is reset.
    close(l, drop, nullptr);
    EXPECT_EQ(recv(clients[1], 10, &got), -uk::kECONNRESET);
    EXPECT_EQ(send(clients[1], "x"), -uk::kEPIPE);
    close_all({e, c0, a0, dg, clients[0], clients[1], clients[2], embryos[2]});
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, ClientGoneBeforeAcceptStillDeliversItsBytesThenEof) {
    UnixSocket* l = make(kSockStream);
    l->key.kind = Key::Kind::abstract;
    ASSERT_EQ(listen(l, 5, me), 0);
    UnixSocket *c = make(kSockStream), *e = make(kSockStream);
    ASSERT_EQ(connect(c, l, e, me), 0);
    EXPECT_EQ(send(c, "bye"), 3);
    close(c, drop, nullptr);
    UnixSocket* a = accept(l);
    ASSERT_EQ(a, e);
    std::string got;
    EXPECT_EQ(recv(a, 10, &got), 3);
    EXPECT_EQ(recv(a, 10, &got), 0);
    close_all({a, l});
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, RightsComeOutWithTheirOwnBytesAndAreDroppedWhenUnread) {
    UnixSocket *a = make(kSockStream), *b = make(kSockStream);
    pair(a, b, me);
    int f1, f2;
    EXPECT_EQ(send(a, "plain"), 5);
    Rights r{};
    r.count = 1;
    r.files[0] = &f1;
    EXPECT_EQ(send(a, "with", &r), 4);
    EXPECT_EQ(r.count, 0u);  // the socket holds it now
    EXPECT_EQ(send(a, "tail"), 4);
    std::string got;
    Rights out{};
    EXPECT_EQ(recv(b, 3, &got, false, nullptr, &out), 3);  // short of them: none
    EXPECT_EQ(out.count, 0u);
    EXPECT_EQ(recv(b, 100, &got, true, nullptr, &out), 6);  // a peek stops there, takes none
    EXPECT_EQ(out.count, 0u);
    // The read that reaches them takes them and ends with the bytes sent along (Linux).
    EXPECT_EQ(recv(b, 100, &got, false, nullptr, &out), 6);
    EXPECT_EQ(got, "inwith");
    ASSERT_EQ(out.count, 1u);
    EXPECT_EQ(out.files[0], &f1);
    EXPECT_EQ(recv(b, 100, &got, false, nullptr, &out), 4);
    EXPECT_EQ(got, "tail");
    EXPECT_EQ(out.count, 0u);
    // A full queue of messages with rights is full for rights only.
    for (uint32_t i = 0; i < kMaxRightsQueued; i++) {
        r.count = 1;
        r.files[0] = &f2;
        EXPECT_EQ(send(a, "r", &r), 1);
    }
    r.count = 1;
    EXPECT_EQ(send(a, "r", &r), -uk::kEAGAIN);
    EXPECT_EQ(r.count, 1u);  // still the caller's
    EXPECT_EQ(send(a, "no rights"), 9);
    g_dropped.clear();
    close(b, drop, nullptr);
    EXPECT_EQ(g_dropped.size(), kMaxRightsQueued);  // unread descriptors are let go
    close(a, drop, nullptr);
    EXPECT_EQ(pages.live, 0);
}

TEST_F(UnixSockets, RunningOutOfPagesIsReportedNotCorrupting) {
    UnixSocket *a = make(kSockSeqpacket), *b = make(kSockSeqpacket);
    pair(a, b, me);
    pages.budget = 1;  // room for one data page only
    EXPECT_EQ(send(a, std::string(8000, 'q')), -uk::kENOMEM);
    EXPECT_EQ(b->rx.count, 0u);
    EXPECT_EQ(send(a, "fits"), 4);
    std::string got;
    EXPECT_EQ(recv(b, 10, &got), 4);
    close_all({a, b});
    EXPECT_EQ(pages.live, 0);
}

TEST(UnixNames, ParseSplitsPathAbstractAndAutobind) {
    auto addr = [](const std::string& path) {
        SockAddr a;
        a.bytes[0] = 1;
        a.bytes[1] = 0;
        std::memcpy(a.bytes + 2, path.data(), path.size());
        a.len = uint32_t(2 + path.size());
        return a;
    };
    Addr out;
    SockAddr a = addr("/tmp/s");  // out points into it
    ASSERT_EQ(parse(a, true, &out), 0);
    EXPECT_EQ(out.kind, Addr::Kind::path);
    EXPECT_EQ(std::string(out.bytes, out.len), "/tmp/s");
    a = addr(std::string("/tmp/s\0junk", 11));
    ASSERT_EQ(parse(a, false, &out), 0);
    EXPECT_EQ(out.len, 6u);  // ends at the NUL
    a = addr(std::string("\0ab\0c", 5));
    ASSERT_EQ(parse(a, false, &out), 0);
    EXPECT_EQ(out.kind, Addr::Kind::abstract);
    EXPECT_EQ(std::string(out.bytes, out.len), std::string("ab\0c", 4));  // NULs are bytes here
    ASSERT_EQ(parse(addr(""), true, &out), 0);
    EXPECT_EQ(out.kind, Addr::Kind::autobind);
    EXPECT_EQ(parse(addr(""), false, &out), -uk::kEINVAL);
    EXPECT_EQ(parse(addr(std::string(109, 'p')), true, &out), -uk::kEINVAL);
    SockAddr inet = addr("xx");
    inet.bytes[0] = 2;
    EXPECT_EQ(parse(inet, true, &out), -uk::kEAFNOSUPPORT);
    EXPECT_EQ(parse(inet, false, &out), -uk::kEINVAL);
}

TEST(UnixNames, ThePoolIsTheNameSpace) {
    Pages pages;
    uk::fs::PageSource src{page_alloc, page_free, &pages};
    uk::fs::FilePool pool, other;
    pool.init();
    other.init();
    UnixSocket* s = create(src, kSockStream, Cred{}, 1);
    uk::fs::OpenFile* f = pool.alloc();
    f->kind = uk::fs::FileKind::socket_unix;
    f->obj = s;
    f->refs = 1;
    uk::fs::NodeRef tmp{uk::fs::NodeKind::ro, 3, nullptr}, root{};
    Addr a{Addr::Kind::path, 6, "/tmp/s"};
    Key k, same, elsewhere;
    Name n;
    ASSERT_TRUE(path_key(tmp, "s", 1, a, &k, &n));
    EXPECT_EQ(n.len, 7);  // with its NUL
    EXPECT_EQ(find_bound(pool, k), nullptr);
    s->key = k;
    ASSERT_TRUE(path_key(tmp, "s", 1, Addr{Addr::Kind::path, 1, "s"}, &same, &n));
    EXPECT_EQ(find_bound(pool, same), s);  // "s" from cwd /tmp is the same name
    ASSERT_TRUE(path_key(root, "s", 1, a, &elsewhere, &n));
    EXPECT_EQ(find_bound(pool, elsewhere), nullptr);
    EXPECT_EQ(find_bound(other, k), nullptr);  // another domain's pool never sees it
    Key abs;
    abstract_key("s", 1, &abs, &n);
    EXPECT_EQ(find_bound(pool, abs), nullptr);  // abstract "\0s" is not the path "s"
    EXPECT_TRUE(unbind(pool, same));
    EXPECT_EQ(find_bound(pool, k), nullptr);
    EXPECT_FALSE(unbind(pool, k));
    // autobind skips names in use.
    uint32_t next = 0;
    Key auto_key;
    ASSERT_TRUE(autobind_name(pool, &next, &auto_key, &n));
    EXPECT_EQ(n.len, 6);
    EXPECT_EQ(std::string(n.path, 6), std::string("\0"
                                                  "00000",
                                                  6));
    s->key = auto_key;
    next = 0;
    ASSERT_TRUE(autobind_name(pool, &next, &auto_key, &n));
    EXPECT_EQ(std::string(n.path, 6), std::string("\0"
                                                  "00001",
                                                  6));
    SockAddr out;
    to_sockaddr(n, &out);
    EXPECT_EQ(out.len, 8u);
    EXPECT_EQ(out.family(), kAfUnix);
    close(s, drop, nullptr);
    EXPECT_EQ(pages.live, 0);
}

}  // namespace
