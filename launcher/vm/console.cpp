#include "launcher/vm/console.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "launcher/common/full_write.hpp"
#include "launcher/vm/run_timeout.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

int64_t FdConsole::write(uint32_t stream, std::span<const uint8_t> bytes) {
    int fd = stream == ER_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO;
    return write_fully(fd, bytes.data(), bytes.size(), RunTimeout::expired);
}

void FdConsole::log(std::string_view line) {
    std::string text = "enclave-run: guest: ";
    text += line;
    text += '\n';
    write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

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
