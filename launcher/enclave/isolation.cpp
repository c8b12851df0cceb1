#include "launcher/enclave/isolation.hpp"

#include <algorithm>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"
#include "unikernel/loader/elf.hpp"

namespace er::launcher {

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
