#include "launcher/kvm/hypervisor.hpp"

#include <gtest/gtest.h>

#include <string>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

std::string error_of(const std::string& root) {
    try {
        detect_hypervisor(root);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Hypervisor, KvmAmd) {
    test::TempDir sys;
    sys.make_dir("module/kvm");
    sys.make_dir("module/kvm_amd");
    EXPECT_EQ(detect_hypervisor(sys.path()), Hypervisor::kvm_amd);
}

TEST(Hypervisor, KvmIntel) {
    test::TempDir sys;
    sys.make_dir("module/kvm_intel");
    EXPECT_EQ(detect_hypervisor(sys.path()), Hypervisor::kvm_intel);
}

TEST(Hypervisor, KvmPvmIsRefusedEvenNextToKvmIntel) {
    test::TempDir sys;
    sys.make_dir("module/kvm_intel");
    sys.make_dir("module/kvm_pvm");
    std::string line = error_of(sys.path());
    EXPECT_EQ(line.rfind("unsupported hypervisor: kvm_pvm", 0), 0u) << line;
}

TEST(Hypervisor, NeitherBackendIsRefused) {
    test::TempDir sys;
    sys.make_dir("module/kvm");
    std::string line = error_of(sys.path());
    EXPECT_EQ(line.rfind("unsupported hypervisor:", 0), 0u) << line;
}

TEST(Hypervisor, AFileIsNotAModuleDirectory) {
    test::TempDir sys;
    sys.make_dir("module");
    sys.write_file("module/kvm_amd", {'x'});
    EXPECT_THROW(detect_hypervisor(sys.path()), Error);
}

}  // namespace
}  // namespace er::launcher
