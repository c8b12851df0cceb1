/* Checks the guest side of AF_INET/AF_INET6 sockets from the inside (unikernel/net/,
 * docs/network.md "Guest side"), over loopback within one domain: TCP listen/connect/accept on
 * 127.0.0.1 and ::1, non-blocking connect with poll and epoll (level and edge), blocking
 * accept/recv woken through the idle loop's host poll (another thread sends), read-ahead of small
 * reads, MSG_PEEK, MSG_WAITALL, FIONREAD, shutdown and EOF, SO_ERROR of a refused connect,
 * SO_RCVTIMEO, EPIPE and SIGPIPE, UDP sendto/recvfrom/recvmsg with MSG_TRUNC,
 * getsockname/getpeername, options, fstat and the errors of bad input.  Prints "FAIL ..." per
 * failing check, "net-check: N checks, M failed" and SUCCESS when all pass.  Built with musl-gcc
 * -static by unikernel/CMakeLists.txt. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "er_check.h"

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* A listening TCP socket on 127.0.0.1 (any port); its address in *a. */
static int listener4(struct sockaddr_in* a) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_TRUE(s >= 0);
    int one = 1;
    CHECK_TRUE(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0);
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    CHECK_TRUE(bind(s, (struct sockaddr*)a, sizeof *a) == 0);
    CHECK_TRUE(listen(s, 16) == 0);
    socklen_t len = sizeof *a;
    CHECK_TRUE(getsockname(s, (struct sockaddr*)a, &len) == 0);
    CHECK_TRUE(len == sizeof *a && a->sin_port != 0);
    return s;
}

/* A connected pair over loopback: *c the client, return the server's end. */
static int tcp_pair(int l, const struct sockaddr_in* a, int* c) {
    *c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_TRUE(connect(*c, (const struct sockaddr*)a, sizeof *a) == 0);
    int s = accept(l, NULL, NULL);
    CHECK_TRUE(s >= 0);
    return s;
}

static void check_nonblocking_connect(void) {
    struct sockaddr_in a;
    int l = listener4(&a);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    CHECK_TRUE(c >= 0);
    CHECK_TRUE((fcntl(c, F_GETFL) & O_NONBLOCK) && (fcntl(c, F_GETFD) & FD_CLOEXEC));
    int r = connect(c, (struct sockaddr*)&a, sizeof a);
    CHECK_TRUE(r == 0 || (r == -1 && errno == EINPROGRESS));
    struct pollfd p = {c, POLLOUT, 0};
    CHECK_TRUE(poll(&p, 1, 5000) == 1 && (p.revents & POLLOUT));
    int err = -1;
    socklen_t len = sizeof err;
    CHECK_TRUE(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0);

    /* The listener is readable: accept4 with flags. */
    struct pollfd pl = {l, POLLIN, 0};
    CHECK_TRUE(poll(&pl, 1, 5000) == 1 && (pl.revents & POLLIN));
    struct sockaddr_in peer;
    socklen_t plen = sizeof peer;
    int s = accept4(l, (struct sockaddr*)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
    CHECK_TRUE(s >= 0);
    CHECK_TRUE(plen == sizeof peer && peer.sin_family == AF_INET);
    CHECK_TRUE((fcntl(s, F_GETFL) & O_NONBLOCK) && (fcntl(s, F_GETFD) & FD_CLOEXEC));
    struct sockaddr_in mine;
    socklen_t mlen = sizeof mine;
    CHECK_TRUE(getsockname(c, (struct sockaddr*)&mine, &mlen) == 0);
    CHECK_TRUE(mine.sin_port == peer.sin_port);
    struct sockaddr_in theirs;
    socklen_t tlen = sizeof theirs;
    CHECK_TRUE(getpeername(c, (struct sockaddr*)&theirs, &tlen) == 0 &&
               theirs.sin_port == a.sin_port);

    /* Nothing to read yet: EAGAIN, and a level-triggered epoll sees the data once sent. */
    char buf[64];
    CHECK_ERRNO(recv(s, buf, sizeof buf, 0), EAGAIN);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.u32 = 7};
    CHECK_TRUE(epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev) == 0);
    struct epoll_event out[4];
    CHECK_TRUE(epoll_wait(ep, out, 4, 0) == 0);
    CHECK_TRUE(send(c, "hello", 5, 0) == 5);
    CHECK_TRUE(epoll_wait(ep, out, 4, 5000) == 1 && out[0].data.u32 == 7 &&
               (out[0].events & EPOLLIN));
    int n = -1;
    CHECK_TRUE(ioctl(s, FIONREAD, &n) == 0 && n == 5);
    CHECK_TRUE(recv(s, buf, 2, MSG_PEEK) == 2 && memcmp(buf, "he", 2) == 0);
    CHECK_TRUE(recv(s, buf, sizeof buf, 0) == 5 && memcmp(buf, "hello", 5) == 0);
    CHECK_ERRNO(recv(s, buf, sizeof buf, 0), EAGAIN);
    /* Edge-triggered: drained, so no event until new data. */
    CHECK_TRUE(epoll_wait(ep, out, 4, 0) == 0);
    CHECK_TRUE(write(c, "again", 5) == 5);
    CHECK_TRUE(epoll_wait(ep, out, 4, 5000) == 1);
    CHECK_TRUE(read(s, buf, sizeof buf) == 5);

    /* shutdown(SHUT_WR): the server reads EOF, poll says POLLIN|POLLRDHUP. */
    CHECK_TRUE(shutdown(c, SHUT_WR) == 0);
    struct pollfd ps = {s, POLLIN | POLLRDHUP, 0};
    CHECK_TRUE(poll(&ps, 1, 5000) == 1 && (ps.revents & POLLIN) && (ps.revents & POLLRDHUP));
    CHECK_TRUE(recv(s, buf, sizeof buf, 0) == 0);
    /* The other way still works. */
    CHECK_TRUE(send(s, "back", 4, 0) == 4);
    struct pollfd pc = {c, POLLIN, 0};
    CHECK_TRUE(poll(&pc, 1, 5000) == 1);
    CHECK_TRUE(recv(c, buf, sizeof buf, 0) == 4 && memcmp(buf, "back", 4) == 0);
    close(ep);
    close(s);
    close(c);
    close(l);
}

