#include "attest/report.hpp"

#include "hv/hypercall.hpp"
#include "lib/format.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"
#include "sev/snp_guest_request.hpp"

namespace uk::attest {
namespace {

static_assert(sev::kSnpReportSize == ER_SNP_REPORT_SIZE, "one report size");

FixedText<96> g_why;  // the reason text returned for a firmware error

// The software PSP's transport: the request and response pages at their ABI addresses (shared:
// the host reads the sealed request and writes the sealed response; nothing in them is trusted
// before the tag checks out), the secrets page (private) for VMPCK0 and the sequence numbers.
const char* fetch_sim_report(er_evidence& ev) {
    auto* secrets = static_cast<uint8_t*>(mm::phys_to_virt(ER_GPA_SNP_SECRETS));
    auto* request = static_cast<uint8_t*>(mm::phys_to_virt(ER_GPA_GUEST_REQ));
    auto* response = static_cast<uint8_t*>(mm::phys_to_virt(ER_GPA_GUEST_RESP));
    uint64_t seqno = 0;
    if (const char* why = sev::begin_report_request(secrets, ev.report_data, request, &seqno))
        return why;
    uint64_t fw_error = hv::guest_request(ER_GPA_GUEST_REQ, ER_GPA_GUEST_RESP);
    // The report lands in private memory first; ev is private too (evidence.cpp).
    static uint8_t report[ER_SNP_REPORT_SIZE];
    const char* why = sev::finish_report_request(secrets, seqno, fw_error == 0, response, report);
    if (fw_error != 0) {
        g_why.clear();
        g_why.str("the PSP refused the guest request (firmware status ").hex(fw_error).str(")");
        g_why.ch('\0');
        return g_why.data();
    }
    if (why != nullptr) return why;
    memcpy(ev.report, report, sizeof report);
    ev.report_size = ER_SNP_REPORT_SIZE;
    return nullptr;
}

}  // namespace

const char* fetch_report(uint32_t confidential, er_evidence& ev) {
    ev.report_size = 0;
    switch (confidential) {
        case ER_CC_OFF:
        case ER_CC_SEV:
        case ER_CC_SEV_ES:
            return nullptr;
        case ER_CC_SIM:
            return fetch_sim_report(ev);
        case ER_CC_SNP:
            return "SNP guest requests through the GHCB are not wired to the evidence yet";
        default:
            return "unknown confidential mode in the boot info";
    }
}

}  // namespace uk::attest
