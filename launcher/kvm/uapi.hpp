// C++-safe spellings of the KVM structs that end in a flexible array.  Debian 12's uapi headers
// declare those with __DECLARE_FLEX_ARRAY, which in C++ inserts an empty struct of size 1: the
// array moves (kvm_cpuid2.entries to offset 12 instead of 8) and the ioctl numbers, which encode
// sizeof, change, so KVM answers EINVAL.  These headers have the kernel's layout; the
// static_asserts pin it.
#pragma once

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstdint>

namespace er::launcher::uapi {

// struct kvm_cpuid2 without its entries; kvm_cpuid_entry2[nent] follows directly.
struct CpuidHeader {
    uint32_t nent;
    uint32_t padding;
};
static_assert(sizeof(CpuidHeader) == 8 && sizeof(kvm_cpuid_entry2) == 40);

// struct kvm_msrs without its entries; kvm_msr_entry[nmsrs] follows directly.
struct MsrsHeader {
    uint32_t nmsrs;
    uint32_t pad;
};
static_assert(sizeof(MsrsHeader) == 8 && sizeof(kvm_msr_entry) == 16);

constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);
constexpr unsigned long kGetMsrs = _IOWR(KVMIO, 0x88, MsrsHeader);

}  // namespace er::launcher::uapi
