// Serving the hypercalls of libos-abi/enclave_abi.h.  Each request struct is copied out of guest
// memory, then checked, then acted on; results are written back into the guest's struct.  A
// request that breaks the protocol throws GuestError (the VM ends, never the host).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "launcher/net/net_server.hpp"
#include "launcher/vm/console.hpp"
#include "launcher/vm/domain_queue.hpp"
#include "launcher/vm/domain_result.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "launcher/vm/vm_end.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct HostTimes {
    uint64_t monotonic_ns;
    uint64_t realtime_ns;
    uint64_t guest_tsc;
};

// What the host asked for one domain: its name labels it in kill lines and guest errors; its
// requested isolation is what the guest's reported backend is checked against.
struct ServedDomain {
    std::string name;
    uint32_t isolation = ER_ISO_AUTO;  // er_isolation, as in its er_domain_desc
};

// ABI 4, ER_HC_GUEST_REQUEST: what the software PSP (sev/sim/) answers to one request page.
constexpr size_t kGuestMessagePage = 4096;
struct GuestRequestReply {
    std::array<uint8_t, kGuestMessagePage> response{};  // written to the guest's response page
    uint64_t fw_error = 0;                              // 0, or the firmware status (SEV_RET_*)
};
// Takes the request page as copied out of guest memory (never the guest's own bytes).
using GuestRequestHandler =
    std::function<GuestRequestReply(std::span<const uint8_t, kGuestMessagePage> request)>;
// Takes the guest's evidence once it passed check_evidence.
using EvidenceHandler = std::function<void(const er_evidence& evidence)>;

// Throws GuestError naming the field unless `evidence` is well formed for an enclave of
// `domain_count` domains: count <= domain_count, report_size 0 or ER_SNP_REPORT_SIZE, and each
// entry's name non-empty, printable, NUL-padded and unique, its isolation PAGETABLE or MPK.
void check_evidence(const er_evidence& evidence, size_t domain_count);
// ABI 5 amendment: a persistent enclave's later evidence must be a strict extension of `last`:
// well formed (check_evidence) with at most `adds` more entries (the domains staged since),
// more entries than `last`, and `last`'s entries byte for byte.  Throws GuestError otherwise.
void check_evidence_extends(const er_evidence& next, const er_evidence& last, uint32_t adds);

class HypercallServer {
  public:
    // `domains` (in domain order; none for a persistent enclave that boots empty) label the domains
    // in kill lines ("hello: killed by SIGSEGV ..."); their count bounds every domain index the
    // guest sends.  `now` samples the host clocks and the guest TSC for ER_HC_TIME.
    HypercallServer(GuestMemory& memory, Console& console, std::function<HostTimes()> now,
                    std::vector<ServedDomain> domains);
    // The NetServer holds a pointer back to this server (which domains are live).
    HypercallServer(const HypercallServer&) = delete;
    HypercallServer& operator=(const HypercallServer&) = delete;

    // Serves hypercall `nr` whose request struct is at `request_gpa`.  Returns how the VM ends
    // for ER_HC_EXIT, nullopt to resume the vCPU.
    std::optional<VmEnd> serve(uint32_t nr, uint64_t request_gpa);

    // What each domain reported with ER_HC_DOMAIN_EXIT so far.
    const DomainResults& results() const { return results_; }

    // ER_HC_GUEST_REQUEST goes to `handler` (set only with the software PSP); without one it is
    // a guest error.
    void set_guest_request_handler(GuestRequestHandler handler);
    // Called with the checked copy when ER_HC_EVIDENCE arrives (so evidence is written even
    // while the domains run on): once, or in a persistent enclave once at boot and again after
    // each hot add (each a strict extension of the last; the queue gets it too, for
    // DomainQueue::log()).  An Error it throws ends the VM.
    void set_evidence_handler(EvidenceHandler handler);
    // ABI 5: a persistent enclave (ER_BOOT_F_PERSISTENT) whose ER_HC_DOMAIN_POLLs `queue`
    // answers, staging at `staging_gpa`; without one a poll is a guest error.  Slots reported
    // ended are reused for hot-added domains (their earlier results are replaced).
    void set_domain_queue(DomainQueue* queue, uint64_t staging_gpa);
    // The checked copy of the guest's latest evidence, or nullptr before ER_HC_EVIDENCE.
    const er_evidence* evidence() const { return evidence_.get(); }
    // ER_HC_NET (issue 19): the domains' host sockets.  Give it a default socket factory (or
    // per-domain ones) before the run; a domain's sockets close when it ends, and a hot-added
    // domain's factory (HotDomain::net) is attached to its slot when the guest takes it.
    NetServer& net() { return *net_; }
    // True while domain index `domain` is in the table and has not reported its end.
    bool live(uint32_t domain) const { return domain < domains_.size() && !results_[domain]; }

  private:
    template <typename T>
    T fetch(uint64_t gpa, const char* what) const;
    void console_write(uint64_t gpa);
    VmEnd exit(uint64_t gpa);
    void domain_exit(uint64_t gpa);
    uint32_t check_domain(uint32_t domain, const char* what) const;
    void check_isolation_fits(uint32_t domain, const er_hc_domain_exit& req) const;
    std::string label(uint32_t domain) const;
    void time(uint64_t gpa);
    void log(uint64_t gpa);
    std::string message(uint64_t gpa, uint64_t len, const char* what) const;
    void guest_request(uint64_t gpa);
    void take_evidence(uint64_t gpa);
    void domain_poll(uint64_t gpa);

    GuestMemory& memory_;
    Console& console_;
    std::function<HostTimes()> now_;
    std::vector<ServedDomain> domains_;
    DomainResults results_;
    GuestRequestHandler guest_request_;
    EvidenceHandler on_evidence_;
    std::unique_ptr<const er_evidence> evidence_;
    DomainQueue* queue_ = nullptr;
    uint64_t staging_gpa_ = 0;
    uint32_t adds_since_evidence_ = 0;  // ADD answers since the last evidence (persistent)
    std::unique_ptr<NetServer> net_;
};

// "SIGSEGV" for 11; "signal 77" for numbers without a name.
std::string signal_name(uint32_t signal);

// The monotonic/realtime clocks of the host in ns.
uint64_t clock_ns(int clock_id);

}  // namespace er::launcher
