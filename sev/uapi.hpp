// The kernel interfaces platform detection uses, spelled out here because Debian 12's
// linux-libc-dev 6.1 lacks part of them (no KVM_CAP_VM_TYPES, no KVM_X86_SEV*_VM, no
// SNP_PLATFORM_STATUS; ../shared/notes/sev.md §1.7).  Everything is the kernel's own layout and
// number; the static_asserts pin sizes and ioctl numbers so a typo cannot reach the kernel.
// Sources: Linux uapi include/uapi/linux/kvm.h and arch/x86/include/uapi/asm/kvm.h (VM types,
// KVM_CAP_VM_TYPES, struct kvm_sev_cmd), include/uapi/linux/psp-sev.h (SEV_ISSUE_CMD and the
// PLATFORM_STATUS / SNP_PLATFORM_STATUS parameter structs), which carry the firmware's output of
// the commands of the same names in AMD's "SEV API" (#55766) and "SEV Secure Nested Paging
// Firmware ABI Specification" (#56860).  Notes: ../shared/notes/sev.md §1.1, §1.2, §1.5.
#pragma once

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstdint>

namespace er::sev::uapi {

// ---- /dev/kvm and VM fds ----

// KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES) answers a bitmask of the KVM_CREATE_VM types this KVM
// accepts (bit N = type N).  Linux 6.8+; older kernels answer 0 (unknown capability).
inline constexpr unsigned long kCapVmTypes = 235;

// KVM_CREATE_VM types (arch/x86/include/uapi/asm/kvm.h).
inline constexpr uint32_t kVmDefault = 0;
inline constexpr uint32_t kVmSev = 2;    // KVM_X86_SEV_VM, Linux 6.10+
inline constexpr uint32_t kVmSevEs = 3;  // KVM_X86_SEV_ES_VM, Linux 6.10+
inline constexpr uint32_t kVmSnp = 4;    // KVM_X86_SNP_VM, Linux 6.11+

// struct kvm_sev_cmd: the argument of KVM_MEMORY_ENCRYPT_OP (naturally aligned, 24 bytes).
struct KvmSevCmd {
    uint32_t id;
    uint32_t pad0;
    uint64_t data;    // user pointer to the command's parameter struct
    uint32_t error;   // out: firmware status (sev_ret_code)
    uint32_t sev_fd;  // an open /dev/sev
};
static_assert(sizeof(KvmSevCmd) == 24);

// KVM_MEMORY_ENCRYPT_OP = _IOWR(KVMIO, 0xba, unsigned long).  With a NULL argument it does
// nothing and answers 0 where KVM has SEV enabled, ENOTTY where not (Documentation/virt/kvm/x86/
// amd-memory-encryption.rst): the harmless probe platform detection uses.
inline constexpr unsigned long kMemoryEncryptOp = _IOWR(KVMIO, 0xba, unsigned long);
static_assert(kMemoryEncryptOp == 0xC008AEBAul);

// ---- /dev/sev (the ccp driver's PSP interface) ----

// struct sev_issue_cmd (packed, 16 bytes) and SEV_ISSUE_CMD = _IOWR('S', 0x0, sev_issue_cmd).
struct __attribute__((packed)) SevIssueCmd {
    uint32_t cmd;
    uint64_t data;   // user pointer to the command's parameter struct
    uint32_t error;  // out: firmware status; 0xFFFFFFFF (SEV_RET_NO_FW_CALL) when none was made
};
static_assert(sizeof(SevIssueCmd) == 16);
inline constexpr unsigned long kSevIssueCmd = _IOWR('S', 0x0, SevIssueCmd);
static_assert(kSevIssueCmd == 0xC0105300ul);

// SEV_ISSUE_CMD command numbers (enum sev_cmd in psp-sev.h).
inline constexpr uint32_t kSevPlatformStatus = 1;
inline constexpr uint32_t kSnpPlatformStatus = 9;  // Linux 6.11+

inline constexpr uint32_t kSevRetNoFwCall = 0xFFFFFFFF;

// struct sev_user_data_status (packed, 12 bytes): the SEV API's PLATFORM_STATUS output.
struct __attribute__((packed)) SevUserDataStatus {
    uint8_t api_major;
    uint8_t api_minor;
    uint8_t state;   // 0 UNINIT, 1 INIT, 2 WORKING
    uint32_t flags;  // bit 0 OWNER, bit 8 CONFIG_ES (SEV_STATUS_FLAGS_CONFIG_ES)
    uint8_t build;
    uint32_t guest_count;
};
static_assert(sizeof(SevUserDataStatus) == 12);

// struct sev_user_data_snp_status (packed, 32 bytes): the SNP ABI's SNP_PLATFORM_STATUS.  The
// kernel declares the flag words as bitfields; they are plain integers here and decoded by mask
// (sev_device.cpp) so the layout does not depend on the compiler's bitfield order.
struct __attribute__((packed)) SevUserDataSnpStatus {
    uint8_t api_major;
    uint8_t api_minor;
    uint8_t state;     // 0 UNINIT, 1 INIT
    uint8_t rmp_bits;  // bit 0 is_rmp_initialized
    uint32_t build_id;
    uint32_t flags;  // bit 0 mask_chip_id, 1 mask_chip_key, 2 vlek_en, 3 feature_info, ...
    uint32_t guest_count;
    uint64_t current_tcb_version;
    uint64_t reported_tcb_version;
};
static_assert(sizeof(SevUserDataSnpStatus) == 32);

}  // namespace er::sev::uapi
