// Writing all of a buffer to a file descriptor despite EINTR and short writes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace er::launcher {

// Returns the number of bytes written (== len on success) or -errno of the failure that stopped
// it before anything was written; a failure after a partial write returns the partial count.
// When a signal interrupts a write and `stop` says so (the --timeout fired), it gives up instead
// of retrying, so a reader that never drains the pipe cannot keep enclave-run alive.
int64_t write_fully(int fd, const uint8_t* data, size_t len, bool (*stop)() = nullptr);

}  // namespace er::launcher
