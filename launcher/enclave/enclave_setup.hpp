// From `enclave-run run` options to an enclave's guest memory, before any VM exists: the plan
// (flags over manifest over defaults), every app opened, sized, placed, streamed into guest RAM
// and checked there, and the unikernel read.  `enclave-run run` and `enclave-attest measure`
// both go through here, so what is measured offline is what the launcher loads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "launcher/cli/run_options.hpp"
#include "launcher/common/mapping.hpp"
#include "launcher/enclave/manifest.hpp"
#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/guest_ram.hpp"
#include "launcher/vm/kernel_image.hpp"

namespace er::launcher {

struct EnclavePlan {
    uint64_t mem_size = 0;
    std::optional<double> timeout_s;
    std::string timeout_text;
    uint32_t tick_ms = kDefaultTickMs;
    std::vector<AppSpec> apps;
    std::optional<std::string> confidential;  // as typed, from the flag or the manifest
    // ABI 5 amendment: the enclave will be persistent (MachineInput::hot_add), so `apps` may be
    // empty: it boots with no domain and takes every one by hot add.  make_plan never sets it
    // (`enclave-run run` always names an app); an enclave host sets it itself.
    bool persistent = false;
};

// Global settings: a command-line flag wins over the manifest, the manifest over the default.
// Reads the manifest (a small, bounded file) when -f names one; nothing else.
EnclavePlan make_plan(const RunOptions& options);

// Sizes come first: every app is opened and every tree walked (fstat, lstat: nothing read) and
// the layout is checked against guest memory, so an input that cannot fit costs nothing.  Only
// then is each streamed straight into guest RAM (holes skipped, `ram` created here) and the apps
// checked there, on the bytes the guest will load.  The app files are closed on return.
DomainLayout load_enclave_domains(const EnclavePlan& plan, std::unique_ptr<GuestRam>& ram);

struct KernelInput {
    Mapping file;  // holds --kernel's bytes; empty for the embedded unikernel
    std::span<const uint8_t> bytes;
    std::string name;
    KernelImage image;
};

// --kernel PATH when given, else `embedded` (empty when this binary has none: an error).
KernelInput load_kernel_input(const std::optional<std::string>& path,
                              std::span<const uint8_t> embedded);

}  // namespace er::launcher
