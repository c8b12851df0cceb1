// TEST DOUBLE (software PSP, simulated, not hardware): the SNP launch commands.
#include "sev/sim/software_psp.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "libos-abi/snp_guest_msg.h"
#include "sev/sim/sim_platform.hpp"

namespace er::sev::sim {

using er::attest::kLaunchPageSize;
using er::attest::SnpPageType;

namespace {

void random_bytes(std::span<std::uint8_t> out, const char* what) {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1)
        throw LaunchError(std::string(kSimNotice) + ": RAND_bytes failed for " + what);
}

std::string hex_gpa(std::uint64_t gpa) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(gpa));
    return buf;
}

void store_le32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

SoftwarePsp::SoftwarePsp(SimIdentity identity) : identity_(std::move(identity)) {}

void SoftwarePsp::require_state(State expected, const char* command) const {
    if (state_ == expected) return;
    const char* why = state_ == State::created   ? "the launch has not started"
                      : state_ == State::started ? "the launch has already started"
                                                 : "the launch has already finished";
    throw LaunchError(std::string(command) + " refused by the " + kSimNotice + ": " + why);
}

void SoftwarePsp::start(const GuestPolicy& policy) {
    require_state(State::created, "SNP_LAUNCH_START");
    policy_ = policy.snp_policy();  // the same word the kernel launch passes
    // Per guest, as the PSP makes them at launch: the VMPCKs the secrets page hands the guest,
    // and the REPORT_ID every report of this guest carries.
    for (Vmpck& key : vmpck_) random_bytes(key, "a VMPCK");
    random_bytes(report_id_, "REPORT_ID");
    state_ = State::started;
}

void SoftwarePsp::write_secrets_page(std::span<std::uint8_t> page) const {
    // SNP secrets page (notes/sev.md §1.4): the PSP writes the whole page; everything not set
    // here (IMI enable, GOSVW, the guest-owned OS area, VMSA tweak bitmap, SVSM fields,
    // TSC factor) is zero for a guest launched without those features.
    std::fill(page.begin(), page.end(), 0);
    store_le32(&page[ER_SNP_SECRETS_VERSION_OFF], 3);  // the layout with the SVSM fields
    store_le32(&page[0x08], kSimFms);                  // FMS: CPUID Fn0000_0001_EAX
    for (std::size_t i = 0; i < vmpck_.size(); ++i)
        std::memcpy(&page[ER_SNP_SECRETS_VMPCK0_OFF + i * ER_SNP_VMPCK_SIZE], vmpck_[i].data(),
                    ER_SNP_VMPCK_SIZE);
}

void SoftwarePsp::update(const LaunchRegion& region) {
    require_state(State::started, "SNP_LAUNCH_UPDATE");
    const std::string where = "SNP_LAUNCH_UPDATE at GPA " + hex_gpa(region.gpa) + " (" +
                              std::to_string(region.host.size()) + " bytes)";
    if (region.gpa % kLaunchPageSize != 0 || region.host.empty() ||
        region.host.size() % kLaunchPageSize != 0)
        throw LaunchError(where + " refused by the " + kSimNotice +
                          ": not whole 4 KiB pages at a page-aligned address");
    if (region.type == PageType::vmsa)
        throw LaunchError(where + " refused by the " + kSimNotice +
                          ": VMSA pages are measured by SNP_LAUNCH_FINISH");
    const auto type = static_cast<SnpPageType>(region.type);
    for (std::size_t off = 0; off < region.host.size(); off += kLaunchPageSize) {
        std::span<std::uint8_t> page = region.host.subspan(off, kLaunchPageSize);
        const std::uint64_t gpa = region.gpa + off;
        er::attest::Status status = er::attest::ok_status();
        switch (region.type) {
            case PageType::normal:
                status =
                    digest_.add_page(gpa, type, er::attest::PageView(page.data(), page.size()));
                break;
            case PageType::zero:
                std::fill(page.begin(), page.end(), 0);
                status = digest_.add_page(gpa, type);
                break;
            case PageType::secrets:
                write_secrets_page(page);
                status = digest_.add_page(gpa, type);
                break;
            case PageType::unmeasured:
            case PageType::cpuid:
                status = digest_.add_page(gpa, type);
                break;
            case PageType::vmsa:
                break;  // refused above
        }
        if (!status) throw LaunchError(where + ": " + status.error().message());
    }
}

void SoftwarePsp::finish(std::span<const VmsaPage> vmsas, const HostData& host_data) {
    require_state(State::started, "SNP_LAUNCH_FINISH");
    if (vmsas.empty())
        throw LaunchError(std::string("SNP_LAUNCH_FINISH refused by the ") + kSimNotice +
                          ": no vCPU VMSA to measure");
    for (const VmsaPage& vmsa : vmsas) digest_.add_vmsa(er::attest::PageView(vmsa));
    host_data_ = host_data;
    state_ = State::finished;
}

}  // namespace er::sev::sim
