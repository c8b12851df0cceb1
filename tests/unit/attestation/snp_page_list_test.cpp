// The page-list front end of `enclave-attest measure --snp-pages`.
#include "attestation/snp_page_list.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace er::attest::testing {
namespace {

namespace fs = std::filesystem;

class SnpPageList : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("er_snp_page_list_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    void write(const std::string& name, std::size_t size, std::uint8_t fill) {
        std::ofstream(dir_ / name, std::ios::binary) << std::string(size, static_cast<char>(fill));
    }
    Expected<SnpPageListDigest> measure(const std::string& text) {
        return measure_snp_page_list(text, "list", dir_);
    }
    // The error detail of a list that must be refused.
    std::string refused(const std::string& text, Reason want = Reason::launch_page_invalid) {
        auto r = measure(text);
        EXPECT_FALSE(r.ok()) << text;
        if (r.ok()) return {};
        EXPECT_EQ(r.error().reason, want) << r.error().message();
        return r.error().detail;
    }

    fs::path dir_;
};

// Notes §2.3.4: NORMAL(0xAA)@0xFFFFF000 -> SECRETS -> CPUID -> VMSA(all-zero page).
TEST_F(SnpPageList, ReproducesTheMixedSyntheticChain) {
    write("aa.bin", 4096, 0xAA);
    write("vmsa.bin", 4096, 0x00);
    auto r = measure(
        "# firmware\n"
        "0xFFFFF000 normal aa.bin\n"
        "\n"
        "0x80D000   secrets\n"
        "0x80e000 cpuid   # CPUID page\n"
        "- vmsa vmsa.bin\n");
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(to_hex(r->digest),
              "842638ce74eb72ceebfb734ca6573333c4b5d96d3387467b1e6093f02d42699f"
              "fd4aca83dfc07a71da1db255af64fab7");
    EXPECT_EQ(r->pages, 4u);
}

TEST_F(SnpPageList, PageCountsAndDecimalGpas) {
    auto r = measure("8388608 zero 2\n");  // 0x800000
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(to_hex(r->digest),
              "8424d289d7dbae4e9b4bd3f42bf03c87af63193d14eb01973b0cadbeb21fa149"
              "5bc89372a07a887c613ded2428024767");
    EXPECT_EQ(r->pages, 2u);
}

TEST_F(SnpPageList, ShortFileIsZeroPaddedAndMultiPageFileIsARange) {
    write("short.bin", 10, 0xAA);
    SnpLaunchDigest expect;
    std::array<std::uint8_t, kLaunchPageSize> page{};
    std::fill(page.begin(), page.begin() + 10, 0xAA);
    ASSERT_TRUE(expect.add_page(0x2000, SnpPageType::normal, page).ok());
    auto r = measure("0x2000 normal short.bin\n");
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->digest, expect.value());

    write("two.bin", 2 * 4096 + 1, 0x11);
    r = measure("0x10000 normal two.bin\n");
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->pages, 3u);
}

TEST_F(SnpPageList, OrderOfLinesMatters) {
    auto a = measure("0x1000 zero\n0x2000 cpuid\n");
    auto b = measure("0x2000 cpuid\n0x1000 zero\n");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_NE(a->digest, b->digest);
}

TEST_F(SnpPageList, RefusesBadLinesNamingThem) {
    write("page.bin", 4096, 1);
    write("odd_vmsa.bin", 4097, 0);
    EXPECT_EQ(refused("0x1000 zero\n0x2000 frobnicate\n"),
              "list:2: unknown page type 'frobnicate'");
    EXPECT_NE(refused("0x1234 zero\n").find("list:1: SNP page GPA 0x1234 is not 4 KiB aligned"),
              std::string::npos);
    EXPECT_NE(refused("0x1000 normal\n").find("need a FILE"), std::string::npos);
    EXPECT_NE(refused("0x1000 vmsa\n").find("need a FILE"), std::string::npos);
    EXPECT_NE(refused("0x10g0 zero\n").find("is not a number"), std::string::npos);
    EXPECT_NE(refused("- zero\n").find("is not a number"), std::string::npos);
    EXPECT_NE(refused("0x1000 zero 0\n").find("not a count"), std::string::npos);
    EXPECT_NE(refused("0x1000 zero 1 2\n").find("expected 'GPA TYPE"), std::string::npos);
    EXPECT_NE(refused("0x1000\n").find("expected 'GPA TYPE"), std::string::npos);
    EXPECT_NE(refused("- vmsa odd_vmsa.bin\n").find("not a whole number"), std::string::npos);
    EXPECT_NE(refused("0xFFFFFFFFFFFFF000 zero 2\n").find("wraps"), std::string::npos);
    EXPECT_TRUE(measure("0xFFFFFFFFFFFFF000 zero 1\n").ok()) << "the last page does not wrap";
    EXPECT_NE(refused("0x1000 normal missing.bin\n", Reason::io_error).find("missing.bin"),
              std::string::npos);
}

TEST_F(SnpPageList, FileFormResolvesNamesNextToTheList) {
    write("page.bin", 4096, 0xAA);
    std::ofstream(dir_ / "pages.txt") << "0xFFFFF000 normal page.bin\n";
    auto r = measure_snp_page_list_file(dir_ / "pages.txt");
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(to_hex(r->digest),
              "481875a48eb84dce72214f02cd1c58faf9895a8bab2818f3990ce7ba5333ab92"
              "9ae70181dd95d0fc4579f4c55954a8c1");
}

}  // namespace
}  // namespace er::attest::testing
