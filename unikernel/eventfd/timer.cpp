#include "eventfd/timer.hpp"

namespace uk::eventfd {

void Timer::advance(uint64_t now_ns) {
    if (next_ns == 0 || now_ns < next_ns) return;
    if (interval_ns == 0) {
        expired++;
        next_ns = 0;
    } else {
        uint64_t n = (now_ns - next_ns) / interval_ns + 1;
        expired += n;
        next_ns += n * interval_ns;
    }
    gen++;
}

void Timer::arm(uint64_t first_ns, uint64_t interval) {
    next_ns = first_ns;
    interval_ns = first_ns == 0 ? 0 : interval;
    expired = 0;
    gen++;
}

uint64_t Timer::take() {
    uint64_t n = expired;
    expired = 0;
    gen++;
    return n;
}

}  // namespace uk::eventfd
