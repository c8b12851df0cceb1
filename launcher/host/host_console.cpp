#include "launcher/host/host_console.hpp"

#include <unistd.h>

#include "launcher/common/full_write.hpp"

namespace er::launcher::host {
namespace {

void to_stderr(const std::string& line) {
    // The host's stderr was open when the run loop was confined, so this write is allowed; a
    // closed stderr only loses the line.
    (void)write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(line.data()), line.size());
}

}  // namespace

void HostConsole::expect(const std::string& name, const std::shared_ptr<DomainSink>& sink) {
    std::lock_guard lock(mu_);
    expected_[name] = sink;
}

void HostConsole::forget(const std::string& name) {
    std::lock_guard lock(mu_);
    expected_.erase(name);
}

void HostConsole::start() {
    if (on_start) on_start();
}

int64_t HostConsole::write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) {
    std::shared_ptr<DomainSink> sink;
    {
        std::lock_guard lock(mu_);
        if (domain < routes_.size()) sink = routes_[domain].lock();
    }
    // Outside the lock: a full sink may make this vCPU wait (bounded) for its writer.
    if (!sink) return static_cast<int64_t>(bytes.size());
    // ER_STREAM_STDOUT (1) and ER_STREAM_STDERR (2; the caller checked) are the sink's 0 and 1.
    return sink->write(stream == ER_STREAM_STDOUT ? 0 : 1, bytes);
}

void HostConsole::begin_domain(uint32_t domain, const std::string& name) {
    std::lock_guard lock(mu_);
    if (domain >= routes_.size()) return;
    auto it = expected_.find(name);
    if (it == expected_.end()) {
        routes_[domain].reset();
        return;
    }
    if (auto sink = it->second.lock()) sink->slot = static_cast<int32_t>(domain);
    routes_[domain] = std::move(it->second);
    expected_.erase(it);
}

void HostConsole::end_domain(uint32_t domain) {
    std::lock_guard lock(mu_);
    if (domain >= routes_.size()) return;
    if (auto sink = routes_[domain].lock()) sink->slot = -1;
    routes_[domain].reset();
}

void HostConsole::log(std::string_view line) {
    to_stderr("enclave-run: guest: " + std::string(line) + "\n");
}

void HostConsole::notice(std::string_view line) {
    to_stderr("enclave-run: " + std::string(line) + "\n");
}

}  // namespace er::launcher::host
