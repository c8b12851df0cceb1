/* Checks AF_UNIX sockets from the inside (unikernel/net/unix/, docs/network.md "Unix sockets"):
 * socketpair of each type (stream bytes, seqpacket and datagram boundaries, truncation), EOF,
 * EPIPE and SIGPIPE, shutdown, non-blocking calls and poll/select/epoll readiness, SO_PEERCRED
 * and the other options, named sockets (a pathname from / and relative to the cwd, abstract
 * names, autobind), EADDRINUSE/ENOENT/ECONNREFUSED, unlink of a bound name, a bounded backlog,
 * SCM_RIGHTS, SO_RCVTIMEO, and blocking accept/connect/read/write across forked processes.
 * Prints one line per failing check and "unix-check: N checks, M failed"; exits 0 only if all
 * pass.  The same program passes on Linux (the reference).
 * With the argument "ns" it only checks that its names are its own: it binds a fixed path and a
 * fixed abstract name and holds them, so two domains running it at once both succeed only when
 * each domain has its own name space. */
#define _GNU_SOURCE /* accept4, struct ucred, POLLRDHUP */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

static volatile int sigpipes;
static void on_sigpipe(int sig) {
    (void)sig;
    sigpipes++;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static socklen_t path_addr(struct sockaddr_un* a, const char* path) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    strncpy(a->sun_path, path, sizeof a->sun_path - 1);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
}

static socklen_t abstract_addr(struct sockaddr_un* a, const char* name) {
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    memcpy(a->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static short poll_one(int fd, short events) {
    struct pollfd p = {fd, events, 0};
    return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

static void check_stream_pair(void) {
    int sv[2];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_TRUE(write(sv[0], "hello", 5) == 5);
    CHECK_TRUE(send(sv[1], "world!", 6, 0) == 6);
    char buf[64] = {0};
    CHECK_TRUE(recv(sv[1], buf, 3, MSG_PEEK) == 3);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK_TRUE(read(sv[0], buf, sizeof buf) == 6 && memcmp(buf, "world!", 6) == 0);
    struct stat st;
    CHECK_TRUE(fstat(sv[0], &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK_TRUE(fcntl(sv[0], F_GETFL) == O_RDWR);
    int v = -1;
    socklen_t len = sizeof v;
    CHECK_TRUE(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len) == 0 && v == SOCK_STREAM);
    CHECK_TRUE(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len) == 0 && v == AF_UNIX);
    struct ucred cr;
    len = sizeof cr;
    CHECK_TRUE(getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0);
    CHECK_TRUE(len == sizeof cr && cr.pid == getpid() && cr.uid == getuid() && cr.gid == getgid());
    CHECK_TRUE(getsockopt(sv[0], 6 /* IPPROTO_TCP */, 1, &v, &len) == -1 &&
               (errno == EOPNOTSUPP || errno == ENOPROTOOPT));
    /* readv/writev through iovecs, and sendmsg/recvmsg without ancillary data. */
    struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
    CHECK_TRUE(writev(sv[0], iov, 2) == 5);
    struct msghdr mh = {0};
    char p1[1], p2[8];
    struct iovec riov[2] = {{p1, 1}, {p2, sizeof p2}};
    mh.msg_iov = riov;
    mh.msg_iovlen = 2;
    CHECK_TRUE(recvmsg(sv[1], &mh, 0) == 5 && p1[0] == 'a' && memcmp(p2, "bcde", 4) == 0);
    CHECK_TRUE(mh.msg_controllen == 0 && mh.msg_flags == 0);
    int n = -1;
    CHECK_TRUE(write(sv[1], "xyz", 3) == 3);
    CHECK_TRUE(ioctl(sv[0], FIONREAD, &n) == 0 && n == 3);
    CHECK_TRUE(read(sv[0], buf, sizeof buf) == 3);
    /* No address on a stream: sendto with one is EISCONN, getpeername of an unnamed peer is
     * the family alone. */
    struct sockaddr_un a;
    CHECK_ERRNO(sendto(sv[0], "x", 1, 0, (struct sockaddr*)&a, path_addr(&a, "/nowhere")), EISCONN);
    len = sizeof a;
    CHECK_TRUE(getpeername(sv[0], (struct sockaddr*)&a, &len) == 0 && len == sizeof(sa_family_t));
    close(sv[0]);
    close(sv[1]);
}

static char big[1 << 20];
static char back[1 << 20];

static void check_nonblocking_and_readiness(void) {
    int sv[2];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0);
    CHECK_TRUE(fcntl(sv[0], F_GETFL) == (O_RDWR | O_NONBLOCK));
    CHECK_TRUE(fcntl(sv[0], F_GETFD) == FD_CLOEXEC);
    char c;
    CHECK_ERRNO(read(sv[0], &c, 1), EAGAIN);
    CHECK_TRUE(poll_one(sv[0], POLLIN | POLLOUT) == POLLOUT);
    /* Fill it: a short write, then EAGAIN and no POLLOUT. */
    for (unsigned i = 0; i < sizeof big; i++) big[i] = (char)(i * 7 + 3);
    long in = 0;
    for (;;) {
        long r = write(sv[0], big + in, sizeof big - in);
        if (r < 0) {
            CHECK_TRUE(errno == EAGAIN);
            break;
        }
        in += r;
        if (in == sizeof big) break;
    }
    CHECK_TRUE(in > 0 && in < (long)sizeof big);
    CHECK_TRUE(!(poll_one(sv[0], POLLOUT) & POLLOUT));
    CHECK_TRUE(poll_one(sv[1], POLLIN) == POLLIN);
    /* select and epoll agree. */
    fd_set rs, ws;
    FD_ZERO(&rs);
    FD_ZERO(&ws);
    FD_SET(sv[1], &rs);
    FD_SET(sv[0], &ws);
    struct timeval tv = {0, 0};
    CHECK_TRUE(select(sv[1] + 1, &rs, &ws, NULL, &tv) == 1 && FD_ISSET(sv[1], &rs));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {EPOLLIN | EPOLLET, {.fd = sv[1]}}, out[4];
    CHECK_TRUE(epoll_ctl(ep, EPOLL_CTL_ADD, sv[1], &ev) == 0);
    CHECK_TRUE(epoll_wait(ep, out, 4, 0) == 1 && out[0].events == EPOLLIN);
    CHECK_TRUE(epoll_wait(ep, out, 4, 0) == 0); /* edge: nothing new */
    long got = 0;
    for (;;) {
        long r = read(sv[1], back + got, sizeof back - got);
        if (r < 0) {
            CHECK_TRUE(errno == EAGAIN);
            break;
        }
        got += r;
    }
    CHECK_TRUE(got == in && memcmp(big, back, in) == 0);
    CHECK_TRUE(poll_one(sv[0], POLLOUT) == POLLOUT);
    CHECK_TRUE(write(sv[0], "z", 1) == 1);
    CHECK_TRUE(epoll_wait(ep, out, 4, 0) == 1); /* a new edge */
    close(ep);
    /* MSG_DONTWAIT on a blocking socket. */
    int bs[2];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, bs) == 0);
    CHECK_ERRNO(recv(bs[0], &c, 1, MSG_DONTWAIT), EAGAIN);
    close(bs[0]);
    close(bs[1]);
    close(sv[0]);
    close(sv[1]);
}