/* Many small reads of one stream: the data arrives in one send; read one byte at a time. */
static void check_small_reads_and_waitall(void) {
    struct sockaddr_in a;
    int l = listener4(&a);
    int c;
    int s = tcp_pair(l, &a, &c);
    char msg[3000];
    for (unsigned i = 0; i < sizeof msg; i++) msg[i] = (char)('a' + i % 26);
    CHECK_TRUE(send(c, msg, sizeof msg, 0) == (ssize_t)sizeof msg);
    char got[3000];
    unsigned ok = 1;
    for (unsigned i = 0; i < sizeof msg; i++) {
        char b;
        if (recv(s, &b, 1, 0) != 1 || b != msg[i]) ok = 0;
        if (!ok) break;
    }
    CHECK("3000 one-byte reads", ok);
    /* MSG_WAITALL across two sends, readv and writev. */
    CHECK_TRUE(send(c, msg, 1000, 0) == 1000);
    struct iovec wv[2] = {{msg + 1000, 500}, {msg + 1500, 500}};
    CHECK_TRUE(writev(c, wv, 2) == 1000);
    CHECK_TRUE(recv(s, got, 2000, MSG_WAITALL) == 2000 && memcmp(got, msg, 2000) == 0);
    CHECK_TRUE(send(c, msg, 10, 0) == 10);
    struct iovec rv[2] = {{got, 4}, {got + 4, 6}};
    CHECK_TRUE(readv(s, rv, 2) == 10 && memcmp(got, msg, 10) == 0);
    struct stat st;
    CHECK_TRUE(fstat(s, &st) == 0 && S_ISSOCK(st.st_mode));
    /* sendfile from a /tmp file to the socket (20000 bytes fit the loopback buffers). */
    static char file[20000], in[20000];
    for (unsigned i = 0; i < sizeof file; i++) file[i] = (char)(i * 13 + 1);
    int fd = open("/tmp/net-check-file", O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK_TRUE(fd >= 0 && write(fd, file, sizeof file) == (ssize_t)sizeof file);
    off_t off = 100;
    CHECK_TRUE(sendfile(c, fd, &off, sizeof file) == (ssize_t)sizeof file - 100);
    CHECK_TRUE(off == (off_t)sizeof file);
    CHECK_TRUE(recv(s, in, sizeof file - 100, MSG_WAITALL) == (ssize_t)sizeof file - 100);
    CHECK_TRUE(memcmp(in, file + 100, sizeof file - 100) == 0);
    close(fd);
    unlink("/tmp/net-check-file");
    close(s);
    close(c);
    close(l);
}

/* Blocking calls woken from another thread: a blocking accept, then a blocking recv of 1 MiB
 * (MSG_WAITALL) that the other thread sends in pieces. */
static struct sockaddr_in g_addr;
static char g_big[1 << 20];

static void* sender(void* arg) {
    (void)arg;
    struct timespec d = {0, 50 * 1000 * 1000};
    nanosleep(&d, NULL);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr*)&g_addr, sizeof g_addr) != 0) return (void*)1;
    nanosleep(&d, NULL);
    size_t done = 0;
    while (done < sizeof g_big) {
        ssize_t n = send(c, g_big + done, sizeof g_big - done, 0);
        if (n <= 0) return (void*)2;
        done += (size_t)n;
    }
    close(c);
    return NULL;
}

