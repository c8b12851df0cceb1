// Where guest output goes.  An interface so hypercall tests can capture it without real fds;
// the real one is DomainOutput (output.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace er::launcher {

class Console {
  public:
    virtual ~Console() = default;
    // The enclave starts running (set-up succeeded): destinations that must not be disturbed
    // before then, such as output files to truncate, are prepared now.  Throws Error.
    virtual void start() {}
    // Writes all of `bytes` from domain `domain` (an index checked by the caller) to the stream
    // (ER_STREAM_STDOUT/STDERR); bytes accepted or -errno.
    virtual int64_t write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) = 0;
    // Domain `domain` ended: nothing more comes from it (a held partial line goes out now).
    virtual void end_domain(uint32_t domain) = 0;
    // ABI 5: a hot-added domain `name` takes index `domain` (a new one, or one that ended).
    virtual void begin_domain(uint32_t domain, const std::string& name) {
        (void)domain;
        (void)name;
    }
    // One already-sanitised line of guest log for the launcher's stderr.
    virtual void log(std::string_view line) = 0;
    // One launcher line for stderr (without the "enclave-run: " prefix), e.g. a kill report.
    virtual void notice(std::string_view line) = 0;
};

// Replaces every byte outside printable ASCII by \xNN and drops trailing newlines, so a guest
// cannot forge launcher lines or send terminal escapes through the log.
std::string sanitize_log_text(std::span<const uint8_t> bytes);

}  // namespace er::launcher
