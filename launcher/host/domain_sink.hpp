// One hot-added domain's stdout and stderr on the enclave host (docs/launcher.md "Shared enclave
// host", Stdio).  The vCPU thread runs under the run loop's seccomp filter, which allows writes
// only to the descriptors open when it was loaded; a client's descriptors arrive later.  So the
// vCPU thread never writes them: it appends to a bounded buffer per stream (memory and futex
// only), and a writer thread of this sink, started before the VM and outside the filter (a
// seccomp filter binds the thread that loads it and the threads that thread creates later, no
// others), drains the buffers to the descriptors.
//
// A reader that stalls (a full pipe) stalls only this writer.  When a stream's buffer is full the
// vCPU waits at most kStallWait for room; if there is still none it takes what fits and the
// stream turns "overflowing": further writes return -EAGAIN at once (the guest drops those
// bytes) until the writer has drained it below half.  So a stalled reader costs its neighbours
// at most one kStallWait per overflow, and the domain's bytes stay exact until it overflows.
//
// Once the domain's result is in and both buffers are drained, the writer calls `on_end` (which
// sends the client its end): the client never hears the end before the last byte of output.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>

#include "launcher/common/unique_fd.hpp"
#include "launcher/vm/domain_result.hpp"

namespace er::launcher::host {

class DomainSink {
  public:
    static constexpr size_t kBufferBytes = size_t{1} << 20;  // per stream
    static constexpr std::chrono::milliseconds kStallWait{100};

    // Called on the writer thread: the domain ended (`result`) and every byte went out, or the
    // enclave ended first (`result` empty, `why` says how).
    using EndHandler =
        std::function<void(const std::optional<DomainResult>& result, const std::string& why)>;

    // Starts the writer thread.  `out`/`err`: the client's stdout and stderr.
    DomainSink(UniqueFd out, UniqueFd err, EndHandler on_end);
    // stop(), then joins the writer; the descriptors close.
    ~DomainSink();
    DomainSink(const DomainSink&) = delete;
    DomainSink& operator=(const DomainSink&) = delete;

    // ---- the vCPU thread (memory and futex only) ----
    // Bytes accepted (all of them, or what fits after kStallWait), -EAGAIN while overflowing,
    // -errno once writing that stream failed (e.g. -EPIPE: the reader closed it).  `stream`: 0
    // stdout, 1 stderr.
    int64_t write(uint32_t stream, std::span<const uint8_t> bytes);
    // The domain's end (DomainQueue's handler; also from a kill before staging, any thread).
    void ended(const DomainResult& result);

    // ---- any thread ----
    // The enclave ended before the domain: the writer drains and reports `why`.
    void fail(const std::string& why);
    // The client is gone: drop what is buffered; the writer ends without calling on_end.
    void stop();
    // The guest's slot while it runs (set by HostConsole), -1 before and after.
    std::atomic<int32_t> slot{-1};
    // Bytes the guest wrote that were dropped (overflow, write errors): per stream.
    uint64_t dropped(uint32_t stream) const;

  private:
    struct Stream {
        UniqueFd fd;
        std::string buffer;
        bool overflowing = false;
        int error = 0;  // errno of a failed write: the stream is closed for good
        uint64_t dropped = 0;
    };
    void drain();
    // Writes at most one chunk of `s` without blocking for long; false when stopped.
    bool write_some(Stream& s, std::unique_lock<std::mutex>& lock);

    mutable std::mutex mu_;
    std::condition_variable data_;  // the writer waits for bytes or an end
    std::condition_variable room_;  // the vCPU waits for room
    std::array<Stream, 2> streams_;
    std::optional<DomainResult> result_;
    std::string failed_;
    bool stopped_ = false;
    EndHandler on_end_;
    std::thread writer_;
};

}  // namespace er::launcher::host
