// The kernel interfaces platform detection and the launch (sev/launch/) use, spelled out here
// because Debian 12's linux-libc-dev 6.1 lacks part of them (no KVM_CAP_VM_TYPES, no
// KVM_X86_SEV*_VM, no SNP_PLATFORM_STATUS; ../shared/notes/sev.md §1.7).  Everything is the
// kernel's own layout and number; the static_asserts pin sizes and ioctl numbers so a typo cannot
// reach the kernel. Sources: Linux uapi include/uapi/linux/kvm.h and
// arch/x86/include/uapi/asm/kvm.h (VM types, KVM_CAP_VM_TYPES, struct kvm_sev_cmd),
// include/uapi/linux/psp-sev.h (SEV_ISSUE_CMD and the PLATFORM_STATUS / SNP_PLATFORM_STATUS
// parameter structs), which carry the firmware's output of the commands of the same names in AMD's
// "SEV API" (#55766) and "SEV Secure Nested Paging Firmware ABI Specification" (#56860).  Notes:
// ../shared/notes/sev.md §1.1, §1.2, §1.5.
#pragma once

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>
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

// ---- The launch (sev/launch/): KVM_MEMORY_ENCRYPT_OP commands, memory, VM set-up ----
// Sources as above plus include/uapi/linux/kvm.h (guest_memfd, memory attributes,
// KVM_SET_USER_MEMORY_REGION2) and Documentation/virt/kvm/x86/amd-memory-encryption.rst (the
// command semantics); notes §1.2-1.4.  Sizes are the kernel's, explicit padding included.

// KVM_MEMORY_ENCRYPT_OP command ids (enum sev_cmd_id).
inline constexpr uint32_t kSevInit = 0;  // legacy, type 0 VMs only
inline constexpr uint32_t kSevEsInit = 1;
inline constexpr uint32_t kSevLaunchStart = 2;
inline constexpr uint32_t kSevLaunchUpdateData = 3;
inline constexpr uint32_t kSevLaunchUpdateVmsa = 4;
inline constexpr uint32_t kSevLaunchMeasure = 6;
inline constexpr uint32_t kSevLaunchFinish = 7;
inline constexpr uint32_t kSevInit2 = 22;         // Linux 6.10+, VM types 2/3/4 only
inline constexpr uint32_t kSnpLaunchStart = 100;  // Linux 6.11+
inline constexpr uint32_t kSnpLaunchUpdate = 101;
inline constexpr uint32_t kSnpLaunchFinish = 102;

// Firmware status codes the launch treats specially (sev_ret_code).
inline constexpr uint32_t kSevRetInvalidLen = 4;

// struct kvm_sev_init: KVM_SEV_INIT2's parameters.
struct KvmSevInit {
    uint64_t vmsa_features;  // SEV_FEATURES for ES/SNP VMSAs; 0 for SEV
    uint32_t flags;          // must be 0
    uint16_t ghcb_version;   // 0 for SEV; ES/SNP: highest GHCB protocol version offered
    uint16_t pad1;
    uint32_t pad2[8];
};
static_assert(sizeof(KvmSevInit) == 48);

// struct kvm_sev_launch_start (SEV / SEV-ES LAUNCH_START).
struct KvmSevLaunchStart {
    uint32_t handle;  // 0: a new guest
    uint32_t policy;
    uint64_t dh_uaddr;  // guest owner's PDH certificate, 0 for none
    uint32_t dh_len;
    uint32_t pad0;
    uint64_t session_uaddr;  // launch session blob, 0 for none
    uint32_t session_len;
    uint32_t pad1;
};
static_assert(sizeof(KvmSevLaunchStart) == 40);

// struct kvm_sev_launch_update_data (uaddr and len 16-byte aligned).
struct KvmSevLaunchUpdateData {
    uint64_t uaddr;
    uint32_t len;
    uint32_t pad0;
};
static_assert(sizeof(KvmSevLaunchUpdateData) == 16);

// struct kvm_sev_launch_measure: len 0 asks for the blob's length.
struct KvmSevLaunchMeasure {
    uint64_t uaddr;
    uint32_t len;
    uint32_t pad0;
};
static_assert(sizeof(KvmSevLaunchMeasure) == 16);

// struct kvm_sev_snp_launch_start.
struct KvmSevSnpLaunchStart {
    uint64_t policy;
    uint8_t gosvw[16];
    uint16_t flags;  // must be 0
    uint8_t pad0[6];
    uint64_t pad1[4];
};
static_assert(sizeof(KvmSevSnpLaunchStart) == 64);