static void check_eof_epipe_shutdown(void) {
    int sv[2];
    char buf[32];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_TRUE(write(sv[0], "last", 4) == 4);
    close(sv[0]);
    CHECK_TRUE(poll_one(sv[1], POLLIN | POLLOUT | POLLRDHUP) ==
               (POLLIN | POLLOUT | POLLHUP | POLLRDHUP));
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 4);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 0);
    sigpipes = 0;
    CHECK_ERRNO(write(sv[1], "x", 1), EPIPE);
    CHECK_TRUE(sigpipes == 1);
    CHECK_ERRNO(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_TRUE(sigpipes == 1);
    close(sv[1]);
    /* Closing with unread bytes resets the peer. */
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_TRUE(write(sv[1], "unread", 6) == 6);
    close(sv[0]);
    CHECK_ERRNO(read(sv[1], buf, sizeof buf), ECONNRESET);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 0);
    close(sv[1]);
    /* shutdown: each direction alone. */
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_ERRNO(shutdown(sv[0], 7), EINVAL);
    CHECK_TRUE(write(sv[1], "in", 2) == 2);
    CHECK_TRUE(shutdown(sv[0], SHUT_WR) == 0);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 0);
    CHECK_ERRNO(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_TRUE(write(sv[1], "more", 4) == 4);
    CHECK_TRUE(read(sv[0], buf, sizeof buf) == 6);
    CHECK_TRUE(shutdown(sv[1], SHUT_WR) == 0);
    CHECK_TRUE(poll_one(sv[0], POLLIN) & POLLHUP);
    close(sv[0]);
    close(sv[1]);
    /* An unconnected stream socket cannot move data. */
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(send(s, "x", 1, MSG_NOSIGNAL), ENOTCONN);
    CHECK_ERRNO(recv(s, buf, 1, 0), EINVAL);
    CHECK_TRUE(poll_one(s, POLLIN | POLLOUT) == (POLLOUT | POLLHUP));
    close(s);
}

