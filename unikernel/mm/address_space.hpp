// A user address space: page tables (lower half private, upper half shared with the kernel) plus
// the VMAs that say what may be mapped where.  All user memory is anonymous and demand-zero:
// a VMA's pages get frames on first touch; the ELF loader pre-populates pages with file bytes.
// fork shares frames copy-on-write between the spaces of one domain (mm/frame_refs.hpp counts
// the extra references; page_table.hpp has the kPteCow and kPteKernelFrame markers).
// A page-table domain owns a whole address space; an MPK domain owns the window of its protection
// key in a shared one (mm/mpk_spaces.hpp): its VMAs, frames and page tables all lie there, and
// every page it maps carries its key.
#pragma once

#include <stdint.h>

#include "mm/charged_frames.hpp"
#include "mm/frame_account.hpp"
#include "mm/page_table.hpp"
#include "mm/user_layout.hpp"
#include "mm/vma.hpp"

namespace uk::mm {

enum class Access : uint8_t { read, write, exec };

// Why a user access cannot be satisfied.
enum class FaultKind : uint8_t {
    none,           // resolved (page now present) or nothing to do
    out_of_memory,  // no frame for a demand-zero page
    unmapped,       // no VMA there
    kernel_page,    // upper-half address
    protection,     // VMA exists but forbids this access
};

class AddressSpace {
  public:
    // Creates the page tables (false on out of memory).  Every frame the address space takes,
    // tables included, is charged to `account` (which must outlive it).
    bool init(FrameAccount* account);
    // The window of protection key `key` in the shared hierarchy at `root` (an MPK domain).
    void init_shared(FrameAccount* account, uint64_t root, unsigned key);
    // Frees every frame and table (the root too, unless shared); must not be the live CR3.
    // Frames shared with another address space (fork) only lose this space's reference.
    void destroy();

    // fork: makes `child` (unused: no init) a copy-on-write duplicate of this space, on the same
    // account (the domain's, so the domain's limit covers every process in it).  The child gets
    // its own root holding only this space's part of the lower half: for an MPK domain that is
    // its key's window with the same key on every page, so a forked child cannot address any
    // other domain at all (docs/mpk.md "Processes").  VMAs are copied; each present page is
    // shared: pages that are or may become writable (max_prot has W) turn read-only + kPteCow
    // in both, read-only ones stay as they are, kernel-owned frames are mapped as they are.  A
    // shared frame is charged once; the child's page tables and any frame that had to be copied
    // (its count could not be raised) are charged to the account.  0, or -ENOMEM (RAM or the
    // limit; the child is then destroyed again and this space is unchanged but for the
    // read-only + COW marks, which the next write fault simply takes back).  This space must be
    // live in CR3 or not at all: its changed entries are invalidated with invlpg.
    int fork_into(AddressSpace& child);
    // Maps kernel-owned frame pa (vDSO) at va inside a VMA the caller added (add_region), with
    // the VMA's rights minus write: never freed, copied or charged by this space (kPteKernelFrame).
    bool install_kernel_page(uint64_t va, uint64_t pa);
    // The frame account this space charges (the domain's).
    FrameAccount* account() const { return account_; }

    // A zeroed frame charged to this address space, or 0 (out of memory or over the limit).
    uint64_t alloc_frame() { return alloc_charged(account_); }
    void free_frame(uint64_t pa) { free_charged(account_, pa); }

    PageTable& page_table() { return pt_; }
    const VmaSet& vmas() const { return vmas_; }
    uint64_t cr3() const { return pt_.root(); }
    // Where this space's user memory may go, and the key its pages carry (0: not MPK).
    const UserLayout& layout() const { return layout_; }
    unsigned pkey() const { return pkey_; }

    // Page-fault service: makes addr present for `access` if its VMA allows it.  A write to a
    // copy-on-write page copies it into a frame of its own (out_of_memory past the limit, like a
    // demand-zero page), or takes the frame over when no other space holds it any more.
    FaultKind fault(uint64_t addr, Access access);
    // Whether addr's page is present and shared copy-on-write (its next write fault copies).
    bool is_cow(uint64_t addr);
    // Whether [start, start + len) may be accessed (VMAs and rights only, nothing faulted in):
    // none, unmapped (outside the layout or a hole first) or protection (a VMA lacking the right
    // first).  O(number of VMAs) whatever the length.
    FaultKind check_access(uint64_t start, uint64_t len, Access access) const;
    // check_access plus fault-in, for a whole user range the kernel is about to touch.  The
    // fault-in visits each page once: its cost is that of the copy the caller then makes, and it
    // stops at the domain's memory limit (out_of_memory).
    FaultKind prepare_access(uint64_t start, uint64_t len, Access access);

    // New VMA over a free, page-aligned range (-ENOMEM when the range is taken or no slot).
    int add_region(uint64_t start, uint64_t end, uint32_t prot, uint32_t max_prot);
    // Drops VMAs and frames in [start, end) (page aligned).  -ENOMEM if out of VMA slots.
    int remove_region(uint64_t start, uint64_t end);
    // Changes rights; -ENOMEM when not fully mapped, -EACCES beyond max_prot.
    int protect_region(uint64_t start, uint64_t end, uint32_t prot);
    // Frees the frames in [start, end) so the next touch sees zeros (MADV_DONTNEED).
    void discard_pages(uint64_t start, uint64_t end);
    // Installs a frame the caller filled at va (inside a VMA); false on out of memory.
    bool install_page(uint64_t va, uint64_t pa);

    // Page-table flags for this space's user pages with these rights (the key included).
    uint64_t pte_flags(uint32_t prot) const;

  private:
    void free_range_frames(uint64_t start, uint64_t end, bool keep_kernel_frames);
    FaultKind break_cow(uint64_t page, uint64_t* pte, uint32_t prot);
    bool fork_leaf(AddressSpace& child, uint64_t va, uint64_t* pte);
    void reprotect_range(uint64_t start, uint64_t end, uint32_t prot);

    PageTable pt_;
    VmaSet vmas_;
    FrameAccount* account_ = nullptr;
    UserLayout layout_ = whole_user_layout();
    unsigned pkey_ = 0;
    bool shared_ = false;
};

}  // namespace uk::mm
