#include "attestation/snp_page_list.hpp"

#include <charconv>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace er::attest {
namespace {

std::optional<std::uint64_t> parse_number(const std::string& text) {
    int base = 10;
    std::string_view digits = text;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
        base = 16;
        digits.remove_prefix(2);
    }
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
        return std::nullopt;
    }
    return value;
}

std::optional<SnpPageType> parse_type(const std::string& name) {
    if (name == "normal") return SnpPageType::normal;
    if (name == "vmsa") return SnpPageType::vmsa;
    if (name == "zero") return SnpPageType::zero;
    if (name == "unmeasured") return SnpPageType::unmeasured;
    if (name == "secrets") return SnpPageType::secrets;
    if (name == "cpuid") return SnpPageType::cpuid;
    return std::nullopt;
}

// At most 1 TiB of guest memory per line: far above any enclave, and it keeps both the
// GPA arithmetic from wrapping and a typo from hashing for hours.
constexpr std::uint64_t kMaxPages = std::uint64_t{1} << 28;

// True when `pages` pages from `gpa` would run past the top of the 64-bit address space
// (written without computing gpa + size, which is what could wrap).
bool wraps(std::uint64_t gpa, std::uint64_t pages) {
    return pages > (~std::uint64_t{0} - gpa) / kLaunchPageSize + 1;
}

}  // namespace

Expected<SnpPageListDigest> measure_snp_page_list(std::string_view text, std::string_view where,
                                                  const std::filesystem::path& base_dir) {
    SnpLaunchDigest digest;
    SnpPageListDigest out;
    std::istringstream lines{std::string(text)};
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        const std::string at = std::string(where) + ":" + std::to_string(number) + ": ";
        auto bad = [&](const std::string& why) {
            return Error{Reason::launch_page_invalid, at + why};
        };
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::istringstream fields(line);
        std::vector<std::string> f;
        for (std::string word; fields >> word;) f.push_back(word);
        if (f.empty()) continue;
        if (f.size() < 2 || f.size() > 3) return bad("expected 'GPA TYPE [FILE|PAGES]'");

        std::optional<SnpPageType> type = parse_type(f[1]);
        if (!type) return bad("unknown page type '" + f[1] + "'");
        std::optional<std::uint64_t> gpa = parse_number(f[0]);
        if (f[0] == "-" && *type == SnpPageType::vmsa) gpa = kSnpVmsaGpa;  // not measured anyway
        if (!gpa) return bad("GPA '" + f[0] + "' is not a number");

        if (snp_page_type_measures_contents(*type)) {
            if (f.size() != 3) return bad(f[1] + " pages need a FILE with their contents");
            auto data = read_file(base_dir / f[2]);
            if (!data) return data.error();
            if (data->empty()) return bad("'" + f[2] + "' is empty");
            if (*type == SnpPageType::vmsa) {
                // One VMSA per vCPU, in vCPU order; a VMSA is exactly one page, never padded.
                if (data->size() % kLaunchPageSize != 0) {
                    return bad("VMSA file '" + f[2] + "' is not a whole number of 4 KiB pages");
                }
                for (std::size_t off = 0; off < data->size(); off += kLaunchPageSize) {
                    digest.add_vmsa(PageView(data->data() + off, kLaunchPageSize));
                    ++out.pages;
                }
                continue;
            }
            // A loader copies a file into zeroed pages, so the last page is zero-padded.
            data->resize((data->size() + kLaunchPageSize - 1) / kLaunchPageSize * kLaunchPageSize,
                         0);
            if (wraps(*gpa, data->size() / kLaunchPageSize)) return bad("range wraps past 2^64");
            if (Status s = digest.add_range(*gpa, *type, *data); !s) return bad(s.error().detail);
            out.pages += data->size() / kLaunchPageSize;
            continue;
        }
        std::uint64_t pages = 1;
        if (f.size() == 3) {
            std::optional<std::uint64_t> n = parse_number(f[2]);
            if (!n || *n == 0 || *n > kMaxPages) return bad("PAGES '" + f[2] + "' is not a count");
            pages = *n;
        }
        if (wraps(*gpa, pages)) return bad("range wraps past 2^64");
        if (Status s = digest.add_pages(*gpa, *type, pages); !s) return bad(s.error().detail);
        out.pages += pages;
    }
    out.digest = digest.value();
    return out;
}

Expected<SnpPageListDigest> measure_snp_page_list_file(const std::filesystem::path& list) {
    auto text = read_file(list);
    if (!text) return text.error();
    std::string_view view(reinterpret_cast<const char*>(text->data()), text->size());
    return measure_snp_page_list(view, list.string(), list.parent_path());
}

}  // namespace er::attest