static void check_message_pairs(void) {
    int sv[2];
    char buf[64];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == 0);
    CHECK_TRUE(write(sv[0], "one", 3) == 3);
    CHECK_TRUE(write(sv[0], "", 0) == 0);
    CHECK_TRUE(write(sv[0], "three33", 7) == 7);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 3);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 0); /* the empty message */
    CHECK_TRUE(recv(sv[1], buf, 2, MSG_PEEK | MSG_TRUNC) == 7);
    struct msghdr mh = {0};
    struct iovec iov = {buf, 5};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    CHECK_TRUE(recvmsg(sv[1], &mh, 0) == 5 && (mh.msg_flags & MSG_TRUNC));
    CHECK_TRUE(memcmp(buf, "three", 5) == 0);
    CHECK_ERRNO(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    CHECK_TRUE(write(sv[0], "end", 3) == 3);
    close(sv[0]);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 3);
    CHECK_TRUE(read(sv[1], buf, sizeof buf) == 0);
    CHECK_ERRNO(send(sv[1], "x", 1, MSG_NOSIGNAL), EPIPE);
    close(sv[1]);

    CHECK_TRUE(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    CHECK_TRUE(send(sv[0], "d1", 2, 0) == 2);
    CHECK_TRUE(send(sv[0], "d22", 3, 0) == 3);
    int n = -1;
    CHECK_TRUE(ioctl(sv[1], FIONREAD, &n) == 0 && n == 2);
    CHECK_TRUE(recv(sv[1], buf, 1, 0) == 1); /* the rest of d1 is dropped */
    CHECK_TRUE(recv(sv[1], buf, sizeof buf, 0) == 3 && memcmp(buf, "d22", 3) == 0);
    close(sv[0]);
    CHECK_ERRNO(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), EAGAIN); /* no EOF for datagrams */
    CHECK_ERRNO(send(sv[1], "x", 1, 0), ECONNREFUSED);
    CHECK_ERRNO(send(sv[1], "x", 1, 0), ENOTCONN);
    close(sv[1]);

    /* Datagrams by name, from an unbound sender (so no address comes with them, as Linux). */
    char dn[64];
    snprintf(dn, sizeof dn, "unix-check-dgram-%d", (int)getpid());
    struct sockaddr_un da, from;
    socklen_t dlen = abstract_addr(&da, dn), flen;
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), w = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERRNO(sendto(w, "x", 1, 0, (struct sockaddr*)&da, dlen), ECONNREFUSED);
    CHECK_TRUE(bind(r, (struct sockaddr*)&da, dlen) == 0);
    CHECK_TRUE(sendto(w, "to1", 3, 0, (struct sockaddr*)&da, dlen) == 3);
    CHECK_TRUE(connect(w, (struct sockaddr*)&da, dlen) == 0);
    CHECK_TRUE(send(w, "to2", 3, 0) == 3);
    flen = sizeof from;
    CHECK_TRUE(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr*)&from, &flen) == 3 && flen == 0);
    CHECK_TRUE(recv(r, buf, sizeof buf, 0) == 3 && memcmp(buf, "to2", 3) == 0);
    flen = sizeof from;
    CHECK_TRUE(getpeername(w, (struct sockaddr*)&from, &flen) == 0 && flen == dlen);
    close(r);
    CHECK_ERRNO(send(w, "x", 1, 0), ECONNREFUSED);
    close(w);
}