// struct kvm_sev_snp_launch_update: KVM may process part of the range and answer with
// gfn_start, uaddr and len advanced to the rest.
struct KvmSevSnpLaunchUpdate {
    uint64_t gfn_start;
    uint64_t uaddr;
    uint64_t len;
    uint8_t type;  // PageType
    uint8_t pad0;
    uint16_t flags;  // must be 0
    uint32_t pad1;
    uint64_t pad2[4];
};
static_assert(sizeof(KvmSevSnpLaunchUpdate) == 64);

// struct kvm_sev_snp_launch_finish (host_data at offset 19, flags at 54).
struct KvmSevSnpLaunchFinish {
    uint64_t id_block_uaddr;
    uint64_t id_auth_uaddr;
    uint8_t id_block_en;
    uint8_t auth_key_en;
    uint8_t vcek_disabled;
    uint8_t host_data[32];
    uint8_t pad0[3];
    uint16_t flags;  // must be 0
    uint64_t pad1[4];
};
static_assert(sizeof(KvmSevSnpLaunchFinish) == 88);
static_assert(offsetof(KvmSevSnpLaunchFinish, host_data) == 19);
static_assert(offsetof(KvmSevSnpLaunchFinish, flags) == 54);

// struct kvm_userspace_memory_region2 and KVM_SET_USER_MEMORY_REGION2 (Linux 6.8+).
struct KvmUserspaceMemoryRegion2 {
    uint32_t slot;
    uint32_t flags;
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;  // the shared (host-visible) backing
    uint64_t guest_memfd_offset;
    uint32_t guest_memfd;  // the private backing
    uint32_t pad1;
    uint64_t pad2[14];
};
static_assert(sizeof(KvmUserspaceMemoryRegion2) == 160);
inline constexpr uint32_t kMemGuestMemfd = 1u << 2;  // KVM_MEM_GUEST_MEMFD
inline constexpr unsigned long kSetUserMemoryRegion2 = _IOW(KVMIO, 0x49, KvmUserspaceMemoryRegion2);
static_assert(kSetUserMemoryRegion2 == 0x40A0AE49ul);

// struct kvm_create_guest_memfd and KVM_CREATE_GUEST_MEMFD (a VM ioctl answering a new fd).
struct KvmCreateGuestMemfd {
    uint64_t size;
    uint64_t flags;
    uint64_t reserved[6];
};
static_assert(sizeof(KvmCreateGuestMemfd) == 64);
inline constexpr unsigned long kCreateGuestMemfd = _IOWR(KVMIO, 0xd4, KvmCreateGuestMemfd);
static_assert(kCreateGuestMemfd == 0xC040AED4ul);

// struct kvm_memory_attributes and KVM_SET_MEMORY_ATTRIBUTES.
struct KvmMemoryAttributes {
    uint64_t address;
    uint64_t size;
    uint64_t attributes;
    uint64_t flags;  // must be 0
};
static_assert(sizeof(KvmMemoryAttributes) == 32);
inline constexpr uint64_t kMemoryAttributePrivate = 1ull << 3;
inline constexpr unsigned long kSetMemoryAttributes = _IOW(KVMIO, 0xd2, KvmMemoryAttributes);
static_assert(kSetMemoryAttributes == 0x4020AED2ul);

// Present in Debian's 6.1 headers; pinned here so the documented numbers cannot drift.
static_assert(KVM_CREATE_VM == 0xAE01ul);
static_assert(KVM_ENABLE_CAP == 0x4068AEA3ul && sizeof(kvm_enable_cap) == 104);
static_assert(KVM_SET_USER_MEMORY_REGION == 0x4020AE46ul);
static_assert(KVM_MEMORY_ENCRYPT_REG_REGION == 0x8010AEBBul && sizeof(kvm_enc_region) == 16);
static_assert(KVM_CAP_EXIT_HYPERCALL == 201);
inline constexpr uint64_t kHcMapGpaRange = 12;  // KVM_HC_MAP_GPA_RANGE (linux/kvm_para.h)

// KVM_GET_DEVICE_ATTR on /dev/kvm, group KVM_X86_GRP_SEV, attribute KVM_X86_SEV_VMSA_FEATURES
// (Linux 6.10+, with KVM_SEV_INIT2): the vmsa_features INIT2 accepts.  ENXIO where it is missing.
static_assert(KVM_GET_DEVICE_ATTR == 0x4018AEE2ul && sizeof(kvm_device_attr) == 24);
inline constexpr uint32_t kX86GrpSev = 1;
inline constexpr uint64_t kX86SevVmsaFeatures = 0;

}  // namespace er::sev::uapi
