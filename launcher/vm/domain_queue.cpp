#include "launcher/vm/domain_queue.hpp"

#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kPage = 4096;

uint64_t page_up(uint64_t v) {
    return (v + kPage - 1) & ~(kPage - 1);
}

// What a domain killed before the guest ever saw it reports: SIGKILL, never ran.
DomainResult killed_unstaged(uint32_t signal) {
    DomainResult r;
    r.reason = ER_EXIT_SIGNAL;
    r.signal = signal;
    r.message = "killed before it was staged";
    return r;
}

}  // namespace

uint64_t staged_bytes(const HotDomain& d) {
    if (d.fs.empty()) return page_up(d.app.size()) + d.args.bytes.size();
    return page_up(d.app.size()) + page_up(d.args.bytes.size()) + d.fs.size();
}

DomainQueue::DomainQueue(uint64_t staging_size) : staging_size_(staging_size) {
    prepare_enclave_log();  // before the run loop is confined
}

DomainQueue::Ticket DomainQueue::add(HotDomain d, DomainEndHandler on_end) {
    if (d.app.empty()) throw Error(d.name + ": the app is empty");
    if (d.args.argc == 0) throw Error(d.name + ": argc is 0");
    if (staged_bytes(d) > staging_size_) {
        throw Error(d.name + ": app, arguments and tree take " + std::to_string(staged_bytes(d)) +
                    " bytes, more than the staging area's " + std::to_string(staging_size_));
    }
    std::vector<std::vector<uint8_t>> staged_bytes_to_free;
    std::lock_guard lock(mu_);
    staged_bytes_to_free.swap(released_);  // freed on this thread (answer() must not)
    if (shutdown_) throw Error(d.name + ": the enclave is shutting down");
    if (log_.full()) {
        throw Error(d.name + ": the enclave's measurement log is full (" +
                    std::to_string(ER_MAX_DOMAINS) + " entries): it takes no more domains");
    }
    Ticket t = next_++;
    pending_.push_back({t, std::move(d), std::move(on_end)});
    return t;
}

bool DomainQueue::kill(Ticket ticket, uint32_t signal) {
    DomainEndHandler handler;
    {
        std::lock_guard lock(mu_);
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
            if (it->ticket != ticket) continue;
            handler = std::move(it->on_end);
            pending_.erase(it);
            break;
        }
        if (!handler) {
            for (const auto& [slot, live] : live_) {
                if (live.ticket != ticket) continue;
                kills_.emplace_back(slot, signal);
                return true;
            }
            return false;
        }
    }
    handler(killed_unstaged(signal));  // outside the lock: the handler may queue again
    return true;
}

bool DomainQueue::signal(Ticket ticket, uint32_t signal) {
    if (signal < 1 || signal > 64) return false;
    std::vector<std::vector<uint8_t>> staged_bytes_to_free;
    std::lock_guard lock(mu_);
    staged_bytes_to_free.swap(released_);  // freed on this thread (answer() must not)
    for (const auto& [slot, live] : live_) {
        if (live.ticket != ticket) continue;
        signals_.emplace_back(slot, signal);
        return true;
    }
    return false;
}

void DomainQueue::shutdown() {
    std::lock_guard lock(mu_);
    shutdown_ = true;
}

uint64_t DomainQueue::polls() const {
    std::lock_guard lock(mu_);
    return polls_;
}

