#include "mm/address_space.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/tlb.hpp"
#include "lib/string.hpp"
#include "mm/frame_refs.hpp"
#include "mm/layout.hpp"
#include "sys/errno.hpp"

namespace uk::mm {

bool AddressSpace::init(FrameAccount* account) {
    account_ = account;
    vmas_.clear();
    layout_ = whole_user_layout();
    pkey_ = 0;
    shared_ = false;
    pt_ = PageTable::create(account);
    if (pt_.root() == 0) return false;
    pt_.share_kernel_half(g_kernel_pt);
    return true;
}

void AddressSpace::init_shared(FrameAccount* account, uint64_t root, unsigned key) {
    account_ = account;
    vmas_.clear();
    layout_ = mpk_window(key);
    pkey_ = key;
    shared_ = true;
    pt_ = PageTable::view(root, account);
}

void AddressSpace::destroy() {
    if (shared_) {
        // Only this window's PML4 slots: the root and the other windows are not ours.
        constexpr uint64_t kSlot = 512ull << 30;
        pt_.destroy_slots(unsigned(layout_.lo / kSlot), unsigned((layout_.hi + kSlot - 1) / kSlot));
        pt_ = PageTable();
        // The other members keep loading the shared root without a flush (the point of MPK), so
        // no translation of this window's freed tables and frames may survive in any PCID: they
        // may be anyone's next.  (A private root is never loaded again: its PCID's next user
        // loads with a flush.)
        x86::flush_all_tlbs();
    } else {
        pt_.destroy();
    }
    vmas_.clear();
}

uint64_t AddressSpace::pte_flags(uint32_t prot) const {
    // PROT_NONE keeps its frames (mprotect may restore access) on present but supervisor-only,
    // read-only, no-execute entries: every user access faults, and the kernel never touches
    // user memory without checking the VMA first.
    if ((prot & (kProtRead | kProtWrite | kProtExec)) == 0) return kPtePresent | kPteNx;
    uint64_t f = kPtePresent | kPteUser;
    if (prot & kProtWrite) f |= kPteWrite;
    if (!(prot & kProtExec)) f |= kPteNx;
    return f | (uint64_t(pkey_) << kPtePkeyShift);
}

namespace {

uint32_t needed_prot(Access access) {
    switch (access) {
        case Access::write:
            return kProtWrite;
        case Access::exec:
            return kProtExec;
        case Access::read:
            break;
    }
    return kProtRead;
}

}  // namespace

FaultKind AddressSpace::fault(uint64_t addr, Access access) {
    if (addr >= (1ull << 47)) return FaultKind::kernel_page;
    if (!layout_.contains(addr, addr + 1)) return FaultKind::unmapped;
    const Vma* vma = vmas_.find(addr);
    if (vma == nullptr) return FaultKind::unmapped;
    uint32_t need = needed_prot(access);
    if ((vma->prot & need) != need) return FaultKind::protection;
    uint64_t page = page_down(addr);
    uint64_t* pte = pt_.walk(page, false);
    if (pte != nullptr && (*pte & kPtePresent)) {
        if (access == Access::write && (*pte & kPteCow)) return break_cow(page, pte, vma->prot);
        // Present and allowed: a stale TLB entry (mprotect raced nothing on one vCPU, so this is
        // a bug) is cleared and the access retried by the caller.
        return FaultKind::none;
    }
    uint64_t pa = alloc_frame();
    if (pa == 0) return FaultKind::out_of_memory;
    if (pt_.map(page, pa, pte_flags(vma->prot)) != MapResult::ok) {
        free_frame(pa);
        return FaultKind::out_of_memory;
    }
    return FaultKind::none;
}

FaultKind AddressSpace::check_access(uint64_t start, uint64_t len, Access access) const {
    if (len == 0) return FaultKind::none;
    uint64_t end = start + len;
    if (!layout_.contains(start, end)) return FaultKind::unmapped;
    // The first offending address comes from the VMA set in one pass over the VMAs, never from a
    // walk over the range's pages (a 100 TiB iovec ending in a hole costs as little as a small
    // one).
    uint64_t at;
    switch (vmas_.first_denied(page_down(start), page_up(end), needed_prot(access), &at)) {
        case Denial::none:
            return FaultKind::none;
        case Denial::protection:
            return FaultKind::protection;
        case Denial::gap:
            break;
    }
    return FaultKind::unmapped;
}

FaultKind AddressSpace::prepare_access(uint64_t start, uint64_t len, Access access) {
    if (FaultKind k = check_access(start, len, access); k != FaultKind::none) return k;
    // Nothing to touch: without this an unaligned start would fault in the page holding it (found
    // by tests/fuzz/address_space_fuzz).
    if (len == 0) return FaultKind::none;
    for (uint64_t p = page_down(start); p < start + len; p += kPageSize) {
        FaultKind k = fault(p, access);
        if (k != FaultKind::none) return k;
    }
    return FaultKind::none;
}

int AddressSpace::add_region(uint64_t start, uint64_t end, uint32_t prot, uint32_t max_prot) {
    if (!layout_.contains(start, end)) return -kENOMEM;
    if (!vmas_.insert(Vma{start, end, prot, max_prot})) return -kENOMEM;
    return 0;
}

bool AddressSpace::is_cow(uint64_t addr) {
    if (!layout_.contains(addr, addr + 1)) return false;
    uint64_t* pte = pt_.walk(page_down(addr), false);
    return pte != nullptr && (*pte & kPtePresent) && (*pte & kPteCow);
}

FaultKind AddressSpace::break_cow(uint64_t page, uint64_t* pte, uint32_t prot) {
    uint64_t old = *pte & kPteAddrMask;
    uint64_t flags = pte_flags(prot);
    if (g_frame_refs.extra(old) == 0) {
        // Every other space let go of it: the frame is this one's alone again, no copy needed.
        pt_.protect(page, flags);
        return FaultKind::none;
    }
    uint64_t pa = alloc_frame();
    if (pa == 0) return FaultKind::out_of_memory;
    memcpy(phys_to_virt(pa), phys_to_virt(old), kPageSize);
    pt_.unmap(page);
    if (pt_.map(page, pa, flags) != MapResult::ok) {
        // Cannot happen (the tables are there); keep the shared frame rather than lose the page.
        pt_.map(page, old, (flags & ~kPteWrite) | kPteCow);
        free_frame(pa);
        return FaultKind::out_of_memory;
    }
    g_frame_refs.drop(old);  // others still hold it, so never the last reference
    return FaultKind::none;
}

namespace {

bool is_live(const PageTable& pt) {
    return (x86::read_cr3() & kPteAddrMask) == pt.root();
}

}  // namespace

bool AddressSpace::fork_leaf(AddressSpace& child, uint64_t va, uint64_t* pte) {
    uint64_t e = *pte;
    uint64_t pa = e & kPteAddrMask;
    if (!(e & kPteKernelFrame)) {
        const Vma* vma = vmas_.find(va);
        if (vma == nullptr) return true;  // never happens: every present page lies in a VMA
        if (!g_frame_refs.share(pa)) {
            // The count cannot be raised: the child gets a copy of its own instead.
            uint64_t copy = child.alloc_frame();
            if (copy == 0) return false;
            memcpy(phys_to_virt(copy), phys_to_virt(pa), kPageSize);
            if (child.pt_.map(va, copy, child.pte_flags(vma->prot)) != MapResult::ok) {
                child.free_frame(copy);
                return false;
            }
            return true;
        }
        // A page that is or may become writable (mprotect up to max_prot) is copy-on-write in
        // both; one that can never be written (code) is simply shared.
        if ((vma->max_prot & kProtWrite) && !(e & kPteCow)) {
            e = (e & ~kPteWrite) | kPteCow;
            *pte = e;
            if (is_live(pt_)) x86::invlpg(va);
        }
    }
    if (child.pt_.map(va, pa, e & ~kPteAddrMask) != MapResult::ok) {
        if (!(e & kPteKernelFrame)) g_frame_refs.drop(pa);  // ours is still there: not the last
        return false;
    }
    return true;
}

int AddressSpace::fork_into(AddressSpace& child) {
    if (!child.init(account_)) return -kENOMEM;
    child.layout_ = layout_;
    child.pkey_ = pkey_;
    child.vmas_ = vmas_;
    bool ok = true;
    // Only this space's part of the lower half: in a shared MPK root the other windows are other
    // domains', and the walk never looks at them.
    pt_.for_each_leaf(layout_.lo, layout_.hi, [&](uint64_t va, uint64_t* pte) {
        if (ok) ok = fork_leaf(child, va, pte);
    });
    if (!ok) {
        child.destroy();
        return -kENOMEM;
    }
    return 0;
}

bool AddressSpace::install_kernel_page(uint64_t va, uint64_t pa) {
    const Vma* vma = vmas_.find(va);
    if (vma == nullptr) return false;
    return pt_.map(va, pa, (pte_flags(vma->prot) & ~kPteWrite) | kPteKernelFrame) == MapResult::ok;
}

void AddressSpace::free_range_frames(uint64_t start, uint64_t end, bool keep_kernel_frames) {
    pt_.for_each_leaf(start, end, [&](uint64_t p, uint64_t* e) {
        if (keep_kernel_frames && (*e & kPteKernelFrame)) return;
        release_user_frame(account_, pt_.unmap(p));
    });
}

int AddressSpace::remove_region(uint64_t start, uint64_t end) {
    // The range's page-table entries are cleared whether or not a VMA covers them: outside this
    // space's window they could be another MPK domain's.
    if (!layout_.contains(start, end)) return -kEINVAL;
    if (!vmas_.remove(start, end)) return -kENOMEM;
    free_range_frames(start, end, false);
    return 0;
}

void AddressSpace::reprotect_range(uint64_t start, uint64_t end, uint32_t prot) {
    uint64_t flags = pte_flags(prot);
    // A shared (COW) or kernel-owned frame keeps its marker and stays read-only whatever the
    // new rights: a write to a COW page must still fault and copy.
    pt_.for_each_leaf(start, end, [&](uint64_t p, uint64_t* e) {
        uint64_t soft = *e & kPteSoftMask;
        pt_.protect(p, soft != 0 ? (flags & ~kPteWrite) | soft : flags);
    });
}

int AddressSpace::protect_region(uint64_t start, uint64_t end, uint32_t prot) {
    if (!layout_.contains(start, end)) return -kENOMEM;
    if (!vmas_.covers(start, end, kProtNone)) return -kENOMEM;
    if (!vmas_.allows(start, end, prot)) return -kEACCES;
    if (!vmas_.protect(start, end, prot)) return -kENOMEM;
    reprotect_range(start, end, prot);
    return 0;
}

void AddressSpace::discard_pages(uint64_t start, uint64_t end) {
    if (!layout_.contains(start, end)) return;
    free_range_frames(start, end, true);
}

bool AddressSpace::install_page(uint64_t va, uint64_t pa) {
    const Vma* vma = vmas_.find(va);
    if (vma == nullptr) return false;
    return pt_.map(va, pa, pte_flags(vma->prot)) == MapResult::ok;
}

}  // namespace uk::mm
