// Where guest output goes.  An interface so hypercall tests can capture it without real fds.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace er::launcher {

class Console {
  public:
    virtual ~Console() = default;
    // Writes all of `bytes` to the stream (ER_STREAM_STDOUT/STDERR); bytes written or -errno.
    virtual int64_t write(uint32_t stream, std::span<const uint8_t> bytes) = 0;
    // One already-sanitised line of guest log for the launcher's stderr.
    virtual void log(std::string_view line) = 0;
};

// The launcher's own stdout and stderr.
class FdConsole final : public Console {
  public:
    int64_t write(uint32_t stream, std::span<const uint8_t> bytes) override;
    void log(std::string_view line) override;
};

// Replaces every byte outside printable ASCII by \xNN and drops trailing newlines, so a guest
// cannot forge launcher lines or send terminal escapes through the log.
std::string sanitize_log_text(std::span<const uint8_t> bytes);

}  // namespace er::launcher
