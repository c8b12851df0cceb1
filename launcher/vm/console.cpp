#include "launcher/vm/console.hpp"

#include <cstdio>

namespace er::launcher {

std::string sanitize_log_text(std::span<const uint8_t> bytes) {
    size_t len = bytes.size();
    while (len > 0 && (bytes[len - 1] == '\n' || bytes[len - 1] == '\r')) --len;
    std::string out;
    out.reserve(len);
    for (size_t i = 0; i < len; ++i) {
        uint8_t c = bytes[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            char esc[5];
            std::snprintf(esc, sizeof esc, "\\x%02x", c);
            out += esc;
        }
    }
    return out;
}

}  // namespace er::launcher
