#include "launcher/enclave/app_checks.hpp"

#include <memory>

#include "elf/elf.hpp"
#include "elf/load_rules.hpp"
#include "launcher/common/error.hpp"
#include "libos-abi/user_layout.h"

namespace er::launcher {
namespace {

// er::elf::Image is large (segment table); keep it off the stack.
std::unique_ptr<elf::Image> parsed(std::span<const uint8_t> app, const std::string& label) {
    auto img = std::make_unique<elf::Image>();
    elf::Status st = elf::parse(app.data(), app.size(), img.get());
    if (st != elf::Status::ok) throw Error(elf::describe(st), label);
    return img;
}

// What each refusal means for the user, after the guest's own words.
std::string advice(const elf::Image& img) {
    if (img.exec_stack)
        return " (the unikernel never maps executable data; link with -z noexecstack)";
    return " (it must end within " +
           std::to_string((ER_USER_BRK_LIMIT - (img.pie ? ER_PIE_LOAD_BIAS : 0)) >> 40) +
           " TiB of its load address)";
}

}  // namespace

std::string load_refusal(std::span<const uint8_t> app) {
    auto img = parsed(app, "app");
    // Page tables: the whole lower half, the most room any domain gets.  An MPK window is
    // smaller; check_isolation_fits_app refuses an image too big for one under "mpk".
    const char* why = elf::load_refusal(*img, elf::kWholeUserWindow);
    return why == nullptr ? std::string() : why + advice(*img);
}

void check_initial_stack(const std::string& label, const ArgsBlob& args) {
    uint64_t need = er_initial_stack_bytes(args.argc, args.envc, args.bytes.size());
    if (need > ER_INITIAL_STACK_MAX) {
        throw Error("arguments and environment are too large for the initial stack: " +
                        std::to_string(args.argc) + " arguments and " + std::to_string(args.envc) +
                        " variables need " + std::to_string(need) + " bytes, at most " +
                        std::to_string(ER_INITIAL_STACK_MAX) + " fit",
                    label);
    }
}

void check_app_loadable(const std::string& label, std::span<const uint8_t> app,
                        const ArgsBlob& args) {
    std::string why = load_refusal(app);
    if (!why.empty()) throw Error(why, label);
    check_initial_stack(label, args);
}

}  // namespace er::launcher
