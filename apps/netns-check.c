/* Probes which network a process is in, for the docker end-to-end cases of issue 19
 * (tests/e2e/run-cases.sh `port` and `netnone`): in a container it shows what the container's
 * network namespace holds, natively in the test VM it is the other end.  Every connect is
 * non-blocking with a 5 s bound, so no probe can hang.  One line per result on stdout (flushed:
 * docker logs reads it while the program runs).
 *
 *   netns-check connect ADDR PORT       "connect ADDR:PORT: ok" or ": ENAME"; exit 0 when connected
 *   netns-check lo-only ADDR:PORT...    "hostname: H" (first line of /etc/hostname, "-" without),
 *                                       "loopback: ok" (listen, connect, accept and a byte both
 *                                       ways on 127.0.0.1) or "loopback: FAIL ...", then connects
 *                                       to each ADDR:PORT, printed as above; exit 0 when loopback
 *                                       works and every connect fails
 *   netns-check listen ADDR PORT SECS   listens on ADDR:PORT, prints "listening", accepts (and
 *                                       closes) for SECS seconds, then "accepted N"; exit 0 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char* errno_name(int e) {
    switch (e) {
        case ECONNREFUSED:
            return "ECONNREFUSED";
        case ENETUNREACH:
            return "ENETUNREACH";
        case EHOSTUNREACH:
            return "EHOSTUNREACH";
        case ETIMEDOUT:
            return "ETIMEDOUT";
        case EADDRNOTAVAIL:
            return "EADDRNOTAVAIL";
        case EACCES:
            return "EACCES";
        case EPERM:
            return "EPERM";
        case ENOSYS:
            return "ENOSYS";
        case EAFNOSUPPORT:
            return "EAFNOSUPPORT";
        case ENETDOWN:
            return "ENETDOWN";
        default: {
            static char buf[24];
            snprintf(buf, sizeof buf, "errno %d", e);
            return buf;
        }
    }
}

static int address(const char* ip, const char* port, struct sockaddr_in* a) {
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)atoi(port));
    return inet_pton(AF_INET, ip, &a->sin_addr) == 1 ? 0 : -1;
}

/* 0 when connected within 5 s, else the errno. */
static int try_connect(const struct sockaddr_in* a) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) return errno;
    int err = 0;
    if (connect(s, (const struct sockaddr*)a, sizeof *a) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            struct pollfd p = {s, POLLOUT, 0};
            int n = poll(&p, 1, 5000);
            socklen_t len = sizeof err;
            if (n == 0) {
                err = ETIMEDOUT;
            } else if (n < 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
                err = errno;
            }
        }
    }
    close(s);
    return err;
}

static int report_connect(const char* ip, const char* port) {
    struct sockaddr_in a;
    if (address(ip, port, &a) != 0) {
        printf("connect %s:%s: not an IPv4 address\n", ip, port);
        return EINVAL;
    }
    int err = try_connect(&a);
    printf("connect %s:%s: %s\n", ip, port, err == 0 ? "ok" : errno_name(err));
    fflush(stdout);
    return err;
}

static int listener(const struct sockaddr_in* a) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s, (const struct sockaddr*)a, sizeof *a) != 0 || listen(s, 8) != 0)
        return -1;
    return s;
}

/* Listen, connect, accept, one byte each way on 127.0.0.1 (an ephemeral port). */
static const char* loopback_check(void) {
    struct sockaddr_in a;
    address("127.0.0.1", "0", &a);
    int l = listener(&a);
    if (l < 0) return "listen on 127.0.0.1";
    socklen_t len = sizeof a;
    if (getsockname(l, (struct sockaddr*)&a, &len) != 0) return "getsockname";
    int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, (struct sockaddr*)&a, sizeof a) != 0) return "connect to it";
    int s = accept(l, NULL, NULL);
    if (s < 0) return "accept";
    char b = 0;
    if (write(c, "p", 1) != 1 || read(s, &b, 1) != 1 || b != 'p') return "client to server";
    if (write(s, "q", 1) != 1 || read(c, &b, 1) != 1 || b != 'q') return "server to client";
    close(s);
    close(c);
    close(l);
    return NULL;
}

static int lo_only(int n, char** targets) {
    char host[256] = "-";
    FILE* f = fopen("/etc/hostname", "r");
    if (f) {
        if (!fgets(host, sizeof host, f)) strcpy(host, "-");
        host[strcspn(host, "\n")] = 0;
        fclose(f);
    }
    printf("hostname: %s\n", host);
    const char* failed = loopback_check();
    if (failed) {
        printf("loopback: FAIL %s: %s\n", failed, errno_name(errno));
    } else {
        printf("loopback: ok\n");
    }
    fflush(stdout);
    int reached = 0;
    for (int i = 0; i < n; i++) {
        char ip[64];
        const char* colon = strrchr(targets[i], ':');
        size_t len = colon ? (size_t)(colon - targets[i]) : 0;
        if (!colon || len >= sizeof ip) {
            printf("%s: not ADDR:PORT\n", targets[i]);
            reached++;
            continue;
        }
        memcpy(ip, targets[i], len);
        ip[len] = 0;
        if (report_connect(ip, colon + 1) == 0) reached++;
    }
    return !failed && reached == 0 ? 0 : 1;
}

static int hold(const char* ip, const char* port, int secs) {
    struct sockaddr_in a;
    if (address(ip, port, &a) != 0) return 2;
    int l = listener(&a);
    if (l < 0) {
        printf("listen %s:%s: %s\n", ip, port, errno_name(errno));
        return 1;
    }
    printf("listening\n");
    fflush(stdout);
    int accepted = 0;
    time_t end = time(NULL) + secs;
    while (time(NULL) < end) {
        struct pollfd p = {l, POLLIN, 0};
        if (poll(&p, 1, 200) == 1) {
            int s = accept(l, NULL, NULL);
            if (s >= 0) {
                accepted++;
                close(s);
            }
        }
    }
    printf("accepted %d\n", accepted);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 4 && strcmp(argv[1], "connect") == 0)
        return report_connect(argv[2], argv[3]) ? 1 : 0;
    if (argc >= 3 && strcmp(argv[1], "lo-only") == 0) return lo_only(argc - 2, argv + 2);
    if (argc == 5 && strcmp(argv[1], "listen") == 0) return hold(argv[2], argv[3], atoi(argv[4]));
    fprintf(
        stderr,
        "usage: netns-check connect ADDR PORT | lo-only ADDR:PORT... | listen ADDR PORT SECS\n");
    return 2;
}
