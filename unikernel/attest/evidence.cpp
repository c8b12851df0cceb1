#include "attest/evidence.hpp"

#include "attest/measurement_log.hpp"
#include "attest/report.hpp"
#include "domain/domain.hpp"
#include "hv/hypercall.hpp"
#include "lib/panic.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"

namespace uk::attest {
namespace {

MeasurementLog g_log;
// Built here, in private memory, and copied to the shared page once it is complete: under SEV
// the host can write ER_GPA_EVIDENCE at any time, so nothing is read back from it.
er_evidence g_evidence;

}  // namespace

void record_domain(const er_domain_desc& desc, const domain::Domain& d) {
    DomainBytes b{};
    b.name = d.name;
    b.image = mm::phys_to_virt(desc.app_gpa);
    b.image_size = desc.app_size;
    if (d.tree != nullptr) {
        // A hot-added domain's private copy: the bytes its tree code reads (ABI 5 amendment).
        b.fs = d.tree;
        b.fs_size = d.tree_size;
    } else if (desc.fs_gpa != 0) {
        b.fs = mm::phys_to_virt(desc.fs_gpa);
        b.fs_size = desc.fs_size;
    }
    b.args = mm::phys_to_virt(desc.args_gpa);
    b.args_size = desc.args_size;
    b.argc = desc.argc;
    b.envc = desc.envc;
    b.isolation = d.isolation;
    static er_evidence_entry entry;
    measure_domain(b, entry);
    if (!g_log.append(entry)) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("attest: domain ").udec(d.id).str(" (").str(d.name).str(") has no log entry: ");
        t.str("isolation ").udec(d.isolation).str(" or a full log");
        panic(t);
    }
}

bool log_full() {
    return g_log.count() >= ER_MAX_DOMAINS;
}

bool log_has_name(const char* name) {
    for (uint32_t i = 0; i < g_log.count(); i++) {
        const char* entry = g_log.entry(i).name;
        uint32_t k = 0;
        while (k < ER_DOMAIN_NAME_MAX && entry[k] != '\0' && entry[k] == name[k]) k++;
        if (k == ER_DOMAIN_NAME_MAX || (entry[k] == '\0' && name[k] == '\0')) return true;
    }
    return false;
}

void send_evidence(uint32_t confidential, const uint8_t* nonce, size_t nonce_len) {
    if (nonce_len < ER_NONCE_MIN || nonce_len > ER_NONCE_MAX) {
        FixedText<128> t;
        t.str("attest: the host hints carry a nonce of ").udec(nonce_len).str(" bytes, not ");
        t.udec(ER_NONCE_MIN).str("..").udec(ER_NONCE_MAX);
        panic(t);
    }
    fill_evidence(g_log, nonce, nonce_len, g_evidence);
    if (const char* why = fetch_report(confidential, g_evidence)) {
        FixedText<ER_MESSAGE_MAX> t;
        t.str("attest: no report: ").str(why);
        panic(t);
    }
    memcpy(mm::phys_to_virt(ER_GPA_EVIDENCE), &g_evidence, sizeof g_evidence);
    int64_t ret = hv::evidence(ER_GPA_EVIDENCE, sizeof g_evidence);
    if (ret != 0) {
        FixedText<96> t;
        t.str("attest: the host did not take the evidence (ER_HC_EVIDENCE returned ");
        t.dec(ret).str(")");
        panic(t);
    }
}

}  // namespace uk::attest
