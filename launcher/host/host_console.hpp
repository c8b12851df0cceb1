// The enclave host's Console: routes each hot-added domain's output, by the guest's slot, to the
// DomainSink of the member that queued it (domain_sink.hpp says why through a sink).  A member
// registers its sink under the domain's name before queueing it; begin_domain (the vCPU thread,
// when the domain is staged into a slot) binds the slot to it, end_domain unbinds it.  Output of
// a slot with no sink (a boot domain, a domain whose client is gone) is discarded.  The guest's
// log lines and the launcher's notices go to the host's own stderr.
//
// The vCPU thread is confined (seccomp): write, begin_domain and end_domain only take mutexes and
// touch memory; sinks are held weakly here (the member owns its sink), so a sink is never
// destroyed, and its writer never joined, on the vCPU thread.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "launcher/host/domain_sink.hpp"
#include "launcher/vm/console.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher::host {

class HostConsole final : public Console {
  public:
    // ---- member threads ----
    void expect(const std::string& name, const std::shared_ptr<DomainSink>& sink);
    void forget(const std::string& name);
    // Called by start(), on the vCPU thread, right before the first KVM_RUN (set before the VM).
    std::function<void()> on_start;

    // ---- the vCPU thread ----
    void start() override;
    int64_t write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) override;
    void end_domain(uint32_t domain) override;
    void begin_domain(uint32_t domain, const std::string& name) override;
    void log(std::string_view line) override;
    void notice(std::string_view line) override;

  private:
    std::mutex mu_;
    std::map<std::string, std::weak_ptr<DomainSink>> expected_;
    std::array<std::weak_ptr<DomainSink>, ER_MAX_DOMAINS> routes_;
};

}  // namespace er::launcher::host
