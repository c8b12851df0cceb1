// Where the report that vouches for the evidence comes from, per confidential mode: the one seam
// between the measurement log and the platform.
//   ER_CC_OFF:        none (plain KVM: the bundle says not hardware-backed).
//   ER_CC_SEV/SEV_ES: none exists (only SNP guests can ask the PSP for a report).
//   ER_CC_SIM:        MSG_REPORT_REQ sealed with VMPCK0 from the secrets page, carried to the
//                     software PSP by ER_HC_GUEST_REQUEST (sev/sim/, tests only).
//   ER_CC_SNP:        the same message through the GHCB (SNP Guest Request NAE event).
#pragma once

#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::attest {

// Fills ev.report and ev.report_size (ER_SNP_REPORT_SIZE, or 0 where the mode has no report)
// for ev.report_data.  nullptr on success, else why not.
const char* fetch_report(uint32_t confidential, er_evidence& ev);

}  // namespace uk::attest
