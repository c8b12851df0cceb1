// Buffered app output, one buffer per (domain, stream).  Each ER_HC_CONSOLE_WRITE is a VM exit
// (~µs on hardware, ~ms under emulation), so bytes are only handed to the host when a buffer
// fills, when the domain exits or dies, before it would block reading, on a panic, when bytes
// have waited kMaxAgeTicks timer ticks (so a long-running app's output still appears promptly,
// and is not lost if the enclave is stopped), or before the CPU idles.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::console {

constexpr size_t kBufferSize = 16 * 1024;
constexpr uint32_t kMaxDomains = ER_MAX_DOMAINS;
// Pending bytes wait at most this many scheduler ticks (50 ms at the default 10 ms tick).
constexpr uint8_t kMaxAgeTicks = 5;

class Stream {
  public:
    void bind(uint32_t domain, er_stream stream) { domain_ = domain, stream_ = stream; }

    // Space left before the next flush.
    size_t room() const { return kBufferSize - len_; }
    // Where the next `n <= room()` bytes go; commit(n) after filling them.
    char* tail() { return buf_ + len_; }
    void commit(size_t n) { len_ += n; }

    void write(const char* data, size_t n);  // kernel bytes; flushes as needed
    void flush();
    // One timer tick passed: flushes when bytes have waited kMaxAgeTicks ticks.
    void age();

  private:
    uint32_t domain_ = 0;
    er_stream stream_ = ER_STREAM_STDOUT;
    size_t len_ = 0;
    uint8_t age_ = 0;  // ticks the oldest pending byte has waited
    char buf_[kBufferSize];
};

// The stream for a domain, or nullptr when out of range.
Stream* stream(uint32_t domain, er_stream which);

void flush_domain(uint32_t domain);
void flush_all();
// Called on every timer tick: ages every stream's pending bytes, flushing the stale ones.
void age_all();

}  // namespace uk::console
