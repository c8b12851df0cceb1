#include "launcher/common/mapping.hpp"

#include "launcher/common/error.hpp"

namespace er::launcher {

Mapping map_anonymous(size_t size, const char* purpose) {
    void* addr = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (addr == MAP_FAILED) throw_errno("cannot map " + std::to_string(size) + " bytes", purpose);
    return Mapping(addr, size);
}

}  // namespace er::launcher
