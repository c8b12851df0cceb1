#include "launcher/vm/console.hpp"

#include "launcher/common/escape.hpp"

namespace er::launcher {

std::string sanitize_log_text(std::span<const uint8_t> bytes) {
    size_t len = bytes.size();
    while (len > 0 && (bytes[len - 1] == '\n' || bytes[len - 1] == '\r')) --len;
    return escape_text(std::string_view(reinterpret_cast<const char*>(bytes.data()), len));
}

}  // namespace er::launcher
