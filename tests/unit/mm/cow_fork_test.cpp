// Copy-on-write fork of an address space (AddressSpace::fork_into) over a simulated RAM: what the
// child sees, what a write in either copies, how the domain's account is charged, and that
// teardown in any order gives every frame back.  Both backends: a page-table space and an MPK
// window in a shared root.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "mm/address_space.hpp"
#include "mm/charged_frames.hpp"
#include "mm/frame_allocator.hpp"
#include "mm/frame_refs.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "sys/errno.hpp"

namespace uk::mm {
uint64_t g_phys_window;  // defined by kernel_map.cpp in the guest
}

namespace {

using namespace uk::mm;

constexpr uint64_t kRamBytes = 4ull << 20;  // 1023 frames (page 0 stands for the kernel half)
constexpr uint64_t kRw = kProtRead | kProtWrite;
constexpr uint64_t kRx = kProtRead | kProtExec;

uint8_t* ram() {
    static uint8_t* r = static_cast<uint8_t*>(std::aligned_alloc(kPageSize, kRamBytes));
    return r;
}

class CowForkTest : public ::testing::Test {
  protected:
    void SetUp() override {
        g_phys_window = reinterpret_cast<uint64_t>(ram());
        std::memset(ram(), 0, kPageSize);  // the "kernel half" every root copies
        g_frames.init(kPageSize, kRamBytes, phys_to_virt);
        free_at_start = g_frames.free_frames();
        account.reset(0);
    }
    void TearDown() override {
        EXPECT_EQ(g_frame_refs.pages_held(), 0u) << "a counter page was left behind";
        EXPECT_EQ(g_frames.free_frames(), free_at_start) << "a frame was leaked";
    }

    // The kernel's view of user address va in `as` (the page must be present).
    static uint8_t* bytes(AddressSpace& as, uint64_t va) {
        uint64_t pa = as.page_table().translate(va);
        EXPECT_NE(pa, ~0ull);
        return static_cast<uint8_t*>(phys_to_virt(pa));
    }
    static uint64_t pte(AddressSpace& as, uint64_t va) {
        uint64_t* e = as.page_table().walk(va, false);
        return e == nullptr ? 0 : *e;
    }
    // A store by the app: fault the page in for writing (as the #PF handler would), then write.
    static void store(AddressSpace& as, uint64_t va, uint8_t v) {
        ASSERT_EQ(as.fault(va, Access::write), FaultKind::none);
        *bytes(as, va) = v;
    }
    static uint8_t load(AddressSpace& as, uint64_t va) {
        EXPECT_EQ(as.fault(va, Access::read), FaultKind::none);
        return *bytes(as, va);
    }

    FrameAccount account;
    uint64_t free_at_start = 0;
};

constexpr uint64_t kData = 0x10000000;
constexpr uint64_t kCode = 0x20000000;

TEST_F(CowForkTest, ChildSeesTheParentsMemoryAndWritesStayPrivate) {
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kData, kData + 4 * kPageSize, kRw, kRw), 0);
    for (int i = 0; i < 4; i++) store(parent, kData + i * kPageSize, uint8_t(10 + i));
    uint64_t before = account.held();

    ASSERT_EQ(parent.fork_into(child), 0);
    EXPECT_EQ(child.vmas().size(), parent.vmas().size());
    uint64_t child_tables = account.held() - before;
    EXPECT_EQ(child_tables, 4u) << "the child's root + PDPT + PD + PT; its pages are shared";
    for (int i = 0; i < 4; i++) {
        uint64_t va = kData + i * kPageSize;
        EXPECT_EQ(load(child, va), 10 + i);
        EXPECT_EQ(pte(child, va) & kPteAddrMask, pte(parent, va) & kPteAddrMask);
        for (AddressSpace* as : {&parent, &child}) {
            EXPECT_FALSE(pte(*as, va) & kPteWrite) << "shared writable pages are read-only";
            EXPECT_TRUE(pte(*as, va) & kPteCow);
        }
    }

    // The child writes page 0: it gets a copy (one frame more), the parent keeps its byte.
    EXPECT_TRUE(child.is_cow(kData));
    store(child, kData, 99);
    EXPECT_FALSE(child.is_cow(kData));
    EXPECT_EQ(account.held(), before + child_tables + 1);
    EXPECT_EQ(load(parent, kData), 10);
    EXPECT_EQ(load(child, kData), 99);
    EXPECT_EQ(load(child, kData + 1), 0) << "the rest of the page was copied too";
    EXPECT_TRUE(pte(child, kData) & kPteWrite);
    EXPECT_FALSE(pte(child, kData) & kPteCow);

    // The parent writes page 0, which nobody else holds now: it takes the frame over, no copy.
    uint64_t pa = pte(parent, kData) & kPteAddrMask;
    store(parent, kData, 11);
    EXPECT_EQ(pte(parent, kData) & kPteAddrMask, pa);
    EXPECT_EQ(account.held(), before + child_tables + 1);
    EXPECT_EQ(load(child, kData), 99);

    // The parent writes page 1, still shared: a copy; the child's page 1 is unchanged.
    store(parent, kData + kPageSize, 77);
    EXPECT_EQ(load(child, kData + kPageSize), 11);

    child.destroy();
    EXPECT_EQ(load(parent, kData + 2 * kPageSize), 12);
    parent.destroy();
    EXPECT_EQ(account.held(), 0u);
}

