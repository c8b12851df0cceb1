#include "domain/domain.hpp"

#include "arch/x86/cpu.hpp"
#include "domain/signals.hpp"
#include "hv/hypercall.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"

namespace uk::domain {
namespace {

Domain g_domains[console::kMaxDomains];
Domain* g_current = &g_domains[0];
char g_kill_text[ER_MESSAGE_MAX];

// Ends the whole VM.  With one domain the VM's exit is the domain's exit; with several
// (issue #3) this becomes "retire the domain, exit the VM when the last one is gone".
[[noreturn]] void end_vm(Domain& d, er_hc_exit& req) {
    d.alive = false;
    console::flush_domain(d.id);
    req.domain = d.id;
    hv::exit(req);
}

}  // namespace

Domain& current() {
    return *g_current;
}

bool create(uint32_t id) {
    if (id >= console::kMaxDomains) return false;
    Domain& d = g_domains[id];
    d.id = id;
    d.alive = true;
    d.out = console::stream(id, ER_STREAM_STDOUT);
    d.err = console::stream(id, ER_STREAM_STDERR);
    d.brk_start = d.brk = 0;
    d.fs_base = 0;
    d.frame = nullptr;
    d.clear_child_tid = 0;
    return d.as.init();
}

void activate(Domain& d) {
    g_current = &d;
    x86::write_cr3(d.as.cr3());
    x86::wrmsr(x86::kMsrFsBase, d.fs_base);
}

void exit(Domain& d, int status) {
    er_hc_exit req{};
    req.reason = ER_EXIT_NORMAL;
    req.status = status;
    req.vector = 0xFFFFFFFF;
    end_vm(d, req);
}

void kill(Domain& d, const Kill& why) {
    er_hc_exit req{};
    req.reason = ER_EXIT_SIGNAL;
    req.signal = why.signal;
    req.vector = why.vector;
    req.fault_addr = why.fault_addr;
    req.rip = why.rip;
    req.error_code = why.error_code;
    if (why.message != nullptr) {
        size_t n = strlen(why.message);
        if (n > sizeof g_kill_text) n = sizeof g_kill_text;
        memcpy(g_kill_text, why.message, n);  // the host needs a GPA: copy into kernel .bss
        req.message_gpa = mm::kernel_gpa(g_kill_text);
        req.message_len = n;
    }
    end_vm(d, req);
}

void kill_out_of_memory(Domain& d) {
    uint64_t rip = d.frame != nullptr ? d.frame->rip : 0;
    kill(d, Kill{kSigKill, 0xFFFFFFFF, 0, rip, 0, "out of memory"});
}

}  // namespace uk::domain