static void check_named(void) {
    char path[96], rel[64], buf[64];
    snprintf(rel, sizeof rel, "unix-check-%d.sock", (int)getpid());
    snprintf(path, sizeof path, "/tmp/%s", rel);
    unlink(path);
    struct sockaddr_un a, b;
    socklen_t alen = path_addr(&a, path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(listen(l, 4), EINVAL); /* unbound */
    CHECK_TRUE(bind(l, (struct sockaddr*)&a, alen) == 0);
    CHECK_ERRNO(bind(l, (struct sockaddr*)&a, alen), EADDRINUSE); /* the path first */
    int l2 = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(l2, (struct sockaddr*)&a, alen), EADDRINUSE);
    CHECK_TRUE(listen(l, 4) == 0);
    socklen_t len = sizeof b;
    CHECK_TRUE(getsockname(l, (struct sockaddr*)&b, &len) == 0 && len == alen &&
               strcmp(b.sun_path, path) == 0);
    int v = 0;
    len = sizeof v;
    CHECK_TRUE(getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v == 1);
    CHECK_TRUE(poll_one(l, POLLIN | POLLOUT) == 0);
    /* A client that connects by the relative path from /tmp, non-blocking: done at once. */
    char cwd[256];
    CHECK_TRUE(getcwd(cwd, sizeof cwd) != NULL);
    CHECK_TRUE(chdir("/tmp") == 0);
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    CHECK_TRUE(connect(c, (struct sockaddr*)&b, path_addr(&b, rel)) == 0);
    CHECK_TRUE(chdir(cwd) == 0);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&a, alen), EISCONN);
    CHECK_TRUE(poll_one(l, POLLIN) == POLLIN);
    CHECK_TRUE(write(c, "ping", 4) == 4); /* before the accept */
    len = sizeof b;
    int s = accept4(l, (struct sockaddr*)&b, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK_TRUE(s >= 0 && len == sizeof(sa_family_t)); /* the client is unnamed */
    CHECK_TRUE(fcntl(s, F_GETFL) == (O_RDWR | O_NONBLOCK) && fcntl(s, F_GETFD) == FD_CLOEXEC);
    CHECK_TRUE(read(s, buf, sizeof buf) == 4 && memcmp(buf, "ping", 4) == 0);
    CHECK_TRUE(write(s, "pong", 4) == 4);
    CHECK_TRUE(read(c, buf, sizeof buf) == 4 && memcmp(buf, "pong", 4) == 0);
    len = sizeof b;
    CHECK_TRUE(getsockname(s, (struct sockaddr*)&b, &len) == 0 && strcmp(b.sun_path, path) == 0);
    len = sizeof b;
    CHECK_TRUE(getpeername(c, (struct sockaddr*)&b, &len) == 0 && strcmp(b.sun_path, path) == 0);
    struct ucred cr;
    len = sizeof cr;
    CHECK_TRUE(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == getpid());
    CHECK_TRUE(fcntl(l, F_SETFL, O_NONBLOCK) == 0);
    CHECK_ERRNO(accept(l, NULL, NULL), EAGAIN);
    close(s);
    close(c);
    /* Errors: a file is not a socket, nothing at a path, a type that does not match. */
    int d = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERRNO(connect(d, (struct sockaddr*)&a, alen), EPROTOTYPE);
    close(d);
    int f = open("/tmp/unix-check.file", O_CREAT | O_WRONLY, 0600);
    close(f);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&b, path_addr(&b, "/tmp/unix-check.file")),
                ECONNREFUSED);
    CHECK_ERRNO(bind(l2, (struct sockaddr*)&b, path_addr(&b, "/tmp/unix-check.file")), EADDRINUSE);
    unlink("/tmp/unix-check.file");
    CHECK_ERRNO(connect(c, (struct sockaddr*)&b, path_addr(&b, "/tmp/unix-check-none")), ENOENT);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&b, path_addr(&b, "/no-such-dir/s")), ENOENT);
    /* unlink drops the name: new connects fail, the listener lives on. */
    CHECK_TRUE(unlink(path) == 0);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&a, alen), ENOENT);
    CHECK_TRUE(bind(l2, (struct sockaddr*)&a, alen) == 0); /* the name is free again */
    CHECK_TRUE(unlink(path) == 0);
    close(c);
    close(l2);
    close(l);

    /* Abstract names: never in the tree, gone with the socket. */
    char name[64];
    snprintf(name, sizeof name, "unix-check-%d", (int)getpid());
    alen = abstract_addr(&a, name);
    l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_TRUE(bind(l, (struct sockaddr*)&a, alen) == 0);
    CHECK_ERRNO(bind(l, (struct sockaddr*)&a, alen), EINVAL); /* bound already */
    CHECK_TRUE(listen(l, 2) == 0);
    len = sizeof b;
    CHECK_TRUE(getsockname(l, (struct sockaddr*)&b, &len) == 0 && len == alen &&
               b.sun_path[0] == 0 && memcmp(b.sun_path + 1, name, strlen(name)) == 0);
    c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_TRUE(connect(c, (struct sockaddr*)&a, alen) == 0);
    s = accept(l, NULL, NULL);
    CHECK_TRUE(s >= 0 && send(c, "msg1", 4, 0) == 4 && send(c, "m2", 2, 0) == 2);
    CHECK_TRUE(recv(s, buf, sizeof buf, 0) == 4 && recv(s, buf, sizeof buf, 0) == 2);
    close(s);
    close(c);
    close(l);
    c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&a, alen), ECONNREFUSED);
    /* autobind: a family-only bind picks an abstract name. */
    CHECK_TRUE(bind(c, (struct sockaddr*)&a, sizeof(sa_family_t)) == 0);
    len = sizeof b;
    CHECK_TRUE(getsockname(c, (struct sockaddr*)&b, &len) == 0 && len == 8 && b.sun_path[0] == 0);
    close(c);
}

