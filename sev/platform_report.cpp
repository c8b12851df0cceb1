#include "sev/platform_report.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "sev/hex.hpp"
#include "sev/uapi.hpp"

namespace er::sev {
namespace {

// The pieces every mode needs, in probe order.  `param` names the kvm_amd switch of the mode.
struct Requirements {
    std::vector<std::string>& out;
    const PlatformFacts& f;

    void kvm() {
        if (!f.kvm.present) {
            out.push_back("no " + f.kvm.path);
        } else if (f.kvm.open_err != 0) {
            out.push_back("cannot open " + f.kvm.path + ": " + std::strerror(f.kvm.open_err));
        }
    }

    void cpu_bit(bool has, const char* what, int bit) {
        if (!f.cpu.leaf_present) {
            // Said once per mode, by the first bit asked.
            if (bit == 1)
                out.push_back("CPU has no CPUID leaf 0x8000001F (no AMD memory encryption)");
            return;
        }
        if (!has) {
            out.push_back(std::string("CPU has no ") + what + " (CPUID 0x8000001F EAX bit " +
                          std::to_string(bit) + " clear)");
        }
    }

    void param(const ModuleParam& p, const char* name, const char* absent_why) {
        if (!f.kvm_amd.loaded) return;  // said once by kvm_amd_loaded()
        switch (p.state) {
            case ModuleParam::State::on:
                return;
            case ModuleParam::State::off:
                out.push_back(std::string("kvm_amd loaded with ") + name + "=" + p.text);
                return;
            case ModuleParam::State::absent:
                out.push_back(std::string("kvm_amd has no ") + name + " parameter (" + absent_why +
                              ")");
                return;
            case ModuleParam::State::unreadable:
                out.push_back(std::string("kvm_amd parameter ") + name +
                              " unreadable or unknown: " + p.text);
                return;
        }
    }

    void kvm_amd_loaded() {
        if (!f.kvm_amd.loaded) out.push_back("kvm_amd is not loaded (no /sys/module/kvm_amd)");
    }

    void sev_device() {
        const SevDeviceFacts& d = f.sev_device;
        if (!d.present) {
            out.push_back("no " + d.path);
        } else if (d.open_err != 0) {
            out.push_back("cannot open " + d.path + ": " + std::strerror(d.open_err));
        } else if (d.status_failure) {
            out.push_back("SEV_PLATFORM_STATUS on " + d.path +
                          " failed: " + failure_text(*d.status_failure));
        }
    }

    void snp_status() {
        const SevDeviceFacts& d = f.sev_device;
        if (!d.snp_status_failure) return;  // answered, or not asked (said by sev_device())
        std::string line =
            "SNP_PLATFORM_STATUS on " + d.path + " failed: " + failure_text(*d.snp_status_failure);
        if (d.snp_status_failure->err == EINVAL)
            line += " (the ccp driver predates SNP, Linux 6.11, or SNP is not initialised)";
        out.push_back(line);
    }

    void snp_vm_type() {
        if (!f.kvm.opened()) return;  // said by kvm()
        if (!f.kvm.vm_types) {
            out.push_back(std::string("KVM_CHECK_EXTENSION(KVM_CAP_VM_TYPES) failed: ") +
                          std::strerror(f.kvm.vm_types_err));
        } else if (*f.kvm.vm_types == 0) {
            out.push_back("KVM has no KVM_CAP_VM_TYPES (Linux before 6.8), so no KVM_X86_SNP_VM");
        } else if (!f.kvm.offers_vm_type(uapi::kVmSnp)) {
            out.push_back("KVM does not offer KVM_X86_SNP_VM (KVM_CAP_VM_TYPES = " +
                          hex(*f.kvm.vm_types) + ")");
        }
    }

    void encrypt_op() {
        if (!f.kvm.opened()) return;  // said by kvm()
        if (f.kvm.create_vm_err != 0) {
            out.push_back(std::string("cannot create a probe VM to ask KVM_MEMORY_ENCRYPT_OP: "
                                      "KVM_CREATE_VM failed: ") +
                          std::strerror(f.kvm.create_vm_err));
        } else if (f.kvm.encrypt_op_err && *f.kvm.encrypt_op_err == ENOTTY) {
            out.push_back("KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM");
        } else if (f.kvm.encrypt_op_err && *f.kvm.encrypt_op_err != 0) {
            out.push_back(std::string("KVM_MEMORY_ENCRYPT_OP failed: ") +
                          std::strerror(*f.kvm.encrypt_op_err));
        }
    }

