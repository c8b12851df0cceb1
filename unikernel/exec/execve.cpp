#include "exec/execve.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "arch/x86/fpu.hpp"
#include "arch/x86/gdt.hpp"
#include "arch/x86/pkru.hpp"
#include "domain/app_loader.hpp"
#include "domain/domain.hpp"
#include "elf/elf.hpp"
#include "exec/exec_args.hpp"
#include "exec/script.hpp"
#include "fs/domain_files.hpp"
#include "fs/path_walk.hpp"
#include "lib/string.hpp"
#include "mm/address_space.hpp"
#include "mm/page_table.hpp"
#include "mpk/pkru.hpp"
#include "process/process.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_file.hpp"
#include "task/task.hpp"

namespace uk::exec {
namespace {

constexpr int64_t kAtFdcwd = -100;
constexpr uint64_t kAtSymlinkNofollow = 0x100;
constexpr uint64_t kAtEmptyPath = 0x1000;
constexpr uint64_t kSigDfl = 0, kSigIgn = 1;

// One execve at a time (one CPU, and execve never sleeps); all far too big for a kernel stack.
ArgBuffer g_args;
char g_path[fs::kPathMax];  // the program of the current step (a script's interpreter next)
er::elf::Image g_img;
mm::AddressSpace g_old;  // the caller's image while the new one is built

struct Program {
    const uint8_t* data;  // a tree file: all of it; a /tmp file: its first page (scripts only)
    uint64_t size;
    bool whole;  // data holds the whole file (an ELF may be loaded from it)
};

// What `n` holds, for execution: 0, or -EACCES (not a regular file, no execute bit).
int open_node(fs::NodeRef n, Program* out) {
    fs::DomainFiles& df = sys::files();
    fs::Tree t = df.tree();
    uint32_t mode = t.mode(n);
    if ((mode & fs::kIfmt) != fs::kIfreg || (mode & 0111) == 0) return -kEACCES;
    if (n.kind == fs::NodeKind::ro) {
        er_fs_entry e = df.ro.entry(n.ro);
        *out = Program{df.ro.data(e), e.size, true};
        return 0;
    }
    if (n.kind == fs::NodeKind::tmp) {
        // /tmp is writable and unmeasured: its files may be scripts (a measured interpreter
        // reads them as data) but never native code, as on a noexec mount (docs/guest.md).
        uint64_t len = 0;
        const uint8_t* p = df.fs(n).read_span(n.tmp, 0, &len);
        static const uint8_t kZeros[2] = {0, 0};
        *out = Program{p != nullptr ? p : kZeros, p != nullptr ? len : (len < 2 ? len : 2), false};
        return 0;
    }
    return -kEACCES;
}

int open_path(int64_t dirfd, const char* path, size_t len, bool follow, Program* out) {
    fs::NodeRef n;
    if (int r = sys::lookup_at(dirfd, path, len, follow, &n); r != 0) return r;
    return open_node(n, out);
}

bool mentions(const char* s, const char* word) {
    size_t n = strlen(word), m = strlen(s);
    for (size_t i = 0; i + n <= m; i++) {
        if (memcmp(s + i, word, n) == 0) return true;
    }
    return false;
}

// The loader's one-line reasons, as the errno execve gives for them.
int64_t load_errno(const char* why) {
    if (mentions(why, "memory")) return -kENOMEM;
    if (mentions(why, "too large")) return -kE2BIG;
    return -kENOEXEC;
}

// Makes p's address space the one the CPU uses (CR3, and PKRU for its key), without the rest of
// a task switch: the loader writes the new stack through user_access.
void use_space(process::Process& p) {
    x86::write_cr3(p.cr3);  // no bit 63: this PCID's old entries go
    p.cr3_loaded = false;   // and the next switch to it flushes again
    if (x86::g_cpu.pku) x86::force_pkru(er::mpk::pkru_only(p.as.pkey()));
}

// Caught signals go back to their default action; ignored ones stay ignored; the mask and the
// pending signals stay (POSIX execve).  The alternate stack is gone with the old image.
void reset_signals(task::Task& t) {
    signal::ProcessSignals& ps = signal::process_of(t);
    for (auto& a : ps.action) {
        if (a.handler != kSigDfl && a.handler != kSigIgn) a = signal::Action{};
    }
    signal::ThreadSignals& ts = signal::thread_of(t);
    ts.alt_sp = ts.alt_size = 0;
    ts.alt_flags = 0;
}

// Builds the new image in a fresh address space and, only once it is complete, frees the old
// one.  On failure the caller's image is back as it was.
int64_t replace_image(task::Task& t, const Program& prog) {
    process::Process& p = *t.proc;
    domain::Domain& d = *t.dom;
    uint64_t old_cr3 = p.cr3, old_brk_start = p.brk_start, old_brk = p.brk;
    g_old = p.as;
    // Whatever the backend, the new image gets a root of its own holding nothing but itself
    // (docs/mpk.md "Processes"): with PCID it runs as PCID 0, flushed on every load, because
    // the PCID it had may be its MPK space's, shared with other domains.
    if (!p.as.init(&d.account)) {
        p.as = g_old;
        return -kENOMEM;
    }
    p.cr3 = p.as.cr3();
    use_space(p);

    uint8_t random[16];
    sys::random_bytes(random, sizeof random);
    domain::AppFile file{prog.data, prog.size};
    domain::EntryState entry{};
    const char* why = domain::load_app(p, g_img, file, g_args.blob(), random, &entry);
    if (why != nullptr) {
        x86::write_cr3(mm::g_kernel_pt.root());
        p.as.destroy();
        p.as = g_old;
        p.cr3 = old_cr3;
        p.cr3_loaded = false;
        p.brk_start = old_brk_start;
        p.brk = old_brk;
        use_space(p);
        return load_errno(why);
    }
    // The new image is complete: the old one goes (its root is no longer in CR3).
    g_old.destroy();

    fs::close_on_exec(p.files, p.files.fds);
    reset_signals(t);
    t.fs_base = 0;
    x86::wrmsr(x86::kMsrFsBase, 0);
    // A clean FPU state, as at a domain's first entry (Linux clears it at exec too).
    x86::fpu::init_area(t.fpu);
    x86::fpu::restore(t.fpu);
    // Every register but rip and rsp starts at zero (rdx = 0: no atexit function), as at a
    // domain's first entry.
    x86::TrapFrame& f = *t.frame;
    uint64_t vector = f.vector;
    f = x86::TrapFrame{};
    f.vector = vector;
    f.rip = entry.rip;
    f.rsp = entry.rsp;
    f.cs = x86::kUserCs;
    f.ss = x86::kUserDs;
    f.rflags = x86::kRflagsIf | 0x2;
    return 0;
}

// /proc/self/exe and the like: the path the new image was found under, made absolute.
void note_exe(fs::DomainFiles& df, const char* path, size_t len) {
    size_t n = 0;
    if (len == 0 || path[0] != '/') {
        int64_t cwd_len = fs::path_of(df.tree(), df.cwd, df.exe_path, fs::kExePathMax);
        if (cwd_len > 0) {
            n = size_t(cwd_len) - 1;  // without its NUL
            if (n > 0 && df.exe_path[n - 1] != '/' && n < fs::kExePathMax) df.exe_path[n++] = '/';
        }
    }
    if (len > fs::kExePathMax - n) len = fs::kExePathMax - n;
    memcpy(df.exe_path + n, path, len);
    df.exe_len = uint32_t(n + len);
}

int64_t do_execve(int64_t dirfd, uint64_t user_path, uint64_t argv, uint64_t envp, uint64_t flags) {
    if (flags & ~(kAtSymlinkNofollow | kAtEmptyPath)) return -kEINVAL;
    task::Task& t = task::current();
    // Linux ends the other threads first (de_thread); threads of an exec'ing process are not
    // supported yet.
    if (t.proc->live_tasks > 1) return -kEAGAIN;
    size_t len = 0;
    if (int r = sys::copy_path(user_path, g_path, &len); r != 0) return r;
    // The strings live in the old image: gathered before anything else happens to it.
    if (int r = gather_args(argv, envp, g_args); r != 0) return r;

    Program prog{};
    if (len == 0 && (flags & kAtEmptyPath)) {
        fs::NodeRef n;
        if (int r = sys::start_dir(dirfd, &n); r != 0 && r != -kENOTDIR) return r;
        fs::OpenFile* f = sys::files().fds.get(dirfd);
        if (f == nullptr || f->kind != fs::FileKind::node) return -kEBADF;
        if (int r = open_node(f->node, &prog); r != 0) return r;
    } else {
        bool follow = !(flags & kAtSymlinkNofollow);
        if (int r = open_path(dirfd, g_path, len, follow, &prog); r != 0) return r;
    }
    // Scripts: the interpreter (itself maybe a script, up to kScriptDepthMax levels) runs with
    // the script's path as its argument.
    for (int depth = 0; is_script(prog.data, prog.size); depth++) {
        if (depth == kScriptDepthMax) return -kELOOP;
        Shebang sb{};
        uint64_t head = prog.size < kScriptHeadMax ? prog.size : kScriptHeadMax;
        if (int r = parse_shebang(prog.data, head, &sb); r != 0) return r;
        if (sb.interp_len >= fs::kPathMax) return -kENAMETOOLONG;
        if (int r = g_args.replace_argv0(sb.interp, sb.interp_len, sb.arg, sb.arg_len, g_path, len);
            r != 0)
            return r;
        if (!g_args.fits_stack()) return -kE2BIG;
        memcpy(g_path, sb.interp, sb.interp_len);  // sb points into the file, not into g_path
        len = sb.interp_len;
        if (int r = open_path(kAtFdcwd, g_path, len, true, &prog); r != 0) return r;
    }
    if (!prog.whole) return -kEACCES;  // native code from /tmp (see open_node)
    if (er::elf::parse(prog.data, prog.size, &g_img) != er::elf::Status::ok) return -kENOEXEC;
    if (int64_t r = replace_image(t, prog); r != 0) return r;
    note_exe(t.proc->files, g_path, len);
    return 0;
}

}  // namespace

int64_t sys_execve(const sys::Args& a) {
    return do_execve(kAtFdcwd, a.a0, a.a1, a.a2, 0);
}

int64_t sys_execveat(const sys::Args& a) {
    return do_execve(int64_t(a.a0), a.a1, a.a2, a.a3, a.a4);
}

}  // namespace uk::exec
