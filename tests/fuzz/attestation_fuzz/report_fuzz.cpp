// libFuzzer target: the SNP report parser must refuse or accept any bytes without reading
// out of bounds, and whatever it accepts must decode consistently.
#include <cstdint>
#include <cstdlib>

#include "attestation/report.hpp"
#include "attestation/signature.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace er::attest;
    ByteView bytes(data, size);
    auto report = parse_report(bytes);
    auto der = report_signature_der(bytes);
    if (report) {
        if (report->version < 2 || report->version > 5) std::abort();
        if (!der && der.error().reason != Reason::report_signature) std::abort();
        // The TCB layouts are bijective on the bytes they use.
        for (Product p : {Product::milan, Product::turin}) {
            TcbVersion tcb = decode_tcb(report->reported_tcb, p);
            if (decode_tcb(encode_tcb(tcb, p), p) != tcb) std::abort();
        }
        (void)report->product();
    } else if (report.error().message().empty()) {
        std::abort();
    }
    return 0;
}