static void check_blocking_across_threads(void) {
    for (unsigned i = 0; i < sizeof g_big; i++) g_big[i] = (char)(i * 7 + i / 4096);
    int l = listener4(&g_addr);
    pthread_t t;
    CHECK_TRUE(pthread_create(&t, NULL, sender, NULL) == 0);
    int s = accept(l, NULL, NULL); /* blocks until the thread connects */
    CHECK_TRUE(s >= 0);
    static char in[1 << 20];
    long start = now_ms();
    CHECK_TRUE(recv(s, in, sizeof in, MSG_WAITALL) == (ssize_t)sizeof in);
    CHECK_TRUE(memcmp(in, g_big, sizeof in) == 0);
    char b;
    CHECK_TRUE(recv(s, &b, 1, 0) == 0); /* the sender closed */
    void* ret = (void*)-1;
    CHECK_TRUE(pthread_join(t, &ret) == 0 && ret == NULL);
    printf("net-check: 1 MiB through loopback TCP in %ld ms\n", now_ms() - start);
    close(s);
    close(l);
}

static void check_refused_and_timeouts(void) {
    /* A port nobody listens on: a blocking connect gets ECONNREFUSED (through SO_ERROR). */
    struct sockaddr_in a;
    int l = listener4(&a);
    close(l);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(c, (struct sockaddr*)&a, sizeof a), ECONNREFUSED);
    close(c);

    /* SO_RCVTIMEO: a recv with nothing to read gives EAGAIN after the timeout. */
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    CHECK_TRUE(bind(u, (struct sockaddr*)&ua, sizeof ua) == 0);
    struct timeval tv = {0, 100 * 1000};
    CHECK_TRUE(setsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    struct timeval back = {0, 0};
    socklen_t blen = sizeof back;
    CHECK_TRUE(getsockopt(u, SOL_SOCKET, SO_RCVTIMEO, &back, &blen) == 0 &&
               back.tv_usec == 100 * 1000 && back.tv_sec == 0);
    long t0 = now_ms();
    char buf[8];
    CHECK_ERRNO(recv(u, buf, sizeof buf, 0), EAGAIN);
    long waited = now_ms() - t0;
    CHECK("SO_RCVTIMEO waited", waited >= 90);
    /* MSG_DONTWAIT on a blocking socket. */
    CHECK_ERRNO(recv(u, buf, sizeof buf, MSG_DONTWAIT), EAGAIN);
    close(u);
}

static void check_epipe(void) {
    struct sockaddr_in a;
    int l = listener4(&a);
    int c;
    int s = tcp_pair(l, &a, &c);
    close(s);
    signal(SIGPIPE, SIG_IGN);
    /* The first send may still go out (the peer answers with RST); then EPIPE. */
    int saw = 0;
    for (int i = 0; i < 50 && !saw; i++) {
        ssize_t r = send(c, "x", 1, MSG_NOSIGNAL);
        if (r == -1 && (errno == EPIPE || errno == ECONNRESET)) saw = 1;
        struct timespec d = {0, 10 * 1000 * 1000};
        nanosleep(&d, NULL);
    }
    CHECK("EPIPE after the peer closed", saw);
    close(c);
    close(l);
}

