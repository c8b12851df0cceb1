// Guest RAM, mapped before the VM exists so the inputs (apps, er-fs images) can be streamed
// straight into it once they are known to fit (run_command.cpp), then handed to KVM as the VM's
// only memory slot (machine.cpp).
#pragma once

#include <cstdint>

#include "launcher/common/mapping.hpp"
#include "launcher/vm/guest_memory.hpp"

namespace er::launcher {

class GuestRam {
  public:
    // `size` bytes of MAP_NORESERVE anonymous memory without transparent huge pages: it costs
    // the host only the pages written, by the launcher or later by the guest.
    explicit GuestRam(uint64_t size);
    GuestRam(const GuestRam&) = delete;
    GuestRam& operator=(const GuestRam&) = delete;

    uint8_t* data() const { return mapping_.data(); }
    uint64_t size() const { return mapping_.size(); }
    GuestMemory& memory() { return memory_; }

  private:
    Mapping mapping_;
    GuestMemory memory_;
};

}  // namespace er::launcher
