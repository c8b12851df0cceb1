#include "launcher/enclave/isolation.hpp"

#include <algorithm>
#include <array>

#include "elf/elf.hpp"
#include "elf/load_rules.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "libos-abi/enclave_abi.h"
#include "libos-abi/user_layout.h"
#include "mpk/gadget_scanner.hpp"

namespace er::launcher {
namespace {

// As many as the guest's refusal names; `enclave-run check` lists them all.
constexpr size_t kNamedGadgets = 3;

}  // namespace

void check_isolation_fits_app(const std::string& name, std::span<const uint8_t> app,
                              uint32_t isolation) {
    if (isolation != ER_ISO_MPK) return;
    elf::Image img{};
    if (elf::parse(app.data(), app.size(), &img) != elf::Status::ok) {
        throw Error(name + ": not a valid ELF file");  // read_app refused such files already
    }
    if (!img.pie) {
        // "isolation mpk", not "--isolation mpk": the request may come from a manifest.
        throw Error(name +
                    ": isolation mpk needs a relocatable app (static PIE, built with "
                    "-static-pie); " +
                    name + " is a fixed-address executable (ET_EXEC)");
    }
    // The guest refuses these too (unikernel/domain/isolation.cpp); here they are one line
    // before boot instead of a refused domain.
    if (!elf::fits_mpk_window(img)) {
        throw Error(name + ": isolation mpk: the app image (" + std::to_string(img.hi >> 30) +
                    " GiB with its .bss) is too big for a protection-key window (at most " +
                    std::to_string(ER_MPK_IMAGE_MAX >> 30) + " GiB); use isolation auto or " +
                    "pagetable");
    }
    std::array<mpk::Finding, kNamedGadgets> found{};
    mpk::ScanResult r = mpk::scan_image(img, app.data(), app.size(), found.data(), found.size());
    if (r.status != elf::Status::ok)
        throw Error(name + ": isolation mpk: " + elf::describe(r.status));
    if (r.total != 0) {
        std::string list;
        for (size_t i = 0; i < r.count; ++i) {
            list += (i == 0 ? "" : ", ") + std::string(mpk::describe(found[i].kind)) +
                    " at offset " + hex(found[i].offset);
        }
        if (r.truncated) list += ", ...";
        throw Error(name + ": isolation mpk refused: the app carries " + std::to_string(r.total) +
                    (r.total == 1 ? " WRPKRU/XRSTOR gadget: " : " WRPKRU/XRSTOR gadgets: ") + list +
                    " (enclave-run check lists them; isolation auto or pagetable runs it)");
    }
}

PkuVerdict pku_verdict(std::span<const uint32_t> requested, bool has_pku) {
    if (has_pku) return {};
    auto asks = [&](uint32_t iso) {
        return std::find(requested.begin(), requested.end(), iso) != requested.end();
    };
    if (asks(ER_ISO_MPK)) {
        return {PkuVerdict::Kind::error,
                "isolation mpk: this CPU gives guests no protection keys (PKU); use --isolation "
                "auto or pagetable"};
    }
    // One domain has nobody to be isolated from: the fallback is not worth a line then.
    if (requested.size() >= 2 && asks(ER_ISO_AUTO)) {
        return {PkuVerdict::Kind::notice,
                "no protection keys (PKU) on this CPU: domains are isolated with page tables"};
    }
    return {};
}

}  // namespace er::launcher