static void check_udp(void) {
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in aa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in ba = aa;
    CHECK_TRUE(bind(a, (struct sockaddr*)&aa, sizeof aa) == 0);
    CHECK_TRUE(bind(b, (struct sockaddr*)&ba, sizeof ba) == 0);
    socklen_t len = sizeof aa;
    CHECK_TRUE(getsockname(a, (struct sockaddr*)&aa, &len) == 0);
    len = sizeof ba;
    CHECK_TRUE(getsockname(b, (struct sockaddr*)&ba, &len) == 0);
    CHECK_TRUE(sendto(a, "ping", 4, 0, (struct sockaddr*)&ba, sizeof ba) == 4);
    char buf[64];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    CHECK_TRUE(recvfrom(b, buf, sizeof buf, 0, (struct sockaddr*)&from, &flen) == 4);
    CHECK_TRUE(memcmp(buf, "ping", 4) == 0 && flen == sizeof from && from.sin_port == aa.sin_port);
    /* recvmsg with two iovecs; a datagram larger than the buffer is cut (MSG_TRUNC). */
    CHECK_TRUE(sendto(b, "0123456789", 10, 0, (struct sockaddr*)&aa, sizeof aa) == 10);
    char x[3], y[3];
    struct iovec iov[2] = {{x, 3}, {y, 3}};
    struct sockaddr_in src;
    struct msghdr m = {
        .msg_name = &src, .msg_namelen = sizeof src, .msg_iov = iov, .msg_iovlen = 2};
    CHECK_TRUE(recvmsg(a, &m, 0) == 6);
    CHECK_TRUE(memcmp(x, "012", 3) == 0 && memcmp(y, "345", 3) == 0);
    CHECK_TRUE((m.msg_flags & MSG_TRUNC) && m.msg_namelen == sizeof src &&
               src.sin_port == ba.sin_port);
    CHECK_TRUE(sendto(b, "abcdef", 6, 0, (struct sockaddr*)&aa, sizeof aa) == 6);
    CHECK_TRUE(recv(a, buf, 2, MSG_TRUNC) == 6);
    /* A connected UDP socket: send/recv without addresses. */
    CHECK_TRUE(connect(a, (struct sockaddr*)&ba, sizeof ba) == 0);
    CHECK_TRUE(send(a, "c", 1, 0) == 1);
    struct pollfd p = {b, POLLIN, 0};
    CHECK_TRUE(poll(&p, 1, 5000) == 1);
    CHECK_TRUE(recv(b, buf, sizeof buf, 0) == 1 && buf[0] == 'c');
    int type = 0;
    len = sizeof type;
    CHECK_TRUE(getsockopt(a, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM);
    close(a);
    close(b);
}

static void check_ipv6(void) {
    int l = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_TRUE(l >= 0);
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    CHECK_TRUE(bind(l, (struct sockaddr*)&a, sizeof a) == 0);
    CHECK_TRUE(listen(l, 4) == 0);
    socklen_t len = sizeof a;
    CHECK_TRUE(getsockname(l, (struct sockaddr*)&a, &len) == 0 && len == sizeof a);
    int c = socket(AF_INET6, SOCK_STREAM, 0);
    CHECK_TRUE(connect(c, (struct sockaddr*)&a, sizeof a) == 0);
    int s = accept(l, NULL, NULL);
    CHECK_TRUE(s >= 0);
    int one = 1;
    CHECK_TRUE(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) == 0);
    int v = 0;
    len = sizeof v;
    CHECK_TRUE(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0 && v != 0);
    CHECK_TRUE(send(c, "six", 3, 0) == 3);
    char buf[8];
    CHECK_TRUE(recv(s, buf, sizeof buf, 0) == 3 && memcmp(buf, "six", 3) == 0);
    close(s);
    close(c);
    close(l);
}

static void check_bad_input(void) {
    CHECK_EQ("AF_NETLINK", raw(41 /* socket */, 16, SOCK_RAW, 0, 0, 0, 0), -EAFNOSUPPORT);
    CHECK_EQ("socketpair AF_INET", raw(53, AF_INET, SOCK_STREAM, 0, (long)&checks, 0, 0),
             -EOPNOTSUPP);
    CHECK_EQ("bad type flag", raw(41, AF_INET, SOCK_STREAM | 0x100, 0, 0, 0, 0), -EINVAL);
    int p[2];
    CHECK_TRUE(pipe(p) == 0);
    CHECK_EQ("sendto on a pipe", raw(44, p[1], (long)"x", 1, 0, 0, 0), -ENOTSOCK);
    CHECK_EQ("bind on a closed fd", raw(49, 999, 0, 0, 0, 0, 0), -EBADF);
    close(p[0]);
    close(p[1]);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    CHECK_EQ("bind addrlen 1", raw(49, s, (long)&a, 1, 0, 0, 0), -EINVAL);
    CHECK_EQ("bind addrlen 129", raw(49, s, (long)&a, 129, 0, 0, 0), -EINVAL);
    CHECK_EQ("bind bad pointer", raw(49, s, 16, sizeof a, 0, 0, 0), -EFAULT);
    CHECK_EQ("accept4 bad flags", raw(288, s, 0, 0, 0x1, 0, 0), -EINVAL);
    CHECK_EQ("pread on a socket", raw(17, s, (long)&a, 1, 0, 0, 0), -ESPIPE);
    CHECK_EQ("recv unconnected", raw(45, s, (long)&a, 1, MSG_DONTWAIT, 0, 0), -ENOTCONN);
    struct timeval tv = {0, 2000000};
    CHECK_EQ("SO_RCVTIMEO usec 2e6", raw(54, s, SOL_SOCKET, SO_RCVTIMEO, (long)&tv, sizeof tv, 0),
             -EDOM);
    close(s);
}

int main(void) {
    check_nonblocking_connect();
    check_small_reads_and_waitall();
    check_blocking_across_threads();
    check_refused_and_timeouts();
    check_epipe();
    check_udp();
    check_ipv6();
    check_bad_input();
    printf("net-check: %d checks, %d failed\n", checks, failed);
    if (failed == 0) printf("SUCCESS\n");
    return failed == 0 ? 0 : 1;
}
