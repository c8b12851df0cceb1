// ABI 5 amendment: a hot-added domain's er-fs tree lives in the staging area, which the host may
// write at any time (under SEV it is shared memory), while the tree code reads the image for the
// domain's whole life and trusts what validate() checked once.  So the guest keeps a private copy
// per domain: frames charged to the domain's own account (its memory limit covers the tree, its
// death frees it), mapped read-only into a per-slot kernel window, because the tree code reads
// one contiguous virtual range and the frames are not contiguous.  Checked (er-fs validate, in
// fs::init), measured and read only there.
//
// The window: ER_MAX_DOMAINS slots of `max_image` bytes (rounded up to 2 MiB, so each slot has
// page tables of its own) in the kernel half, PML4 slot 508.  Its PDPT and page directories are
// made at boot, before any address space shares the kernel half, so every address space sees the
// per-domain page tables hung under them later.  Those page tables are charged to the domain too.
#pragma once

#include <stdint.h>

namespace uk::domain {

struct Domain;

// Once at boot, persistent enclaves only, before the first domain: lays out the window for
// images of up to `max_image` bytes.  nullptr, or why not (out of memory).
const char* tree_window_init(uint64_t max_image);

// Copies the `size` bytes at `src` (a kernel pointer into the staging area, read exactly once)
// into fresh frames charged to d.account, maps them read-only at d's window and records the copy
// in d.tree / d.tree_size.  nullptr, or why not (too large, out of memory or over the limit, no
// window, no way to flush the window's TLB entries on this CPU), with everything it took given
// back.
const char* tree_copy_in(Domain& d, const void* src, uint64_t size);

// Unmaps and frees d's copy and its page tables (back to d.account), and flushes every PCID's
// TLB and paging-structure caches, so no stale translation of the window survives for the slot's
// next domain.  Nothing without a copy.
void tree_release(Domain& d);

}  // namespace uk::domain
