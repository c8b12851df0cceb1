// elf/load_rules.hpp: the one rule the guest loads by and the launcher refuses by (issue 15,
// item 6), on synthetic images and on the musl fixtures built by apps/.
#include "elf/load_rules.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/unit/elf/elf_image_builder.hpp"

namespace er::elf {
namespace {

using test::ImageBuilder;

Image parsed(const std::vector<uint8_t>& bytes) {
    Image img{};
    EXPECT_EQ(parse(bytes.data(), bytes.size(), &img), Status::ok);
    return img;
}

std::string refusal(const std::vector<uint8_t>& bytes, const LoadWindow& w = kWholeUserWindow) {
    const char* why = load_refusal(parsed(bytes), w);
    return why == nullptr ? "" : why;
}

TEST(LoadRules, AValidImageLoadsInEveryWindow) {
    EXPECT_EQ(refusal(ImageBuilder::valid_exec().bytes()), "");
    EXPECT_EQ(refusal(ImageBuilder::valid_pie().bytes()), "");
    // An MPK window: a PIE 4 GiB into key 1's 4 TiB window.
    LoadWindow key1{1ull << 42, (1ull << 42) + (1ull << 32),
                    (2ull << 42) - ER_MPK_MMAP_FROM_TOP - ER_HEAP_GAP};
    EXPECT_EQ(refusal(ImageBuilder::valid_pie().bytes(), key1), "");
}

TEST(LoadRules, AnExecutableStackIsRefused) {
    ImageBuilder b = ImageBuilder::valid_pie();
    b.first(PT_GNU_STACK).p_flags = PF_R | PF_W | PF_X;
    EXPECT_EQ(refusal(b.bytes()), "app asks for an executable stack (PT_GNU_STACK with PF_X)");
}

TEST(LoadRules, TheImageMustEndBelowTheHeapCeiling) {
    ImageBuilder b = ImageBuilder::valid_pie();
    uint64_t room = ER_USER_BRK_LIMIT - ER_PIE_LOAD_BIAS;
    b.phdrs[2].p_memsz = room - b.phdrs[2].p_vaddr;
    EXPECT_EQ(refusal(b.bytes()), "");
    b.phdrs[2].p_memsz += 1;  // one byte more is one page more
    EXPECT_EQ(refusal(b.bytes()), "app image (its .bss included) does not fit below the mmap area");
}

TEST(LoadRules, AFixedAddressImageBelowTheWindowIsRefused) {
    // The parser allows images from 64 KiB; a window that starts higher (an MPK key's) does not.
    LoadWindow high{0x800000, ER_PIE_LOAD_BIAS, ER_USER_BRK_LIMIT};
    EXPECT_EQ(refusal(ImageBuilder::valid_exec().bytes(), high),
              "app image starts below the lowest user address");
}

TEST(LoadRules, MpkWindowLimitIsTheGuestsWindow) {
    ImageBuilder b = ImageBuilder::valid_pie();
    b.phdrs[2].p_memsz = ER_MPK_IMAGE_MAX - b.phdrs[2].p_vaddr;
    EXPECT_TRUE(fits_mpk_window(parsed(b.bytes())));
    b.phdrs[2].p_memsz += 1;
    EXPECT_FALSE(fits_mpk_window(parsed(b.bytes())));
}

std::vector<uint8_t> app_file(const std::string& name) {
    std::ifstream f(std::string(ER_APPS_DIR) + "/" + name, std::ios::binary);
    EXPECT_TRUE(f) << name;
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// The fixtures really are what they claim, built by musl-gcc (apps/CMakeLists.txt).
TEST(LoadRules, TheMuslFixturesAreRefusedAndHelloIsNot) {
    EXPECT_EQ(refusal(app_file("hello")), "");
    EXPECT_EQ(refusal(app_file("hello-execstack")),
              "app asks for an executable stack (PT_GNU_STACK with PF_X)");
    EXPECT_EQ(refusal(app_file("huge-bss-pie")),
              "app image (its .bss included) does not fit below the mmap area");
}

}  // namespace
}  // namespace er::elf
