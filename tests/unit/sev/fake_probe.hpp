// A PlatformProbe that answers chosen facts, and the fact sets of the hosts the tests talk about.
#pragma once

#include <cerrno>
#include <string>
#include <vector>

#include "sev/platform_probe.hpp"
#include "sev/uapi.hpp"

namespace er::sev::test {

class FakeProbe : public PlatformProbe {
  public:
    std::optional<CpuidRegs> leaf;
    KvmSevFacts kvm_facts;
    KvmAmdParams params;
    SevDeviceFacts device;
    std::vector<std::string> calls;  // the order the probes were asked in

    std::optional<CpuidRegs> cpuid_8000001f() override {
        calls.push_back("cpuid");
        return leaf;
    }
    KvmSevFacts kvm() override {
        calls.push_back("kvm");
        return kvm_facts;
    }
    KvmAmdParams kvm_amd() override {
        calls.push_back("kvm_amd");
        return params;
    }
    SevDeviceFacts sev_device() override {
        calls.push_back("sev_device");
        return device;
    }
};

inline ModuleParam on() {
    return {ModuleParam::State::on, "Y"};
}
inline ModuleParam off() {
    return {ModuleParam::State::off, "N"};
}
inline ModuleParam absent() {
    return {};
}

// This build machine: no /dev/kvm, the leaf all zero, no kvm_amd, no /dev/sev.
inline FakeProbe build_host() {
    FakeProbe p;
    p.leaf = CpuidRegs{};
    return p;
}

// The project's test VM: kvm_amd of Linux 6.1 under QEMU TCG, sev=N, no /dev/sev.
inline FakeProbe test_vm() {
    FakeProbe p;
    p.leaf = std::nullopt;
    p.kvm_facts.present = true;
    p.kvm_facts.vm_types = 0;
    p.kvm_facts.encrypt_op_err = ENOTTY;
    p.params = {true, off(), off(), absent()};
    return p;
}

// A Milan (EPYC 7713P CPUID) host on Linux 6.11+ with everything on.
inline FakeProbe snp_host() {
    FakeProbe p;
    p.leaf = CpuidRegs{0x0101fd3f, 0x00004173, 0x000001fd, 0x00000080};
    p.kvm_facts.present = true;
    p.kvm_facts.vm_types = (1u << uapi::kVmDefault) | (1u << uapi::kVmSev) |
                           (1u << uapi::kVmSevEs) | (1u << uapi::kVmSnp);
    p.kvm_facts.encrypt_op_err = 0;
    p.params = {true, on(), on(), on()};
    p.device.present = true;
    p.device.status = SevPlatformStatus{1, 55, 2, 0, 31, 0};
    p.device.snp_status =
        SnpPlatformStatus{1, 55, 1, true, 31, 0, 0, 0x1b00000000000003, 0x1b00000000000003};
    return p;
}

}  // namespace er::sev::test
