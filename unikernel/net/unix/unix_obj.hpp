// An AF_UNIX socket as a kernel object, kept entirely in the guest: a receive ring (the pipe's,
// pipe/pipe.hpp), the peer it is connected to, a listener's backlog of connections not yet
// accepted, its bound name and its peer's credentials.  One page from the domain's PageSource
// holds all of it (ring pages come as data needs them), so sockets are charged like pipes.
// Pure logic over the PageSource and a byte copier, unit-tested on the host; the syscalls over it
// (blocking, user memory, descriptors, the name space) are net/unix/unix_socket.cpp.
//
// Semantics follow Linux's af_unix.c: a writer puts bytes straight into its peer's ring; a stream
// keeps no boundaries, SOCK_SEQPACKET and SOCK_DGRAM keep each message whole (a 4-byte length
// before it in the ring).  shutdown and close set the two directions' flags on both ends, so a
// reader sees EOF once the ring is drained and a writer EPIPE.
#pragma once

#include <stdint.h>

#include "fs/tmpfs.hpp"
#include "fs/tree.hpp"
#include "pipe/pipe.hpp"

namespace uk::net {
namespace un {

constexpr int kSockStream = 1, kSockDgram = 2, kSockSeqpacket = 5;
constexpr uint32_t kMaxBacklog = 64;   // pending connections per listener (Linux: somaxconn)
constexpr uint32_t kSunPathMax = 108;  // sizeof sun_path
constexpr uint32_t kMsgHeader = 4;     // a message's length before it in the ring
// The largest message of a SOCK_DGRAM or SOCK_SEQPACKET socket: one ring (-EMSGSIZE beyond).
constexpr uint32_t kMaxMessage = pipe::kCapacity - kMsgHeader;
// SCM_RIGHTS: descriptors per message, and messages with descriptors queued per socket.
constexpr uint32_t kMaxRightsFds = 16;
constexpr uint32_t kMaxRightsQueued = 8;

// Linux's poll bits, as poll/readiness.cpp reports them.
constexpr uint32_t kPollIn = 0x1, kPollOut = 0x4, kPollErr = 0x8, kPollHup = 0x10,
                   kPollRdnorm = 0x40, kPollWrnorm = 0x100, kPollRdhup = 0x2000;

// Who made a socket or a connection (SO_PEERCRED's struct ucred).
struct Cred {
    int32_t pid = 0;
    uint32_t uid = 0;
    uint32_t gid = 0;
};

// A name in the domain's socket name space.  A pathname is keyed by the directory it resolves
// into and its last component, so "./s" and "/tmp/s" from cwd /tmp meet; an abstract name by its
// bytes (the leading NUL included).  No inode is ever made in the tree.
struct Key {
    enum class Kind : uint8_t { none, path, abstract } kind = Kind::none;
    fs::NodeRef dir;  // kind == path
    uint8_t len = 0;
    char bytes[kSunPathMax];

    bool operator==(const Key& o) const;
};

// The address getsockname/getpeername show: sun_path as bound (len 0: unnamed).
struct Name {
    uint8_t len = 0;  // bytes of sun_path used; a path keeps its terminating NUL
    char path[kSunPathMax + 1];
};

enum class State : uint8_t {
    fresh,      // socket(): unconnected, maybe bound
    listening,  // listen()
    connected,  // has (or had) a peer: socketpair, connect, accept
};

// Descriptors passed with one message (SCM_RIGHTS): open file descriptions, each holding a
// reference (fs::OpenFile::refs) until received or dropped.  `at` is the ring position (in bytes
// written since the socket was made) of the message's first byte, so they come out with it.
struct Rights {
    uint64_t at;
    uint32_t len;  // bytes of the send that carried them
    uint32_t count;
    void* files[kMaxRightsFds];
};

}  // namespace un

struct UnixSocket {
    using Cred = un::Cred;
    using Key = un::Key;
    using Name = un::Name;
    using Rights = un::Rights;
    using State = un::State;

