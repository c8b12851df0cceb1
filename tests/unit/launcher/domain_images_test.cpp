#include "launcher/vm/domain_images.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

DomainImage image(const std::string& name, size_t app, size_t args, size_t fs) {
    DomainImage d;
    d.name = name;
    d.app = std::make_shared<const BytesImage>(std::vector<uint8_t>(app, 0xAA));
    d.args.bytes.assign(args, 0x11);
    d.args.argc = 1;
    if (fs != 0) d.fs = std::make_shared<const BytesImage>(std::vector<uint8_t>(fs, 0xF5));
    return d;
}

std::string error_of(DomainLayout l, uint64_t mem, uint64_t window = 1ull << 30) {
    try {
        place_domains(l, mem, window);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(DomainImages, PageAlignedBackToBackFromImagesBase) {
    DomainLayout l;
    l.domains.push_back(image("web", 5000, 10, 0));
    l.domains.push_back(image("db", 4096, 4097, 100));
    l.domains[1].mem_limit = 32 << 20;
    l.domains[1].isolation = ER_ISO_MPK;
    place_domains(l, 64 << 20);
    EXPECT_EQ(l.domains[0].app_gpa, ER_GPA_IMAGES);
    EXPECT_EQ(l.domains[0].args_gpa, ER_GPA_IMAGES + 0x2000);
    EXPECT_EQ(l.domains[0].fs_gpa, 0u);  // no tree
    EXPECT_EQ(l.domains[1].app_gpa, ER_GPA_IMAGES + 0x3000);
    EXPECT_EQ(l.domains[1].args_gpa, ER_GPA_IMAGES + 0x4000);
    EXPECT_EQ(l.domains[1].fs_gpa, ER_GPA_IMAGES + 0x6000);
    EXPECT_EQ(l.free_start, ER_GPA_IMAGES + 0x7000);

    auto table = domain_table(l);
    ASSERT_EQ(table.size(), 2u);
    EXPECT_STREQ(table[1].name, "db");
    EXPECT_EQ(table[1].name[31], 0);
    EXPECT_EQ(table[1].app_size, 4096u);
    EXPECT_EQ(table[1].args_size, 4097u);
    EXPECT_EQ(table[1].argc, 1u);
    EXPECT_EQ(table[1].fs_size, 100u);
    EXPECT_EQ(table[1].mem_limit, 32u << 20);
    EXPECT_EQ(table[1].isolation, uint32_t{ER_ISO_MPK});
    EXPECT_EQ(table[0].fs_size, 0u);

    test::FakeRam ram(16 << 20);
    load_domains(l, ram.memory);
    auto d1 = ram.memory.read<er_domain_desc>(ER_GPA_DOMAINS + sizeof(er_domain_desc), "t");
    EXPECT_EQ(std::memcmp(&d1, &table[1], sizeof d1), 0);
    EXPECT_EQ(ram.bytes[ER_GPA_IMAGES + 4999], 0xAA);
    EXPECT_EQ(ram.bytes[ER_GPA_IMAGES + 5000], 0);
    EXPECT_EQ(ram.bytes[ER_GPA_IMAGES + 0x6000 + 99], 0xF5);
}

TEST(DomainImages, MustFitInRamAndTheBootWindow) {
    DomainLayout l;
    l.domains.push_back(image("a", 8 << 20, 10, 0));
    EXPECT_EQ(error_of(l, 16 << 20),
              "the apps' images (8196 KiB from GPA 0x800000) do not fit in 16 MiB of guest "
              "memory; use --memory");
    EXPECT_EQ(error_of(l, 17 << 20), "");
    // The window is the boot page tables' 1 GiB; a small one here keeps the test light.
    DomainLayout two;
    two.domains.push_back(image("a", 1 << 20, 10, 0));
    two.domains.push_back(image("b", 1 << 20, 10, 5000));
    EXPECT_EQ(error_of(two, 3ull << 30, 0xA04000), "");
    EXPECT_EQ(error_of(two, 3ull << 30, 10 << 20),
              "the apps' images end at GPA 0xa04000, beyond the guest's boot window of 10 MiB; "
              "use smaller apps or trees");
}

TEST(DomainImages, CountLimits) {
    DomainLayout none;
    EXPECT_EQ(error_of(none, 64 << 20),
              "an enclave holds 1 to 64 apps, not 0 (only a persistent enclave boots with none)");
    // ABI 5 amendment: a persistent enclave boots empty; its free RAM starts at the images.
    place_domains(none, 64 << 20, uint64_t{1} << 30, true);
    EXPECT_EQ(none.free_start, ER_GPA_IMAGES);
    DomainLayout many;
    for (int i = 0; i < 65; ++i) many.domains.push_back(image("x" + std::to_string(i), 1, 1, 0));
    EXPECT_EQ(error_of(many, 64 << 20), "an enclave holds 1 to 64 apps, not 65");
}

}  // namespace
}  // namespace er::launcher
