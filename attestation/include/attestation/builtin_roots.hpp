// The AMD CA bundles compiled into the library (generated from attestation/roots/*.pem).
#pragma once

#include <span>
#include <string_view>

namespace er::attest {

struct BuiltinRoot {
    std::string_view name;  // file name it came from
    std::string_view pem;
};

std::span<const BuiltinRoot> builtin_roots();

}  // namespace er::attest
