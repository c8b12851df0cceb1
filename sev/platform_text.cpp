#include "sev/platform_text.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "sev/hex.hpp"

namespace er::sev {
namespace {

std::string yes_no(bool b) {
    return b ? "yes" : "no";
}

std::string kvm_line(const KvmSevFacts& k) {
    if (!k.present)
        return "no " + k.path +
               ": this host runs no KVM guests (the facts below are probed all the same)";
    if (k.open_err != 0) return "cannot open " + k.path + ": " + std::strerror(k.open_err);
    std::string line = k.path + ": KVM_CAP_VM_TYPES ";
    if (!k.vm_types) {
        line += std::string("failed (") + std::strerror(k.vm_types_err) + ")";
    } else if (*k.vm_types == 0) {
        line += "not offered (Linux before 6.8)";
    } else {
        line += vm_types_text(*k.vm_types);
    }
    line += ", KVM_MEMORY_ENCRYPT_OP ";
    if (k.create_vm_err != 0) {
        line +=
            std::string("not asked (KVM_CREATE_VM failed: ") + std::strerror(k.create_vm_err) + ")";
    } else if (k.encrypt_op_err && *k.encrypt_op_err == 0) {
        line += "answers (SEV on in KVM)";
    } else if (k.encrypt_op_err && *k.encrypt_op_err == ENOTTY) {
        line += "answers ENOTTY (SEV off in KVM)";
    } else if (k.encrypt_op_err) {
        line += std::string("fails: ") + std::strerror(*k.encrypt_op_err);
    }
    return line;
}

std::string cpu_line(const SevCpuid& c) {
    if (!c.leaf_present) return "CPU: no CPUID leaf 0x8000001F (no AMD memory encryption)";
    std::string line = "CPU: CPUID 0x8000001F eax=" + hex(c.regs.eax) + " ebx=" + hex(c.regs.ebx) +
                       " ecx=" + hex(c.regs.ecx) + " edx=" + hex(c.regs.edx) + ": SEV " +
                       yes_no(c.sev) + ", SEV-ES " + yes_no(c.sev_es) + ", SNP " + yes_no(c.snp);
    if (c.sev) {
        line += ", C-bit " + std::to_string(c.c_bit) + ", " + std::to_string(c.encrypted_guests) +
                " encrypted guests, minimum SEV ASID " + std::to_string(c.min_sev_asid) + " (" +
                std::to_string(c.es_snp_asids()) + " ASIDs for SEV-ES/SNP, " +
                std::to_string(c.sev_asids()) + " for SEV)";
    }
    return line;
}

std::string param_text(const ModuleParam& p) {
    switch (p.state) {
        case ModuleParam::State::absent:
            return "(none)";
        case ModuleParam::State::unreadable:
            return "(" + p.text + ")";
        default:
            return p.text;
    }
}

std::string kvm_amd_line(const KvmAmdParams& k) {
    if (!k.loaded) return "kvm_amd: not loaded";
    return "kvm_amd: sev=" + param_text(k.sev) + " sev_es=" + param_text(k.sev_es) +
           " sev_snp=" + param_text(k.sev_snp);
}

std::string failure(const SevCommandFailure& f) {
    return "failed: " + failure_text(f);
}

std::string sev_device_line(const SevDeviceFacts& d) {
    if (!d.present) return d.path + ": absent";
    if (d.open_err != 0) return d.path + ": cannot open: " + std::strerror(d.open_err);
    std::string line = d.path + ": SEV_PLATFORM_STATUS ";
    if (d.status) {
        const SevPlatformStatus& s = *d.status;
        line += "API " + std::to_string(s.api_major) + "." + std::to_string(s.api_minor) +
                " build " + std::to_string(s.build) + ", state " + sev_state_name(s.state) + ", " +
                std::to_string(s.guest_count) + " guests";
    } else if (d.status_failure) {
        line += failure(*d.status_failure);
    }
    line += "; SNP_PLATFORM_STATUS ";
    if (d.snp_status) {
        const SnpPlatformStatus& s = *d.snp_status;
        line += "API " + std::to_string(s.api_major) + "." + std::to_string(s.api_minor) +
                " build " + std::to_string(s.build_id) + ", state " + snp_state_name(s.state) +
                ", " + std::to_string(s.guest_count) + " guests, current TCB " +
                hex(s.current_tcb) + ", reported TCB " + hex(s.reported_tcb);
    } else if (d.snp_status_failure) {
        line += failure(*d.snp_status_failure);
    }
    return line;
}

}  // namespace

std::string vm_types_text(uint32_t mask) {
    static constexpr const char* kNames[] = {"default", "sw_protected", "sev", "sev_es", "snp"};
    std::string names;
    for (uint32_t t = 0; t < 32; ++t) {
        if (!((mask >> t) & 1)) continue;
        if (!names.empty()) names += ", ";
        names += t < std::size(kNames) ? kNames[t] : "type " + std::to_string(t);
    }
    return hex(mask) + " (" + names + ")";
}

// The facts, then `after_facts`, then each mode and the strongest.
static std::vector<std::string> platform_lines(const PlatformReport& report,
                                               const std::vector<std::string>& after_facts) {
    const PlatformFacts& f = report.facts;
    std::vector<std::string> lines{kvm_line(f.kvm), cpu_line(f.cpu), kvm_amd_line(f.kvm_amd),
                                   sev_device_line(f.sev_device)};
    lines.insert(lines.end(), after_facts.begin(), after_facts.end());
    for (Mode m : {Mode::snp, Mode::es, Mode::sev}) {
        const ModeStatus& s = report.mode(m);
        lines.push_back(std::string(mode_name(m)) + ": " +
                        (s.available ? "available" : "not available"));
        for (const std::string& why : s.missing) lines.push_back("  - " + why);
    }
    std::optional<Mode> best = report.best();
    if (best) {
        lines.push_back(std::string("strongest mode: ") + mode_name(*best));
    } else if (f.kvm.opened()) {
        lines.push_back(
            "strongest mode: none (enclaves here run on plain KVM, not hardware-backed)");
    } else {
        lines.push_back("strongest mode: none");
    }
    return lines;
}

std::vector<std::string> platform_text(const PlatformReport& report) {
    return platform_lines(report, {});
}

std::vector<std::string> platform_text(const PlatformReport& report,
                                       const asid::AsidReport& asids) {
    return platform_lines(report, asid::asid_text(asids));
}

}  // namespace er::sev
