#include "mm/charged_frames.hpp"

#include "mm/frame_allocator.hpp"

namespace uk::mm {
namespace {

FrameReserve g_reserve;

bool reserved_for(const FrameAccount* account) {
    return account != nullptr && account->limit() != 0;
}

}  // namespace

uint64_t alloc_charged(FrameAccount* account) {
    if (account != nullptr && !account->charge()) return 0;
    // Under its limit, an account's frame is one of its reserved ones, so it is there whatever
    // the others took; without a reservation, only what no reservation holds.
    bool own = reserved_for(account);
    uint64_t pa = 0;
    if (own || g_reserve.unreserved_available(g_frames.free_frames())) pa = g_frames.alloc_zeroed();
    if (pa == 0) {
        if (account != nullptr) account->uncharge();
        return 0;
    }
    if (own) g_reserve.release(1);
    return pa;
}

void free_charged(FrameAccount* account, uint64_t pa) {
    g_frames.free(pa);
    if (account != nullptr) account->uncharge();
    if (reserved_for(account)) g_reserve.give_back();
}

bool reserve_limit(const FrameAccount& account) {
    if (account.limit() == 0) return true;
    return g_reserve.reserve(account.limit() - account.held(), g_frames.free_frames());
}

void release_limit(const FrameAccount& account) {
    if (account.limit() == 0) return;
    uint64_t held = account.held();
    g_reserve.release(account.limit() > held ? account.limit() - held : 0);
}

uint64_t unreserved_frames() {
    uint64_t free = g_frames.free_frames();
    return free > g_reserve.reserved() ? free - g_reserve.reserved() : 0;
}

}  // namespace uk::mm
