// Helpers shared by the end-to-end suites (enclave_run_test.cpp, domains_test.cpp): where the
// built enclave-run and apps are, running enclave-run, and checks on its one-line errors.
#pragma once

#include <string>
#include <vector>

#include "subprocess.hpp"

namespace er::test {

inline const std::string kEnclaveRun = ER_ENCLAVE_RUN;  // path of the built enclave-run
inline const std::string kApps = ER_APPS_DIR;           // directory of the built test apps
inline const std::string kScratch = ER_SCRATCH_DIR;     // writable directory inside the build tree
inline const std::string kChecks = ER_UK_TESTS_DIR;     // the unikernel's own check apps

// The path of a built test app.
std::string app(const std::string& name);

// Runs enclave-run with `args`; kills it after timeout_s seconds.
Result enclave(std::vector<std::string> args, int timeout_s = 300);

int count_lines(const std::string& s);

// Every error of enclave-run itself is exactly one line starting "enclave-run: ".
void expect_one_error_line(const Result& r, const std::string& needle);

// Writes `bytes` to kScratch/name (created if missing) and returns the path.
std::string write_file(const std::string& name, const std::string& bytes);

std::string read_file(const std::string& path);

// Parses "enclave-run: stats: exits=N ... peak_rss_kib=N" into a value; -1 if absent.
long stat_value(const std::string& err, const std::string& key);

}  // namespace er::test
