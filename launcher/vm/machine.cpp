#include "launcher/vm/machine.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>
#include <utility>

#include "launcher/attest/evidence_bundle.hpp"
#include "launcher/common/error.hpp"
#include "launcher/confidential/launch_plan.hpp"
#include "launcher/confidential/sim_session.hpp"
#include "launcher/enclave/isolation.hpp"
#include "launcher/kvm/cpuid.hpp"
#include "launcher/kvm/kvm_system.hpp"
#include "launcher/kvm/kvm_vcpu.hpp"
#include "launcher/kvm/kvm_vm.hpp"
#include "launcher/vm/boot_info.hpp"
#include "launcher/vm/boot_state.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "launcher/vm/launch_image.hpp"
#include "launcher/vm/layout.hpp"
#include "launcher/vm/run_timeout.hpp"
#include "launcher/vm/seccomp_filter.hpp"
#include "launcher/vm/vcpu_loop.hpp"

namespace er::launcher {
namespace {

// Throws Error for an MPK request without PKU; the fallback notice goes out before any app
// output.
void check_pku(const DomainLayout& domains, bool has_pku, Console& console) {
    std::vector<uint32_t> requested;
    for (const DomainImage& d : domains.domains) requested.push_back(d.isolation);
    PkuVerdict verdict = pku_verdict(requested, has_pku);
    if (verdict.kind == PkuVerdict::Kind::error) throw Error(verdict.text);
    if (verdict.kind == PkuVerdict::Kind::notice) console.notice(verdict.text);
}

}  // namespace

VmEnd run_machine(const MachineConfig& config, const MachineInput& input, ExitStats& stats,
                  DomainResults& results) {
    // ABI 5 amendment: only a persistent enclave may boot empty (its domains come by hot add).
    if (input.domains.domains.empty() && input.hot_add == nullptr)
        throw Error("internal: an enclave without domains needs a DomainQueue (hot add)");
    KvmSystem kvm = KvmSystem::open(config.kvm_device, config.sysfs_root);
    // The guest sees exactly what KVM supports, so this says whether it gets protection keys;
    // refuse an MPK request now rather than have the guest fail later.
    std::vector<uint8_t> cpuid = kvm.supported_cpuid();
    check_pku(input.domains, guest_has_pku(cpuid), input.console);
    // The caller's GuestRam outlives the VM, so it is unmapped only after the VM (and its slot)
    // is gone.  It already holds the domains (load_domains, before any VM existed).
    if (input.ram.size() != config.mem_size) throw Error("internal: guest RAM size mismatch");
    KvmVm vm(kvm, layout::kTssAddr);
    vm.set_memory(0, 0, config.mem_size, input.ram.data());
    GuestMemory& memory = input.ram.memory();

    BootConfig boot{};
    boot.mem_size = config.mem_size;
    boot.timer_period_us = config.timer_period_us;
    boot.stats = config.guest_stats;
    boot.attest = input.evidence != nullptr;
    boot.confidential = config.confidential;
    if (input.hot_add != nullptr) {
        boot.persistent = true;
        boot.staging_size = input.hot_add->staging_size();
    }
    write_launch_image(memory, input.kernel, input.kernel_file, input.domains, boot);
    // The software PSP measures exactly what a hardware launch would (launch_plan.hpp) and
    // plants the secrets page; the run then goes on as plain KVM.
    if (input.sim != nullptr) {
        input.sim->launch(memory, launch_regions(input.kernel, input.domains, ER_CC_SIM),
                          config.guest_policy, input.kernel.entry);
    }

    KvmVcpu vcpu(kvm, vm, 0);
    vcpu.set_cpuid(cpuid);
    kvm_sregs sregs = vcpu.get_sregs();
    set_long_mode(sregs);
    vcpu.set_sregs(sregs);
    vcpu.set_regs(entry_registers(input.kernel.entry));

    HostFacts facts{};
    facts.tsc_khz = vcpu.tsc_khz();
    fill_entropy(facts.entropy);
    facts.realtime_ns = clock_ns(CLOCK_REALTIME);
    if (input.evidence != nullptr) facts.nonce = input.evidence->nonce();
    memory.write(ER_GPA_HOST_HINTS, make_host_hints(facts), "host hints");

    std::vector<ServedDomain> served;
    for (const DomainImage& d : input.domains.domains) served.push_back({d.name, d.isolation});
    HypercallServer server(
        memory, input.console,
        [&vcpu] {
            HostTimes t{};
            t.monotonic_ns = clock_ns(CLOCK_MONOTONIC);
            t.realtime_ns = clock_ns(CLOCK_REALTIME);
            t.guest_tsc = vcpu.guest_tsc();
            return t;
        },
        std::move(served));
    server.net().set_default_factory(input.network);
    // A domain's own namespace, until it ends (a slot a hot add reuses gets its own or the
    // default).
    for (size_t d = 0; d < input.domain_networks.size(); ++d) {
        if (input.domain_networks[d])
            server.net().attach(static_cast<uint32_t>(d), input.domain_networks[d]);
    }
    if (input.hot_add != nullptr)
        server.set_domain_queue(input.hot_add, config.mem_size - input.hot_add->staging_size());
    // Written the moment the guest sends it, not at the end: a long-running app still yields it.
    std::optional<CommitFds> evidence_fds;
    if (input.evidence != nullptr) {
        EvidenceWriter& writer = *input.evidence;
        // A persistent enclave re-sends its evidence after each hot add: the file keeps the
        // boot's; the later logs are DomainQueue::log()'s.
        server.set_evidence_handler([&writer](const er_evidence& e) {
            if (!writer.written()) writer.take(e);
        });
        evidence_fds = CommitFds{writer.file().dir_fd(), writer.file().file_fd()};
    }
    if (input.sim != nullptr) {
        SimSession& sim = *input.sim;
        if (input.evidence != nullptr) {
            input.evidence->set_certs(sim.certs());
            input.evidence->set_simulated(true);
        }
        server.set_guest_request_handler([&sim](std::span<const uint8_t, kGuestMessagePage> req) {
            GuestRequestReply reply;
            reply.fw_error = sim.guest_request(req, reply.response);
            return reply;
        });
    }

    // From here on a --timeout kicks the vCPU out of KVM_RUN and the loop ends the VM in order
    // (until now it ended the launcher at once: run_timeout.hpp).
    RunTimeout::Attach timeout(vcpu.run_state());
    // The enclave starts now: only now may output files be truncated.
    input.console.start();
    // Set-up is over: from here on the launcher only runs the vCPU, serves it and ends, under a
    // seccomp allowlist (seccomp_filter.hpp).
    // The socket factories are reaped at the end, under the filter (wait4 on their pids).
    std::vector<pid_t> factory_pids;
    auto reaped = [&factory_pids](const std::shared_ptr<SocketFactory>& f) {
        if (f && f->pid() > 0 &&
            std::find(factory_pids.begin(), factory_pids.end(), f->pid()) == factory_pids.end())
            factory_pids.push_back(f->pid());
    };
    reaped(input.network);
    for (const auto& f : input.domain_networks) reaped(f);
    confine_run_loop(vcpu.fd(), std::array{kvm.fd(), vm.fd(), vcpu.fd()}, input.console,
                     evidence_fds, std::move(factory_pids));
    // Results are copied out however the run ends, so the summary can show who finished.
    struct CopyResults {
        const HypercallServer& server;
        DomainResults& out;
        ~CopyResults() { out = server.results(); }
    } copy{server, results};
    return run_vcpu(vcpu, server, stats, config.timeout_line);
}

}  // namespace er::launcher
