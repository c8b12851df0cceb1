#include "launcher/cli/check_command.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cinttypes>
#include <cstdio>
#include <vector>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/layout.hpp"
#include "launcher/vm/vm_end.hpp"
#include "mpk/gadget_scanner.hpp"

namespace er::launcher {
namespace {

// Findings listed per app; the summary line still gives the total beyond it.  An app with
// thousands of gadgets is refused either way, and the first ones are the useful ones.
constexpr size_t kMaxListed = 1000;

constexpr const char* kCheckFooter =
    R"(Scans every executable byte of each APP, at every offset, for WRPKRU and for XRSTOR/XRSTORS
with a memory operand (ERIM's rules): an app that can execute one could change its own
protection-key rights.  Also reports what `run` refuses in any domain: an executable stack
(PT_GNU_STACK with PF_X), an image whose .bss does not fit the address space.  Exit status: 0 when
no APP has a finding; 1 when some APP does (one line per finding); 125 when an APP cannot be
checked (not a static x86-64 ELF, unreadable).  See docs/mpk.md.)";

std::string hex(uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

void print(int fd, const std::string& line) {
    std::string text = line + "\n";
    write_fully(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string finding_line(const std::string& app, const mpk::Finding& f) {
    std::string line = app + ": " + mpk::describe(f.kind) + " at offset " + hex(f.offset) +
                       " (vaddr " + hex(f.vaddr);
    // The loader maps a page shared with code executable, so these bytes are code too; say so,
    // or the user would look for the gadget in the wrong section.
    if (f.outside_exec_segment)
        line += ", in a non-executable segment's bytes on an executable page";
    return line + ")";
}

// Returns kCheckClean or kCheckGadgets; throws Error for a file that cannot be checked.
int check_one(const std::string& app) {
    // Any file that `run` could ever load fits in the largest guest; nothing bigger is read.
    std::vector<uint8_t> bytes =
        read_regular_file(app, max_app_size(layout::kMaxMemory),
                          app + " is too big to run in any enclave (more than " +
                              std::to_string(max_app_size(layout::kMaxMemory)) + " bytes)");
    check_app_elf(bytes, app);  // the same one-line ELF errors as `run`

    std::vector<mpk::Finding> findings(kMaxListed);
    mpk::ScanResult r = mpk::scan_elf(bytes.data(), bytes.size(), findings.data(), findings.size());
    if (r.status != elf::Status::ok) throw Error(elf::describe(r.status), app);

    // What `run` would refuse whatever the isolation (an executable stack, an image too big
    // for the address space) is a finding too: the app cannot run as it is.
    std::string refusal = load_refusal(bytes);
    if (!refusal.empty()) print(STDOUT_FILENO, app + ": " + refusal);
    std::string bytes_text = std::to_string(r.bytes) + " executable bytes";
    if (r.total == 0) {
        print(STDOUT_FILENO, app + ": no WRPKRU/XRSTOR gadgets in " + bytes_text);
        return refusal.empty() ? kCheckClean : kCheckGadgets;
    }
    for (size_t i = 0; i < r.count; ++i) print(STDOUT_FILENO, finding_line(app, findings[i]));
    std::string summary = app + ": " + std::to_string(r.total) + " WRPKRU/XRSTOR gadget" +
                          (r.total == 1 ? "" : "s") + " in " + bytes_text;
    if (r.truncated) summary += " (the first " + std::to_string(r.count) + " listed)";
    print(STDOUT_FILENO, summary);
    return kCheckGadgets;
}

}  // namespace

CLI::App* add_check_command(CLI::App& cli, CheckOptions& options) {
    CLI::App* check =
        cli.add_subcommand("check", "Scan APPs for WRPKRU/XRSTOR gadgets (no /dev/kvm needed)");
    check->add_option("APP", options.apps, "Static x86-64 Linux ELF to scan")->required();
    check->footer(kCheckFooter);
    return check;
}

int check_command(const CheckOptions& options) {
    int status = kCheckClean;
    bool failed = false;
    for (const std::string& app : options.apps) {
        try {
            if (check_one(app) == kCheckGadgets) status = kCheckGadgets;
        } catch (const Error& e) {
            // One line per app that cannot be checked, worded as `run` words it; the others are
            // still checked so one typo does not hide their results.
            print(STDERR_FILENO, std::string("enclave-run: ") + e.what());
            failed = true;
        }
    }
    return failed ? kExitLauncherError : status;
}

}  // namespace er::launcher
