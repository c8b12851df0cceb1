// The domain name a member's domain gets in the enclave: the id it attached with (a container id,
// any bytes) made a valid domain name (enclave_spec.hpp's rule: [A-Za-z0-9_.-], at most
// ER_DOMAIN_NAME_MAX - 1 bytes) and unique by a counter, as `enclave-run add` names hot-added
// domains ("hello.3"): "3f4e5a6b7c8d9e0f1a2b.7".
#pragma once

#include <cstdint>
#include <string>

namespace er::launcher::host {

// The first kMemberNameChars characters of `id`, each outside the rule replaced by '_' ("member"
// when empty), then "." and `n`.
constexpr size_t kMemberNameChars = 20;
std::string member_domain_name(const std::string& id, uint64_t n);

}  // namespace er::launcher::host
