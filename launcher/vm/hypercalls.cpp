#include "launcher/vm/hypercalls.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"

namespace er::launcher {
namespace {

constexpr uint32_t kMaxSignal = 64;  // Linux: 1..31 standard, 32..64 real-time

// Guest page 0 is never mapped by the guest, so a pointer into it is a bug (often a null
// pointer plus an offset): refuse it instead of reading the page.
void refuse_null_page(uint64_t gpa, uint64_t len, const char* what) {
    if (len != 0 && gpa < 0x1000) {
        throw GuestError(std::string(what) + " at GPA " + hex(gpa) + " lies in the null page");
    }
}

}  // namespace

HypercallServer::HypercallServer(GuestMemory& memory, Console& console,
                                 std::function<HostTimes()> now, std::vector<ServedDomain> domains)
    : memory_(memory),
      console_(console),
      now_(std::move(now)),
      domains_(std::move(domains)),
      results_(domains_.size()),
      net_(std::make_unique<NetServer>(
          memory, console, [this](uint32_t d) { return live(d); },
          [this](uint32_t d) { return label(d); })) {}

// "domain 1 (web)"
std::string HypercallServer::label(uint32_t domain) const {
    return "domain " + std::to_string(domain) + " (" + domains_[domain].name + ")";
}

uint32_t HypercallServer::check_domain(uint32_t domain, const char* what) const {
    if (domain >= domains_.size()) {
        throw GuestError(std::string(what) + " for unknown domain " + std::to_string(domain) +
                         " (the enclave has " + std::to_string(domains_.size()) + ")");
    }
    if (results_[domain]) {
        throw GuestError(std::string(what) + " for " + label(domain) + ", which has already ended");
    }
    return domain;
}

template <typename T>
T HypercallServer::fetch(uint64_t gpa, const char* what) const {
    refuse_null_page(gpa, sizeof(T), what);
    if (gpa % alignof(T) != 0) {
        throw GuestError(std::string(what) + " at GPA " + hex(gpa) + " is not " +
                         std::to_string(alignof(T)) + "-byte aligned");
    }
    return memory_.read<T>(gpa, what);
}

std::optional<VmEnd> HypercallServer::serve(uint32_t nr, uint64_t request_gpa) {
    switch (nr) {
        case ER_HC_CONSOLE_WRITE:
            console_write(request_gpa);
            return std::nullopt;
        case ER_HC_EXIT:
            return exit(request_gpa);
        case ER_HC_TIME:
            time(request_gpa);
            return std::nullopt;
        case ER_HC_LOG:
            log(request_gpa);
            return std::nullopt;
        case ER_HC_DOMAIN_EXIT:
            domain_exit(request_gpa);
            return std::nullopt;
        case ER_HC_GUEST_REQUEST:
            guest_request(request_gpa);
            return std::nullopt;
        case ER_HC_EVIDENCE:
            take_evidence(request_gpa);
            return std::nullopt;
        case ER_HC_DOMAIN_POLL:
            domain_poll(request_gpa);
            return std::nullopt;
        case ER_HC_NET:
            net_->serve(request_gpa);
            return std::nullopt;
        default:
            throw GuestError("unknown hypercall " + std::to_string(nr));
    }
}

void HypercallServer::console_write(uint64_t gpa) {
    auto req = fetch<er_hc_console_write>(gpa, "console write request");
    if (req.stream != ER_STREAM_STDOUT && req.stream != ER_STREAM_STDERR) {
        throw GuestError("console write to unknown stream " + std::to_string(req.stream));
    }
    check_domain(req.domain, "console write");
    refuse_null_page(req.gpa, req.len, "console buffer");
    auto bytes = memory_.view(req.gpa, req.len, "console buffer");
    req.ret = console_.write(req.domain, req.stream, bytes);
    memory_.write(gpa, req, "console write request");
}

std::string HypercallServer::message(uint64_t gpa, uint64_t len, const char* what) const {
    if (len > ER_MESSAGE_MAX) {
        throw GuestError(std::string(what) + " length " + std::to_string(len) +
                         " exceeds the limit of " + std::to_string(ER_MESSAGE_MAX));
    }
    refuse_null_page(gpa, len, what);
    return sanitize_log_text(memory_.view(gpa, len, what));
}

namespace {

// "hello: killed by SIGSEGV (page fault: ...) at rip 0x401136, address 0x0"
std::string kill_line(const std::string& name, const er_hc_exit& req, const std::string& text) {
    std::string line = name + ": killed by " + signal_name(req.signal);
    if (!text.empty()) line += " (" + text + ")";
    line += " at rip " + hex(req.rip);
    if (req.vector == 14 || req.fault_addr != 0) line += ", address " + hex(req.fault_addr);
    return line;
}

// What a domain reports it ran under must be a real backend with consistent key fields: AUTO is
// a request, never a result, and the summary must not show a key that cannot exist.
void check_isolation_result(const er_hc_domain_exit& req) {
    switch (req.isolation) {
        case ER_ISO_PAGETABLE:
            if (req.pkey != 0 || req.mpk_space != 0) {
                throw GuestError("domain exit under PAGETABLE with pkey " +
                                 std::to_string(req.pkey) + " and mpk_space " +
                                 std::to_string(req.mpk_space) + " (both must be 0)");
            }
            return;
        case ER_ISO_MPK:
            if (req.pkey == 0 || req.pkey > ER_MPK_KEYS) {
                throw GuestError("domain exit under MPK with pkey " + std::to_string(req.pkey) +
                                 " (1.." + std::to_string(ER_MPK_KEYS) + ")");
            }
            if (req.mpk_space >= ER_MAX_DOMAINS) {
                throw GuestError("domain exit under MPK with mpk_space " +
                                 std::to_string(req.mpk_space) + " (below " +
                                 std::to_string(ER_MAX_DOMAINS) + ")");
            }
            return;
        case ER_ISO_AUTO:
            throw GuestError(
                "domain exit with isolation AUTO (0): a domain reports what it got, PAGETABLE "
                "or MPK");
        default:
            throw GuestError("domain exit with unknown isolation " + std::to_string(req.isolation));
    }
}

const char* isolation_name(uint32_t isolation) {
    return isolation == ER_ISO_MPK ? "mpk" : isolation == ER_ISO_PAGETABLE ? "pagetable" : "auto";
}

}  // namespace

// The guest chooses the backend only within the request: PAGETABLE must not become MPK (the app
// asked for its own address space), and MPK must not quietly become PAGETABLE (the guest has to
// refuse to start instead).  Under MPK the (mpk_space, pkey) pair is what keeps domains apart;
// every domain gets its key at boot, before any domain ends, so no two may ever report one pair.
// `req` already passed check_isolation_result.
void HypercallServer::check_isolation_fits(uint32_t domain, const er_hc_domain_exit& req) const {
    uint32_t requested = domains_[domain].isolation;
    if (requested != ER_ISO_AUTO && requested != req.isolation) {
        throw GuestError(label(domain) + " asked for " + isolation_name(requested) +
                         " isolation but reports " + isolation_name(req.isolation));
    }
    if (req.isolation != ER_ISO_MPK) return;
    // A persistent enclave hands a dead domain's key to a later one: telling a clash from reuse
    // needs lifetimes, which this table does not keep (the guest's mpk_spaces is the authority).
    if (queue_ != nullptr) return;
    for (size_t e = 0; e < results_.size(); ++e) {
        const std::optional<DomainResult>& other = results_[e];
        if (other && other->isolation == ER_ISO_MPK && other->pkey == req.pkey &&
            other->mpk_space == req.mpk_space) {
            throw GuestError(label(domain) + " reports mpk key " + std::to_string(req.pkey) +
                             " in space " + std::to_string(req.mpk_space) + ", the same as " +
                             label(static_cast<uint32_t>(e)) + ": no isolation between them");
        }
    }
}

VmEnd HypercallServer::exit(uint64_t gpa) {
    auto req = fetch<er_hc_exit>(gpa, "exit request");
    std::string text = message(req.message_gpa, req.message_len, "exit message");
    switch (req.reason) {
        case ER_EXIT_NORMAL: {
            // ABI 2: the enclave ends once every domain has reported its own end; the launcher's
            // status comes from theirs (the exit request's status is not used).
            for (size_t d = 0; d < results_.size(); ++d) {
                if (!results_[d]) {
                    throw GuestError("exit while " + label(static_cast<uint32_t>(d)) +
                                     " has not reported its end (ER_HC_DOMAIN_EXIT)");
                }
            }
            // A persistent enclave reuses slots and each domain's status went to its own
            // handler: the enclave itself ended well.
            return VmEnd{queue_ != nullptr ? 0 : enclave_exit_status(results_), {}};
        }
        case ER_EXIT_SIGNAL:
            throw GuestError(
                "exit with reason SIGNAL: a killed domain reports with ER_HC_DOMAIN_EXIT (ABI 2)");
        case ER_EXIT_PANIC:
            return VmEnd{kExitLauncherError,
                         "unikernel panic: " + (text.empty() ? std::string("(no message)") : text)};
        default:
            throw GuestError("exit with unknown reason " + std::to_string(req.reason));
    }
}

void HypercallServer::domain_exit(uint64_t gpa) {
    auto req = fetch<er_hc_domain_exit>(gpa, "domain exit request");
    uint32_t d = check_domain(req.exit.domain, "domain exit");
    std::string text = message(req.exit.message_gpa, req.exit.message_len, "domain exit message");
    DomainResult r;
    r.reason = req.exit.reason;
    r.status = req.exit.status;
    r.message = text;
    r.run_ns = req.run_ns;
    r.peak_mem_bytes = req.peak_mem_bytes;
    // A refused domain never ran: it has no backend, key or time to report.
    if (req.exit.reason != ER_EXIT_REFUSED) {
        check_isolation_result(req);
        check_isolation_fits(d, req);
        r.isolation = req.isolation;
        r.pkey = req.pkey;
        r.mpk_space = req.mpk_space;
    } else {
        r.run_ns = r.peak_mem_bytes = 0;
    }
    switch (req.exit.reason) {
        case ER_EXIT_NORMAL:
        case ER_EXIT_REFUSED:
            break;
        case ER_EXIT_SIGNAL:
            if (req.exit.signal == 0 || req.exit.signal > kMaxSignal) {
                throw GuestError("domain exit with invalid signal number " +
                                 std::to_string(req.exit.signal));
            }
            r.signal = req.exit.signal;
            break;
        default:
            throw GuestError("domain exit with reason " + std::to_string(req.exit.reason) +
                             " (NORMAL, SIGNAL or REFUSED; PANIC goes through ER_HC_EXIT)");
    }
    // The domain's output came before its end; its held partial lines go out before the line.
    console_.end_domain(d);
    if (r.reason == ER_EXIT_SIGNAL) console_.notice(kill_line(domains_[d].name, req.exit, text));
    // "web: refused by the unikernel: app asks for an executable stack (...)": one line naming
    // the domain and the guest's reason; its neighbours run on.
    if (r.reason == ER_EXIT_REFUSED) {
        console_.notice(domains_[d].name + ": refused by the unikernel: " +
                        (text.empty() ? std::string("(no reason given)") : text));
    }
    results_[d] = std::move(r);
    net_->domain_ended(d);  // its sockets close with it
    if (queue_ != nullptr) queue_->ended(d, *results_[d]);
}

void HypercallServer::set_domain_queue(DomainQueue* queue, uint64_t staging_gpa) {
    queue_ = queue;
    staging_gpa_ = staging_gpa;
    if (queue != nullptr) net_->set_poll_cap_ns(kNetPollCapPersistentNs);
}

// The slot the guest offers must be one the host also sees as free: an index that ended, or the
// next new one (the guest offers the lowest free slot, so the table never has holes).
void HypercallServer::domain_poll(uint64_t gpa) {
    auto req = fetch<er_hc_domain_poll>(gpa, "domain poll request");
    if (queue_ == nullptr) {
        throw GuestError("domain poll, but the enclave was not started persistent");
    }
    uint32_t slot = req.free_slot;
    if (slot != ER_POLL_NO_SLOT) {
        bool ended = slot < domains_.size() && results_[slot].has_value();
        if (slot >= ER_MAX_DOMAINS || (slot != domains_.size() && !ended)) {
            throw GuestError("domain poll offers slot " + std::to_string(slot) +
                             ", which is not free (the enclave has " +
                             std::to_string(domains_.size()) + " slots)");
        }
    }
    er_hc_domain_poll answer = queue_->answer(slot, memory_, staging_gpa_);
    if (answer.action == ER_POLL_ADD) {
        adds_since_evidence_++;
        std::optional<HotDomain> d = queue_->staged(slot);
        ServedDomain served{d ? d->name : std::string("?"), answer.desc.isolation};
        console_.begin_domain(slot, served.name);
        if (slot == domains_.size()) {
            domains_.push_back(std::move(served));
            results_.emplace_back();
        } else {
            domains_[slot] = std::move(served);
            results_[slot].reset();
        }
        // Its sockets are made in its container's network namespace (null: the default).
        net_->attach(slot, queue_->take_net(slot));
    }
    memory_.write(gpa, answer, "domain poll request");
}

void HypercallServer::set_guest_request_handler(GuestRequestHandler handler) {
    guest_request_ = std::move(handler);
}

void HypercallServer::set_evidence_handler(EvidenceHandler handler) {
    on_evidence_ = std::move(handler);
}

// Both pages are copied, never used in place: the guest (or, under SEV, the host's view of a
// shared page) may change them while the PSP works.
void HypercallServer::guest_request(uint64_t gpa) {
    auto req = fetch<er_hc_guest_request>(gpa, "guest request");
    if (!guest_request_) {
        throw GuestError(
            "guest request without a PSP (ER_HC_GUEST_REQUEST needs --confidential sim)");
    }
    for (auto [page, what] : {std::pair{req.request_gpa, "guest request page"},
                              std::pair{req.response_gpa, "guest response page"}}) {
        refuse_null_page(page, kGuestMessagePage, what);
        if (page % kGuestMessagePage != 0) {
            throw GuestError(std::string(what) + " at GPA " + hex(page) + " is not page aligned");
        }
        memory_.check(page, kGuestMessagePage, what);
    }
    if (req.request_gpa == req.response_gpa) {
        throw GuestError("guest request and response pages are the same page at GPA " +
                         hex(req.request_gpa));
    }
    std::array<uint8_t, kGuestMessagePage> request{};
    std::memcpy(request.data(),
                memory_.view(req.request_gpa, kGuestMessagePage, "guest request page").data(),
                kGuestMessagePage);
    GuestRequestReply reply = guest_request_(request);
    memory_.copy_in(req.response_gpa, reply.response, "guest response page");
    req.fw_error = reply.fw_error;
    memory_.write(gpa, req, "guest request");
}

void HypercallServer::take_evidence(uint64_t gpa) {
    auto req = fetch<er_hc_evidence>(gpa, "evidence request");
    // ABI 5 amendment: a persistent enclave re-sends its evidence after each hot add.
    if (evidence_ && queue_ == nullptr) throw GuestError("evidence sent twice (ER_HC_EVIDENCE)");
    if (req.size != sizeof(er_evidence)) {
        throw GuestError("evidence size " + std::to_string(req.size) +
                         " is not sizeof(struct er_evidence) (" +
                         std::to_string(sizeof(er_evidence)) + ")");
    }
    auto copy = std::make_unique<er_evidence>(fetch<er_evidence>(req.gpa, "evidence"));
    if (!evidence_) {
        check_evidence(*copy, domains_.size());
    } else {
        check_evidence_extends(*copy, *evidence_, adds_since_evidence_);
    }
    evidence_ = std::move(copy);
    adds_since_evidence_ = 0;
    if (queue_ != nullptr) queue_->evidence(*evidence_);
    if (on_evidence_) on_evidence_(*evidence_);
    req.ret = 0;
    memory_.write(gpa, req, "evidence request");
}

void HypercallServer::time(uint64_t gpa) {
    auto req = fetch<er_hc_time>(gpa, "time request");
    HostTimes t = now_();
    req.monotonic_ns = t.monotonic_ns;
    req.realtime_ns = t.realtime_ns;
    req.tsc = t.guest_tsc;
    memory_.write(gpa, req, "time request");
}

void HypercallServer::log(uint64_t gpa) {
    auto req = fetch<er_hc_log>(gpa, "log request");
    console_.log(message(req.gpa, req.len, "log text"));
}

namespace {

// Printable ASCII without blanks, NUL-padded, not empty: the rule of the domain table.
bool evidence_name_ok(const char (&name)[ER_DOMAIN_NAME_MAX]) {
    if (name[0] == '\0') return false;
    bool ended = false;
    for (char c : name) {
        if (ended) {
            if (c != '\0') return false;
        } else if (c == '\0') {
            ended = true;
        } else if (c < 0x21 || c > 0x7E) {
            return false;
        }
    }
    return true;
}

}  // namespace

void check_evidence_extends(const er_evidence& next, const er_evidence& last, uint32_t adds) {
    uint64_t bound = uint64_t{last.count} + adds;
    check_evidence(next, std::min<uint64_t>(bound, ER_MAX_DOMAINS));
    if (next.count <= last.count) {
        throw GuestError("evidence count " + std::to_string(next.count) +
                         " does not grow the previous log of " + std::to_string(last.count) +
                         " entries (a persistent enclave only appends)");
    }
    for (uint32_t i = 0; i < last.count; ++i) {
        if (std::memcmp(&next.entries[i], &last.entries[i], sizeof next.entries[i]) != 0) {
            throw GuestError("evidence entry " + std::to_string(i) +
                             " differs from the previous log's (a persistent enclave only "
                             "appends)");
        }
    }
}

void check_evidence(const er_evidence& evidence, size_t domain_count) {
    if (evidence.count > domain_count) {
        throw GuestError("evidence count " + std::to_string(evidence.count) +
                         " exceeds the enclave's " + std::to_string(domain_count) + " domains");
    }
    if (evidence.report_size != 0 && evidence.report_size != ER_SNP_REPORT_SIZE) {
        throw GuestError("evidence report_size " + std::to_string(evidence.report_size) +
                         " (0 or " + std::to_string(ER_SNP_REPORT_SIZE) + ")");
    }
    std::vector<std::string> names;
    for (uint32_t i = 0; i < evidence.count; ++i) {
        const er_evidence_entry& e = evidence.entries[i];
        std::string at = "evidence entry " + std::to_string(i);
        if (!evidence_name_ok(e.name)) {
            throw GuestError(at + ": name is empty, unprintable or not NUL-padded");
        }
        std::string name(e.name, strnlen(e.name, ER_DOMAIN_NAME_MAX));
        for (size_t j = 0; j < names.size(); ++j) {
            if (names[j] == name) {
                throw GuestError(at + ": name " + name + " repeats entry " + std::to_string(j));
            }
        }
        if (e.isolation != ER_ISO_PAGETABLE && e.isolation != ER_ISO_MPK) {
            throw GuestError(at + " (" + name + "): isolation " + std::to_string(e.isolation) +
                             " is not PAGETABLE or MPK");
        }
        names.push_back(std::move(name));
    }
}

std::string signal_name(uint32_t signal) {
    const char* abbrev = signal < 65 ? sigabbrev_np(static_cast<int>(signal)) : nullptr;
    if (abbrev != nullptr) return std::string("SIG") + abbrev;
    return "signal " + std::to_string(signal);
}

uint64_t clock_ns(int clock_id) {
    timespec ts{};
    ::clock_gettime(clock_id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace er::launcher
