// The text of /proc's files, in Linux's formats (proc(5)), for the calling domain only: a domain
// is a machine of its own, so "the machine" in meminfo, stat and uptime is the domain (its memory
// limit as its RAM, as a container's cgroup view shows it), and the processes are its own.
// Approximations (docs/guest.md "/proc"): no CPU time is accounted yet (utime, stime and the cpu
// lines are 0), load averages are 0, rss counts every frame the domain holds (page tables too).
#include "proc/proc_files.hpp"

#include "domain/domain.hpp"
#include "process/process.hpp"
#include "lib/format.hpp"
#include "lib/string.hpp"
#include "mm/charged_frames.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/layout.hpp"
#include "mm/user_access.hpp"
#include "proc/proc_tree.hpp"
#include "sys/errno.hpp"
#include "time/clock.hpp"

namespace uk::proc {
namespace {

constexpr uint64_t kTicksPerSec = 100;  // USER_HZ
constexpr uint64_t kNsPerTick = 1'000'000'000 / kTicksPerSec;
constexpr uint64_t kPage = 4096;

// The generated text.  One syscall runs at a time, so one buffer serves every reader; 32 KiB holds
// the longest file (maps: 256 VMAs of about 60 bytes).
char g_text[32 * 1024];

struct Args {
    uint64_t start, end;  // argv strings in the process's memory, NUL-separated
    const domain::Domain* dom;  // whose: a slot is reused by later processes
    uint32_t pid;
};
Args g_args[process::kMaxProcesses];  // by process slot

// The calling domain's processes only: another domain's pids do not exist here.
uint32_t view_pids(uint32_t* out, uint32_t max) {
    const domain::Domain* d = &domain::current();
    uint32_t n = 0;
    for (uint32_t i = 0; i < process::kMaxProcesses && n < max; i++) {
        const process::Process* p = process::at(i);
        if (p == nullptr || p->state == process::State::unused || p->dom != d) continue;
        // Insertion sort: a handful of processes.
        uint32_t k = n++;
        while (k > 0 && out[k - 1] > p->pid) out[k] = out[k - 1], k--;
        out[k] = p->pid;
    }
    return n;
}
bool view_exists(uint32_t pid) {
    return process::find(domain::current(), pid) != nullptr;
}
uint32_t view_self() {
    return process::current().pid;
}
const char* view_exe(uint32_t pid, size_t* len) {
    const process::Process* p = process::find(domain::current(), pid);
    if (p == nullptr) p = &process::current();
    *len = p->files.exe_len;
    return p->files.exe_path;
}

void hexpad(TextBuffer& t, uint64_t v, int width) {
    char d[16];
    int n = 0;
    do {
        d[n++] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    for (int i = n; i < width; i++) t.ch('0');
    while (n > 0) t.ch(d[--n]);
}

// "%lu.%02lu": seconds with hundredths.
void seconds(TextBuffer& t, uint64_t ns) {
    uint64_t cs = ns / 10'000'000;
    t.udec(cs / 100).ch('.');
    if (cs % 100 < 10) t.ch('0');
    t.udec(cs % 100);
}

// The command name: the executable's base name, at most 15 bytes (TASK_COMM_LEN).
void comm(TextBuffer& t, const process::Process& p) {
    const fs::DomainFiles& f = p.files;
    uint32_t b = f.exe_len;
    while (b > 0 && f.exe_path[b - 1] != '/') b--;
    uint32_t n = f.exe_len - b;
    t.str(f.exe_path + b, n > 15 ? 15 : n);
}

struct MemFrames {
    uint64_t total, free, tmp, held, peak;
};

MemFrames mem_frames() {
    domain::Domain& d = domain::current();
    const mm::FrameAccount& acct = d.account;
    const fs::DomainFiles& files = process::current().files;
    MemFrames m{};
    // As sysinfo: a domain with a limit sees it as its RAM; without one, the guest's RAM and what
    // no other domain's limit reserved.
    m.total = mm::g_frames.free_frames() + mm::g_frames.used_frames();
    m.free = mm::unreserved_frames();
    if (acct.limit() != 0) {
        m.total = acct.limit();
        m.free = acct.limit() > acct.held() ? acct.limit() - acct.held() : 0;
    }
    for (uint32_t k = 0; k < files.mounts; k++) m.tmp += files.tmp[k].pages_held();
    m.held = acct.held();
    m.peak = acct.peak();
    return m;
}

uint64_t vm_bytes(const process::Process& p) {
    const mm::VmaSet& v = p.as.vmas();
    uint64_t sum = 0;
    for (size_t i = 0; i < v.size(); i++) sum += v.at(i).end - v.at(i).start;
    return sum;
}

void kb_line(TextBuffer& t, const char* key, uint64_t frames) {
    t.str(key);
    // Right-aligned in the 8-wide column Linux uses after the 16-column key.
    size_t pad = strlen(key) < 16 ? 16 - strlen(key) : 0;
    FixedText<24> num;
    num.udec(frames * (kPage / 1024));
    for (size_t i = 0; i < pad + (num.size() < 8 ? 8 - num.size() : 0); i++) t.ch(' ');
    t.str(num.data(), num.size()).str(" kB\n");
}

void meminfo(TextBuffer& t) {
    MemFrames m = mem_frames();
    kb_line(t, "MemTotal:", m.total);
    kb_line(t, "MemFree:", m.free);
    kb_line(t, "MemAvailable:", m.free);
    kb_line(t, "Buffers:", 0);
    // /tmp and the tmpfs mounts are memory, as Linux counts tmpfs: Cached and Shmem.
    kb_line(t, "Cached:", m.tmp);
    kb_line(t, "SwapCached:", 0);
    kb_line(t, "Active:", m.held);
    kb_line(t, "Inactive:", 0);
    kb_line(t, "SwapTotal:", 0);
    kb_line(t, "SwapFree:", 0);
    kb_line(t, "Dirty:", 0);
    kb_line(t, "AnonPages:", m.held > m.tmp ? m.held - m.tmp : 0);
    kb_line(t, "Mapped:", 0);
    kb_line(t, "Shmem:", m.tmp);
    kb_line(t, "SReclaimable:", 0);
    kb_line(t, "CommitLimit:", m.total);
    kb_line(t, "Committed_AS:", m.held);
}

void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

struct Flag {
    uint8_t reg, bit;  // reg: 0 leaf 1 edx, 1 leaf 1 ecx, 2 leaf 7 ebx, 3 leaf 7 ecx
    const char* name;
};
constexpr Flag kFlags[] = {
    {0, 0, "fpu"},     {0, 4, "tsc"},      {0, 5, "msr"},       {0, 6, "pae"},
    {0, 8, "cx8"},     {0, 9, "apic"},     {0, 11, "sep"},      {0, 13, "pge"},
    {0, 15, "cmov"},   {0, 16, "pat"},     {0, 19, "clflush"},  {0, 23, "mmx"},
    {0, 24, "fxsr"},   {0, 25, "sse"},     {0, 26, "sse2"},     {1, 0, "pni"},
    {1, 1, "pclmulqdq"}, {1, 9, "ssse3"},  {1, 12, "fma"},      {1, 13, "cx16"},
    {1, 17, "pcid"},   {1, 19, "sse4_1"},  {1, 20, "sse4_2"},   {1, 22, "movbe"},
    {1, 23, "popcnt"}, {1, 25, "aes"},     {1, 26, "xsave"},    {1, 28, "avx"},
    {1, 29, "f16c"},   {1, 30, "rdrand"},  {2, 0, "fsgsbase"},  {2, 3, "bmi1"},
    {2, 5, "avx2"},    {2, 7, "smep"},     {2, 8, "bmi2"},      {2, 16, "avx512f"},
    {2, 18, "rdseed"}, {2, 19, "adx"},     {2, 20, "smap"},     {2, 29, "sha_ni"},
    {3, 3, "pku"},     {3, 4, "ospke"},
};

void cpuinfo(TextBuffer& t) {
    uint32_t r0[4], r1[4], r7[4] = {}, brand[12] = {};
    cpuid(0, 0, r0);
    cpuid(1, 0, r1);
    if (r0[0] >= 7) cpuid(7, 0, r7);
    char vendor[13];
    memcpy(vendor, &r0[1], 4), memcpy(vendor + 4, &r0[3], 4), memcpy(vendor + 8, &r0[2], 4);
    vendor[12] = '\0';
    uint32_t ext[4];
    cpuid(0x80000000u, 0, ext);
    if (ext[0] >= 0x80000004u) {
        for (uint32_t i = 0; i < 3; i++) cpuid(0x80000002u + i, 0, &brand[i * 4]);
    }
    uint32_t family = (r1[0] >> 8) & 0xf, model = (r1[0] >> 4) & 0xf;
    if (family == 0xf) family += (r1[0] >> 20) & 0xff;
    if (family >= 6) model |= ((r1[0] >> 16) & 0xf) << 4;
    const char* name = reinterpret_cast<const char*>(brand);
    while (*name == ' ') name++;
    // One vCPU: the guest runs its domains on one CPU.
    t.str("processor\t: 0\nvendor_id\t: ").str(vendor);
    t.str("\ncpu family\t: ").udec(family).str("\nmodel\t\t: ").udec(model);
    size_t name_len = 0;
    while (name_len < 47 && name[name_len] != '\0') name_len++;
    t.str("\nmodel name\t: ").str(name, name_len);
    t.str("\nstepping\t: ").udec(r1[0] & 0xf);
    t.str("\nphysical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0");
    t.str("\nfpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: ").udec(r0[0]);
    t.str("\nwp\t\t: yes\nflags\t\t:");
    const uint32_t regs[4] = {r1[3], r1[2], r7[1], r7[2]};
    for (const Flag& f : kFlags) {
        if ((regs[f.reg] >> f.bit) & 1) t.ch(' ').str(f.name);
    }
    t.str("\nclflush size\t: 64\ncache_alignment\t: 64\naddress sizes\t: 48 bits physical, 48 "
          "bits virtual\npower management:\n\n");
}

void uptime(TextBuffer& t) {
    // The guest's one CPU is idle whenever no domain runs; that is not counted yet: 0.
    seconds(t, time::uptime_ns());
    t.str(" 0.00\n");
}

void stat(TextBuffer& t) {
    uint64_t boot_s = (time::realtime_ns() - time::uptime_ns()) / 1'000'000'000;
    t.str("cpu  0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\nintr 0\nctxt 0\nbtime ");
    t.udec(boot_s).str("\nprocesses 1\nprocs_running 1\nprocs_blocked 0\nsoftirq 0\n");
}

// Where p's arguments lie.  A forked child has its parent's memory, arguments included, until it
// execs (which notes its own): the nearest ancestor's.  nullptr when unknown.
const Args* args_of(const process::Process& p) {
    const process::Process* q = &p;
    while (q != nullptr && !(g_args[q->slot].dom == p.dom && g_args[q->slot].pid == q->pid))
        q = q->parent;
    return q != nullptr ? &g_args[q->slot] : nullptr;
}

char state(const process::Process& p) {
    if (p.state == process::State::zombie) return 'Z';
    return &p == &process::current() ? 'R' : 'S';
}

uint32_t ppid(const process::Process& p) {
    return p.parent != nullptr ? p.parent->pid : 0;
}

void pid_stat(TextBuffer& t, const process::Process& p) {
    domain::Domain& d = domain::current();
    uint64_t start_ticks = d.started ? d.start_ns / kNsPerTick : 0;
    const mm::UserLayout& lay = p.as.layout();
    const Args none{0, 0, nullptr, 0};
    const Args& a = args_of(p) != nullptr ? *args_of(p) : none;
    t.udec(p.pid).str(" (");
    comm(t, p);
    // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
    t.str(") ").ch(state(p)).ch(' ').udec(ppid(p)).ch(' ').udec(p.pgid).ch(' ').udec(p.sid);
    t.str(" 0 -1 4194560 0 0 0 0 ");
    // utime stime cutime cstime priority nice num_threads itrealvalue starttime
    t.str("0 0 0 0 20 0 ").udec(p.live_tasks).str(" 0 ").udec(start_ticks).ch(' ');
    // vsize rss rsslim startcode endcode startstack kstkesp kstkeip
    t.udec(vm_bytes(p)).ch(' ').udec(d.account.held()).str(" 18446744073709551615 0 0 ");
    t.udec(lay.stack_top).str(" 0 0 ");
    // signal blocked sigignore sigcatch wchan nswap cnswap exit_signal processor rt_priority
    // policy delayacct_blkio_ticks guest_time cguest_time
    t.str("0 0 0 0 0 0 0 17 0 0 0 0 0 0 ");
    // start_data end_data start_brk arg_start arg_end env_start env_end exit_code
    t.str("0 0 ").udec(p.brk_start).ch(' ').udec(a.start).ch(' ').udec(a.end);
    t.str(" 0 0 0\n");
}

void pid_statm(TextBuffer& t, const process::Process& p) {
    domain::Domain& d = domain::current();
    t.udec(vm_bytes(p) / kPage).ch(' ').udec(d.account.held()).str(" 0 0 0 0 0\n");
}

void pid_status(TextBuffer& t, const process::Process& p) {
    domain::Domain& d = domain::current();
    uint32_t pid = p.pid;
    t.str("Name:\t");
    comm(t, p);
    uint32_t um = p.files.umask;
    t.str("\nUmask:\t0").udec((um >> 6) & 7).udec((um >> 3) & 7).udec(um & 7);
    char st = state(p);
    t.str("\nState:\t").ch(st).str(st == 'R' ? " (running)" : st == 'Z' ? " (zombie)" : " (sleeping)");
    t.str("\nTgid:\t").udec(pid).str("\nNgid:\t0\nPid:\t").udec(pid);
    t.str("\nPPid:\t").udec(ppid(p)).str("\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t64\nGroups:\t");
    t.str("\nNStgid:\t").udec(pid).str("\nNSpid:\t").udec(pid);
    t.str("\nNSpgid:\t").udec(p.pgid);
    t.str("\nNSsid:\t").udec(p.sid);
    uint64_t vm_kb = vm_bytes(p) / 1024, rss_kb = d.account.held() * (kPage / 1024);
    t.str("\nVmPeak:\t").udec(vm_kb).str(" kB\nVmSize:\t").udec(vm_kb);
    t.str(" kB\nVmHWM:\t").udec(d.account.peak() * (kPage / 1024)).str(" kB\nVmRSS:\t").udec(rss_kb);
    t.str(" kB\nVmStk:\t").udec(mm::kUserStackSize / 1024).str(" kB\nThreads:\t");
    t.udec(p.live_tasks).ch('\n');
    t.str("SigQ:\t0/0\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\n");
    t.str("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\nSigCgt:\t0000000000000000\n");
    t.str("CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\n");
    t.str("CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\n");
    t.str("Cpus_allowed:\t1\nCpus_allowed_list:\t0\n");
    t.str("voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

void pid_maps(TextBuffer& t, const process::Process& d) {
    const mm::VmaSet& v = d.as.vmas();
    const mm::UserLayout& lay = d.as.layout();
    for (size_t i = 0; i < v.size(); i++) {
        const mm::Vma& m = v.at(i);
        hexpad(t, m.start, 8);
        t.ch('-');
        hexpad(t, m.end, 8);
        t.ch(' ').ch(m.prot & mm::kProtRead ? 'r' : '-').ch(m.prot & mm::kProtWrite ? 'w' : '-');
        t.ch(m.prot & mm::kProtExec ? 'x' : '-').str("p 00000000 00:00 0");
        if (m.start <= d.brk_start && d.brk_start < m.end && d.brk > d.brk_start) {
            t.str("                          [heap]");
        } else if (m.end == lay.stack_top) {
            t.str("                          [stack]");
        }
        t.ch('\n');
    }
}

int64_t cmdline(const process::Process& p, uint64_t off, uint64_t user_buf, uint64_t count) {
    // Another process's memory is not the caller's to copy from here: its cmdline reads empty
    // (ps then shows its [comm], as for a kernel thread).
    if (&p != &process::current()) return 0;
    const Args* found = args_of(p);
    if (found == nullptr) return 0;
    const Args& a = *found;
    uint64_t len = a.end - a.start;
    if (off >= len) return 0;
    if (count > len - off) count = len - off;
    // From the process's own memory, as Linux reads it: the app may have changed it.
    uint64_t done = 0;
    char chunk[256];
    while (done < count) {
        uint64_t n = count - done < sizeof chunk ? count - done : sizeof chunk;
        if (mm::copy_from_user(chunk, a.start + off + done, n) != 0) break;
        if (mm::copy_to_user(user_buf + done, chunk, n) != 0)
            return done > 0 ? int64_t(done) : -kEFAULT;
        done += n;
    }
    return int64_t(done);
}

}  // namespace

// The kernel's view of the calling domain (proc_tree.cpp's weak reference resolves here).
extern const ProcView kProcView;
const ProcView kProcView{view_pids, view_exists, view_self, view_exe};

void note_args(uint32_t slot, uint64_t top, const domain::StackImage& s) {
    if (slot >= process::kMaxProcesses) return;
    const process::Process* p = process::at(slot);
    // initial_stack.cpp's layout: the strings end below the platform string and AT_RANDOM.
    uint64_t strings = top - 16 - 7 - s.strings_size;
    uint64_t at = 0;
    for (uint32_t i = 0; i < s.argc && at < s.strings_size; i++) {
        while (at < s.strings_size && s.strings[at] != '\0') at++;
        at++;
    }
    g_args[slot] = Args{strings, strings + (at < s.strings_size ? at : s.strings_size),
                        p != nullptr ? p->dom : nullptr, p != nullptr ? p->pid : 0};
}

int64_t read(fs::NodeRef n, uint64_t off, uint64_t user_buf, uint64_t count) {
    uint32_t e = entry_of(n), pid = pid_of(n);
    const process::Process* p = &process::current();
    if (pid != 0) p = process::find(domain::current(), pid);
    if (p == nullptr) return -kESRCH;  // it ended since it was opened
    if (e == kPidCmdline) return cmdline(*p, off, user_buf, count);
    TextBuffer t(g_text, sizeof g_text);
    switch (e) {
        case kCpuinfo:
            cpuinfo(t);
            break;
        case kLoadavg:
            t.str("0.00 0.00 0.00 1/1 1\n");
            break;
        case kMeminfo:
            meminfo(t);
            break;
        case kStat:
            stat(t);
            break;
        case kUptime:
            uptime(t);
            break;
        case kVersion:
            t.str("Linux version 6.1.0-enclave-run (enclave-run) #1 SMP enclave-run\n");
            break;
        case kPidComm:
            comm(t, *p);
            t.ch('\n');
            break;
        case kPidMaps:
            pid_maps(t, *p);
            break;
        case kPidStat:
            pid_stat(t, *p);
            break;
        case kPidStatm:
            pid_statm(t, *p);
            break;
        case kPidStatus:
            pid_status(t, *p);
            break;
        default:
            return -kEINVAL;
    }
    if (off >= t.size()) return 0;
    uint64_t len = t.size() - off < count ? t.size() - off : count;
    if (mm::copy_to_user(user_buf, t.data() + off, len) != 0) return -kEFAULT;
    return int64_t(len);
}

}  // namespace uk::proc
