// libFuzzer target for the launcher's hypercall dispatch (launcher/vm/hypercalls.cpp) against
// random guest memory, driven without KVM as tests/unit/launcher/hypercalls_test.cpp does.  The
// input picks the enclave's domains, fills a small guest RAM, and issues a sequence of hypercalls
// (any number, any GPA) with bytes poked into RAM between them, as a hostile guest would.  Every
// call must be served or refused with GuestError, never touch host memory outside the RAM (ASan),
// and keep what the launcher later relies on: text that reaches the terminal is printable, no
// domain speaks after its end, results are consistent, and the VM ends normally only once every
// domain reported.
#include <fuzzer/FuzzedDataProvider.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "launcher/common/error.hpp"
#include "launcher/net/socket_factory.hpp"
#include "launcher/vm/console.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "launcher/vm/output.hpp"

namespace {

using namespace er::launcher;

void require(bool condition) {
    if (!condition) std::abort();
}

bool printable(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            return false;
    }
    return true;
}

// Records nothing, checks everything: the prefixed-output path (LinePrefixer) gets every write,
// as it would with several domains on a terminal.
class CheckingConsole final : public Console {
  public:
    explicit CheckingConsole(const std::vector<std::string>& names)
        : prefixer_(names), ended_(names.size(), false) {}

    int64_t write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) override {
        require(domain < ended_.size() && !ended_[domain]);
        require(stream == ER_STREAM_STDOUT || stream == ER_STREAM_STDERR);
        check_lines(domain, prefixer_.feed(domain, stream == ER_STREAM_STDERR, bytes));
        return static_cast<int64_t>(bytes.size());
    }
    void end_domain(uint32_t domain) override {
        require(domain < ended_.size() && !ended_[domain]);
        ended_[domain] = true;
        check_lines(domain, prefixer_.flush(domain, 0));
        check_lines(domain, prefixer_.flush(domain, 1));
    }
    void log(std::string_view line) override { require(printable(line)); }
    void notice(std::string_view line) override {
        require(!line.empty() && line.find('\n') == std::string_view::npos);
    }

  private:
    // Whole lines, each starting with the domain's prefix.
    void check_lines(uint32_t domain, const std::string& out) {
        const std::string& prefix = prefixer_.prefix(domain);
        size_t at = 0;
        while (at < out.size()) {
            require(out.compare(at, prefix.size(), prefix) == 0);
            size_t nl = out.find('\n', at);
            require(nl != std::string::npos);
            at = nl + 1;
        }
    }

    LinePrefixer prefixer_;
    std::vector<bool> ended_;
};

void check_results(const DomainResults& results) {
    for (size_t i = 0; i < results.size(); i++) {
        if (!results[i]) continue;
        const DomainResult& r = *results[i];
        require(r.isolation == ER_ISO_PAGETABLE || r.isolation == ER_ISO_MPK);
        require(r.reason == ER_EXIT_NORMAL ||
                (r.reason == ER_EXIT_SIGNAL && r.signal >= 1 && r.signal <= 64));
        require(printable(r.message));
        for (size_t j = 0; j < i; j++) {
            if (!results[j] || r.isolation != ER_ISO_MPK) continue;
            require(!(results[j]->isolation == ER_ISO_MPK && results[j]->pkey == r.pkey &&
                      results[j]->mpk_space == r.mpk_space));
        }
    }
}

// ER_HC_NET's sockets come from one factory in a network namespace of its own, with only lo:
// whatever address an input binds or connects to, nothing outside it is reached.  Made once (a
// fork); without namespaces here, no factory (SOCKET answers -EAFNOSUPPORT, the checks still run).
std::shared_ptr<SocketFactory> isolated_factory() {
    static std::shared_ptr<SocketFactory> factory = [] {
        try {
            return std::make_shared<SocketFactory>(SocketFactory::in_new_netns());
        } catch (const er::launcher::Error&) {
            return std::shared_ptr<SocketFactory>();
        }
    }();
    return factory;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<ServedDomain> domains(in.ConsumeIntegralInRange<size_t>(1, ER_MAX_DOMAINS));
    std::vector<std::string> names;
    for (size_t i = 0; i < domains.size(); i++) {
        domains[i].name = "d" + std::to_string(i);
        domains[i].isolation = in.ConsumeIntegralInRange<uint32_t>(0, 3);  // 3: not a value
        names.push_back(domains[i].name);
    }
    constexpr uint64_t kRam = 16 * 1024;
    std::vector<uint8_t> ram(kRam, 0);
    GuestMemory memory(ram.data(), kRam);
    CheckingConsole console(names);
    HypercallServer server(
        memory, console,
        [] {
            return HostTimes{1, 2, 3};
        },
        domains);
    server.net().set_default_factory(isolated_factory());
    server.net().set_poll_cap_ns(0);  // a poll never waits: inputs stay fast

    int calls = in.ConsumeIntegralInRange(1, 80);
    for (int c = 0; c < calls && in.remaining_bytes() > 0; c++) {
        // Poke: bytes of RAM change between calls, as a guest's would.
        uint64_t at = in.ConsumeIntegralInRange<uint64_t>(0, kRam - 1);
        std::vector<uint8_t> bytes = in.ConsumeBytes<uint8_t>(in.ConsumeIntegralInRange(0, 64));
        for (size_t k = 0; k < bytes.size() && at + k < kRam; k++) ram[at + k] = bytes[k];

        uint32_t nr = in.ConsumeIntegralInRange<uint32_t>(0, ER_HC_MAX);
        uint64_t gpa = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, kRam / 8) * 8
                                        : in.ConsumeIntegral<uint64_t>();
        try {
            std::optional<VmEnd> end = server.serve(nr, gpa);
            if (end) {
                // A normal end needs every domain's report; then the VM is gone.
                bool all = true;
                for (const auto& r : server.results()) all = all && r.has_value();
                require(nr == ER_HC_EXIT && (all || !end->message.empty()));
                break;
            }
        } catch (const GuestError& e) {
            require(std::string_view(e.what()).size() > 0);
        }
        check_results(server.results());
    }
    return 0;
}
