#include "domain_output.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <regex>
#include <sstream>

namespace er::test {
namespace {

// ---- apps/victim.c, recomputed --------------------------------------------------------------

uint64_t splitmix64(uint64_t& s) {
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The fold of the 64 KiB pattern the victim fills from `seed` (8192 words).
uint64_t pattern_fold(uint64_t seed) {
    uint64_t h = 0;
    for (int i = 0; i < 8192; i++) h = h * 31 + splitmix64(seed);
    return h;
}

}  // namespace

// The victim's stdout lines for `lines` lines: "victim N CHECKSUM".
std::vector<std::string> victim_lines(int lines) {
    const uint64_t arenas = pattern_fold(0x5eed) ^ (pattern_fold(0xbeef) << 1);
    std::vector<std::string> out;
    for (int n = 1; n <= lines; n++) {
        uint64_t s = uint64_t(n), acc = 0;
        for (int k = 0; k < 20000; k++) acc ^= splitmix64(s);
        acc ^= arenas;
        char buf[64];
        std::snprintf(buf, sizeof buf, "victim %d %016llx", n, (unsigned long long)acc);
        out.push_back(buf);
    }
    return out;
}

// ---- parsing enclave-run's output -----------------------------------------------------------

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Prefixed output ("NAME | text", names padded): each domain's lines in order.  Lines without a
// prefix go to the "" entry, so a test can insist there are none.
std::map<std::string, std::vector<std::string>> by_domain(const std::string& text) {
    static const std::regex re("^([A-Za-z0-9_.-]+) +\\| (.*)$");
    std::map<std::string, std::vector<std::string>> out;
    for (const std::string& line : split_lines(text)) {
        std::smatch m;
        if (std::regex_match(line, m, re)) {
            out[m[1]].push_back(m[2]);
        } else {
            out[""].push_back(line);
        }
    }
    return out;
}

// The summary table on stderr: a "DOMAIN  STATUS  TIME  MEMORY  ISOLATION" header, then one row
// per domain, columns two or more spaces apart (values have single spaces at most).
std::map<std::string, SummaryRow> summary(const std::string& err) {
    std::map<std::string, SummaryRow> rows;
    std::vector<std::string> lines = split_lines(err);
    static const std::regex header("^DOMAIN +STATUS +TIME +MEMORY +ISOLATION$");
    static const std::regex gap(" {2,}");
    size_t i = 0;
    while (i < lines.size() && !std::regex_match(lines[i], header)) i++;
    for (i++; i < lines.size(); i++) {
        std::vector<std::string> cols(
            std::sregex_token_iterator(lines[i].begin(), lines[i].end(), gap, -1),
            std::sregex_token_iterator());
        if (cols.size() != 5) break;
        SummaryRow r;
        r.status = cols[1];
        if (cols[2] != "-") r.time_ms = std::stol(cols[2]);
        if (cols[3] != "-") {
            double v = std::stod(cols[3]);
            r.mem_mib = cols[3].find("KiB") != std::string::npos ? v / 1024 : v;
        }
        r.isolation = cols[4];
        rows[cols[0]] = r;
    }
    return rows;
}

std::string join(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
}

// The kill line of a domain: "enclave-run: NAME: killed by SIGNAL (REASON) at rip 0x...".
void expect_kill_line(const Result& r, const std::string& name, const std::string& signal,
                      const std::string& reason) {
    std::regex re("(^|\n)enclave-run: " + name + ": killed by " + signal + " \\([^\n]*" + reason +
                  "[^\n]*\\) at rip 0x[0-9a-f]+");
    EXPECT_TRUE(std::regex_search(r.err, re))
        << "no kill line for " << name << " (" << signal << ", " << reason << ") in:\n"
        << r.err;
}

}  // namespace er::test
