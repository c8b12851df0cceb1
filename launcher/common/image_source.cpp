#include "launcher/common/image_source.hpp"

#include <cstring>

#include "launcher/common/error.hpp"

namespace er::launcher {

void BytesImage::write_to(std::span<uint8_t> dest) const {
    if (dest.size() != bytes_.size()) throw Error("internal: image size mismatch");
    if (!bytes_.empty()) std::memcpy(dest.data(), bytes_.data(), bytes_.size());
}

void FileImage::write_to(std::span<uint8_t> dest) const {
    read_input_into(file_, dest, "file changed size since it was checked");
}

}  // namespace er::launcher
