#include "net/unix/unix_obj.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::net::un {

static_assert(sizeof(UnixSocket) <= pipe::kPageSize, "a socket is one page");

namespace {

using pipe::kCapacity;
using pipe::kPageSize;
using pipe::Pipe;

bool is_stream(const UnixSocket* s) {
    return s->type == kSockStream;
}
bool connection_based(const UnixSocket* s) {
    return s->type != kSockDgram;
}

// Something about s or its peer changed: both ends' waiters and edge triggers re-check.
void touch(UnixSocket* s) {
    s->gen++;
    if (s->peer != nullptr) s->peer->gen++;
}

// Makes sure every page of ring bytes [tail, tail + n) exists, so a copy cannot fail half way
// for want of memory (a message goes in whole or not at all).  False: no page left.
bool reserve(Pipe& r, uint32_t n) {
    uint32_t tail = (r.head + r.count) % kCapacity;
    for (uint32_t done = 0; done < n;) {
        uint32_t at = (tail + done) % kCapacity;
        uint8_t*& page = r.pages[at / kPageSize];
        if (page == nullptr) page = static_cast<uint8_t*>(r.src.alloc(r.src.ctx));
        if (page == nullptr) return false;
        done += kPageSize - at % kPageSize;
    }
    return true;
}

// Copies n bytes between the caller (from offset `off` of its buffer) and the ring bytes that
// start `pos` bytes after the ring's head (pages must exist): the bytes moved before a fault.
uint32_t move(Pipe& r, uint32_t pos, uint32_t n, Copier c, uint64_t off) {
    uint32_t done = 0;
    while (done < n) {
        uint32_t at = (r.head + pos + done) % kCapacity;
        uint32_t len = kPageSize - at % kPageSize;
        if (len > n - done) len = n - done;
        if (c.fn(c.ctx, off + done, r.pages[at / kPageSize] + at % kPageSize, len) != 0) break;
        done += len;
    }
    return done;
}

// A kernel buffer as a Copier, for message headers.
struct KernelBuf {
    uint8_t* p;
    bool into_ring;
};
int kernel_copy(void* ctx, uint64_t off, uint8_t* ring, uint32_t n) {
    auto* k = static_cast<KernelBuf*>(ctx);
    if (k->into_ring) {
        memcpy(ring, k->p + off, n);
    } else {
        memcpy(k->p + off, ring, n);
    }
    return 0;
}

uint32_t peek_header(Pipe& r) {
    uint8_t b[kMsgHeader];
    KernelBuf k{b, false};
    move(r, 0, kMsgHeader, Copier{kernel_copy, &k}, 0);
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

void put_header(Pipe& r, uint32_t len) {
    uint8_t b[kMsgHeader] = {uint8_t(len), uint8_t(len >> 8), uint8_t(len >> 16),
                             uint8_t(len >> 24)};
    KernelBuf k{b, true};
    move(r, r.count, kMsgHeader, Copier{kernel_copy, &k}, 0);
}

// Queues a sender's rights on the receiving socket r, for the bytes that start at rx_in.
void queue_rights(UnixSocket* r, Rights* rights, uint32_t len) {
    if (rights == nullptr || rights->count == 0) return;
    Rights& q = r->rights[r->rights_len++];
    q = *rights;
    q.at = r->rx_in;
    q.len = len;
    rights->count = 0;
}

bool rights_room(const UnixSocket* r, const Rights* rights) {
    return rights == nullptr || rights->count == 0 || r->rights_len < kMaxRightsQueued;
}

// The oldest rights go to *out: their bytes are being read.
void take_rights(UnixSocket* s, Rights* out) {
    *out = s->rights[0];
    for (uint32_t i = 1; i < s->rights_len; i++) s->rights[i - 1] = s->rights[i];
    s->rights_len--;
}

void drop_rights(UnixSocket* s, void (*drop_file)(void*, void*), void* ctx) {
    for (uint32_t i = 0; i < s->rights_len; i++) {
        for (uint32_t k = 0; k < s->rights[i].count; k++) drop_file(ctx, s->rights[i].files[k]);
    }
    s->rights_len = 0;
}

void free_pages(UnixSocket* s) {
    fs::PageSource src = s->src;
    for (uint8_t* page : s->rx.pages) {
        if (page != nullptr) src.free(src.ctx, page);
    }
    src.free(src.ctx, s);
}

// s's end of a connection goes: what its peer sees from then on.
void leave_peer(UnixSocket* s) {
    UnixSocket* p = s->peer;
    if (p == nullptr) return;
    touch(s);
    p->peer = nullptr;
    p->had_peer = true;
    if (connection_based(s)) p->rcv_shut = p->snd_shut = true;
    // Bytes the peer sent and nobody read, or a connection never accepted: a reset.
    if (s->rx.count > 0 || s->listener != nullptr) p->err = kECONNRESET;
    s->peer = nullptr;
}

}  // namespace

bool Key::operator==(const Key& o) const {
    if (kind != o.kind || len != o.len) return false;
    if (kind == Kind::path && !(dir == o.dir)) return false;
    return memcmp(bytes, o.bytes, len) == 0;
}

UnixSocket* create(fs::PageSource src, uint8_t type, const Cred& cred, uint64_t ino) {
    void* page = src.alloc(src.ctx);
    if (page == nullptr) return nullptr;
    auto* s = static_cast<UnixSocket*>(page);
    memset(static_cast<void*>(s), 0, sizeof *s);  // every field's zero is its default
    s->src = src;
    s->type = type;
    s->state = State::fresh;
    s->rx.src = src;
    s->cred = cred;
    s->peer_cred = Cred{0, 0xFFFFFFFFu, 0xFFFFFFFFu};  // Linux: no peer yet, pid 0, uid -1
    s->ino = ino;
    return s;
}

void pair(UnixSocket* a, UnixSocket* b, const Cred& cred) {
    a->peer = b;
    b->peer = a;
    a->state = b->state = State::connected;
    a->peer_cred = b->peer_cred = cred;
    touch(a);
}

int listen(UnixSocket* s, int backlog, const Cred& cred) {
    if (!connection_based(s)) return -kEOPNOTSUPP;
    if (s->state == State::connected || s->key.kind == Key::Kind::none) return -kEINVAL;
    // Linux: a negative or huge backlog is somaxconn; n waits plus one, so 0 lets one wait.
    uint32_t max =
        backlog < 0 || uint32_t(backlog) >= kMaxBacklog ? kMaxBacklog - 1 : uint32_t(backlog);
    s->backlog_max = max;
    s->state = State::listening;
    s->cred = cred;
    touch(s);
    return 0;
}

bool backlog_full(const UnixSocket* l) {
    return l->backlog_len > l->backlog_max || l->backlog_len == kMaxBacklog;
}

int connect(UnixSocket* client, UnixSocket* listener, UnixSocket* embryo, const Cred& cred) {
    if (client->state == State::connected) return -kEISCONN;
    if (client->state == State::listening) return -kEINVAL;
    if (listener->type != client->type) return -kEPROTOTYPE;
    if (listener->state != State::listening) return -kECONNREFUSED;
    if (backlog_full(listener)) return -kEAGAIN;
    embryo->type = client->type;
    embryo->state = State::connected;
    embryo->listener = listener;
    embryo->name = listener->name;  // an accepted socket shows its listener's name
    embryo->cred = listener->cred;
    embryo->peer_cred = cred;
    client->peer_cred = listener->cred;
    client->cred = cred;
    client->state = State::connected;
    client->peer = embryo;
    embryo->peer = client;
    listener->backlog[listener->backlog_len++] = embryo;
    listener->gen++;
    touch(client);
    return 0;
}

UnixSocket* accept(UnixSocket* l) {
    if (l->backlog_len == 0) return nullptr;
    UnixSocket* e = l->backlog[0];
    for (uint32_t i = 1; i < l->backlog_len; i++) l->backlog[i - 1] = l->backlog[i];
    l->backlog_len--;
    l->gen++;
    e->listener = nullptr;
    e->accepted = true;
    touch(e);
    return e;
}

int shutdown(UnixSocket* s, int how) {
    if (how < 0 || how > 2) return -kEINVAL;
    bool rd = how != 1, wr = how != 0;
    if (rd) s->rcv_shut = true;
    if (wr) s->snd_shut = true;
    // A connection's other end sees the mirror image (Linux: stream and seqpacket only).
    if (s->peer != nullptr && connection_based(s)) {
        if (rd) s->peer->snd_shut = true;
        if (wr) s->peer->rcv_shut = true;
    }
    touch(s);
    return 0;
}

int64_t stream_send(UnixSocket* s, uint64_t len, Copier c, Rights* rights) {
    if (s->peer == nullptr && !s->had_peer) return -kENOTCONN;
    if (s->snd_shut || s->peer == nullptr) return -kEPIPE;
    UnixSocket* p = s->peer;
    Pipe& r = p->rx;
    uint32_t n = len < r.space() ? uint32_t(len) : r.space();
    if (n == 0 && len > 0) return -kEAGAIN;
    if (!rights_room(p, rights)) return -kEAGAIN;
    // Pages as far as they can be had: a short write when the domain's memory runs out.
    while (n > 0 && !reserve(r, n)) n = n > kPageSize ? n - kPageSize : 0;
    if (n == 0 && len > 0) return -kENOMEM;
    uint32_t done = move(r, r.count, n, c, 0);
    if (done == 0 && n > 0) return -kEFAULT;
    if (done > 0) queue_rights(p, rights, done);
    r.commit(done);
    p->rx_in += done;
    touch(s);
    return done;
}

int64_t stream_recv(UnixSocket* s, uint64_t len, bool peek, Copier c, Rights* rights) {
    rights->count = 0;
    if (s->state != State::connected) return -kEINVAL;
    Pipe& r = s->rx;
    if (r.count == 0) {
        if (s->err != 0) {
            int e = s->err;
            s->err = 0;
            touch(s);
            return -e;
        }
        return s->rcv_shut ? 0 : -kEAGAIN;
    }
    uint32_t n = len < r.count ? uint32_t(len) : r.count;
    // A read that reaches descriptors takes them and ends with the bytes sent along.
    bool reaches = false;
    if (s->rights_len > 0 && s->rights[0].at - s->rx_out < n) {
        uint64_t end = s->rights[0].at - s->rx_out + s->rights[0].len;
        if (end < n) n = uint32_t(end);
        reaches = true;
    }
    uint32_t done = move(r, 0, n, c, 0);
    if (done == 0 && n > 0) return -kEFAULT;
    if (peek) return done;
    if (reaches) take_rights(s, rights);
    r.consume(done);
    s->rx_out += done;
    touch(s);
    return done;
}

namespace {

// One whole message into p's ring, or nothing.
int64_t put_message(UnixSocket* s, UnixSocket* p, uint64_t len, Copier c, Rights* rights) {
    if (s->snd_shut) return -kEPIPE;
    if (len > kMaxMessage) return -kEMSGSIZE;
    Pipe& r = p->rx;
    uint32_t need = kMsgHeader + uint32_t(len);
    if (r.space() < need) return -kEAGAIN;
    if (!rights_room(p, rights)) return -kEAGAIN;
    if (!reserve(r, need)) return -kENOMEM;
    put_header(r, uint32_t(len));
    uint32_t done = move(r, r.count + kMsgHeader, uint32_t(len), c, 0);
    if (done != len) return -kEFAULT;  // nothing committed: the message never was
    queue_rights(p, rights, need);
    r.commit(need);
    p->rx_in += need;
    s->gen++;
    p->gen++;
    return int64_t(len);
}

}  // namespace

int64_t msg_send(UnixSocket* s, uint64_t len, Copier c, Rights* rights) {
    if (s->type == kSockSeqpacket && s->state != State::connected) return -kENOTCONN;
    if (s->peer == nullptr) {
        if (!s->had_peer) return -kENOTCONN;
        if (s->type == kSockSeqpacket) return -kEPIPE;
        s->had_peer = false;  // a dgram socket learns once, then is unconnected
        touch(s);
        return -kECONNREFUSED;
    }
    return put_message(s, s->peer, len, c, rights);
}

int64_t msg_send_to(UnixSocket* s, UnixSocket* to, uint64_t len, Copier c, Rights* rights) {
    if (to->rcv_shut) return -kEPIPE;
    return put_message(s, to, len, c, rights);
}

int64_t msg_recv(UnixSocket* s, uint64_t len, bool peek, Copier c, uint32_t* full, Rights* rights) {
    rights->count = 0;
    *full = 0;
    if (s->type == kSockSeqpacket && s->state != State::connected) return -kENOTCONN;
    Pipe& r = s->rx;
    if (r.count == 0) {
        if (s->err != 0) {
            int e = s->err;
            s->err = 0;
            touch(s);
            return -e;
        }
        return s->type == kSockSeqpacket && s->rcv_shut ? 0 : -kEAGAIN;
    }
    uint32_t m = peek_header(r);
    *full = m;
    uint32_t n = len < m ? uint32_t(len) : m;
    uint32_t done = move(r, kMsgHeader, n, c, 0);
    if (done != n) return -kEFAULT;
    if (peek) return done;
    if (s->rights_len > 0 && s->rights[0].at == s->rx_out) take_rights(s, rights);
    r.consume(kMsgHeader + m);
    s->rx_out += kMsgHeader + m;
    touch(s);
    return done;
}

uint32_t readable_bytes(const UnixSocket* s) {
    if (s->rx.count == 0) return 0;
    if (is_stream(s)) return s->rx.count;
    return peek_header(const_cast<Pipe&>(s->rx));
}

uint32_t ready(const UnixSocket* s, uint32_t* gen) {
    *gen = s->gen;
    uint32_t m = s->err != 0 ? kPollErr : 0;
    if (s->state == State::listening) return m | (s->backlog_len > 0 ? kPollIn | kPollRdnorm : 0);
    if (s->rcv_shut && s->snd_shut) m |= kPollHup;
    if (s->rcv_shut) m |= kPollRdhup | kPollIn | kPollRdnorm;
    if (s->rx.count > 0) m |= kPollIn | kPollRdnorm;
    // Linux: a connection-based socket with no connection is hung up (TCP_CLOSE).
    if (connection_based(s) && s->state == State::fresh) m |= kPollHup;
    // Writable when a write would not block: room in the peer's ring, or an error at once.
    const UnixSocket* p = s->peer;
    if (p == nullptr || s->snd_shut || p->rx.space() >= pipe::kPipeBuf) m |= kPollOut | kPollWrnorm;
    return m;
}

void close(UnixSocket* s, void (*drop_file)(void*, void*), void* ctx) {
    // A listener's connections that were never accepted are reset.
    for (uint32_t i = 0; i < s->backlog_len; i++) {
        UnixSocket* e = s->backlog[i];
        leave_peer(e);
        drop_rights(e, drop_file, ctx);
        free_pages(e);
    }
    s->backlog_len = 0;
    leave_peer(s);
    drop_rights(s, drop_file, ctx);
    free_pages(s);
}

}  // namespace uk::net::un