er_hc_domain_poll DomainQueue::answer(uint32_t free_slot, GuestMemory& memory,
                                      uint64_t staging_gpa) {
    er_hc_domain_poll out{};
    out.free_slot = free_slot;
    std::lock_guard lock(mu_);
    ++polls_;
    // Kills first: they free slots and stop what the user wants stopped.
    while (!kills_.empty()) {
        auto [slot, signal] = kills_.front();
        kills_.pop_front();
        if (!live_.contains(slot)) continue;  // it ended meanwhile
        out.action = ER_POLL_KILL;
        out.domain = slot;
        out.signal = signal;
        return out;
    }
    while (!signals_.empty()) {
        auto [slot, signal] = signals_.front();
        signals_.pop_front();
        if (!live_.contains(slot)) continue;
        out.action = ER_POLL_SIGNAL;
        out.domain = slot;
        out.signal = signal;
        return out;
    }
    if (!pending_.empty() && free_slot != ER_POLL_NO_SLOT) {
        Pending p = std::move(pending_.front());
        pending_.pop_front();
        const HotDomain& d = p.domain;
        uint64_t args_at = staging_gpa + page_up(d.app.size());
        memory.copy_in(staging_gpa, d.app, "staged app");
        memory.copy_in(args_at, d.args.bytes, "staged args");
        uint64_t fs_at = args_at + page_up(d.args.bytes.size());
        if (!d.fs.empty()) memory.copy_in(fs_at, d.fs, "staged er-fs image");
        er_domain_desc& desc = out.desc;
        std::memcpy(desc.name, d.name.data(), std::min<size_t>(d.name.size(), ER_DOMAIN_NAME_MAX));
        desc.app_gpa = staging_gpa;
        desc.app_size = d.app.size();
        desc.args_gpa = args_at;
        desc.args_size = d.args.bytes.size();
        desc.argc = d.args.argc;
        desc.envc = d.args.envc;
        if (!d.fs.empty()) {
            desc.fs_gpa = fs_at;
            desc.fs_size = d.fs.size();
        }
        desc.mem_limit = d.mem_limit;
        desc.isolation = d.isolation;
        out.action = ER_POLL_ADD;
        out.domain = free_slot;
        Live live{p.ticket, std::move(p.domain), std::move(p.on_end)};
        // Not freed here: a free on the confined vCPU thread can make glibc trim another
        // thread's arena, whose first trim reads /proc/sys/vm/overcommit_memory (an openat the
        // run loop's seccomp filter kills).  The next caller from any other thread frees them.
        released_.push_back(std::move(live.domain.app));
        released_.push_back(std::move(live.domain.fs));
        live.domain.app = {};
        live.domain.fs = {};
        live_[free_slot] = std::move(live);
        return out;
    }
    if (shutdown_ && pending_.empty() && !shutdown_sent_) {
        shutdown_sent_ = true;
        out.action = ER_POLL_SHUTDOWN;
        return out;
    }
    out.action = ER_POLL_NONE;
    return out;
}

EnclaveLog DomainQueue::log() const {
    std::lock_guard lock(mu_);
    return log_;
}

bool DomainQueue::log_full() const {
    std::lock_guard lock(mu_);
    return log_.full();
}

void DomainQueue::evidence(const er_evidence& checked) {
    // Digests are computed outside the lock: readers only ever see a whole log.
    EnclaveLog next;
    {
        std::lock_guard lock(mu_);
        next.evidence_count = log_.evidence_count + 1;
    }
    next = make_enclave_log(checked, next.evidence_count);
    std::lock_guard lock(mu_);
    log_ = std::move(next);
}

std::optional<HotDomain> DomainQueue::staged(uint32_t slot) const {
    std::lock_guard lock(mu_);
    auto it = live_.find(slot);
    if (it == live_.end()) return std::nullopt;
    return it->second.domain;
}

std::shared_ptr<SocketFactory> DomainQueue::take_net(uint32_t slot) {
    std::lock_guard lock(mu_);
    auto it = live_.find(slot);
    if (it == live_.end()) return nullptr;
    return std::move(it->second.domain.net);
}

void DomainQueue::ended(uint32_t slot, const DomainResult& result) {
    DomainEndHandler handler;
    {
        std::lock_guard lock(mu_);
        auto it = live_.find(slot);
        if (it == live_.end()) return;  // a boot domain
        handler = std::move(it->second.on_end);
        live_.erase(it);
    }
    if (handler) handler(result);
}

}  // namespace er::launcher
