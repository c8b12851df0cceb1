#include "mm/mpk_spaces.hpp"

#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"
#include "mm/page_table.hpp"
#include "mpk/key_pool.hpp"

namespace uk::mm {
namespace {

er::mpk::KeyPool<kMaxMpkSpaces> g_keys;
uint64_t g_roots[kMaxMpkSpaces];

}  // namespace

bool mpk_join(MpkSlot* slot) {
    uint32_t space, key;
    if (!g_keys.take(&space, &key)) return false;
    if (g_roots[space] == 0) {
        // The root belongs to the space, not to a member: uncharged, freed by the last one out.
        // Not from any domain's reservation (charged_frames.hpp).
        uint64_t root = alloc_charged(nullptr);
        if (root == 0) {
            g_keys.give_back(space, key);
            return false;
        }
        PageTable(root).share_kernel_half(g_kernel_pt);
        g_roots[space] = root;
    }
    *slot = MpkSlot{space, key, g_roots[space]};
    return true;
}

void mpk_leave(const MpkSlot& slot) {
    if (!g_keys.give_back(slot.space, slot.key)) return;
    // The leaver's window was torn down with every PCID flushed (AddressSpace::destroy).
    if (g_keys.members(slot.space) == 0) {
        free_charged(nullptr, g_roots[slot.space]);
        g_roots[slot.space] = 0;
    }
}

}  // namespace uk::mm
