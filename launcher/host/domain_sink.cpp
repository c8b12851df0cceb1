#include "launcher/host/domain_sink.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace er::launcher::host {
namespace {

// One write after POLLOUT of at most this much cannot block for long on a pipe, a socket or a
// terminal, so stop() is noticed within one poll timeout however stalled the reader is.
constexpr size_t kChunk = 4096;
constexpr int kPollMs = 100;

}  // namespace

DomainSink::DomainSink(UniqueFd out, UniqueFd err, EndHandler on_end) : on_end_(std::move(on_end)) {
    streams_[0].fd = std::move(out);
    streams_[1].fd = std::move(err);
    writer_ = std::thread([this] { drain(); });
}

DomainSink::~DomainSink() {
    stop();
    if (writer_.joinable()) writer_.join();
}

int64_t DomainSink::write(uint32_t stream, std::span<const uint8_t> bytes) {
    std::unique_lock lock(mu_);
    if (stream > 1) return -EINVAL;
    Stream& s = streams_[stream];
    if (stopped_) return static_cast<int64_t>(bytes.size());  // nobody reads: discard
    if (s.error != 0) {
        s.dropped += bytes.size();
        return -s.error;
    }
    if (s.overflowing) {
        if (s.buffer.size() > kBufferBytes / 2) {
            s.dropped += bytes.size();
            return -EAGAIN;
        }
        s.overflowing = false;
    }
    if (kBufferBytes - s.buffer.size() < bytes.size()) {
        room_.wait_for(lock, kStallWait, [&] {
            return stopped_ || s.error != 0 || kBufferBytes - s.buffer.size() >= bytes.size();
        });
        if (stopped_) return static_cast<int64_t>(bytes.size());
        if (s.error != 0) return -s.error;
    }
    size_t take = std::min(bytes.size(), kBufferBytes - s.buffer.size());
    if (take < bytes.size()) {
        s.overflowing = true;
        s.dropped += bytes.size() - take;
    }
    if (take == 0) return -EAGAIN;
    s.buffer.append(reinterpret_cast<const char*>(bytes.data()), take);
    lock.unlock();
    data_.notify_one();
    return static_cast<int64_t>(take);
}

void DomainSink::ended(const DomainResult& result) {
    {
        std::lock_guard lock(mu_);
        if (!result_) result_ = result;
    }
    data_.notify_one();
}

void DomainSink::fail(const std::string& why) {
    {
        std::lock_guard lock(mu_);
        if (failed_.empty()) failed_ = why.empty() ? "the enclave ended" : why;
    }
    data_.notify_one();
}

void DomainSink::stop() {
    {
        std::lock_guard lock(mu_);
        stopped_ = true;
        for (Stream& s : streams_) s.buffer.clear();
    }
    data_.notify_all();
    room_.notify_all();
}

uint64_t DomainSink::dropped(uint32_t stream) const {
    std::lock_guard lock(mu_);
    return stream < 2 ? streams_[stream].dropped : 0;
}

bool DomainSink::write_some(Stream& s, std::unique_lock<std::mutex>& lock) {
    size_t n = std::min(s.buffer.size(), kChunk);
    char chunk[kChunk];
    s.buffer.copy(chunk, n);
    int fd = s.fd.get();
    lock.unlock();
    pollfd p{fd, POLLOUT, 0};
    int ready = ::poll(&p, 1, kPollMs);
    ssize_t wrote = 0;
    int err = 0;
    if (ready > 0) {
        wrote = ::write(fd, chunk, n);
        if (wrote < 0) err = errno;
    }
    lock.lock();
    if (stopped_) return false;
    if (wrote > 0) {
        s.buffer.erase(0, static_cast<size_t>(wrote));
    } else if (err != 0 && err != EINTR && err != EAGAIN) {
        s.error = err;  // e.g. EPIPE: the reader is gone; the guest hears -err from now on
        s.dropped += s.buffer.size();
        s.buffer.clear();
    }
    room_.notify_all();
    return true;
}

void DomainSink::drain() {
    std::unique_lock lock(mu_);
    for (;;) {
        data_.wait(lock, [&] {
            return stopped_ || !streams_[0].buffer.empty() || !streams_[1].buffer.empty() ||
                   result_.has_value() || !failed_.empty();
        });
        if (stopped_) return;
        bool wrote = false;
        for (Stream& s : streams_) {
            if (s.buffer.empty()) continue;
            if (!write_some(s, lock)) return;
            wrote = true;
        }
        if (wrote) continue;
        // Nothing buffered: the domain's end (its output all went out before) or the enclave's.
        std::optional<DomainResult> result = result_;
        std::string why = failed_;
        lock.unlock();
        on_end_(result, why);
        return;
    }
}

}  // namespace er::launcher::host
