#include "launcher/vm/app_image.hpp"

#include <memory>

#include "elf/elf.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/size.hpp"
#include "launcher/vm/layout.hpp"

namespace er::launcher {

uint64_t max_app_size(uint64_t mem_size) {
    uint64_t end = mem_size < layout::kBootMappedBytes ? mem_size : layout::kBootMappedBytes;
    if (end <= ER_GPA_IMAGES) return 0;
    // Whole pages only: free_start is the page-aligned end of the images.
    return (end - ER_GPA_IMAGES) & ~(layout::kPageSize - 1);
}

void check_app_elf(std::span<const uint8_t> bytes, const std::string& path) {
    // er::elf::Image is large (segment table); keep it off the stack.
    auto image = std::make_unique<elf::Image>();
    elf::Status status = elf::parse(bytes.data(), bytes.size(), image.get());
    if (status != elf::Status::ok) throw Error(elf::describe(status), path);
}

std::shared_ptr<const FileImage> open_app(const std::string& path, uint64_t mem_size) {
    InputFile file = open_input(path, "program file");
    if (file.size > max_app_size(mem_size)) {
        throw Error(path + " is too big for " + format_size(mem_size) +
                    " of guest memory; use --memory");
    }
    return std::make_shared<const FileImage>(std::move(file));
}

}  // namespace er::launcher
