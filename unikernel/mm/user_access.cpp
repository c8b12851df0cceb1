#include "mm/user_access.hpp"

#include "arch/x86/cpu.hpp"
#include "arch/x86/cpu_features.hpp"
#include "domain/domain.hpp"
#include "lib/string.hpp"
#include "mm/address_space.hpp"
#include "mm/layout.hpp"
#include "sys/errno.hpp"

namespace uk::mm {
namespace {

int prepare(uint64_t start, size_t len, Access access) {
    FaultKind k = process::current().as.prepare_access(start, len, access);
    if (k == FaultKind::out_of_memory) domain::kill_out_of_memory(domain::current());
    return k == FaultKind::none ? 0 : -kEFAULT;
}

// Opens the SMAP window for the duration of one copy.
class UserWindow {
  public:
    UserWindow() {
        if (x86::g_cpu.smap) x86::stac();
    }
    ~UserWindow() {
        if (x86::g_cpu.smap) x86::clac();
    }
    UserWindow(const UserWindow&) = delete;
    UserWindow& operator=(const UserWindow&) = delete;
};

}  // namespace

int copy_from_user(void* dst, uint64_t user_src, size_t len) {
    if (int err = prepare(user_src, len, Access::read); err != 0) return err;
    UserWindow open;
    memcpy(dst, reinterpret_cast<const void*>(user_src), len);
    return 0;
}

int copy_to_user(uint64_t user_dst, const void* src, size_t len) {
    if (int err = prepare(user_dst, len, Access::write); err != 0) return err;
    UserWindow open;
    memcpy(reinterpret_cast<void*>(user_dst), src, len);
    return 0;
}

int copy_to_space(AddressSpace& as, uint64_t user_dst, const void* src, size_t len) {
    FaultKind k = as.prepare_access(user_dst, len, Access::write);
    if (k == FaultKind::out_of_memory) return -kENOMEM;
    if (k != FaultKind::none) return -kEFAULT;
    const auto* from = static_cast<const uint8_t*>(src);
    while (len > 0) {
        uint64_t chunk = kPageSize - (user_dst & (kPageSize - 1));
        if (chunk > len) chunk = len;
        uint64_t pa = as.page_table().translate(user_dst);
        if (pa == ~0ull) return -kEFAULT;  // cannot happen after prepare_access
        memcpy(phys_to_virt(pa), from, chunk);
        user_dst += chunk, from += chunk, len -= chunk;
    }
    return 0;
}

}  // namespace uk::mm