static void check_backlog(void) {
    char name[64];
    snprintf(name, sizeof name, "unix-check-backlog-%d", (int)getpid());
    struct sockaddr_un a;
    socklen_t alen = abstract_addr(&a, name);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_TRUE(bind(l, (struct sockaddr*)&a, alen) == 0 && listen(l, 1) == 0);
    int c[3];
    for (int i = 0; i < 3; i++) c[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    /* Linux lets backlog + 1 wait; the next non-blocking connect is EAGAIN. */
    CHECK_TRUE(connect(c[0], (struct sockaddr*)&a, alen) == 0);
    CHECK_TRUE(connect(c[1], (struct sockaddr*)&a, alen) == 0);
    CHECK_ERRNO(connect(c[2], (struct sockaddr*)&a, alen), EAGAIN);
    int s = accept(l, NULL, NULL);
    CHECK_TRUE(s >= 0);
    CHECK_TRUE(connect(c[2], (struct sockaddr*)&a, alen) == 0);
    /* The listener goes with two connections pending: their clients are reset. */
    close(l);
    char ch;
    CHECK_ERRNO(read(c[1], &ch, 1), ECONNRESET);
    CHECK_TRUE(read(c[1], &ch, 1) == 0);
    close(s);
    for (int i = 0; i < 3; i++) close(c[i]);
}

static void check_rights(void) {
    int sv[2], p[2];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK_TRUE(pipe(p) == 0);
    /* Pass the pipe's write end, then close ours: the received one keeps the pipe writable. */
    char cbuf[CMSG_SPACE(2 * sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    struct msghdr mh = {0};
    struct iovec iov = {"F", 1};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = CMSG_SPACE(sizeof(int));
    struct cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[1], sizeof(int));
    CHECK_TRUE(write(sv[0], "plain", 5) == 5);
    CHECK_TRUE(sendmsg(sv[0], &mh, 0) == 1);
    CHECK_TRUE(write(sv[0], "tail", 4) == 4);
    close(p[1]);
    char buf[16];
    struct msghdr rh = {0};
    struct iovec riov = {buf, sizeof buf};
    char rcbuf[CMSG_SPACE(2 * sizeof(int))];
    rh.msg_iov = &riov;
    rh.msg_iovlen = 1;
    rh.msg_control = rcbuf;
    rh.msg_controllen = sizeof rcbuf;
    /* The read that reaches the descriptor takes it and ends with the bytes sent along. */
    CHECK_TRUE(recvmsg(sv[1], &rh, MSG_CMSG_CLOEXEC) == 6 && memcmp(buf, "plainF", 6) == 0);
    cm = CMSG_FIRSTHDR(&rh);
    CHECK_TRUE(cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
               cm->cmsg_len == CMSG_LEN(sizeof(int)));
    CHECK_TRUE(rh.msg_controllen == CMSG_SPACE(sizeof(int)));
    int w = -1;
    if (cm != NULL) memcpy(&w, CMSG_DATA(cm), sizeof w);
    CHECK_TRUE(w >= 0 && fcntl(w, F_GETFD) == FD_CLOEXEC);
    rh.msg_controllen = sizeof rcbuf;
    CHECK_TRUE(recvmsg(sv[1], &rh, 0) == 4 && rh.msg_controllen == 0);
    CHECK_TRUE(write(w, "via", 3) == 3 && read(p[0], buf, sizeof buf) == 3);
    close(w);
    CHECK_TRUE(read(p[0], buf, sizeof buf) == 0); /* the last write end is gone */
    /* No room for the descriptor: MSG_CTRUNC, and it is closed. */
    CHECK_TRUE(pipe(p) == 0);
    memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &p[1], sizeof(int));
    CHECK_TRUE(sendmsg(sv[0], &mh, 0) == 1);
    close(p[1]);
    rh.msg_control = NULL;
    rh.msg_controllen = 0;
    CHECK_TRUE(recvmsg(sv[1], &rh, 0) == 1 && (rh.msg_flags & MSG_CTRUNC));
    CHECK_TRUE(read(p[0], buf, sizeof buf) == 0);
    close(p[0]);
    /* A bad descriptor in the message fails the send. */
    int bad = 1000;
    memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &bad, sizeof(int));
    CHECK_ERRNO(sendmsg(sv[0], &mh, 0), EBADF);
    close(sv[0]);
    close(sv[1]);
}