    fs::PageSource src;
    uint8_t type;
    State state;
    bool rcv_shut;   // reads end (EOF once the ring is empty): SHUT_RD here, SHUT_WR or close there
    bool snd_shut;   // writes fail with EPIPE: SHUT_WR here, SHUT_RD or close there
    bool had_peer;   // a peer existed and went (close): stream writes EPIPE, dgram ECONNREFUSED
    bool accepted;   // an embryo taken off its listener's backlog by accept
    bool pass_cred;  // SO_PASSCRED (recorded only)
    int32_t err;     // a pending error (SO_ERROR, and the next read): ECONNRESET
    uint32_t gen;    // bumped by every change a waiter or epoll's edge trigger could care about
    UnixSocket* peer;       // connected peer; the client of an embryo and the embryo of a client
    UnixSocket* listener;   // an embryo's listener while it waits in the backlog
    pipe::Pipe rx;          // bytes and messages sent to this socket (readers/writers unused)
    uint64_t rx_in;         // bytes ever committed to rx (Rights::at counts in these)
    uint64_t rx_out;        // bytes ever consumed from rx
    Cred cred;              // this socket's own: its creator's, a listener's at listen()
    Cred peer_cred;         // SO_PEERCRED
    Key key;                // bound name in the name space (kind none: none, or unlinked)
    Name name;              // getsockname (stays after unlink, as on Linux)
    uint64_t ino;           // what fstat shows
    Key dest;               // SOCK_DGRAM connected by name (connect): where sends go
    Name dest_name;         // ... and what getpeername shows
    uint64_t rcv_timeo_ns;  // SO_RCVTIMEO, SO_SNDTIMEO (0: wait for ever)
    uint64_t snd_timeo_ns;
    uint32_t backlog_max;  // listening: at most this many wait, plus one (as Linux)
    uint32_t backlog_len;
    UnixSocket* backlog[un::kMaxBacklog];
    uint32_t rights_len;  // Rights queued, oldest first
    Rights rights[un::kMaxRightsQueued];
};

namespace un {

// Moves n bytes between the caller's buffer (at offset off of it) and ring memory: 0 or -EFAULT.
// Sends copy into `ring`, receives out of it.
struct Copier {
    int (*fn)(void* ctx, uint64_t off, uint8_t* ring, uint32_t n);
    void* ctx;
};

// A new socket of `type` (stream, dgram, seqpacket) in a page of src: nullptr when none.
UnixSocket* create(fs::PageSource src, uint8_t type, const Cred& cred, uint64_t ino);
// socketpair: a and b (both fresh, same type) connected to each other.
void pair(UnixSocket* a, UnixSocket* b, const Cred& cred);

// listen(2) on s: 0, -EINVAL (connected, or not a stream/seqpacket socket; unbound is Linux's
// EINVAL too).  A listener may listen again to change its backlog.
int listen(UnixSocket* s, int backlog, const Cred& cred);
// connect(2) of `client` to `listener`, with `embryo` (a fresh socket of the same page source)
// as the server end queued on the listener: 0 (embryo now owned by the listener),
// -ECONNREFUSED (not listening), -EPROTOTYPE, -EAGAIN (backlog full: the caller waits or fails),
// -EISCONN, -EINVAL.  On any error embryo is untouched and still the caller's.
int connect(UnixSocket* client, UnixSocket* listener, UnixSocket* embryo, const Cred& cred);
// Whether a connect to listener would find room now.
bool backlog_full(const UnixSocket* listener);
// accept(2): the oldest pending connection, now the caller's (nullptr when none).
UnixSocket* accept(UnixSocket* listener);

// shutdown(2): how is SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2).  0, -ENOTCONN, -EINVAL.
int shutdown(UnixSocket* s, int how);

// Sends up to len bytes of a stream: the bytes now in the peer's ring (maybe fewer than len),
// -EAGAIN when none fit now, -EPIPE, -ENOTCONN, -ENOMEM (no page), -EFAULT.  `rights`, when
// given, rides with the first byte (-EAGAIN when the peer's queue of them is full); once the
// socket has them, rights->count is 0 (else the caller still holds their references).
int64_t stream_send(UnixSocket* s, uint64_t len, Copier c, Rights* rights);
// Receives up to len bytes of a stream (peek: leaves them there): bytes, 0 at EOF, -EAGAIN when
// none now, -ECONNRESET (once), -EINVAL (listening or not connected).  As Linux, a read that
// reaches the first byte of a send that carried descriptors gets them in *rights (count 0 when
// none) and ends with that send's last byte, so no read ever takes two sets.
int64_t stream_recv(UnixSocket* s, uint64_t len, bool peek, Copier c, Rights* rights);

// Sends one whole message (dgram, seqpacket) of len bytes: len, -EMSGSIZE, -EAGAIN (no room now),
// -EPIPE (seqpacket peer gone or shut), -ECONNREFUSED (dgram peer gone; later -ENOTCONN),
// -ENOTCONN, -ENOMEM, -EFAULT.  `rights` as for stream_send.
int64_t msg_send(UnixSocket* s, uint64_t len, Copier c, Rights* rights);
// A datagram to `to`, a bound SOCK_DGRAM socket found by name (s need not be connected): as
// msg_send; -EPIPE when `to` has shut its reading down.
int64_t msg_send_to(UnixSocket* s, UnixSocket* to, uint64_t len, Copier c, Rights* rights);
// Receives the oldest message into up to len bytes (the rest of it is dropped unless peek):
// the bytes copied, 0 at a seqpacket's EOF, -EAGAIN; *full gets the message's whole length.
int64_t msg_recv(UnixSocket* s, uint64_t len, bool peek, Copier c, uint32_t* full, Rights* rights);

// Bytes a FIONREAD/SIOCINQ shows: a stream's buffered bytes, a message socket's next message.
uint32_t readable_bytes(const UnixSocket* s);
// poll bits now, and in *gen a number that changes whenever they may have.
uint32_t ready(const UnixSocket* s, uint32_t* gen);

// The socket's description is gone: it leaves its peer (who sees EOF/EPIPE, ECONNRESET when
// bytes it sent were never read), a listener's pending connections are dropped, its pages go
// back.  drop_file is called for every descriptor still in flight in its queue (and in those of
// the dropped pending connections), with ctx.
void close(UnixSocket* s, void (*drop_file)(void* ctx, void* file), void* ctx);

}  // namespace un
}  // namespace uk::net
