// The domain table and the images behind it (ABI 2): for each domain its app ELF bytes, its args
// blob and its er-fs image, each page aligned, back to back from ER_GPA_IMAGES; the
// er_domain_desc[] table at ER_GPA_DOMAINS.  Everything must lie in RAM and inside the guest's
// boot window (the first 1 GiB, which the boot page tables map); free_start follows the last.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "launcher/common/image_source.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

struct DomainImage {
    std::string name;                        // valid and unique (enclave_spec.hpp)
    std::shared_ptr<const ImageSource> app;  // the app's ELF file (app_image.hpp)
    ArgsBlob args;
    std::shared_ptr<const ImageSource> fs;  // er-fs image (er_fs_pack.hpp); null: no tree
    uint64_t mem_limit = 0;
    uint32_t isolation = ER_ISO_AUTO;
    // Set by place_domains():
    uint64_t app_gpa = 0, args_gpa = 0, fs_gpa = 0;

    uint64_t app_size() const { return app ? app->size() : 0; }
    uint64_t fs_size() const { return fs ? fs->size() : 0; }
};

struct DomainLayout {
    std::vector<DomainImage> domains;
    uint64_t free_start = 0;  // page-aligned end of the last image
};

// Assigns GPAs from ER_GPA_IMAGES.  Throws Error with one line when the images do not fit in
// `mem_size` or reach past the 1 GiB boot window, or when the table would not fit below
// ER_GPA_BOOT_PT.  `boot_window` is the guest's mapped boot range (tests make it small).  An
// empty layout is refused unless `persistent` (ABI 5 amendment: a persistent enclave may boot
// with no domain and take every one by hot add); free_start is then ER_GPA_IMAGES.
void place_domains(DomainLayout& layout, uint64_t mem_size,
                   uint64_t boot_window = uint64_t{1} << 30, bool persistent = false);

// The descriptors, in domain order, as the guest reads them.
std::vector<er_domain_desc> domain_table(const DomainLayout& layout);

// Writes every image and the table into guest memory, which must be fresh (all zero): each
// source writes itself straight into place (a file is read there, holes skipped), so an input is
// never held twice.  Throws Error naming an input that changed since it was sized.
void load_domains(const DomainLayout& layout, GuestMemory& memory);

}  // namespace er::launcher
