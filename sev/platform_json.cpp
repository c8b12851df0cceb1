#include "sev/platform_json.hpp"

#include <cstring>

namespace er::sev {
namespace {

using nlohmann::json;

// An errno as its text, null when there was none.
json err_json(int err) {
    return err == 0 ? json(nullptr) : json(std::strerror(err));
}

json kvm_json(const KvmSevFacts& k) {
    json j{{"path", k.path}, {"present", k.present}, {"open_error", err_json(k.open_err)}};
    j["vm_types"] = k.vm_types ? json(*k.vm_types) : json(nullptr);
    j["vm_types_error"] = err_json(k.vm_types_err);
    j["create_vm_error"] = err_json(k.create_vm_err);
    if (!k.encrypt_op_err) {
        j["memory_encrypt_op"] = nullptr;  // not asked
    } else {
        j["memory_encrypt_op"] = *k.encrypt_op_err == 0 ? json("ok") : err_json(*k.encrypt_op_err);
    }
    return j;
}

json cpuid_json(const SevCpuid& c) {
    json j{{"leaf_present", c.leaf_present}};
    if (!c.leaf_present) return j;
    j["eax"] = c.regs.eax;
    j["ebx"] = c.regs.ebx;
    j["ecx"] = c.regs.ecx;
    j["edx"] = c.regs.edx;
    j["sme"] = c.sme;
    j["sev"] = c.sev;
    j["sev_es"] = c.sev_es;
    j["snp"] = c.snp;
    j["c_bit"] = c.c_bit;
    j["phys_addr_reduction"] = c.phys_addr_reduction;
    j["vmpls"] = c.vmpls;
    j["encrypted_guests"] = c.encrypted_guests;
    j["min_sev_asid"] = c.min_sev_asid;
    j["es_snp_asids"] = c.es_snp_asids();
    j["sev_asids"] = c.sev_asids();
    return j;
}

json param_json(const ModuleParam& p) {
    switch (p.state) {
        case ModuleParam::State::absent:
            return nullptr;
        case ModuleParam::State::on:
            return true;
        case ModuleParam::State::off:
            return false;
        case ModuleParam::State::unreadable:
            return p.text;
    }
    return nullptr;
}

json failure_json(const std::optional<SevCommandFailure>& f) {
    return f ? json(failure_text(*f)) : json(nullptr);
}

json sev_device_json(const SevDeviceFacts& d) {
    json j{{"path", d.path}, {"present", d.present}, {"open_error", err_json(d.open_err)}};
    j["platform_status"] = nullptr;
    if (d.status) {
        j["platform_status"] = {
            {"api_major", d.status->api_major}, {"api_minor", d.status->api_minor},
            {"build", d.status->build},         {"state", sev_state_name(d.status->state)},
            {"flags", d.status->flags},         {"guest_count", d.status->guest_count}};
    }
    j["platform_status_error"] = failure_json(d.status_failure);
    j["snp_platform_status"] = nullptr;
    if (d.snp_status) {
        j["snp_platform_status"] = {{"api_major", d.snp_status->api_major},
                                    {"api_minor", d.snp_status->api_minor},
                                    {"build_id", d.snp_status->build_id},
                                    {"state", snp_state_name(d.snp_status->state)},
                                    {"rmp_initialized", d.snp_status->rmp_initialized},
                                    {"flags", d.snp_status->flags},
                                    {"guest_count", d.snp_status->guest_count},
                                    {"current_tcb", d.snp_status->current_tcb},
                                    {"reported_tcb", d.snp_status->reported_tcb}};
    }
    j["snp_platform_status_error"] = failure_json(d.snp_status_failure);
    return j;
}

json mode_json(const ModeStatus& s) {
    return {{"available", s.available}, {"missing", s.missing}};
}

}  // namespace

nlohmann::json platform_json(const PlatformReport& report) {
    const PlatformFacts& f = report.facts;
    json j;
    j["kvm"] = kvm_json(f.kvm);
    j["cpuid"] = cpuid_json(f.cpu);
    j["kvm_amd"] = {{"loaded", f.kvm_amd.loaded},
                    {"sev", param_json(f.kvm_amd.sev)},
                    {"sev_es", param_json(f.kvm_amd.sev_es)},
                    {"sev_snp", param_json(f.kvm_amd.sev_snp)}};
    j["sev_device"] = sev_device_json(f.sev_device);
    j["modes"] = {{"snp", mode_json(report.snp)},
                  {"es", mode_json(report.es)},
                  {"sev", mode_json(report.sev)}};
    std::optional<Mode> best = report.best();
    j["strongest"] = best ? json(mode_name(*best)) : json(nullptr);
    return j;
}

nlohmann::json platform_json(const PlatformReport& report, const asid::AsidReport& asids) {
    json j = platform_json(report);
    j["asids"] = asid::asid_json(asids);
    return j;
}

}  // namespace er::sev
