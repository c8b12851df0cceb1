// Serving the hypercalls of libos-abi/enclave_abi.h.  Each request struct is copied out of guest
// memory, then checked, then acted on; results are written back into the guest's struct.  A
// request that breaks the protocol throws GuestError (the VM ends, never the host).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "launcher/vm/console.hpp"
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

class HypercallServer {
  public:
    // `domains` (in domain order, at least one) label the domains in kill lines ("hello: killed
    // by SIGSEGV ..."); their count bounds every domain index the guest sends.  `now` samples the
    // host clocks and the guest TSC for ER_HC_TIME.
    HypercallServer(GuestMemory& memory, Console& console, std::function<HostTimes()> now,
                    std::vector<ServedDomain> domains);

    // Serves hypercall `nr` whose request struct is at `request_gpa`.  Returns how the VM ends
    // for ER_HC_EXIT, nullopt to resume the vCPU.
    std::optional<VmEnd> serve(uint32_t nr, uint64_t request_gpa);

    // What each domain reported with ER_HC_DOMAIN_EXIT so far.
    const DomainResults& results() const { return results_; }

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

    GuestMemory& memory_;
    Console& console_;
    std::function<HostTimes()> now_;
    std::vector<ServedDomain> domains_;
    DomainResults results_;
};

// "SIGSEGV" for 11; "signal 77" for numbers without a name.
std::string signal_name(uint32_t signal);

// The monotonic/realtime clocks of the host in ns.
uint64_t clock_ns(int clock_id);

}  // namespace er::launcher