TEST_F(CowForkTest, ParentEndingFirstLeavesTheChildItsPages) {
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kData, kData + 2 * kPageSize, kRw, kRw), 0);
    store(parent, kData, 1);
    store(parent, kData + kPageSize, 2);
    ASSERT_EQ(parent.fork_into(child), 0);
    parent.destroy();
    EXPECT_EQ(load(child, kData), 1);
    uint64_t held = account.held();
    store(child, kData + kPageSize, 3);  // last holder: taken over without a copy
    EXPECT_EQ(account.held(), held);
    EXPECT_EQ(load(child, kData + kPageSize), 3);
    child.destroy();
    EXPECT_EQ(account.held(), 0u);
}

TEST_F(CowForkTest, CodeIsSharedReadOnlyWithoutACowMark) {
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kCode, kCode + kPageSize, kRx, kRx), 0);
    uint64_t pa = parent.alloc_frame();
    ASSERT_NE(pa, 0u);
    static_cast<uint8_t*>(phys_to_virt(pa))[0] = 0xC3;
    ASSERT_TRUE(parent.install_page(kCode, pa));
    ASSERT_EQ(parent.fork_into(child), 0);
    EXPECT_EQ(pte(child, kCode) & kPteAddrMask, pa);
    EXPECT_FALSE(pte(child, kCode) & kPteCow);
    EXPECT_FALSE(pte(child, kCode) & kPteWrite);
    EXPECT_FALSE(pte(child, kCode) & kPteNx);
    EXPECT_EQ(child.fault(kCode, Access::write), FaultKind::protection);
    parent.destroy();
    EXPECT_EQ(*bytes(child, kCode), 0xC3) << "the frame lives on while the child holds it";
    child.destroy();
}

TEST_F(CowForkTest, MprotectKeepsACowPageReadOnlyUntilItsWriteFault) {
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kData, kData + kPageSize, kRw, kRw), 0);
    store(parent, kData, 5);
    ASSERT_EQ(parent.protect_region(kData, kData + kPageSize, kProtRead), 0);
    ASSERT_EQ(parent.fork_into(child), 0);
    // Read-only now but max_prot has W: still copy-on-write, so a later mprotect cannot make
    // the two share a writable frame.
    EXPECT_TRUE(pte(child, kData) & kPteCow);
    ASSERT_EQ(child.protect_region(kData, kData + kPageSize, kRw), 0);
    EXPECT_FALSE(pte(child, kData) & kPteWrite);
    EXPECT_TRUE(pte(child, kData) & kPteCow);
    store(child, kData, 6);
    EXPECT_EQ(load(parent, kData), 5);
    child.destroy();
    parent.destroy();
}

