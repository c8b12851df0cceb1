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
    int64_t write(uint32_t stream, std::span<const uint8_t> bytes) override {
        if (fail_with != 0) return -fail_with;
        (stream == ER_STREAM_STDERR ? err : out).append(bytes.begin(), bytes.end());
        return static_cast<int64_t>(bytes.size());
    }
    void log(std::string_view line) override { logs.emplace_back(line); }

    std::string out, err;
    std::vector<std::string> logs;
    int fail_with = 0;
};

}  // namespace er::launcher::test
