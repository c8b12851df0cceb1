// The refusals `run` makes before boot for what the guest would refuse to load (issue 15, item 6):
// one rule each, on synthetic ELF images.
#include "launcher/enclave/app_checks.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "launcher/common/error.hpp"
#include "launcher/enclave/isolation.hpp"
#include "libos-abi/enclave_abi.h"
#include "libos-abi/user_layout.h"
#include "tests/unit/elf/elf_image_builder.hpp"

namespace er::launcher {
namespace {

using elf::test::ImageBuilder;

ArgsBlob small_args() {
    return build_args_blob({"app", "one"}, {"K=V"}, ER_ARGS_MAX);
}

std::string error_of(const std::vector<uint8_t>& app, uint32_t isolation = ER_ISO_AUTO,
                     const ArgsBlob& args = small_args()) {
    try {
        check_app_loadable("apps/x", app, args);
        check_isolation_fits_app("apps/x", app, isolation);  // as run_command calls them
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(AppChecks, AValidAppPasses) {
    EXPECT_EQ(error_of(ImageBuilder::valid_exec().bytes()), "");
    EXPECT_EQ(error_of(ImageBuilder::valid_pie().bytes(), ER_ISO_MPK), "");
}

TEST(AppChecks, AnExecutableStackIsRefused) {
    ImageBuilder b = ImageBuilder::valid_exec();
    b.first(PT_GNU_STACK).p_flags = PF_R | PF_W | PF_X;
    std::string e = error_of(b.bytes());
    EXPECT_EQ(e.rfind("apps/x: app asks for an executable stack (PT_GNU_STACK with PF_X)", 0), 0u)
        << e;
    EXPECT_NE(e.find("-z noexecstack"), std::string::npos) << e;
    EXPECT_EQ(load_refusal(b.bytes()).rfind("app asks for an executable stack", 0), 0u);
}

// A static PIE whose .bss reaches past the heap's ceiling: the parser accepts it (it lies below
// the parser's own address limit), the guest's layout cannot hold it.
TEST(AppChecks, ABssThatCannotFitTheLayoutIsRefused) {
    ImageBuilder b = ImageBuilder::valid_pie();
    Elf64_Phdr& data = b.phdrs[2];
    uint64_t room = ER_USER_BRK_LIMIT - ER_PIE_LOAD_BIAS;
    data.p_memsz = room - data.p_vaddr + 0x1000;  // one page too many
    EXPECT_EQ(error_of(b.bytes()),
              "apps/x: app image (its .bss included) does not fit below the mmap area (it must "
              "end within 41 TiB of its load address)");
    data.p_memsz = room - data.p_vaddr;  // exactly to the ceiling: fits
    EXPECT_EQ(load_refusal(b.bytes()), "");
}

TEST(AppChecks, AnImageTooBigForAKeyWindowIsRefusedUnderMpkOnly) {
    ImageBuilder b = ImageBuilder::valid_pie();
    b.phdrs[2].p_memsz = ER_MPK_IMAGE_MAX;            // ends past the window's image limit
    EXPECT_EQ(error_of(b.bytes(), ER_ISO_AUTO), "");  // auto falls back to page tables
    std::string e = error_of(b.bytes(), ER_ISO_MPK);
    EXPECT_EQ(e.rfind("apps/x: isolation mpk: the app image (", 0), 0u) << e;
    EXPECT_NE(e.find("too big for a protection-key window"), std::string::npos) << e;
}

TEST(AppChecks, AGadgetIsRefusedUnderMpkOnly) {
    ImageBuilder b = ImageBuilder::valid_pie();
    b.blobs.emplace_back(0x1100, std::vector<uint8_t>{0x0f, 0x01, 0xef});  // WRPKRU in the text
    EXPECT_EQ(error_of(b.bytes(), ER_ISO_AUTO), "");
    EXPECT_EQ(error_of(b.bytes(), ER_ISO_PAGETABLE), "");
    EXPECT_EQ(error_of(b.bytes(), ER_ISO_MPK),
              "apps/x: isolation mpk refused: the app carries 1 WRPKRU/XRSTOR gadget: WRPKRU at "
              "offset 0x1100 (enclave-run check lists them; isolation auto or pagetable runs it)");
}

// The guest lays the strings and one pointer per string into ER_INITIAL_STACK_MAX bytes: many
// short strings overflow it long before the blob's own ER_ARGS_MAX.
TEST(AppChecks, ArgumentsTooBigForTheInitialStackAreRefused) {
    std::vector<std::string> argv{"app"};
    while (er_initial_stack_bytes(static_cast<uint32_t>(argv.size()), 0, argv.size() * 2) <=
           ER_INITIAL_STACK_MAX) {
        argv.push_back("a");
    }
    ArgsBlob too_many = build_args_blob(argv, {}, ER_ARGS_MAX);  // the blob itself fits
    std::string e = error_of(ImageBuilder::valid_exec().bytes(), ER_ISO_AUTO, too_many);
    EXPECT_EQ(e.rfind("apps/x: arguments and environment are too large for the initial stack: " +
                          std::to_string(argv.size()) + " arguments and 0 variables need ",
                      0),
              0u)
        << e;
    argv.pop_back();
    EXPECT_EQ(error_of(ImageBuilder::valid_exec().bytes(), ER_ISO_AUTO,
                       build_args_blob(argv, {}, ER_ARGS_MAX)),
              "");
}

}  // namespace
}  // namespace er::launcher
