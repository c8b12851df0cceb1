#include "launcher/cli/platform_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/common/escape.hpp"
#include "launcher/common/full_write.hpp"
#include "sev/platform_json.hpp"
#include "sev/platform_report.hpp"
#include "sev/platform_text.hpp"

namespace er::launcher {
namespace {

constexpr const char* kPlatformFooter =
    R"(Probes, in this order: /dev/kvm (KVM_CAP_VM_TYPES, and KVM_MEMORY_ENCRYPT_OP with a NULL
argument on a throwaway VM), CPUID 0x8000001F, /sys/module/kvm_amd/parameters/{sev,sev_es,sev_snp},
/dev/sev (SEV_PLATFORM_STATUS, SNP_PLATFORM_STATUS), then the ASID slots in the state directory
($ENCLAVE_RUN_STATE_DIR, /run/enclave-run for root, else $XDG_RUNTIME_DIR/enclave-run) for the
pools sev, es-snp and sim.  Nothing is launched or changed.  Prints each fact, the ASIDs in use and
left per pool, then snp, es and sev: available, or each missing piece.  Exit status 0 whatever the
host offers.  See docs/sev.md.)";

}  // namespace

CLI::App* add_platform_command(CLI::App& cli, PlatformOptions& options) {
    CLI::App* platform = cli.add_subcommand(
        "platform",
        "Show which confidential modes (SNP, SEV-ES, SEV) this host offers, and why not");
    platform->add_flag("--json", options.json, "Print the report as one JSON object");
    platform->footer(kPlatformFooter);
    return platform;
}

int platform_command(const PlatformOptions& options) {
    sev::HostProbe probe;
    sev::PlatformReport report = sev::probe_platform(probe);
    sev::asid::AsidReport asids = sev::asid::inspect_asids(report.facts.cpu);
    std::string text;
    if (options.json) {
        // A sysfs value is the one text here the kernel, not this code, wrote: bytes that are
        // not UTF-8 become U+FFFD rather than an exception.
        text = sev::platform_json(report, asids)
                   .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
               "\n";
    } else {
        for (const std::string& line : sev::platform_text(report, asids))
            text += escape_text(line) + "\n";
    }
    int64_t n =
        write_fully(STDOUT_FILENO, reinterpret_cast<const uint8_t*>(text.data()), text.size());
    if (n < 0) throw Error("cannot write the report", "stdout", static_cast<int>(-n));
    if (static_cast<size_t>(n) != text.size()) throw Error("short write of the report", "stdout");
    return 0;
}

}  // namespace er::launcher
