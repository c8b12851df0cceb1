// The policy words of GuestPolicy (confidential_launch.hpp).  Bit positions: SNP ABI 56860
// "Guest Policy" (table 9 in rev 1.55) and SEV API 55766 "Guest Policy" (section 3); notes §3.2.
#include "sev/launch/confidential_launch.hpp"

namespace er::sev {

std::uint64_t GuestPolicy::snp_policy() const {
    std::uint64_t p = abi_minor;
    p |= std::uint64_t{abi_major} << 8;
    if (smt) p |= 1ull << 16;
    // Reserved, must be one: firmware and KVM refuse a policy with it clear.
    p |= 1ull << 17;
    if (migrate_ma) p |= 1ull << 18;
    if (debug) p |= 1ull << 19;
    // SINGLE_SOCKET (bit 20) stays clear: KVM refuses it (it cannot keep a guest on one socket).
    return p;
}

std::uint32_t GuestPolicy::sev_policy(bool es) const {
    std::uint32_t p = 0;
    if (!debug) p |= 1u << 0;  // NODBG
    // NOKS: never share keys with another guest; NOSEND: the launcher never migrates (SEND_*).
    p |= 1u << 1;
    if (es) p |= 1u << 2;  // ES: the firmware requires it for an SEV-ES guest
    p |= 1u << 3;
    // DOMAIN (4) and SEV (5) restrict sending, which never happens: left clear.
    p |= std::uint32_t{abi_major} << 16;
    p |= std::uint32_t{abi_minor} << 24;
    return p;
}

}  // namespace er::sev
