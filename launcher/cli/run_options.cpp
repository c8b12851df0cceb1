#include "launcher/cli/run_options.hpp"

#include <cmath>
#include <cstdlib>

#include "launcher/common/error.hpp"
#include "launcher/common/size.hpp"
#include "launcher/vm/layout.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

uint64_t memory_size_from(const std::string& text) {
    auto size = parse_size(text);
    if (!size) {
        throw Error("--memory '" + text +
                    "' is not a size (a byte count with an optional K, M or G suffix)");
    }
    if (*size < layout::kMinMemory) {
        throw Error("--memory " + text + " is below the minimum of " +
                    format_size(layout::kMinMemory));
    }
    if (*size > layout::kMaxMemory) {
        throw Error("--memory " + text + " is above the maximum of " +
                    format_size(layout::kMaxMemory));
    }
    if (*size % layout::kPageSize != 0) {
        throw Error("--memory " + text + " is not a multiple of 4 KiB");
    }
    return *size;
}

double timeout_from(const std::string& text) {
    char* end = nullptr;
    double seconds = std::strtod(text.c_str(), &end);
    constexpr double kMaxSeconds = 1e7;  // ~115 days; beyond that a typo is likelier
    if (text.empty() || end == nullptr || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 ||
        seconds > kMaxSeconds) {
        throw Error("--timeout '" + text + "' is not a number of seconds in (0, 10000000]");
    }
    return seconds;
}

uint32_t tick_ms_from(const std::string& text) {
    uint64_t value = 0;
    bool ok = !text.empty() && text.size() <= 7;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    if (!ok || value > kMaxTickMs) {
        throw Error("--tick-ms '" + text + "' is not whole milliseconds in [0, " +
                    std::to_string(kMaxTickMs) + "] (0 disables the timer)");
    }
    return static_cast<uint32_t>(value);
}

uint32_t isolation_from(const std::string& text) {
    if (text == "auto") return ER_ISO_AUTO;
    if (text == "pagetable") return ER_ISO_PAGETABLE;
    if (text == "mpk") return ER_ISO_MPK;
    throw Error("--isolation '" + text + "' is not one of auto, pagetable or mpk");
}

NetworkMode network_from(const std::string& text) {
    if (text == "host") return NetworkMode::host;
    if (text == "none") return NetworkMode::none;
    throw Error("--network '" + text + "' is not one of host or none");
}

void check_env_entry(const std::string& kv) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw Error("--env '" + kv + "' is not KEY=VALUE");
    }
}

}  // namespace er::launcher
