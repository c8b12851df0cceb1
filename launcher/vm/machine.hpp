// One enclave VM from start to end: KVM objects, guest memory, loading, boot state, the run loop.
// What comes in has been validated already (kernel, app, args): by the time this runs, only
// KVM itself or the guest can still fail.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "launcher/net/socket_factory.hpp"
#include "launcher/vm/console.hpp"
#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/domain_result.hpp"
#include "launcher/vm/exit_stats.hpp"
#include "launcher/vm/guest_ram.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "launcher/vm/vm_end.hpp"
#include "libos-abi/enclave_abi.h"
#include "sev/launch/confidential_launch.hpp"

namespace er::launcher {

class EvidenceWriter;
class SimSession;
class DomainQueue;

struct MachineConfig {
    uint64_t mem_size;
    std::string timeout_line;           // printed when the --timeout (RunTimeout, if armed) fires
    uint32_t timer_period_us = 0;       // guest scheduler tick; 0 = no timer
    bool guest_stats = false;           // --stats: the guest reports its free frames too
    uint32_t confidential = ER_CC_OFF;  // er_confidential: OFF, or SIM (with input.sim)
    sev::GuestPolicy guest_policy;      // --guest-policy, for a confidential launch
    std::string kvm_device = "/dev/kvm";
    std::string sysfs_root = "/sys";
};

struct MachineInput {
    const KernelImage& kernel;
    std::span<const uint8_t> kernel_file;
    const DomainLayout& domains;  // placed (place_domains)
    GuestRam& ram;                // config.mem_size bytes, the domains loaded (load_domains)
    Console& console;             // where the domains' output goes; start()ed just before the run
    EvidenceWriter* evidence = nullptr;  // --attest: the nonce, and where ER_HC_EVIDENCE goes
    SimSession* sim = nullptr;           // --confidential sim: the software PSP
    DomainQueue* hot_add = nullptr;      // ABI 5: a persistent enclave fed from this queue
    // ER_HC_NET: where domains without a factory of their own make sockets (enclave-run run
    // --network; launcher/net/), or null: only hot-added domains with HotDomain::net have any.
    std::shared_ptr<SocketFactory> network = nullptr;
    // Per domain index (may be shorter than the domains): the domain's own factory (a manifest
    // app's "network"; launcher/net/enclave_networks.hpp), or null for `network`.
    std::vector<std::shared_ptr<SocketFactory>> domain_networks = {};
};

// Runs the VM to its end.  Throws Error when KVM cannot set it up; returns how it ended
// otherwise.  `stats` and `results` (one slot per domain) are filled as it runs (valid even when
// this throws after start).
VmEnd run_machine(const MachineConfig& config, const MachineInput& input, ExitStats& stats,
                  DomainResults& results);

}  // namespace er::launcher
