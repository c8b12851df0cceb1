// libFuzzer target: certificate loading and the hand-written KDS extension decoder.
#include <cstdint>

#include "attestation/certificate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace er::attest;
    auto certs = load_certificates(ByteView(data, size), "fuzz");
    if (!certs) return 0;
    for (const X509Ptr& c : *certs) {
        (void)read_kds_extensions(c.get());
        (void)leaf_kind(c.get());
    }
    return 0;
}
