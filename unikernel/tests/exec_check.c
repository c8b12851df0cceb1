/* execve from the inside (unikernel/exec/, docs/syscalls.md "Processes").  Run from a tree that
 * holds this binary as /bin/exec-check (tests/integration/exec_test.cpp builds it):
 *
 *   stage 1 (no argument): every refusal (ENOENT, EACCES for a directory, a file without an x
 *     bit and native code in /tmp, ENOEXEC, EFAULT, E2BIG) returns with the image intact; then a
 *     "#!" script in /tmp whose interpreter is /bin/exec-check is exec'd with argv, envp, a
 *     descriptor with and one without O_CLOEXEC, a caught and an ignored signal;
 *   stage 2 ("script-stage", from the #! line): argv and envp as the script rule makes them, the
 *     O_CLOEXEC descriptor closed, the other still open, the caught signal back at SIG_DFL, the
 *     ignored one still ignored, a fresh heap.
 *
 * Each stage prints "exec-check: stage N: C checks, F failed"; the exit status is stage 2's. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "er_check.h"

static const char kMagic[] = "image intact";
static char g_data[64] = "image intact";

static long do_execve(const char* path, char* const* argv, char* const* envp) {
    return raw(SYS_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

static void write_file(const char* path, const void* bytes, size_t n, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK("create a /tmp file", fd >= 0);
    if (fd < 0) return;
    CHECK_EQ("write it", write(fd, bytes, n), (long)n);
    close(fd);
}

/* A copy of this very binary in /tmp: native code the tree did not bring. */
static void copy_self_to_tmp(void) {
    static char buf[1 << 20];
    int in = open("/bin/exec-check", O_RDONLY);
    CHECK("open /bin/exec-check", in >= 0);
    if (in < 0) return;
    long n = read(in, buf, sizeof buf);
    close(in);
    CHECK("read it", n > 0);
    if (n > 0) write_file("/tmp/copy", buf, (size_t)n, 0755);
}

static void on_usr1(int sig) {
    (void)sig;
}

static int stage1(void) {
    char* argv[] = {"x", NULL};
    char* envp[] = {"A=1", NULL};
    static int counter = 41;
    int on_stack = 7;

    CHECK_EQ("missing program", do_execve("/no/such/program", argv, envp), -ENOENT);
    CHECK_EQ("a directory", do_execve("/bin", argv, envp), -EACCES);
    CHECK_EQ("no execute bit", do_execve("/data/noexec", argv, envp), -EACCES);
    CHECK_EQ("not an ELF nor a script", do_execve("/data/text", argv, envp), -ENOEXEC);
    CHECK_EQ("a #! line without an interpreter", do_execve("/data/empty-shebang", argv, envp),
             -ENOEXEC);
    CHECK_EQ("an interpreter that is missing", do_execve("/data/bad-interp", argv, envp), -ENOENT);
    copy_self_to_tmp();
    CHECK_EQ("native code from /tmp (noexec)", do_execve("/tmp/copy", argv, envp), -EACCES);
    CHECK_EQ("unreadable path", raw(SYS_execve, 16, (long)argv, (long)envp, 0, 0, 0), -EFAULT);
    CHECK_EQ("unreadable argv", do_execve("/bin/exec-check", (char* const*)16, envp), -EFAULT);
    char* bad_arg[] = {"x", (char*)16, NULL};
    CHECK_EQ("unreadable argv string", do_execve("/bin/exec-check", bad_arg, envp), -EFAULT);
    static char big[70000];
    memset(big, 'b', sizeof big - 1);
    char* big_env[] = {big, NULL};
    CHECK_EQ("arguments too large", do_execve("/bin/exec-check", argv, big_env), -E2BIG);
    /* After all of that the image is the one we had. */
    CHECK("data intact", strcmp(g_data, kMagic) == 0);
    CHECK_EQ("counter intact", ++counter, 42);
    CHECK_EQ("stack intact", on_stack, 7);

    int keep = open("/data/text", O_RDONLY);
    int gone = open("/data/text", O_RDONLY | O_CLOEXEC);
    CHECK("descriptors", keep >= 0 && gone >= 0);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    CHECK_EQ("catch SIGUSR1", sigaction(SIGUSR1, &sa, NULL), 0);
    sa.sa_handler = SIG_IGN;
    CHECK_EQ("ignore SIGUSR2", sigaction(SIGUSR2, &sa, NULL), 0);
    const char script[] = "#!/bin/exec-check script-stage\necho never run\n";
    write_file("/tmp/s.sh", script, sizeof script - 1, 0755);

    char keep_s[16], gone_s[16];
    snprintf(keep_s, sizeof keep_s, "%d", keep);
    snprintf(gone_s, sizeof gone_s, "%d", gone);
    char* s_argv[] = {"s.sh", "A", keep_s, gone_s, NULL};
    char* s_envp[] = {"EXEC_CHECK=yes", "X=1", NULL};
    printf("exec-check: stage 1: %d checks, %d failed\n", checks, failed);
    fflush(stdout);
    long r = do_execve("/tmp/s.sh", s_argv, s_envp);
    printf("FAIL execve of the script returned %ld\n", r);
    return 1;
}

static int stage2(int argc, char** argv) {
    CHECK_EQ("argc", argc, 6);
    if (argc != 6) return 1;
    CHECK("argv[0] is the interpreter", strcmp(argv[0], "/bin/exec-check") == 0);
    CHECK("argv[2] is the script", strcmp(argv[2], "/tmp/s.sh") == 0);
    CHECK("argv[3] passed on", strcmp(argv[3], "A") == 0);
    const char* e = getenv("EXEC_CHECK");
    CHECK("envp passed on", e != NULL && strcmp(e, "yes") == 0);
    CHECK("only the new environment", getenv("A") == NULL && getenv("X") != NULL);
    int keep = atoi(argv[4]), gone = atoi(argv[5]);
    CHECK_EQ("a plain descriptor stays open", raw(SYS_fcntl, keep, F_GETFD, 0, 0, 0, 0), 0);
    CHECK_EQ("an O_CLOEXEC descriptor is closed", raw(SYS_fcntl, gone, F_GETFD, 0, 0, 0, 0),
             -EBADF);
    struct sigaction old;
    CHECK_EQ("sigaction", sigaction(SIGUSR1, NULL, &old), 0);
    CHECK("a caught signal is back at SIG_DFL", old.sa_handler == SIG_DFL);
    CHECK_EQ("sigaction", sigaction(SIGUSR2, NULL, &old), 0);
    CHECK("an ignored signal stays ignored", old.sa_handler == SIG_IGN);
    CHECK("a fresh data segment", strcmp(g_data, kMagic) == 0);
    char* p = malloc(100000);
    CHECK("the heap works", p != NULL);
    if (p) memset(p, 1, 100000);
    printf("exec-check: stage 2: %d checks, %d failed\n", checks, failed);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
    if (argc > 1 && strcmp(argv[1], "script-stage") == 0) return stage2(argc, argv);
    return stage1();
}
