// libFuzzer target for the guest's address-space checks (unikernel/mm: VMAs, page tables, frame
// accounting), compiled for the host over a small simulated RAM.  These are what every
// memory syscall (brk, mmap, munmap, mprotect, madvise) and every user-pointer check (read/write
// buffers, iovecs: prepare_access) runs on an app's arguments, so the input plays a hostile app:
// a sequence of those calls, with any address and length, on a page-table domain and on two MPK
// domains sharing one root.  After every call:
//   - every present user page lies inside a VMA of its own domain (in its MPK window) and carries
//     exactly the rights that VMA grants: no page survives munmap, no right survives mprotect;
//   - every frame is accounted: each domain holds exactly its tables and pages, nothing else is
//     in use;
// and once every domain is destroyed, every frame is free again.  A call whose cost grows with the
// length of the range rather than with the memory really mapped shows as a libFuzzer timeout.
#include <fuzzer/FuzzedDataProvider.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "mm/address_space.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "sys/errno.hpp"

namespace uk::mm {
uint64_t g_phys_window;  // defined by kernel_map.cpp in the guest
}

namespace {

using namespace uk::mm;

void require(bool condition) {
    if (!condition) std::abort();
}

constexpr uint64_t kRamBytes = 4ull << 20;  // 1024 frames: out of memory is reachable
constexpr uint64_t kSlot = 512ull << 30;    // what one PML4 entry covers

uint8_t* ram() {
    static uint8_t* r = static_cast<uint8_t*>(std::aligned_alloc(kPageSize, kRamBytes));
    return r;
}

uint64_t* table(uint64_t pa) {
    return static_cast<uint64_t*>(phys_to_virt(pa));
}

struct Space {
    AddressSpace as;
    FrameAccount account;
    bool mpk = false;
    unsigned key = 0;
    bool live = false;
};

struct Audit {
    uint64_t tables = 0;
    uint64_t pages = 0;
    std::set<uint64_t>* frames;
};

// Checks every present entry under PML4 slots [first, last) of `root` for space `s`.
void audit_slots(Space& s, uint64_t root, unsigned first, unsigned last, Audit& a) {
    const uint64_t* pml4 = table(root);
    for (unsigned i4 = first; i4 < last; i4++) {
        if (!(pml4[i4] & kPtePresent)) continue;
        uint64_t pdpt_pa = pml4[i4] & kPteAddrMask;
        require(a.frames->insert(pdpt_pa).second);
        a.tables++;
        for (unsigned i3 = 0; i3 < 512; i3++) {
            uint64_t e3 = table(pdpt_pa)[i3];
            if (!(e3 & kPtePresent)) continue;
            require(!(e3 & kPteHuge));
            require(a.frames->insert(e3 & kPteAddrMask).second);
            a.tables++;
            for (unsigned i2 = 0; i2 < 512; i2++) {
                uint64_t e2 = table(e3 & kPteAddrMask)[i2];
                if (!(e2 & kPtePresent)) continue;
                require(!(e2 & kPteHuge));
                require(a.frames->insert(e2 & kPteAddrMask).second);
                a.tables++;
                for (unsigned i1 = 0; i1 < 512; i1++) {
                    uint64_t pte = table(e2 & kPteAddrMask)[i1];
                    if (pte == 0) continue;
                    uint64_t va = (uint64_t(i4) << 39) | (uint64_t(i3) << 30) |
                                  (uint64_t(i2) << 21) | (uint64_t(i1) << 12);
                    require(pte & kPtePresent);
                    require(s.as.layout().contains(va, va + kPageSize));
                    const Vma* v = s.as.vmas().find(va);
                    require(v != nullptr);
                    require((pte & ~kPteAddrMask) == s.as.pte_flags(v->prot));
                    require(a.frames->insert(pte & kPteAddrMask).second);
                    a.pages++;
                }
            }
        }
    }
}

void audit(Space* spaces, size_t n, uint64_t shared_root) {
    std::set<uint64_t> frames;
    uint64_t held = 0;
    for (size_t i = 0; i < n; i++) {
        Space& s = spaces[i];
        if (!s.live) continue;
        Audit a{0, 0, &frames};
        if (s.mpk) {
            unsigned first = unsigned(s.as.layout().lo / kSlot);
            unsigned last = unsigned((s.as.layout().hi + kSlot - 1) / kSlot);
            audit_slots(s, shared_root, first, last, a);
        } else {
            require(frames.insert(s.as.cr3()).second);
            a.tables++;  // the root
            audit_slots(s, s.as.cr3(), 0, 256, a);
        }
        require(s.account.held() == a.tables + a.pages);
        require(s.account.limit() == 0 || s.account.held() <= s.account.limit());
        held += s.account.held();
    }
    require(g_frames.used_frames() == held + 1);  // + the MPK root
}

// An address near something that matters in this space's layout, or anywhere.
uint64_t pick_addr(FuzzedDataProvider& in, const UserLayout& l) {
    uint64_t base;
    switch (in.ConsumeIntegralInRange(0, 8)) {
        case 0:
            base = l.lo;
            break;
        case 1:
            base = l.pie_bias;
            break;
        case 2:
            base = l.brk_limit;
            break;
        case 3:
            base = l.mmap_base;
            break;
        case 4:
            base = l.stack_top;
            break;
        case 5:
            base = l.hi;
            break;
        case 6:
            base = kUserEnd;
            break;
        case 7:
            base = uint64_t(in.ConsumeIntegralInRange(1, 15)) << 42;
            break;  // any window
        default:
            return in.ConsumeIntegral<uint64_t>();
    }
    return base + uint64_t(in.ConsumeIntegralInRange<int64_t>(-64, 1024)) * kPageSize;
}

uint64_t pick_len(FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange(0, 3)) {
        case 0:
            return in.ConsumeIntegralInRange<uint64_t>(0, 64) * kPageSize;
        case 1:
            return 1ull << in.ConsumeIntegralInRange(12, 47);  // up to 128 TiB
        case 2:
            return in.ConsumeIntegralInRange<uint64_t>(0, 3 * kPageSize);  // unaligned
        default:
            return in.ConsumeIntegral<uint64_t>();
    }
}

