#include "launcher/confidential/guest_policy_option.hpp"

#include <charconv>

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

bool parse_u8(std::string_view text, uint8_t& out) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value > 255)
        return false;
    out = static_cast<uint8_t>(value);
    return true;
}

}  // namespace

sev::GuestPolicy guest_policy_from(const std::string& text) {
    sev::GuestPolicy policy;
    std::string_view rest = text;
    while (true) {
        size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        if (item == "debug") {
            policy.debug = true;
        } else if (item == "nosmt") {
            policy.smt = false;
        } else if (item.rfind("abi=", 0) == 0) {
            std::string_view version = item.substr(4);
            size_t dot = version.find('.');
            if (dot == std::string_view::npos ||
                !parse_u8(version.substr(0, dot), policy.abi_major) ||
                !parse_u8(version.substr(dot + 1), policy.abi_minor)) {
                throw Error("--guest-policy: '" + std::string(item) +
                            "': expected abi=MAJOR.MINOR, each 0..255");
            }
        } else {
            throw Error("--guest-policy: unknown item '" + std::string(item) +
                        "' (expected debug, nosmt or abi=MAJOR.MINOR)");
        }
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return policy;
}

}  // namespace er::launcher
