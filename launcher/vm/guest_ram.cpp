#include "launcher/vm/guest_ram.hpp"

#include <sys/mman.h>

namespace er::launcher {

GuestRam::GuestRam(uint64_t size)
    : mapping_(map_anonymous(size, "guest memory")), memory_(mapping_.data(), size) {
    // No transparent huge pages for guest RAM: with THP "always" one guest write makes a whole
    // 2 MiB of host memory resident, so a guest that touches a few scattered pages would cost
    // megabytes.  Guest RAM then costs the host exactly what is touched, which is what lets
    // many small enclaves share a host.  (Best effort: THP may be compiled out.)
    ::madvise(mapping_.data(), size, MADV_NOHUGEPAGE);
}

}  // namespace er::launcher