uint32_t pick_prot(FuzzedDataProvider& in) {
    return in.ConsumeIntegralInRange<uint32_t>(0, 7);
}

Access pick_access(FuzzedDataProvider& in) {
    return static_cast<Access>(in.ConsumeIntegralInRange(0, 2));
}

// What a user access to [start, start + len) must give, from the VMAs alone (a second, simple
// statement of the rule: outside the layout or a hole first is unmapped, a VMA without the right
// first is protection).
FaultKind expected_access(Space& s, uint64_t start, uint64_t len, Access acc) {
    if (len == 0) return FaultKind::none;
    uint64_t end = start + len;
    if (end < start || !s.as.layout().contains(start, end)) return FaultKind::unmapped;
    uint32_t need = acc == Access::write ? kProtWrite : acc == Access::exec ? kProtExec : kProtRead;
    uint64_t at = page_down(start);
    for (size_t i = 0; i < s.as.vmas().size() && at < end; i++) {
        const Vma& v = s.as.vmas().at(i);
        if (v.end <= at) continue;
        if (v.start > at) return FaultKind::unmapped;
        if ((v.prot & need) != need) return FaultKind::protection;
        at = v.end;
    }
    return at < end ? FaultKind::unmapped : FaultKind::none;
}

// After a successful prepare_access every page of the range is present with the right (at most
// one page per frame of the simulated RAM, so this loop is short).
void check_present(Space& s, uint64_t start, uint64_t len, Access acc) {
    if (len == 0) return;
    for (uint64_t p = page_down(start); p < start + len; p += kPageSize) {
        uint64_t* pte = s.as.page_table().walk(p, false);
        require(pte != nullptr && (*pte & kPtePresent) && (*pte & kPteUser));
        if (acc == Access::write) require(*pte & kPteWrite);
        if (acc == Access::exec) require(!(*pte & kPteNx));
    }
}

void start(Space& s, FuzzedDataProvider& in, uint64_t shared_root) {
    s.account.reset(in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(1, 300) : 0);
    if (s.mpk) {
        s.as.init_shared(&s.account, shared_root, s.key);
        s.live = true;
    } else {
        s.live = s.as.init(&s.account);
    }
}

