// A plain-text list of the pages an SNP guest is launched with, for `enclave-attest measure
// --snp-pages` (format: docs/attestation.md "Launch digests"). One record per line:
//     GPA TYPE [FILE | PAGES]
// so that a recorded launch, or a hand-made one, can be measured without running anything.
#pragma once

#include <filesystem>
#include <string_view>

#include "attestation/launch_digest.hpp"

namespace er::attest {

struct SnpPageListDigest {
    Digest384 digest{};
    std::size_t pages = 0;  // PAGE_INFO records absorbed, VMSAs included
};

// `text` is the list, `where` names it in errors ("FILE:LINE: ..."), `base_dir` resolves
// relative FILE names. Errors: launch_page_invalid (a bad line or page), io_error (a FILE).
Expected<SnpPageListDigest> measure_snp_page_list(std::string_view text, std::string_view where,
                                                  const std::filesystem::path& base_dir);

// The same for a list file; FILE names are relative to the list's directory.
Expected<SnpPageListDigest> measure_snp_page_list_file(const std::filesystem::path& list);

}  // namespace er::attest
