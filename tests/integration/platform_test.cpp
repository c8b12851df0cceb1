// Issue 16, item 1 end to end: `enclave-run platform` on a real host.
//  - HostOnly.* (the `cli_host` ctest entry, on the build machine): without /dev/kvm the first
//    line says so, the CPUID and /dev/sev facts still follow, --json parses;
//  - Platform.* (in the test VM: kvm_amd of Linux 6.1, sev=N, no /dev/sev): every missing piece
//    is named.  The test reads the same sysfs files and device nodes itself, so on any host it
//    checks that what `platform` says matches what is there.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.hpp"

namespace er::test {
namespace {

constexpr int kDeadlineS = 60;

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// The kvm_amd parameter as sysfs has it: "Y", "N", or "" when there is no such file.
std::string param(const std::string& name) {
    std::string text = read_file("/sys/module/kvm_amd/parameters/" + name);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

Result platform(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"platform"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = enclave(args, kDeadlineS);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.status, 0) << r.err;  // whatever the host offers
    EXPECT_EQ(r.err, "");
    return r;
}

TEST(HostOnly, PlatformSaysFirstWhetherThereIsKvmAndStillReportsCpuAndDevSev) {
    std::vector<std::string> lines = lines_of(platform().out);
    ASSERT_GE(lines.size(), 8u);
    if (!exists("/dev/kvm")) {
        EXPECT_EQ(lines[0].rfind("no /dev/kvm: ", 0), 0u) << lines[0];
        EXPECT_TRUE(has_line(lines, "  - no /dev/kvm"));
    } else {
        EXPECT_EQ(lines[0].find("no /dev/kvm"), std::string::npos) << lines[0];
    }
    EXPECT_EQ(lines[1].rfind("CPU: ", 0), 0u) << lines[1];
    EXPECT_EQ(lines[3].rfind("/dev/sev: ", 0), 0u) << lines[3];
    if (!exists("/dev/sev")) {
        EXPECT_EQ(lines[3], "/dev/sev: absent");
    }
    for (const char* mode : {"snp", "es", "sev"}) {
        std::string prefix = std::string(mode) + ": ";
        EXPECT_TRUE(has_line(lines, prefix + "available") ||
                    has_line(lines, prefix + "not available"))
            << mode;
    }
}

TEST(HostOnly, PlatformJsonParsesAndAgreesWithTheHost) {
    nlohmann::json j = nlohmann::json::parse(platform({"--json"}).out);
    EXPECT_EQ(j["kvm"]["present"], exists("/dev/kvm"));
    EXPECT_EQ(j["sev_device"]["present"], exists("/dev/sev"));
    EXPECT_TRUE(j["cpuid"].contains("leaf_present"));
    for (const char* mode : {"snp", "es", "sev"}) {
        const nlohmann::json& m = j["modes"][mode];
        ASSERT_TRUE(m["available"].is_boolean()) << mode;
        // Available exactly when nothing is missing.
        EXPECT_EQ(m["available"].get<bool>(), m["missing"].empty()) << mode;
        if (!exists("/dev/kvm")) {
            EXPECT_EQ(m["missing"][0], "no /dev/kvm") << mode;
        }
    }
}

TEST(Platform, NamesEachMissingPieceOfThisKvm) {
    Result r = platform();
    std::vector<std::string> lines = lines_of(r.out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines[0].rfind("/dev/kvm: ", 0), 0u) << lines[0];

    if (!exists("/sys/module/kvm_amd")) {
        EXPECT_TRUE(has_line(lines, "  - kvm_amd is not loaded (no /sys/module/kvm_amd)")) << r.out;
    } else {
        for (const char* name : {"sev", "sev_es", "sev_snp"}) {
            std::string value = param(name);
            if (value == "N") {
                EXPECT_TRUE(has_line(lines, "  - kvm_amd loaded with " + std::string(name) + "=N"))
                    << name << "\n"
                    << r.out;
            } else if (!exists("/sys/module/kvm_amd/parameters/" + std::string(name))) {
                EXPECT_NE(r.out.find("  - kvm_amd has no " + std::string(name) + " parameter"),
                          std::string::npos)
                    << name << "\n"
                    << r.out;
            }
        }
        if (param("sev") == "N") {
            // SEV off in kvm_amd: KVM itself must refuse the probe, and no mode is offered.
            EXPECT_TRUE(
                has_line(lines, "  - KVM_MEMORY_ENCRYPT_OP answers ENOTTY: SEV is off in this KVM"))
                << r.out;
            for (const char* mode : {"snp", "es", "sev"})
                EXPECT_TRUE(has_line(lines, std::string(mode) + ": not available")) << mode;
            EXPECT_EQ(lines.back(),
                      "strongest mode: none (enclaves here run on plain KVM, not hardware-backed)");
        }
    }
    if (!exists("/dev/sev")) {
        EXPECT_EQ(lines[3], "/dev/sev: absent");
        EXPECT_TRUE(has_line(lines, "  - no /dev/sev")) << r.out;
    }
    // Every mode that is not available names at least one reason right below it.
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
        if (lines[i].find(": not available") != std::string::npos) {
            EXPECT_EQ(lines[i + 1].rfind("  - ", 0), 0u) << lines[i];
        }
    }
}

}  // namespace
}  // namespace er::test
