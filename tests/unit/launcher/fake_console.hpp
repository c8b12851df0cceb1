// A Console that records what the guest wrote, for hypercall tests.
#pragma once

#include <cerrno>
#include <string>
#include <vector>

#include "launcher/vm/console.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher::test {

class FakeConsole final : public Console {
  public:
    int64_t write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) override {
        if (fail_with != 0) return -fail_with;
        std::string text(bytes.begin(), bytes.end());
        (stream == ER_STREAM_STDERR ? err : out) += text;
        writes.push_back(std::to_string(domain) + ":" + std::to_string(stream) + ":" + text);
        return static_cast<int64_t>(bytes.size());
    }
    void end_domain(uint32_t domain) override { ended.push_back(domain); }
    void log(std::string_view line) override { logs.emplace_back(line); }
    void notice(std::string_view line) override { notices.emplace_back(line); }

    std::string out, err;
    std::vector<std::string> writes;  // "DOMAIN:STREAM:TEXT" in order
    std::vector<uint32_t> ended;
    std::vector<std::string> logs, notices;
    int fail_with = 0;
};

}  // namespace er::launcher::test
