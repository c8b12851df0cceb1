#include "console/console.hpp"

#include "hv/hypercall.hpp"
#include "lib/string.hpp"

namespace uk::console {
namespace {

Stream g_streams[kMaxDomains][2];
bool g_bound = false;

void bind_all() {
    if (g_bound) return;
    for (uint32_t d = 0; d < kMaxDomains; d++) {
        g_streams[d][0].bind(d, ER_STREAM_STDOUT);
        g_streams[d][1].bind(d, ER_STREAM_STDERR);
    }
    g_bound = true;
}

}  // namespace

void Stream::write(const char* data, size_t n) {
    while (n > 0) {
        if (room() == 0) flush();
        size_t chunk = n < room() ? n : room();
        memcpy(tail(), data, chunk);
        commit(chunk);
        data += chunk;
        n -= chunk;
    }
}

void Stream::flush() {
    size_t done = 0;
    while (done < len_) {
        int64_t r = hv::console_write(domain_, stream_, buf_ + done, len_ - done);
        // The host owns the real fd; if it cannot take the bytes, drop them rather than spin.
        if (r <= 0) break;
        done += uint64_t(r) < len_ - done ? uint64_t(r) : len_ - done;
    }
    len_ = 0;
    age_ = 0;
}

void Stream::age() {
    if (len_ == 0) return;
    if (++age_ >= kMaxAgeTicks) flush();
}

Stream* stream(uint32_t domain, er_stream which) {
    bind_all();
    if (domain >= kMaxDomains) return nullptr;
    if (which == ER_STREAM_STDOUT) return &g_streams[domain][0];
    if (which == ER_STREAM_STDERR) return &g_streams[domain][1];
    return nullptr;
}

void flush_domain(uint32_t domain) {
    if (domain >= kMaxDomains) return;
    bind_all();
    g_streams[domain][0].flush();
    g_streams[domain][1].flush();
}

void flush_all() {
    for (uint32_t d = 0; d < kMaxDomains; d++) flush_domain(d);
}

void age_all() {
    bind_all();
    for (auto& pair : g_streams) {
        pair[0].age();
        pair[1].age();
    }
}

}  // namespace uk::console
