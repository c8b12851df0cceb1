// /dev/sev, the ccp driver's door to the AMD secure processor (PSP): whether it exists, opens
// read-write (KVM needs such an fd for every launch), and what SEV_PLATFORM_STATUS and
// SNP_PLATFORM_STATUS say.  Only status commands are issued: nothing changes the platform.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace er::sev {

// One SEV_ISSUE_CMD that failed: the errno and the firmware status it left (0xFFFFFFFF,
// SEV_RET_NO_FW_CALL, or 0 when the firmware was never reached).
struct SevCommandFailure {
    int err = 0;
    uint32_t fw_error = 0;
};

struct SevPlatformStatus {
    uint8_t api_major = 0;
    uint8_t api_minor = 0;
    uint8_t state = 0;  // 0 UNINIT, 1 INIT, 2 WORKING
    uint32_t flags = 0;
    uint8_t build = 0;
    uint32_t guest_count = 0;
};

struct SnpPlatformStatus {
    uint8_t api_major = 0;
    uint8_t api_minor = 0;
    uint8_t state = 0;  // 0 UNINIT, 1 INIT
    bool rmp_initialized = false;
    uint32_t build_id = 0;
    uint32_t flags = 0;  // bit 0 mask_chip_id, 1 mask_chip_key, 2 vlek_en
    uint32_t guest_count = 0;
    uint64_t current_tcb = 0;
    uint64_t reported_tcb = 0;
};

struct SevDeviceFacts {
    std::string path = "/dev/sev";
    bool present = false;  // the path exists
    int open_err = 0;      // errno of a failed open, 0 when it opened
    // Set when the command was issued (the device opened): its answer or its failure.
    std::optional<SevPlatformStatus> status;
    std::optional<SevCommandFailure> status_failure;
    std::optional<SnpPlatformStatus> snp_status;
    std::optional<SevCommandFailure> snp_status_failure;
};

// Probes `path` (normally /dev/sev).  Never throws: every failure is a fact.
SevDeviceFacts probe_sev_device(const std::string& path);

// "Invalid argument" or "Input/output error (firmware status 0x16)".
std::string failure_text(const SevCommandFailure& f);

const char* sev_state_name(uint8_t state);  // "UNINIT", "INIT", "WORKING" or "unknown"
const char* snp_state_name(uint8_t state);  // "UNINIT", "INIT" or "unknown"

}  // namespace er::sev
