#include "harness.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace er::test {

std::string app(const std::string& name) {
    return kApps + "/" + name;
}

Result enclave(std::vector<std::string> args, int timeout_s) {
    args.insert(args.begin(), kEnclaveRun);
    return run(args, timeout_s);
}

int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

void expect_one_error_line(const Result& r, const std::string& needle) {
    EXPECT_FALSE(r.signaled) << "enclave-run itself crashed";
    EXPECT_EQ(count_lines(r.err), 1) << "stderr: " << r.err;
    EXPECT_EQ(r.err.rfind("enclave-run: ", 0), 0u) << "stderr: " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "wanted '" << needle << "' in: " << r.err;
}

std::string write_file(const std::string& name, const std::string& bytes) {
    mkdir(kScratch.c_str(), 0755);
    std::string path = kScratch + "/" + name;
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
    return path;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

long stat_value(const std::string& err, const std::string& key) {
    std::smatch m;
    std::regex re("stats:.*\\b" + key + "=([0-9]+)");
    if (!std::regex_search(err, m, re)) return -1;
    return std::stol(m[1]);
}

}  // namespace er::test
