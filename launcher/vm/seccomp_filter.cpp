#include "launcher/vm/seccomp_filter.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/kvm/uapi.hpp"
#include "launcher/vm/console.hpp"

// A sanitizer runtime makes calls of its own (LeakSanitizer's exit check clones and ptraces).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ER_SANITIZER_RUNTIME 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
    __has_feature(memory_sanitizer)
#define ER_SANITIZER_RUNTIME 1
#endif
#endif

namespace er::launcher {
namespace {

// The SIGSYS handler ends the process with this call, which the filter kills outright
// (SCMP_ACT_KILL_PROCESS).  A VMM never loads a kernel, so nothing else can mean it.
constexpr int kDieSyscall = SYS_kexec_load;

// Syscall names for the SIGSYS line, resolved before loading: the handler may not allocate.
constexpr int kNamedSyscalls = 512;
constexpr size_t kNameLen = 32;
char g_names[kNamedSyscalls][kNameLen];

void resolve_names() {
    for (int nr = 0; nr < kNamedSyscalls; ++nr) {
        char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
        if (name == nullptr) continue;
        std::strncpy(g_names[nr], name, kNameLen - 1);
        std::free(name);
    }
}

// Async-signal-safe: appends `text` to buf at *len.
void put(char* buf, size_t cap, size_t* len, const char* text) {
    while (*text != '\0' && *len < cap) buf[(*len)++] = *text++;
}

void put_number(char* buf, size_t cap, size_t* len, long value) {
    char digits[24];
    size_t n = 0;
    unsigned long v = value < 0 ? 0ul - static_cast<unsigned long>(value) : value;
    do {
        digits[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0 && n < sizeof digits);
    if (value < 0 && *len < cap) buf[(*len)++] = '-';
    while (n > 0 && *len < cap) buf[(*len)++] = digits[--n];
}

void on_sigsys(int, siginfo_t* info, void*) {
    int nr = info->si_syscall;
    char line[192];
    size_t len = 0;
    put(line, sizeof line, &len, "enclave-run: seccomp: the run loop made system call ");
    if (nr >= 0 && nr < kNamedSyscalls && g_names[nr][0] != '\0') {
        put(line, sizeof line, &len, g_names[nr]);
        put(line, sizeof line, &len, " (");
        put_number(line, sizeof line, &len, nr);
        put(line, sizeof line, &len, ")");
    } else {
        put_number(line, sizeof line, &len, nr);
    }
    put(line, sizeof line, &len,
        ", which is not on its allowlist; the launcher is killed (SIGSYS)\n");
    ssize_t ignored = ::write(STDERR_FILENO, line, len);
    (void)ignored;
    ::syscall(kDieSyscall, 0, 0, 0, 0);
    ::_exit(159);  // not reached: 128 + SIGSYS, as a shell would report the kill
}

scmp_arg_cmp arg_eq(unsigned arg, uint64_t value) {
    return scmp_arg_cmp{arg, SCMP_CMP_EQ, value, 0};
}

// Argument `arg` has none of the bits in `mask`.
scmp_arg_cmp arg_without(unsigned arg, uint64_t mask) {
    return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, mask, 0};
}

void add_rule(scmp_filter_ctx ctx, uint32_t action, int nr,
              std::initializer_list<scmp_arg_cmp> args, const char* what) {
    int rc =
        seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(args.size()), args.begin());
    if (rc != 0) throw Error(std::string("cannot add the rule for ") + what, "seccomp", -rc);
}

void allow(scmp_filter_ctx ctx, int nr, const char* what,
           std::initializer_list<scmp_arg_cmp> args = {}) {
    add_rule(ctx, SCMP_ACT_ALLOW, nr, args, what);
}

void build_allowlist(scmp_filter_ctx ctx, const RunLoopAllowance& allowance,
                     const std::optional<CommitFds>& commit) {
    // The vCPU and nothing else of KVM: no new memory slots, no new vCPUs, no other VM.
    // KVM_GET_REGS names the guest rip in an error line; KVM_GET_MSRS reads the guest TSC for
    // the time hypercall.
    for (unsigned long request : {static_cast<unsigned long>(KVM_RUN),
                                  static_cast<unsigned long>(KVM_GET_REGS), uapi::kGetMsrs}) {
        allow(ctx, SCMP_SYS(ioctl), "ioctl",
              {arg_eq(0, static_cast<uint64_t>(allowance.vcpu_fd)), arg_eq(1, request)});
    }
    // Guest output and the launcher's own lines.
    for (int fd : allowance.write_fds) {
        allow(ctx, SCMP_SYS(write), "write", {arg_eq(0, static_cast<uint64_t>(fd))});
        allow(ctx, SCMP_SYS(writev), "writev", {arg_eq(0, static_cast<uint64_t>(fd))});
    }
    // Memory for the launcher's own heap (strings, the summary), never executable.
    allow(ctx, SCMP_SYS(mmap), "mmap", {arg_without(2, PROT_EXEC)});
    allow(ctx, SCMP_SYS(mprotect), "mprotect", {arg_without(2, PROT_EXEC)});
    for (int nr : {SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise)})
        allow(ctx, nr, "memory");
    // Time for the guest's clock hypercalls (the vDSO falls back to these when the clocksource
    // cannot be read in user space, as in a nested VM).
    for (int nr : {SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(clock_getres)})
        allow(ctx, nr, "clock");
    // --timeout: the SIGALRM handler returns through rt_sigreturn; RunTimeout's destructor
    // disarms its timer and restores the old SIGALRM action.  abort() (std::terminate) may
    // still signal this process, and no other.
    for (int nr :
         {SCMP_SYS(rt_sigreturn), SCMP_SYS(restart_syscall), SCMP_SYS(rt_sigprocmask),
          SCMP_SYS(timer_settime), SCMP_SYS(timer_delete), SCMP_SYS(getpid), SCMP_SYS(gettid)})
        allow(ctx, nr, "signals");
    for (int sig : {SIGALRM, SIGABRT})
        allow(ctx, SCMP_SYS(rt_sigaction), "rt_sigaction", {arg_eq(0, sig)});
    allow(ctx, SCMP_SYS(tgkill), "tgkill", {arg_eq(0, static_cast<uint64_t>(::getpid()))});
    // The end: fds and mappings released, --stats' peak RSS and open fds (F_GETFD: whether an
    // fd is open, and nothing else), the exit.
    for (int nr : {SCMP_SYS(close), SCMP_SYS(getrusage), SCMP_SYS(futex), SCMP_SYS(exit),
                   SCMP_SYS(exit_group)})
        allow(ctx, nr, "exit");
    allow(ctx, SCMP_SYS(fcntl), "fcntl", {arg_eq(1, F_GETFD)});
    // --confidential sim: the software PSP signs reports while the guest runs, and OpenSSL's
    // DRBG may reseed from the kernel then.  getrandom reads no file and names no object.
    allow(ctx, SCMP_SYS(getrandom), "getrandom");
    // --evidence: the bundle is committed when the guest sends it, mid-run (CommitFds).
    if (commit) {
        auto dir = static_cast<uint64_t>(commit->dir_fd);
        auto file = static_cast<uint64_t>(commit->file_fd);
        for (int nr : {SCMP_SYS(fsync), SCMP_SYS(fdatasync)})
            allow(ctx, nr, "fsync", {arg_eq(0, file)});
        for (int nr : {SCMP_SYS(renameat), SCMP_SYS(renameat2)})
            allow(ctx, nr, "renameat", {arg_eq(0, dir), arg_eq(2, dir)});
        allow(ctx, SCMP_SYS(unlinkat), "unlinkat", {arg_eq(0, dir), arg_eq(2, 0)});
    }
    // ER_HC_NET (docs/network.md "Host side"): operations on the host sockets that the socket
    // factories made and sent over their channels (sendmsg/recvmsg, SCM_RIGHTS).  socket() and
    // setns() stay out: the run loop can neither make a socket nor enter another network
    // namespace.  accept4 only as the NetServer calls it; options only at the four levels the
    // whitelist (socket_options.hpp) names; ioctl only FIONREAD; fcntl only F_SETFL O_NONBLOCK
    // (a received socket is made non-blocking whatever its sender did).
    for (int nr : {SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(connect), SCMP_SYS(sendto),
                   SCMP_SYS(recvfrom), SCMP_SYS(sendmsg), SCMP_SYS(recvmsg), SCMP_SYS(shutdown),
                   SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(ppoll)})
        allow(ctx, nr, "sockets");
    allow(ctx, SCMP_SYS(accept4), "accept4", {arg_eq(3, SOCK_NONBLOCK | SOCK_CLOEXEC)});
    for (int level :
         std::initializer_list<int>{SOL_SOCKET, IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6}) {
        allow(ctx, SCMP_SYS(setsockopt), "setsockopt", {arg_eq(1, static_cast<uint64_t>(level))});
        allow(ctx, SCMP_SYS(getsockopt), "getsockopt", {arg_eq(1, static_cast<uint64_t>(level))});
    }
    allow(ctx, SCMP_SYS(ioctl), "ioctl", {arg_eq(1, FIONREAD)});
    allow(ctx, SCMP_SYS(fcntl), "fcntl", {arg_eq(1, F_SETFL), arg_eq(2, O_NONBLOCK)});
    for (pid_t pid : allowance.factory_pids)
        allow(ctx, SCMP_SYS(wait4), "wait4", {arg_eq(0, static_cast<uint64_t>(pid))});
    add_rule(ctx, SCMP_ACT_KILL_PROCESS, kDieSyscall, {}, "the SIGSYS handler's end");
}

