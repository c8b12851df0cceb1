// Runs a program with captured stdout/stderr and a deadline, for tests that drive the real
// enclave-run binary.  Test-only code: fork/exec, two pipes drained with poll().
#pragma once

#include <string>
#include <vector>

namespace er::test {

struct Result {
    int status = -1;  // exit status, or 128+signal if the child was killed
    bool timed_out = false;
    bool signaled = false;  // the child itself died of a signal (a crash of the tool under test)
    std::string out;
    std::string err;
    long max_rss_kib = -1;  // the child's peak resident set (wait4's ru_maxrss)
};

// Runs argv[0] with argv; kills the process group after timeout_s seconds.
Result run(const std::vector<std::string>& argv, int timeout_s = 120);

}  // namespace er::test