static void check_timeout(void) {
    int sv[2];
    CHECK_TRUE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    struct timeval tv = {0, 50000};
    CHECK_TRUE(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    long t0 = now_ms();
    char c;
    CHECK_ERRNO(read(sv[0], &c, 1), EAGAIN);
    CHECK_TRUE(now_ms() - t0 >= 45);
    close(sv[0]);
    close(sv[1]);
}

/* Blocking across processes: the parent blocks in accept until the child connects, then reads
 * 4 MiB the child writes through one 64 KiB ring (both block in turn), then EOF. */
static void check_fork(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/unix-check-fork-%d", (int)getpid());
    unlink(path);
    struct sockaddr_un a;
    socklen_t alen = path_addr(&a, path);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_TRUE(bind(l, (struct sockaddr*)&a, alen) == 0 && listen(l, 8) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        usleep(50000); /* the parent is in accept by now */
        int c = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr*)&a, alen) != 0) _exit(2);
        for (int k = 0; k < 4; k++) {
            for (unsigned i = 0; i < sizeof big; i++) big[i] = (char)(i * 13 + k);
            if (write(c, big, sizeof big) != (long)sizeof big) _exit(3);
        }
        char ack;
        if (read(c, &ack, 1) != 1 || ack != 'k') _exit(4);
        _exit(0);
    }
    int s = accept(l, NULL, NULL);
    CHECK_TRUE(s >= 0);
    struct ucred cr;
    socklen_t len = sizeof cr;
    CHECK_TRUE(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len) == 0 && cr.pid == pid);
    int ok = 1;
    for (int k = 0; k < 4; k++) {
        long got = 0;
        while (got < (long)sizeof back) {
            long r = read(s, back + got, sizeof back - got);
            if (r <= 0) break;
            got += r;
        }
        for (unsigned i = 0; i < sizeof back && ok; i++) ok = back[i] == (char)(i * 13 + k);
        ok = ok && got == (long)sizeof back;
    }
    CHECK_TRUE(ok);
    CHECK_TRUE(write(s, "k", 1) == 1);
    char c;
    CHECK_TRUE(read(s, &c, 1) == 0); /* EOF once the child has gone */
    int status = -1;
    CHECK_TRUE(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(s);
    close(l);
    unlink(path);
}

/* "ns": the fixed names of this mode are free in this domain, and stay bound for a while, so a
 * second domain running the same mode at once would collide if names crossed domains. */
static void check_own_namespace(void) {
    struct sockaddr_un a, b;
    socklen_t alen = path_addr(&a, "/tmp/unix-check-ns.sock");
    socklen_t blen = abstract_addr(&b, "unix-check-ns");
    int p = socket(AF_UNIX, SOCK_STREAM, 0), q = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_TRUE(bind(p, (struct sockaddr*)&a, alen) == 0 && listen(p, 1) == 0);
    CHECK_TRUE(bind(q, (struct sockaddr*)&b, blen) == 0 && listen(q, 1) == 0);
    /* They are really bound here: this domain reaches both. */
    int c = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_TRUE(connect(c, (struct sockaddr*)&a, alen) == 0);
    CHECK_TRUE(connect(d, (struct sockaddr*)&b, blen) == 0);
    close(c);
    close(d);
    usleep(500000);
    close(p);
    close(q);
    unlink("/tmp/unix-check-ns.sock");
}

int main(int argc, char** argv) {
    signal(SIGPIPE, on_sigpipe);
    if (argc > 1 && strcmp(argv[1], "ns") == 0) {
        check_own_namespace();
    } else {
        check_stream_pair();
        check_nonblocking_and_readiness();
        check_eof_epipe_shutdown();
        check_message_pairs();
        check_named();
        check_backlog();
        check_rights();
        check_timeout();
        check_fork();
    }
    printf("unix-check: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}
