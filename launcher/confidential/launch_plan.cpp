#include "launcher/confidential/launch_plan.hpp"

#include <algorithm>

#include <linux/kvm.h>

#include "attestation/snp_vmsa.hpp"
#include "launcher/vm/boot_state.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

constexpr uint64_t kPage = 4096;

uint64_t page_down(uint64_t v) {
    return v & ~(kPage - 1);
}
uint64_t page_up(uint64_t v) {
    return (v + kPage - 1) & ~(kPage - 1);
}

// VMCB segment attributes (APM vol. 2, "Segment State in the VMCB"): type 3:0, S 4, DPL 6:5,
// P 7, AVL 8, L 9, D/B 10, G 11; what svm_set_segment() stores for a kvm_segment.
attest::VmsaSegment vmsa_segment(const kvm_segment& s) {
    attest::VmsaSegment v;
    v.selector = s.selector;
    v.base = s.base;
    v.limit = s.limit;
    if (s.unusable) return v;  // KVM stores no attributes for an unusable segment
    v.attrib = static_cast<uint16_t>((s.type & 0xf) | (s.s & 1) << 4 | (s.dpl & 3) << 5 |
                                     (s.present & 1) << 7 | (s.avl & 1) << 8 | (s.l & 1) << 9 |
                                     (s.db & 1) << 10 | (s.g & 1) << 11);
    return v;
}

}  // namespace

std::vector<PlannedRegion> launch_regions(const KernelImage& kernel, const DomainLayout& domains,
                                          uint32_t mode) {
    using sev::PageType;
    std::vector<PlannedRegion> r;
    // Launcher-written pages: their contents are measured.
    r.push_back({ER_GPA_BOOT_INFO, kPage, PageType::normal, "boot info"});
    r.push_back(
        {ER_GPA_DOMAINS, ER_GPA_BOOT_PT - ER_GPA_DOMAINS, PageType::normal, "domain table"});
    r.push_back({ER_GPA_BOOT_PT, ER_GPA_BOOT_PT_END - ER_GPA_BOOT_PT, PageType::normal,
                 "boot page tables and GDT"});
    // The boot stack is private and must read as zeros: measured as zero pages, not contents.
    r.push_back({ER_GPA_BOOT_PT_END, ER_GPA_BOOT_STACK_TOP - ER_GPA_BOOT_PT_END, PageType::zero,
                 "boot stack"});
    if (mode == ER_CC_SNP || mode == ER_CC_SIM) {
        r.push_back({ER_GPA_SNP_SECRETS, kPage, PageType::secrets, "SNP secrets page"});
        r.push_back({ER_GPA_SNP_CPUID, kPage, PageType::cpuid, "SNP CPUID page"});
    }
    uint64_t kstart = page_down(kernel.start), kend = page_up(kernel.end);
    if (kend > kstart) r.push_back({kstart, kend - kstart, PageType::normal, "unikernel"});
    if (domains.free_start > ER_GPA_IMAGES) {
        r.push_back({ER_GPA_IMAGES, domains.free_start - ER_GPA_IMAGES, PageType::normal,
                     "domain images (apps, arguments, file systems)"});
    }
    std::sort(r.begin(), r.end(),
              [](const PlannedRegion& a, const PlannedRegion& b) { return a.gpa < b.gpa; });
    return r;
}

sev::VmsaPage launch_vmsa(uint64_t entry, uint32_t mode) {
    kvm_sregs sregs{};
    set_long_mode(sregs);
    kvm_regs regs = entry_registers(entry);
    attest::VmsaState s;
    s.es = vmsa_segment(sregs.es);
    s.cs = vmsa_segment(sregs.cs);
    s.ss = vmsa_segment(sregs.ss);
    s.ds = vmsa_segment(sregs.ds);
    s.fs = vmsa_segment(sregs.fs);
    s.gs = vmsa_segment(sregs.gs);
    s.ldtr = vmsa_segment(sregs.ldt);
    s.tr = vmsa_segment(sregs.tr);
    s.gdtr.base = sregs.gdt.base;
    s.gdtr.limit = sregs.gdt.limit;
    s.idtr.base = sregs.idt.base;
    s.idtr.limit = sregs.idt.limit;
    constexpr uint64_t kEferSvme = 1ull << 12;  // KVM sets it in every guest's VMCB
    s.efer = sregs.efer | kEferSvme;
    s.cr0 = sregs.cr0;
    s.cr3 = sregs.cr3;
    s.cr4 = sregs.cr4;
    s.dr6 = 0xffff0ff0;  // architectural reset values (APM vol. 2, "Debug Registers")
    s.dr7 = 0x400;
    s.rflags = regs.rflags;
    s.rip = regs.rip;
    s.rsp = regs.rsp;
    s.rdi = regs.rdi;
    s.g_pat = 0x0007040600070406ull;  // PAT power-on value
    s.xcr0 = 1;                       // x87 only until the guest's XSETBV
    s.mxcsr = 0x1f80;                 // set by KVM_SEV_INIT2 (notes/sev.md §1.6)
    s.x87_fcw = 0x37f;
    // SEV_FEATURES bit 0, SNPActive: every SNP guest's VMSA has it (SNP ABI 56860, VMSA).
    s.sev_features = (mode == ER_CC_SNP || mode == ER_CC_SIM) ? 1 : 0;
    attest::VmsaPage page = attest::build_vmsa(s);
    sev::VmsaPage out{};
    std::copy(page.begin(), page.end(), out.begin());
    return out;
}

void run_launch(sev::ConfidentialLaunch& launch, GuestMemory& memory,
                const std::vector<PlannedRegion>& regions, const sev::GuestPolicy& policy,
                uint64_t entry, uint32_t mode, const sev::HostData& host_data) {
    launch.start(policy);
    for (const PlannedRegion& r : regions) {
        launch.update({r.gpa, r.type, memory.view_mut(r.gpa, r.size, r.what)});
    }
    std::vector<sev::VmsaPage> vmsas;
    if (mode != ER_CC_SEV) vmsas.push_back(launch_vmsa(entry, mode));
    launch.finish(vmsas, host_data);
}

}  // namespace er::launcher
