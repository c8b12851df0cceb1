#include "launcher/common/full_write.hpp"

#include <unistd.h>

#include <cerrno>

namespace er::launcher {

int64_t write_fully(int fd, const uint8_t* data, size_t len, bool (*stop)()) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = ::write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR && (stop == nullptr || !stop())) continue;
        if (n < 0) return done > 0 ? static_cast<int64_t>(done) : -static_cast<int64_t>(errno);
        if (n == 0) break;
        done += static_cast<size_t>(n);
    }
    return static_cast<int64_t>(done);
}

}  // namespace er::launcher
