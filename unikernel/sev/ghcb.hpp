// The GHCB protocol (AMD "SEV-ES Guest-Hypervisor Communication Block Standardization", pub.
// 56421, version 2): how an SEV-ES or SNP guest, whose registers the hypervisor cannot read, asks
// it for the services an intercept used to give (port I/O, CPUID, MSRs, page-state changes, the
// PSP's guest requests).  Two forms:
//  - the MSR protocol (§2.3.1): one request in the GHCB MSR (0xC0010130) itself, then VMGEXIT;
//    usable before any GHCB page is set up and for the few fixed requests below;
//  - the GHCB page: a 4 KiB shared (unencrypted) page whose GPA is in the MSR, holding the
//    registers the guest chooses to expose, each marked in a valid bitmap, and a shared buffer.
// Pure encodings here; the MSR access and VMGEXIT (rep; vmmcall) are the caller's.
//
// Every value the hypervisor puts in the MSR or the page is untrusted input: callers check the
// response code (and the returned fields) before using anything.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/string.hpp"

namespace uk::sev::ghcb {

constexpr uint32_t kGhcbMsr = 0xC0010130;  // SEV_ES_GHCB, APM vol 2 §15.35 (SEV-ES)
constexpr uint16_t kProtocolVersion = 2;   // version 2 adds the SNP requests (PSC, guest request)

// ---- MSR protocol (56421 §2.3.1): GHCBInfo in bits 11:0, GHCBData in bits 63:12 ----

constexpr uint64_t kInfoMask = 0xFFF;

enum MsrInfo : uint64_t {
    kSevInfoResponse = 0x001,
    kSevInfoRequest = 0x002,
    kCpuidRequest = 0x004,
    kCpuidResponse = 0x005,
    kRegisterGpaRequest = 0x012,
    kRegisterGpaResponse = 0x013,
    kPageStateRequest = 0x014,
    kPageStateResponse = 0x015,
    kHvFeaturesRequest = 0x080,
    kHvFeaturesResponse = 0x081,
    kTerminateRequest = 0x100,
};

constexpr uint64_t msr_info(uint64_t msr) {
    return msr & kInfoMask;
}

// SEV information: the request has no data; the response carries the hypervisor's protocol range
// and the C-bit position: [63:48] maximum version, [47:32] minimum version, [31:24] C-bit.
constexpr uint64_t sev_info_request() {
    return kSevInfoRequest;
}
struct SevInfo {
    uint16_t max_version;
    uint16_t min_version;
    uint8_t cbit;
};
constexpr bool decode_sev_info(uint64_t msr, SevInfo* out) {
    if (msr_info(msr) != kSevInfoResponse) return false;
    out->max_version = static_cast<uint16_t>(msr >> 48);
    out->min_version = static_cast<uint16_t>(msr >> 32);
    out->cbit = static_cast<uint8_t>(msr >> 24);
    return true;
}
// This guest speaks exactly kProtocolVersion; the hypervisor's range must include it.
constexpr bool supports_our_version(const SevInfo& info) {
    return info.min_version <= kProtocolVersion && kProtocolVersion <= info.max_version;
}

// CPUID, one register per exchange: request [63:32] function, [31:30] register (0 EAX, 1 EBX,
// 2 ECX, 3 EDX); response [63:32] the value, [31:30] the register asked for.  (No sub-leaf: the
// MSR protocol only serves leaves whose ECX input does not matter.)
enum class CpuidReg : uint64_t { kEax = 0, kEbx = 1, kEcx = 2, kEdx = 3 };
constexpr uint64_t cpuid_request(uint32_t function, CpuidReg reg) {
    return (uint64_t{function} << 32) | (static_cast<uint64_t>(reg) << 30) | kCpuidRequest;
}
// The value, when msr answers the CPUID request for reg (else false).
constexpr bool decode_cpuid_response(uint64_t msr, CpuidReg reg, uint32_t* value) {
    if (msr_info(msr) != kCpuidResponse || ((msr >> 30) & 3) != static_cast<uint64_t>(reg))
        return false;
    *value = static_cast<uint32_t>(msr >> 32);
    return true;
}

// GHCB GPA registration (SNP guests must register before using the page): [63:12] the GHCB's
// guest frame number, in the request and echoed in a successful response.
constexpr uint64_t register_gpa_request(uint64_t gfn) {
    return (gfn << 12) | kRegisterGpaRequest;
}
constexpr bool register_gpa_accepted(uint64_t msr, uint64_t gfn) {
    return msr_info(msr) == kRegisterGpaResponse && (msr >> 12) == gfn;
}

// SNP page state change for one 4 KiB page: [55:52] operation, [51:12] GFN (40 bits); response
// [63:32] error code, 0 on success.
enum class PageOp : uint64_t { kPrivate = 1, kShared = 2 };
constexpr uint64_t kGfnMask = (uint64_t{1} << 40) - 1;
constexpr uint64_t page_state_request(uint64_t gfn, PageOp op) {
    return (static_cast<uint64_t>(op) << 52) | ((gfn & kGfnMask) << 12) | kPageStateRequest;
}
constexpr bool page_state_succeeded(uint64_t msr) {
    return msr_info(msr) == kPageStateResponse && (msr >> 32) == 0;
}

// Hypervisor feature support (version 2): response [63:12] a feature bitmap; bit 0 = SNP.
constexpr uint64_t hv_features_request() {
    return kHvFeaturesRequest;
}
constexpr uint64_t kHvFeatureSnp = 1u << 0;

// Termination: [15:12] reason code set, [23:16] reason code.  Set 0 (general) codes: 0 general
// termination, 1 protocol version range not supported, 2 SNP features not supported.
constexpr uint64_t terminate_request(uint8_t reason_set, uint8_t reason_code) {
    return (uint64_t{reason_code} << 16) | (uint64_t{reason_set & 0xFu} << 12) | kTerminateRequest;
}
constexpr uint8_t kReasonSetGeneral = 0;
constexpr uint8_t kReasonGeneral = 0;
constexpr uint8_t kReasonProtocolUnsupported = 1;
constexpr uint8_t kReasonSnpUnsupported = 2;

// ---- NAE exit codes (SW_EXITCODE; 56421 §4.1, "Non-Automatic Exit events"; the first three are
// the SVM intercept codes of APM vol 2 appendix C) ----

enum ExitCode : uint64_t {
    kExitCpuid = 0x72,
    kExitIoio = 0x7B,
    kExitMsr = 0x7C,
    kExitVmmcall = 0x81,
    kExitPageStateChange = 0x80000010,
    kExitGuestRequest = 0x80000011,
    kExitExtGuestRequest = 0x80000012,
    kExitHvFeatures = 0x8000FFFD,
    kExitTermination = 0x8000FFFE,
};

// ---- the GHCB page (56421 §2, table "GHCB Layout") ----

constexpr size_t kPageSize = 4096;
// Save-area offsets of the fields this guest uses (each 8 bytes).
enum Field : uint16_t {
    kRax = 0x1F8,
    kRcx = 0x308,
    kRdx = 0x310,
    kRbx = 0x318,
    kSwExitCode = 0x390,
    kSwExitInfo1 = 0x398,
    kSwExitInfo2 = 0x3A0,
    kSwScratch = 0x3A8,
    kXcr0 = 0x3E8,
};
constexpr size_t kValidBitmapOffset = 0x3F0;  // 16 bytes: bit n = save-area qword n is valid
constexpr size_t kValidBitmapSize = 16;
constexpr size_t kSharedBufferOffset = 0x800;
constexpr size_t kSharedBufferSize = 0x7F0;  // 2032 bytes, up to 0xFF0
constexpr size_t kProtocolVersionOffset = 0xFFA;
constexpr size_t kUsageOffset = 0xFFC;
constexpr uint32_t kUsageStandard = 0;

// A field's bit in the valid bitmap: its quadword index in the save area.
constexpr unsigned valid_bit(Field f) {
    return static_cast<unsigned>(f) / 8;
}

constexpr size_t kSaveAreaSize = 0x400;  // up to and including the valid bitmap

// Before each event: clear the whole save area with its valid bitmap, so nothing from the last
// event (registers either side wrote) is passed on or read back (56421: only fields marked valid
// count, but a cleared page leaves nothing to get wrong).
inline void reset(uint8_t* page) {
    memset(page, 0, kSaveAreaSize);
    uint16_t v = kProtocolVersion;
    memcpy(page + kProtocolVersionOffset, &v, sizeof v);
    uint32_t u = kUsageStandard;
    memcpy(page + kUsageOffset, &u, sizeof u);
}

inline void set_valid(uint8_t* page, Field f) {
    page[kValidBitmapOffset + valid_bit(f) / 8] |= static_cast<uint8_t>(1u << (valid_bit(f) % 8));
}

inline bool is_valid(const uint8_t* page, Field f) {
    return (page[kValidBitmapOffset + valid_bit(f) / 8] >> (valid_bit(f) % 8)) & 1;
}

// Writes the field and marks it valid.
inline void set(uint8_t* page, Field f, uint64_t value) {
    memcpy(page + f, &value, sizeof value);
    set_valid(page, f);
}

// The field as the hypervisor left it; callers read only what they then check against
// is_valid() (the hypervisor marks the registers it returns).
inline uint64_t get(const uint8_t* page, Field f) {
    uint64_t v;
    memcpy(&v, page + f, sizeof v);
    return v;
}

// The standard event: exit code and information fields, all marked valid.
inline void set_exit(uint8_t* page, uint64_t code, uint64_t info1, uint64_t info2) {
    set(page, kSwExitCode, code);
    set(page, kSwExitInfo1, info1);
    set(page, kSwExitInfo2, info2);
}

// After VMGEXIT: SW_EXITINFO1[31:0] is 0 on success, 1 when the hypervisor reports an error
// (then SW_EXITINFO2 holds an exception to inject), 2 for a malformed request.
inline bool event_succeeded(const uint8_t* page) {
    return (get(page, kSwExitInfo1) & 0xFFFFFFFF) == 0;
}

}  // namespace uk::sev::ghcb