TEST_F(CowForkTest, MunmapAndDiscardInTheChildDropOnlyItsReferences) {
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kData, kData + 2 * kPageSize, kRw, kRw), 0);
    store(parent, kData, 7);
    store(parent, kData + kPageSize, 8);
    ASSERT_EQ(parent.fork_into(child), 0);
    ASSERT_EQ(child.remove_region(kData, kData + kPageSize), 0);
    child.discard_pages(kData + kPageSize, kData + 2 * kPageSize);
    EXPECT_EQ(load(child, kData + kPageSize), 0) << "MADV_DONTNEED reads zeros";
    EXPECT_EQ(load(parent, kData), 7);
    EXPECT_EQ(load(parent, kData + kPageSize), 8);
    child.destroy();
    parent.destroy();
}

TEST_F(CowForkTest, GrandchildrenShareTheSameFrame) {
    AddressSpace a, b, c;
    ASSERT_TRUE(a.init(&account));
    ASSERT_EQ(a.add_region(kData, kData + kPageSize, kRw, kRw), 0);
    store(a, kData, 1);
    ASSERT_EQ(a.fork_into(b), 0);
    ASSERT_EQ(b.fork_into(c), 0);
    uint64_t pa = pte(a, kData) & kPteAddrMask;
    EXPECT_EQ(g_frame_refs.extra(pa), 2u);
    store(b, kData, 2);
    store(c, kData, 3);  // b let go: a and c share it, so c still copies
    store(a, kData, 4);  // a alone holds the original now: taken over
    EXPECT_EQ(pte(a, kData) & kPteAddrMask, pa);
    EXPECT_EQ(load(a, kData), 4);
    EXPECT_EQ(load(b, kData), 2);
    EXPECT_EQ(load(c, kData), 3);
    b.destroy();
    a.destroy();
    c.destroy();
}

TEST_F(CowForkTest, ForkOverTheLimitFailsCleanlyAndACowFaultPastItIsOutOfMemory) {
    // The parent holds 4 tables and 2 pages; room for 2 of the child's 4 tables: fork refuses.
    AddressSpace parent, child;
    FrameAccount limited;
    limited.reset(4 + 2 + 2);             // parent: 4 tables + 2 pages; 2 more
    ASSERT_TRUE(reserve_limit(limited));  // as domain::create does
    ASSERT_TRUE(parent.init(&limited));
    ASSERT_EQ(parent.add_region(kData, kData + 2 * kPageSize, kRw, kRw), 0);
    store(parent, kData, 1);
    store(parent, kData + kPageSize, 2);
    EXPECT_EQ(parent.fork_into(child), -uk::kENOMEM);
    EXPECT_EQ(limited.held(), 6u) << "the failed child's tables went back";
    EXPECT_EQ(load(parent, kData), 1);
    store(parent, kData, 9);  // COW marks left by the failed fork are simply taken back
    EXPECT_EQ(limited.held(), 6u);

    // With room for the child's tables only, its first COW write is over the limit.
    parent.destroy();
    release_limit(limited);
    limited.reset(4 + 2 + 4);
    ASSERT_TRUE(reserve_limit(limited));
    ASSERT_TRUE(parent.init(&limited));
    ASSERT_EQ(parent.add_region(kData, kData + 2 * kPageSize, kRw, kRw), 0);
    store(parent, kData, 1);
    store(parent, kData + kPageSize, 2);
    ASSERT_EQ(parent.fork_into(child), 0);
    EXPECT_EQ(child.fault(kData, Access::write), FaultKind::out_of_memory);
    EXPECT_TRUE(limited.limit_hit());
    EXPECT_EQ(load(child, kData), 1) << "the shared page is still there, unchanged";
    child.destroy();
    parent.destroy();
    EXPECT_EQ(limited.held(), 0u);
    release_limit(limited);
    EXPECT_EQ(unreserved_frames(), g_frames.free_frames()) << "no reservation left over";
}