bool env_is_one(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && std::strcmp(value, "1") == 0;
}

}  // namespace

SeccompFilter::SeccompFilter(const RunLoopAllowance& allowance, std::optional<CommitFds> commit)
    : ctx_(seccomp_init(SCMP_ACT_TRAP)) {
    if (ctx_ == nullptr) throw Error("cannot set up a filter", "seccomp");
    try {
        int rc = seccomp_attr_set(ctx_, SCMP_FLTATR_CTL_NNP, 1);
        // An x32 or i386 call could name a different system call under the same number.
        if (rc == 0) rc = seccomp_attr_set(ctx_, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
        if (rc != 0) throw Error("cannot set the filter's attributes", "seccomp", -rc);
        build_allowlist(ctx_, allowance, commit);
    } catch (...) {
        seccomp_release(ctx_);
        throw;
    }
}

SeccompFilter::~SeccompFilter() {
    seccomp_release(ctx_);
}

void SeccompFilter::load() {
    resolve_names();
    struct sigaction action {};
    action.sa_sigaction = on_sigsys;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO;
    if (::sigaction(SIGSYS, &action, nullptr) != 0) throw_errno("failed", "sigaction SIGSYS");
    sigset_t sigsys;
    sigemptyset(&sigsys);
    sigaddset(&sigsys, SIGSYS);
    ::sigprocmask(SIG_UNBLOCK, &sigsys, nullptr);
    // Also sets no_new_privs (SCMP_FLTATR_CTL_NNP), which an unprivileged filter requires.
    int rc = seccomp_load(ctx_);
    if (rc != 0) throw Error("cannot load the run loop's filter", "seccomp", -rc);
}

std::vector<int> writable_fds(std::span<const int> except) {
    std::vector<int> candidates;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
        candidates.push_back(std::atoi(entry.path().filename().c_str()));
    }
    if (ec) {  // no /proc: the first fds are where the output files can be
        for (int fd = 0; fd < 1024; ++fd) candidates.push_back(fd);
    }
    std::vector<int> out;
    for (int fd : candidates) {
        if (std::find(except.begin(), except.end(), fd) != except.end()) continue;
        int flags = ::fcntl(fd, F_GETFL);
        if (flags < 0) continue;  // closed (e.g. the directory iterator's own fd, gone now)
        int mode = flags & O_ACCMODE;
        if (mode == O_WRONLY || mode == O_RDWR) out.push_back(fd);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

bool sanitizer_runtime() {
#ifdef ER_SANITIZER_RUNTIME
    return true;
#else
    return false;
#endif
}

void confine_run_loop(int vcpu_fd, std::span<const int> kvm_fds, Console& console,
                      std::optional<CommitFds> commit, std::vector<pid_t> factory_pids) {
    if (env_is_one("ENCLAVE_RUN_NO_SECCOMP")) {
        console.notice("the run loop is not confined (ENCLAVE_RUN_NO_SECCOMP=1; debugging only)");
        return;
    }
#ifdef ER_SANITIZER_RUNTIME
    (void)vcpu_fd;
    (void)kvm_fds;
    (void)commit;
    (void)factory_pids;
#else
    bool probe = env_is_one("ENCLAVE_RUN_SECCOMP_PROBE");
    SeccompFilter filter(RunLoopAllowance{vcpu_fd, writable_fds(kvm_fds), std::move(factory_pids)},
                         commit);
    filter.load();
    if (probe) {
        ::syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY | O_CLOEXEC);
        throw Error("the seccomp probe's openat was not refused");
    }
#endif
}

}  // namespace er::launcher
