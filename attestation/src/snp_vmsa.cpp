#include "attestation/snp_vmsa.hpp"

#include <cstddef>

namespace er::attest {
namespace {

// Offsets into the save area (APM vol. 2, table B-4).
constexpr std::size_t kEs = 0x000, kCs = 0x010, kSs = 0x020, kDs = 0x030, kFs = 0x040, kGs = 0x050,
                      kGdtr = 0x060, kLdtr = 0x070, kIdtr = 0x080, kTr = 0x090;
constexpr std::size_t kVmpl = 0x0CA, kCpl = 0x0CB, kEfer = 0x0D0, kCr4 = 0x148, kCr3 = 0x150,
                      kCr0 = 0x158, kDr7 = 0x160, kDr6 = 0x168, kRflags = 0x170, kRip = 0x178,
                      kRsp = 0x1D8, kRax = 0x1F8, kGPat = 0x268, kRcx = 0x308, kRdx = 0x310,
                      kRbx = 0x318, kRbp = 0x328, kRsi = 0x330, kRdi = 0x338, kSevFeatures = 0x3B0,
                      kXcr0 = 0x3E8, kMxcsr = 0x408, kX87Fcw = 0x410;

template <typename T>
void put(VmsaPage& page, std::size_t off, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        page[off + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(value) >> (8 * i));
    }
}

void put_segment(VmsaPage& page, std::size_t off, const VmsaSegment& s) {
    put(page, off + 0, s.selector);
    put(page, off + 2, s.attrib);
    put(page, off + 4, s.limit);
    put(page, off + 8, s.base);
}

}  // namespace

VmsaPage build_vmsa(const VmsaState& s) {
    VmsaPage page{};
    put_segment(page, kEs, s.es);
    put_segment(page, kCs, s.cs);
    put_segment(page, kSs, s.ss);
    put_segment(page, kDs, s.ds);
    put_segment(page, kFs, s.fs);
    put_segment(page, kGs, s.gs);
    put_segment(page, kGdtr, s.gdtr);
    put_segment(page, kLdtr, s.ldtr);
    put_segment(page, kIdtr, s.idtr);
    put_segment(page, kTr, s.tr);
    put(page, kVmpl, s.vmpl);
    put(page, kCpl, s.cpl);
    put(page, kEfer, s.efer);
    put(page, kCr4, s.cr4);
    put(page, kCr3, s.cr3);
    put(page, kCr0, s.cr0);
    put(page, kDr7, s.dr7);
    put(page, kDr6, s.dr6);
    put(page, kRflags, s.rflags);
    put(page, kRip, s.rip);
    put(page, kRsp, s.rsp);
    put(page, kRax, s.rax);
    put(page, kGPat, s.g_pat);
    put(page, kRcx, s.rcx);
    put(page, kRdx, s.rdx);
    put(page, kRbx, s.rbx);
    put(page, kRbp, s.rbp);
    put(page, kRsi, s.rsi);
    put(page, kRdi, s.rdi);
    put(page, kSevFeatures, s.sev_features);
    put(page, kXcr0, s.xcr0);
    put(page, kMxcsr, s.mxcsr);
    put(page, kX87Fcw, s.x87_fcw);
    return page;
}

}  // namespace er::attest
