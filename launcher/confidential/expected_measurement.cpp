#include "launcher/confidential/expected_measurement.hpp"

#include <openssl/evp.h>

#include <cstring>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/enclave/isolation.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

attest::Digest384 sha384(std::span<const uint8_t> a, std::span<const uint8_t> b = {}) {
    attest::Digest384 out{};
    unsigned len = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha384(), nullptr) == 1 &&
              EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
              EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
              EVP_DigestFinal_ex(ctx, out.data(), &len) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) throw Error("SHA-384 failed (OpenSSL)");
    return out;
}

// What `auto` becomes in the guest (unikernel/domain/isolation.cpp): MPK when the CPU has PKU
// and the app can take it (the launcher's own check says so), else page tables.
std::string predicted_isolation(const std::string& name, std::span<const uint8_t> app,
                                uint32_t requested, bool pku) {
    if (requested == ER_ISO_PAGETABLE || !pku) return "page-table";
    if (requested == ER_ISO_MPK) return "mpk";
    try {
        check_isolation_fits_app(name, app, ER_ISO_MPK);
        return "mpk";
    } catch (const Error&) {
        return "page-table";
    }
}

}  // namespace

attest::DomainEntry expected_entry(const GuestMemory& memory, const er_domain_desc& desc,
                                   bool assume_pku) {
    attest::DomainEntry e;
    e.name.assign(desc.name, strnlen(desc.name, sizeof desc.name));
    std::span<const uint8_t> app = memory.view(desc.app_gpa, desc.app_size, "application image");
    e.image = sha384(app);
    e.filesystem = desc.fs_size == 0
                       ? sha384({})
                       : sha384(memory.view(desc.fs_gpa, desc.fs_size, "er-fs image"));
    uint8_t counts[8];
    for (int i = 0; i < 4; ++i) {
        counts[i] = static_cast<uint8_t>(desc.argc >> (8 * i));
        counts[4 + i] = static_cast<uint8_t>(desc.envc >> (8 * i));
    }
    e.arguments = sha384(counts, memory.view(desc.args_gpa, desc.args_size, "arguments"));
    e.isolation = predicted_isolation(e.name, app, desc.isolation, assume_pku);
    return e;
}

ExpectedMeasurement expected_measurement(GuestMemory& memory, const KernelImage& kernel,
                                         const DomainLayout& domains, uint32_t mode,
                                         bool assume_pku) {
    ExpectedMeasurement m;
    m.regions = launch_regions(kernel, domains, mode);
    sev::VmsaPage vmsa = launch_vmsa(kernel.entry, mode);
    if (mode == ER_CC_SEV || mode == ER_CC_SEV_ES) {
        // LAUNCH_UPDATE_DATA takes the normal regions only (sev/launch skips zero ones), then
        // SEV-ES's LAUNCH_UPDATE_VMSA adds the VMSA.
        attest::SevLaunchDigest digest;
        for (const PlannedRegion& r : m.regions) {
            if (r.type == sev::PageType::normal)
                digest.add_data(memory.view(r.gpa, r.size, r.what));
        }
        if (mode == ER_CC_SEV_ES) digest.add_vmsa(attest::PageView(vmsa.data(), vmsa.size()));
        m.sev_launch_digest = digest.value();
    } else {
        attest::SnpLaunchDigest digest;
        for (const PlannedRegion& r : m.regions) {
            auto type = static_cast<attest::SnpPageType>(r.type);
            attest::Status s =
                attest::snp_page_type_measures_contents(type)
                    ? digest.add_range(r.gpa, type, memory.view(r.gpa, r.size, r.what))
                    : digest.add_pages(r.gpa, type, r.size / attest::kLaunchPageSize);
            if (!s) {
                throw Error(std::string("cannot measure the ") + r.what + ": " +
                            s.error().message());
            }
        }
        digest.add_vmsa(attest::PageView(vmsa.data(), vmsa.size()));
        m.snp_launch_digest = digest.value();
    }

    for (size_t i = 0; i < domains.domains.size(); ++i) {
        auto desc = memory.read<er_domain_desc>(ER_GPA_DOMAINS + i * sizeof(er_domain_desc),
                                                "domain table");
        m.log.push_back(expected_entry(memory, desc, assume_pku));
    }
    return m;
}

}  // namespace er::launcher
