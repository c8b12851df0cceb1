// Reading what a multi-domain enclave printed (domains_test.cpp, mpk_test.cpp): the prefixed
// per-domain output, the summary table, kill lines, and the victim app's expected lines.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "subprocess.hpp"

namespace er::test {

inline const std::string kHello = "Hello from enclave-run!";

// apps/victim.c's stdout lines for `lines` lines: "victim N CHECKSUM", recomputed here.
std::vector<std::string> victim_lines(int lines = 50);

std::vector<std::string> split_lines(const std::string& text);

// Prefixed output ("NAME | text", names padded): each domain's lines in order.  Lines without a
// prefix go to the "" entry, so a test can insist there are none.
std::map<std::string, std::vector<std::string>> by_domain(const std::string& text);

struct SummaryRow {
    std::string status;   // "exited 0", "killed SIGSEGV", "unfinished", ...
    long time_ms = -1;    // -1 when "-"
    double mem_mib = -1;  // -1 when "-"
    std::string isolation;
};

// The summary table on stderr: a "DOMAIN  STATUS  TIME  MEMORY  ISOLATION" header, then one row
// per domain, columns two or more spaces apart (values have single spaces at most).
std::map<std::string, SummaryRow> summary(const std::string& err);

std::string join(const std::vector<std::string>& lines);

// The kill line of a domain: "enclave-run: NAME: killed by SIGNAL (REASON) at rip 0x...".
void expect_kill_line(const Result& r, const std::string& name, const std::string& signal,
                      const std::string& reason);

}  // namespace er::test
