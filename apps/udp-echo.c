// udp-echo: a UDP echo server and its checking client, for the network tests
// (tests/integration/net_test.cpp).  Either half runs in a domain or as a plain process.
//
//   udp-echo server ADDR PORT    echo every datagram to its sender until one reads "quit"
//   udp-echo client ADDR PORT N  send N datagrams of 1 to 65507 bytes, one at a time, and check
//                                each echo (bytes and the sender's address); then send "quit"
//
// ADDR is a numeric IPv4 or IPv6 address (127.0.0.1, ::1).  The server prints
// "udp-echo: bound ADDR PORT" once its socket is bound and "udp-echo: echoed N datagrams (B
// bytes)" at the end; the client "udp-echo: N of N echoed".  Exit 0 only when all went right.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { kMaxDatagram = 65507 };
static unsigned char g_buf[kMaxDatagram + 1];
static unsigned char g_want[kMaxDatagram];

static int parse_addr(const char* text, const char* port, struct sockaddr_storage* ss,
                      socklen_t* len) {
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in* in4 = (struct sockaddr_in*)ss;
    struct sockaddr_in6* in6 = (struct sockaddr_in6*)ss;
    if (inet_pton(AF_INET, text, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((unsigned short)atoi(port));
        *len = sizeof *in4;
        return AF_INET;
    }
    if (inet_pton(AF_INET6, text, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((unsigned short)atoi(port));
        *len = sizeof *in6;
        return AF_INET6;
    }
    fprintf(stderr, "udp-echo: %s is not a numeric IPv4 or IPv6 address\n", text);
    exit(2);
}

static int serve(int fd) {
    unsigned long count = 0, bytes = 0;
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        ssize_t n = recvfrom(fd, g_buf, sizeof g_buf, 0, (struct sockaddr*)&peer, &plen);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("udp-echo: recvfrom");
            return 1;
        }
        int last = n == 4 && memcmp(g_buf, "quit", 4) == 0;
        if (sendto(fd, last ? (const void*)"bye" : g_buf, last ? 3 : (size_t)n, 0,
                   (struct sockaddr*)&peer, plen) < 0) {
            perror("udp-echo: sendto");
            return 1;
        }
        if (last) break;
        count++;
        bytes += (unsigned long)n;
    }
    printf("udp-echo: echoed %lu datagrams (%lu bytes)\n", count, bytes);
    return 0;
}

// The i-th datagram: its size runs through the edges (1 byte, an Ethernet MTU, the largest) and
// sizes in between; its first 4 bytes are i, so a late echo of an earlier one is recognised.
static size_t fill(unsigned i) {
    static const size_t edges[] = {1, 4, 1472, 1473, 9000, 32768, 65536 - 29, kMaxDatagram};
    size_t n = i < sizeof edges / sizeof edges[0] ? edges[i] : 4 + (i * 7919u) % 60000u;
    if (n > kMaxDatagram) n = kMaxDatagram;
    for (size_t k = 0; k < n; k++) g_want[k] = (unsigned char)(i * 31u + k * 7u);
    if (n >= 4) memcpy(g_want, &i, 4);
    return n;
}

static int same_peer(const struct sockaddr_storage* a, const struct sockaddr_storage* b) {
    if (a->ss_family != b->ss_family) return 0;
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void*)a, *y = (const void*)b;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    const struct sockaddr_in6 *x = (const void*)a, *y = (const void*)b;
    return x->sin6_port == y->sin6_port && memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
}

// Waits up to 5 s for a datagram from the server; returns its length, or -1.
static ssize_t receive(int fd, const struct sockaddr_storage* server) {
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) != 1) return -1;
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n = recvfrom(fd, g_buf, sizeof g_buf, 0, (struct sockaddr*)&from, &flen);
        if (n < 0) return -1;
        if (same_peer(&from, server)) return n;
        fprintf(stderr, "udp-echo: a datagram from another address than the server's\n");
    }
}

static int client(int fd, const struct sockaddr_storage* server, socklen_t slen, unsigned count) {
    unsigned echoed = 0;
    for (unsigned i = 0; i < count; i++) {
        size_t n = fill(i);
        int got = 0;
        for (int attempt = 0; attempt < 3 && !got; attempt++) {
            if (sendto(fd, g_want, n, 0, (const struct sockaddr*)server, slen) != (ssize_t)n) {
                perror("udp-echo: sendto");
                return 1;
            }
            ssize_t r;
            while ((r = receive(fd, server)) >= 0) {
                unsigned seq = 0;
                if (r >= 4) memcpy(&seq, g_buf, 4);
                if (n >= 4 && r >= 4 && seq < i) continue;  // a late echo of a resent datagram
                if ((size_t)r != n || memcmp(g_buf, g_want, n) != 0) {
                    fprintf(stderr,
                            "udp-echo: datagram %u: %zd bytes back, %zu sent, or other bytes\n", i,
                            r, n);
                    return 1;
                }
                got = 1;
                break;
            }
        }
        if (!got) {
            fprintf(stderr, "udp-echo: datagram %u (%zu bytes): no echo after 3 tries\n", i, n);
            return 1;
        }
        echoed++;
    }
    sendto(fd, "quit", 4, 0, (const struct sockaddr*)server, slen);
    ssize_t r = receive(fd, server);
    while (r >= 0 && !(r == 3 && memcmp(g_buf, "bye", 3) == 0)) r = receive(fd, server);
    printf("udp-echo: %u of %u echoed%s\n", echoed, count, r < 0 ? " (no bye)" : "");
    return echoed == count && r >= 0 ? 0 : 1;
}

int main(int argc, char** argv) {
    int is_server = argc == 4 && strcmp(argv[1], "server") == 0;
    if (!is_server && !(argc == 5 && strcmp(argv[1], "client") == 0)) {
        fprintf(stderr, "usage: udp-echo server ADDR PORT | udp-echo client ADDR PORT N\n");
        return 2;
    }
    struct sockaddr_storage addr;
    socklen_t len;
    int family = parse_addr(argv[2], argv[3], &addr, &len);
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("udp-echo: socket");
        return 1;
    }
    if (!is_server) return client(fd, &addr, len, (unsigned)atoi(argv[4]));
    if (bind(fd, (struct sockaddr*)&addr, len) < 0) {
        perror("udp-echo: bind");
        return 1;
    }
    printf("udp-echo: bound %s %s\n", argv[2], argv[3]);
    fflush(stdout);
    return serve(fd);
}