    void es_asids() {
        if (f.cpu.leaf_present && f.cpu.sev_es && f.cpu.es_snp_asids() == 0) {
            out.push_back(
                "no ASIDs for SEV-ES/SNP guests (CPUID 0x8000001F EDX: minimum SEV ASID " +
                std::to_string(f.cpu.min_sev_asid) + ")");
        }
    }

    void sev_asids() {
        if (f.cpu.leaf_present && f.cpu.sev && f.cpu.sev_asids() == 0) {
            out.push_back("no ASIDs for SEV guests (CPUID 0x8000001F: minimum SEV ASID " +
                          std::to_string(f.cpu.min_sev_asid) + " > " +
                          std::to_string(f.cpu.encrypted_guests) + " encrypted guests)");
        }
    }
};

constexpr const char* kSevAbsent = "a kernel built without CONFIG_KVM_AMD_SEV";
constexpr const char* kSevEsAbsent = "its kernel has no SEV-ES host support, Linux 5.11+";
constexpr const char* kSevSnpAbsent = "its kernel has no SNP host support, Linux 6.11+";

ModeStatus finish(std::vector<std::string> missing) {
    ModeStatus s;
    s.available = missing.empty();
    s.missing = std::move(missing);
    return s;
}

}  // namespace

const char* mode_name(Mode m) {
    switch (m) {
        case Mode::snp:
            return "snp";
        case Mode::es:
            return "es";
        case Mode::sev:
            return "sev";
    }
    return "?";
}

const ModeStatus& PlatformReport::mode(Mode m) const {
    return m == Mode::snp ? snp : m == Mode::es ? es : sev;
}

std::optional<Mode> PlatformReport::best() const {
    for (Mode m : {Mode::snp, Mode::es, Mode::sev})
        if (mode(m).available) return m;
    return std::nullopt;
}

PlatformFacts gather_facts(PlatformProbe& probe) {
    PlatformFacts f;
    f.kvm = probe.kvm();
    f.cpu = decode_sev_cpuid(probe.cpuid_8000001f());
    f.kvm_amd = probe.kvm_amd();
    f.sev_device = probe.sev_device();
    return f;
}

PlatformReport assess(const PlatformFacts& facts) {
    PlatformReport report;
    report.facts = facts;

    // SEV: the base every mode stands on (SEV-ES and SNP guests are SEV guests too, and
    // kvm_amd turns sev_es/sev_snp off when sev is off).
    auto base = [&](Requirements& r) {
        r.kvm();
        r.cpu_bit(facts.cpu.sev, "SEV", 1);
    };
    auto base_rest = [&](Requirements& r) {
        r.kvm_amd_loaded();
        r.param(facts.kvm_amd.sev, "sev", kSevAbsent);
    };

    std::vector<std::string> sev;
    {
        Requirements r{sev, facts};
        base(r);
        r.sev_asids();
        base_rest(r);
        r.sev_device();
        r.encrypt_op();
    }
    std::vector<std::string> es;
    {
        Requirements r{es, facts};
        base(r);
        r.cpu_bit(facts.cpu.sev_es, "SEV-ES", 3);
        r.es_asids();
        base_rest(r);
        r.param(facts.kvm_amd.sev_es, "sev_es", kSevEsAbsent);
        r.sev_device();
        r.encrypt_op();
    }
    std::vector<std::string> snp;
    {
        Requirements r{snp, facts};
        base(r);
        r.cpu_bit(facts.cpu.sev_es, "SEV-ES", 3);
        r.cpu_bit(facts.cpu.snp, "SEV-SNP", 4);
        r.es_asids();
        base_rest(r);
        r.param(facts.kvm_amd.sev_es, "sev_es", kSevEsAbsent);
        r.param(facts.kvm_amd.sev_snp, "sev_snp", kSevSnpAbsent);
        r.sev_device();
        r.snp_status();
        r.snp_vm_type();
        r.encrypt_op();
    }
    report.sev = finish(std::move(sev));
    report.es = finish(std::move(es));
    report.snp = finish(std::move(snp));
    return report;
}

}  // namespace er::sev
