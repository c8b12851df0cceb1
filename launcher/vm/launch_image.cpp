#include "launcher/vm/launch_image.hpp"

#include "launcher/vm/boot_state.hpp"

namespace er::launcher {

void write_launch_image(GuestMemory& memory, const KernelImage& kernel,
                        std::span<const uint8_t> kernel_file, const DomainLayout& domains,
                        const BootConfig& boot) {
    // Only the pages the boot needs are touched; the rest stay unallocated until the guest uses
    // them (MAP_NORESERVE).
    load_kernel(kernel, kernel_file, memory);
    write_boot_tables(memory);
    memory.write(ER_GPA_BOOT_INFO, make_boot_info(boot, kernel, domains), "boot info");
}

}  // namespace er::launcher
