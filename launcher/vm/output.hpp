// The domains' stdout and stderr on the host (docs/launcher.md, "Output"):
//  - one domain, no --output: straight through to enclave-run's own stdout/stderr, byte-exact;
//  - several domains: each line prefixed "NAME | " (names padded to the longest, as docker
//    compose does), a partial line held per domain and stream until its newline or the domain's
//    end (then it goes out with a newline added), so lines of different domains never mix;
//  - --output DIR: DIR/NAME.stdout and DIR/NAME.stderr, unprefixed, byte-exact.  Opened before
//    the VM (relative to DIR's descriptor, never through a symlink, regular files only) but
//    truncated only when the enclave starts, so a failed start destroys no earlier output.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/vm/console.hpp"

namespace er::launcher {

// The pure part of prefixed output: turns a domain's bytes into whole prefixed lines.
class LinePrefixer {
  public:
    // A partial line this long goes out (newline added) without waiting for its end.
    static constexpr size_t kMaxHeldLine = 64 * 1024;

    // `names` in domain order; prefixes are "NAME" padded to the longest name, then " | ".
    explicit LinePrefixer(const std::vector<std::string>& names);
    // The prefixed complete lines that `bytes` finishes for (domain, stream 0 or 1); the rest is
    // held.
    std::string feed(uint32_t domain, unsigned stream, std::span<const uint8_t> bytes);
    // The held partial line of (domain, stream), prefixed and newline-terminated, or "".
    std::string flush(uint32_t domain, unsigned stream);
    const std::string& prefix(uint32_t domain) const { return prefixes_[domain]; }
    // ABI 5: domain `domain` (an existing index or the next one) is now `name`; its held lines
    // were flushed when it ended.  Padded to the boot names' width.
    void set(uint32_t domain, const std::string& name);
    uint32_t size() const { return static_cast<uint32_t>(prefixes_.size()); }

  private:
    std::vector<std::string> prefixes_;
    std::vector<std::string> held_[2];
    size_t width_ = 0;
};

struct OutputFile {
    UniqueFd fd;
    std::string path;  // for errors
};

class DomainOutput final : public Console {
  public:
    enum class Mode { direct, prefixed, files };
    // `names` in domain order.  Mode files creates `dir` if missing and opens (creating if
    // missing, never truncating) DIR/NAME.stdout and DIR/NAME.stderr now; throws Error naming
    // the file for a symlink, a FIFO or anything but a regular file.
    DomainOutput(const std::vector<std::string>& names, Mode mode, const std::string& dir = {});
    // Flushes held partial lines.
    ~DomainOutput() override;
    DomainOutput(const DomainOutput&) = delete;
    DomainOutput& operator=(const DomainOutput&) = delete;

    // Mode files: truncates the files (the enclave runs now).  Throws Error naming the file.
    void start() override;
    int64_t write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) override;
    void end_domain(uint32_t domain) override;
    // Prefixed: the new name's prefix; direct: nothing.  Files: throws Error (the run loop may
    // not open files: per-domain stdio for hot-added domains is the OCI mode's next step).
    void begin_domain(uint32_t domain, const std::string& name) override;
    void log(std::string_view line) override;
    void notice(std::string_view line) override;
    // Every held partial line goes out (the VM ended, however it ended).
    void finish();

  private:
    Mode mode_;
    LinePrefixer prefixer_;
    std::vector<OutputFile> files_;  // mode files: 2 per domain, stdout then stderr
};

}  // namespace er::launcher