void one_call(Space& s, FuzzedDataProvider& in) {
    const UserLayout& l = s.as.layout();
    uint64_t a = page_down(pick_addr(in, l));
    uint64_t len = pick_len(in);
    uint64_t end = a + page_up(len);
    bool sane = end >= a && page_up(len) >= len;  // what the syscalls check before calling
    switch (in.ConsumeIntegralInRange(0, 6)) {
        case 0: {  // mmap / brk growth
            if (!sane) return;
            int r = s.as.add_region(a, end, pick_prot(in), pick_prot(in));
            require(r == 0 || r == -uk::kENOMEM);
            break;
        }
        case 1: {  // munmap / brk shrink / MAP_FIXED over a mapping
            if (!sane) return;
            int r = s.as.remove_region(a, end);
            require(r == 0 || r == -uk::kENOMEM || r == -uk::kEINVAL);
            if (r == 0 && a < end) require(!s.as.vmas().overlaps(a, end));
            break;
        }
        case 2: {  // mprotect
            if (!sane) return;
            int r = s.as.protect_region(a, end, pick_prot(in));
            require(r == 0 || r == -uk::kENOMEM || r == -uk::kEACCES);
            break;
        }
        case 3: {  // a syscall's user buffer or iovec entry: any start, any length
            uint64_t start = pick_addr(in, l);
            Access acc = pick_access(in);
            FaultKind want = expected_access(s, start, len, acc);
            FaultKind k = s.as.prepare_access(start, len, acc);
            if (want != FaultKind::none) {
                require(k == want);  // refused for the first reason, before any fault-in
            } else if (k == FaultKind::none) {
                check_present(s, start, len, acc);
            } else {
                require(k == FaultKind::out_of_memory);  // allowed, but no frame was left
            }
            break;
        }
        case 4: {  // a page fault from the app
            uint64_t addr = pick_addr(in, l);
            Access acc = pick_access(in);
            FaultKind want =
                addr >= (1ull << 47) ? FaultKind::kernel_page : expected_access(s, addr, 1, acc);
            FaultKind k = s.as.fault(addr, acc);
            if (want != FaultKind::none) {
                require(k == want);
            } else if (k == FaultKind::none) {
                check_present(s, addr, 1, acc);
            } else {
                require(k == FaultKind::out_of_memory);
            }
            break;
        }
        case 5:  // madvise(DONTNEED)
            if (!sane) return;
            s.as.discard_pages(a, end);
            break;
        default: {  // the loader installing a page it filled
            uint64_t pa = s.as.alloc_frame();
            if (pa == 0) return;
            if (!s.as.install_page(a, pa)) s.as.free_frame(pa);
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    g_phys_window = reinterpret_cast<uint64_t>(ram());
    g_frames.init(kPageSize, kRamBytes, phys_to_virt);
    uint64_t shared_root = g_frames.alloc_zeroed();
    require(shared_root != 0);

    Space spaces[3];
    spaces[1].mpk = spaces[2].mpk = true;
    spaces[1].key = in.ConsumeIntegralInRange(1u, ER_MPK_KEYS);
    spaces[2].key = spaces[1].key % ER_MPK_KEYS + 1;  // a different key, maybe a neighbour
    for (Space& s : spaces) start(s, in, shared_root);
    audit(spaces, 3, shared_root);

    for (int call = 0; call < 64 && in.remaining_bytes() > 0; call++) {
        Space& s = spaces[in.ConsumeIntegralInRange(0, 2)];
        if (!s.live) continue;
        if (in.ConsumeIntegralInRange(0, 31) == 0) {  // the domain ends and a new one starts
            s.as.destroy();
            s.live = false;
            require(s.account.held() == 0);
            start(s, in, shared_root);
        } else {
            one_call(s, in);
        }
        audit(spaces, 3, shared_root);
    }

    for (Space& s : spaces) {
        if (!s.live) continue;
        s.as.destroy();
        require(s.account.held() == 0);
    }
    g_frames.free(shared_root);
    require(g_frames.used_frames() == 0);
    return 0;
}