TEST_F(CowForkTest, KernelFramesAreMappedAsTheyAreAndNeverFreed) {
    uint64_t vdso = g_frames.alloc_zeroed();  // a kernel-owned frame (the vDSO's)
    ASSERT_NE(vdso, 0u);
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&account));
    ASSERT_EQ(parent.add_region(kCode, kCode + kPageSize, kRx, kRx), 0);
    ASSERT_TRUE(parent.install_kernel_page(kCode, vdso));
    EXPECT_TRUE(pte(parent, kCode) & kPteKernelFrame);
    EXPECT_FALSE(pte(parent, kCode) & kPteWrite);
    uint64_t held = account.held();
    ASSERT_EQ(parent.fork_into(child), 0);
    EXPECT_EQ(pte(child, kCode) & kPteAddrMask, vdso);
    EXPECT_TRUE(pte(child, kCode) & kPteKernelFrame);
    EXPECT_EQ(g_frame_refs.extra(vdso), 0u) << "kernel frames are not counted";
    EXPECT_EQ(account.held(), held + 4) << "only the child's tables are charged";
    child.discard_pages(kCode, kCode + kPageSize);
    EXPECT_EQ(pte(child, kCode) & kPteAddrMask, vdso) << "MADV_DONTNEED keeps it";
    ASSERT_EQ(child.remove_region(kCode, kCode + kPageSize), 0);
    child.destroy();
    parent.destroy();
    EXPECT_EQ(account.held(), 0u);
    g_frames.free(vdso);  // still ours: TearDown's count proves nobody else freed it
}

TEST_F(CowForkTest, WithoutACounterPageTheChildGetsCopies) {
    // A limit that reserves every free frame leaves none for the kernel's counter pages, so
    // share() fails and fork copies each page into a frame charged to the domain.
    FrameAccount limited;
    limited.reset(g_frames.free_frames());
    ASSERT_TRUE(reserve_limit(limited));
    AddressSpace parent, child;
    ASSERT_TRUE(parent.init(&limited));
    ASSERT_EQ(parent.add_region(kData, kData + kPageSize, kRw, kRw), 0);
    store(parent, kData, 4);
    uint64_t held = limited.held();
    ASSERT_EQ(parent.fork_into(child), 0);
    EXPECT_EQ(limited.held(), held + 4 + 1);
    EXPECT_NE(pte(child, kData) & kPteAddrMask, pte(parent, kData) & kPteAddrMask);
    EXPECT_FALSE(pte(parent, kData) & kPteCow);
    store(child, kData, 5);
    EXPECT_EQ(load(parent, kData), 4);
    child.destroy();
    parent.destroy();
    release_limit(limited);
    EXPECT_EQ(unreserved_frames(), g_frames.free_frames());
}

TEST_F(CowForkTest, AnMpkChildGetsItsOwnRootWithOnlyItsWindowAndKey) {
    uint64_t shared_root = g_frames.alloc_zeroed();
    ASSERT_NE(shared_root, 0u);
    FrameAccount other_account;
    other_account.reset(0);
    AddressSpace me, other, child;
    me.init_shared(&account, shared_root, 3);
    other.init_shared(&other_account, shared_root, 4);
    uint64_t mine = me.layout().pie_bias, theirs = other.layout().pie_bias;
    ASSERT_EQ(me.add_region(mine, mine + kPageSize, kRw, kRw), 0);
    ASSERT_EQ(other.add_region(theirs, theirs + kPageSize, kRw, kRw), 0);
    store(me, mine, 1);
    store(other, theirs, 2);

    ASSERT_EQ(me.fork_into(child), 0);
    EXPECT_NE(child.cr3(), shared_root);
    EXPECT_EQ(child.pkey(), 3u);
    EXPECT_EQ(child.layout().lo, me.layout().lo);
    EXPECT_EQ((pte(child, mine) & kPtePkeyMask) >> kPtePkeyShift, 3u);
    EXPECT_EQ(load(child, mine), 1);
    EXPECT_EQ(child.page_table().translate(theirs), ~0ull)
        << "the other domain's window is not even mapped in the child's root";
    const uint64_t* root = static_cast<const uint64_t*>(phys_to_virt(child.cr3()));
    for (unsigned i = 0; i < 256; i++) {
        uint64_t va = uint64_t(i) << 39;
        bool in_window = va >= me.layout().lo && va < me.layout().hi;
        if (!in_window) {
            EXPECT_FALSE(root[i] & kPtePresent) << "PML4 slot " << i;
        }
    }
    EXPECT_EQ(child.fault(theirs, Access::read), FaultKind::unmapped);
    store(child, mine, 5);
    EXPECT_EQ(load(me, mine), 1);

    child.destroy();
    me.destroy();
    other.destroy();
    EXPECT_EQ(account.held(), 0u);
    g_frames.free(shared_root);
}

}  // namespace
