#include "launcher/confidential/confidential_mode.hpp"

#include "launcher/common/error.hpp"

namespace er::launcher {
namespace {

const char* long_name(sev::Mode m) {
    switch (m) {
        case sev::Mode::snp:
            return "SEV-SNP";
        case sev::Mode::es:
            return "SEV-ES";
        case sev::Mode::sev:
            return "SEV";
    }
    return "?";
}

uint32_t abi_mode(sev::Mode m) {
    switch (m) {
        case sev::Mode::snp:
            return ER_CC_SNP;
        case sev::Mode::es:
            return ER_CC_SEV_ES;
        case sev::Mode::sev:
            return ER_CC_SEV;
    }
    return ER_CC_OFF;
}

// The platform's reasons, joined into one line.
std::string reasons(const sev::ModeStatus& status) {
    std::string out;
    for (const std::string& r : status.missing) out += (out.empty() ? "" : "; ") + r;
    return out.empty() ? "unknown" : out;
}

}  // namespace

ConfidentialRequest confidential_request_from(const std::string& text) {
    if (text == "auto") return ConfidentialRequest::automatic;
    if (text == "snp") return ConfidentialRequest::snp;
    if (text == "es") return ConfidentialRequest::es;
    if (text == "sev") return ConfidentialRequest::sev;
    if (text == "off") return ConfidentialRequest::off;
    if (text == "sim") return ConfidentialRequest::sim;
    throw Error("--confidential " + text + ": expected auto, snp, es, sev, off or sim");
}

const char* confidential_request_name(ConfidentialRequest request) {
    switch (request) {
        case ConfidentialRequest::automatic:
            return "auto";
        case ConfidentialRequest::snp:
            return "snp";
        case ConfidentialRequest::es:
            return "es";
        case ConfidentialRequest::sev:
            return "sev";
        case ConfidentialRequest::off:
            return "off";
        case ConfidentialRequest::sim:
            return "sim";
    }
    return "?";
}

const char* confidential_mode_name(uint32_t mode) {
    switch (mode) {
        case ER_CC_OFF:
            return "plain KVM";
        case ER_CC_SEV:
            return "SEV";
        case ER_CC_SEV_ES:
            return "SEV-ES";
        case ER_CC_SNP:
            return "SEV-SNP";
        case ER_CC_SIM:
            return "simulated SEV-SNP (software PSP, not hardware)";
    }
    return "unknown";
}

std::optional<std::string> hardware_launch_gap(sev::Mode mode) {
    // The launch itself is written (sev/launch/) and its ioctl sequence tested byte for byte,
    // but a guest on SEV hardware needs more than this unikernel does yet: C-bit page tables
    // from the first instruction on, every hypercall buffer in shared pages, and under SEV-ES
    // and SNP a #VC handler on the GHCB (the pure logic of which is in unikernel/sev/).
    return std::string("this enclave-run cannot boot its unikernel as a ") + long_name(mode) +
           " guest yet (the guest side is not wired: docs/sev.md \"What has run on SEV "
           "hardware\")";
}

ConfidentialChoice choose_confidential(ConfidentialRequest request,
                                       const sev::PlatformReport& platform) {
    ConfidentialChoice choice;
    switch (request) {
        case ConfidentialRequest::off:
            return choice;
        case ConfidentialRequest::sim:
            choice.mode = ER_CC_SIM;
            return choice;
        case ConfidentialRequest::snp:
        case ConfidentialRequest::es:
        case ConfidentialRequest::sev: {
            sev::Mode m = request == ConfidentialRequest::snp  ? sev::Mode::snp
                          : request == ConfidentialRequest::es ? sev::Mode::es
                                                               : sev::Mode::sev;
            const sev::ModeStatus& status = platform.mode(m);
            std::string head = std::string("--confidential ") + confidential_request_name(request);
            if (!status.available) {
                throw Error(head + ": this host cannot run " + long_name(m) +
                            " guests: " + reasons(status));
            }
            if (auto gap = hardware_launch_gap(m)) throw Error(head + ": " + *gap);
            choice.mode = abi_mode(m);
            return choice;
        }
        case ConfidentialRequest::automatic:
            break;
    }
    // The strongest mode the host offers and this build can boot; an offered mode it cannot
    // boot is named in the warning, so the fallback never hides it.
    std::string offered_but_not_bootable;
    for (sev::Mode m : {sev::Mode::snp, sev::Mode::es, sev::Mode::sev}) {
        if (!platform.mode(m).available) continue;
        if (auto gap = hardware_launch_gap(m)) {
            if (offered_but_not_bootable.empty()) {
                offered_but_not_bootable =
                    std::string("the host offers ") + long_name(m) + ", but " + *gap;
            }
            continue;
        }
        choice.mode = abi_mode(m);
        return choice;
    }
    if (!offered_but_not_bootable.empty()) {
        choice.warning = "warning: --confidential auto: " + offered_but_not_bootable +
                         "; running on plain KVM: the evidence is not hardware-backed";
        return choice;
    }
    // The first reason is the most basic one (probe order): the whole list is `platform`'s.
    const std::vector<std::string>& missing = platform.snp.missing;
    choice.warning = "warning: --confidential auto: no SEV on this host (" +
                     (missing.empty() ? std::string("unknown") : missing.front()) +
                     "; see enclave-run platform); running on plain KVM: the evidence is not "
                     "hardware-backed";
    return choice;
}

}  // namespace er::launcher
