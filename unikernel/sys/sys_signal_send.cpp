// kill, tkill and tgkill.  Every pid and tid resolves in the caller's own domain only (its pid
// namespace): no call here can name, let alone signal, a process of another domain.
#include "domain/domain.hpp"
#include "signal/signals.hpp"
#include "sys/errno.hpp"
#include "sys/sys_signal.hpp"

namespace uk::sys {
namespace {

signal::Info sender_info(int32_t code) {
    signal::Info i{};
    i.code = code;
    i.pid = process::current().pid;
    return i;
}

bool valid_signal(int64_t sig) {
    return sig >= 0 && sig <= int64_t(signal::kNsig);
}

// kill(pid <= 0): every live process of the caller's domain in the group (pid 0: the caller's,
// -1: all but init, -N: group N).
int64_t kill_many(int64_t pid, uint32_t sig) {
    process::Process& self = process::current();
    domain::Domain& d = *self.dom;
    uint32_t group = pid == 0 ? self.pgid : uint32_t(-pid);
    bool found = false;
    for (uint32_t slot = 0; slot < process::kMaxProcesses; slot++) {
        process::Process* p = process::at(slot);
        if (p->state != process::State::live || p->dom != &d) continue;
        if (pid == -1 ? signal::is_init(*p) : p->pgid != group) continue;
        found = true;
        if (sig != 0)
            signal::raise_process(*p, sig, sender_info(signal::kSiUser), signal::Sender::domain);
    }
    return found ? 0 : -kESRCH;
}

int64_t kill_task(task::Task* t, int64_t sig) {
    if (t == nullptr) return -kESRCH;
    if (sig != 0) {
        signal::raise_thread(*t, uint32_t(sig), sender_info(signal::kSiTkill),
                             signal::Sender::domain);
    }
    return 0;
}

}  // namespace

int64_t sys_kill(const Args& a) {
    int64_t pid = int32_t(a.a0), sig = int32_t(a.a1);
    if (!valid_signal(sig)) return -kEINVAL;
    if (pid <= 0) return kill_many(pid, uint32_t(sig));
    process::Process* p = process::find(*process::current().dom, uint32_t(pid));
    if (p == nullptr) return -kESRCH;
    if (sig != 0 && p->state == process::State::live)
        signal::raise_process(*p, uint32_t(sig), sender_info(signal::kSiUser),
                              signal::Sender::domain);
    return 0;
}

int64_t sys_tkill(const Args& a) {
    int64_t tid = int32_t(a.a0), sig = int32_t(a.a1);
    if (tid <= 0 || !valid_signal(sig)) return -kEINVAL;
    return kill_task(task::find(*process::current().dom, uint32_t(tid)), sig);
}

int64_t sys_tgkill(const Args& a) {
    int64_t tgid = int32_t(a.a0), tid = int32_t(a.a1), sig = int32_t(a.a2);
    if (tgid <= 0 || tid <= 0 || !valid_signal(sig)) return -kEINVAL;
    task::Task* t = task::find(*process::current().dom, uint32_t(tid));
    if (t != nullptr && t->proc->pid != uint32_t(tgid)) t = nullptr;
    return kill_task(t, sig);
}

}  // namespace uk::sys
