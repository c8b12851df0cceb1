#include "launcher/host/member_name.hpp"

#include "libos-abi/enclave_abi.h"

namespace er::launcher::host {

std::string member_domain_name(const std::string& id, uint64_t n) {
    std::string base;
    for (char c : id.substr(0, kMemberNameChars)) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        base += ok ? c : '_';
    }
    if (base.empty()) base = "member";
    std::string name = base + "." + std::to_string(n);
    // 20 + 1 + 20 digits can exceed 31: shorten the base, never the counter (it is the unique
    // part).
    if (name.size() > ER_DOMAIN_NAME_MAX - 1)
        name = base.substr(0, base.size() - (name.size() - (ER_DOMAIN_NAME_MAX - 1))) + "." +
               std::to_string(n);
    return name;
}

}  // namespace er::launcher::host
