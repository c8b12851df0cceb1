// libFuzzer target: the CBOR evidence decoder. Anything it accepts must survive an
// encode/decode round trip unchanged.
#include <cstdint>
#include <cstdlib>

#include "attestation/evidence.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace er::attest;
    auto ev = decode_evidence(ByteView(data, size));
    if (!ev) {
        if (ev.error().reason != Reason::evidence_malformed) std::abort();
        return 0;
    }
    auto again = decode_evidence(encode_evidence(*ev));
    if (!again || again->nonce != ev->nonce || again->log != ev->log ||
        again->report != ev->report || again->certs != ev->certs ||
        again->hardware_backed != ev->hardware_backed)
        std::abort();
    (void)replay_log(ev->log);
    return 0;
}
