#include "attestation/report.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace er::attest {

namespace {

namespace L = report_layout;

template <std::size_t N>
void copy_field(const std::uint8_t* base, std::size_t offset, std::array<std::uint8_t, N>& out) {
    std::memcpy(out.data(), base + offset, N);
}

// Reserved ranges that must be zero, per version. Offsets from the ABI table.
struct Range {
    std::size_t begin, end;
    const char* what;
};

Status check_reserved(const std::uint8_t* p, std::uint32_t version) {
    const bool has_cpuid = version >= 3;
    const bool has_mit = version >= 5;
    const Range ranges[] = {
        {0x04C, 0x050, "reserved word at 0x4C"},
        {has_cpuid ? 0x18Bu : 0x188u, 0x1A0, "reserved bytes after REPORTED_TCB"},
        {0x1EB, 0x1EC, "reserved byte after CURRENT version"},
        {0x1EF, 0x1F0, "reserved byte after COMMITTED version"},
        {has_mit ? 0x208u : 0x1F8u, 0x2A0, "reserved bytes before the signature"},
        {L::kSigEnd, L::kSize, "reserved bytes after signature r and s"},
    };
    for (const Range& r : ranges) {
        if (!all_zero(ByteView(p + r.begin, r.end - r.begin))) {
            char where[64];
            std::snprintf(where, sizeof where, " [0x%zx, 0x%zx)", r.begin, r.end);
            return Error{Reason::report_reserved_nonzero,
                         std::string(r.what) + where + " must be zero"};
        }
    }
    // Signer info: bits 31:5 are MBZ.
    std::uint32_t signer = load_le32(p + 0x48);
    if (signer >> 5) {
        return Error{Reason::report_reserved_nonzero, "signer info bits 31:5 must be zero"};
    }
    return ok_status();
}

// An Azure confidential VM's vTPM hands out an "HCL report" (NV index 0x01400001, 2600 bytes
// as read), not a bare SNP report: a 32-byte attestation header, the 1184-byte SNP report,
// then IGVM request data (data_size, version, report_type, hash type, variable data size)
// and the variable data that carries the vTPM key. Layout from Microsoft's az-cvm-vtpm crate,
// kinvolk/azure-cvm-tooling az-cvm-vtpm/src/hcl/mod.rs (AttestationHeader, hw_report,
// IgvmRequestData; SNP_REPORT_TYPE = 2). Only recognised, to point the user at the report: the
// HCL header and variable data are Azure's and not checked here.
namespace hcl {
inline constexpr std::size_t kReportOffset = 32;
inline constexpr std::size_t kReportTypeOffset = kReportOffset + L::kSize + 8;
inline constexpr std::uint32_t kSnpReportType = 2;
}  // namespace hcl

bool looks_like_hcl_report(ByteView bytes) {
    if (bytes.size() < hcl::kReportTypeOffset + 4) return false;
    const std::uint8_t* report = bytes.data() + hcl::kReportOffset;
    const std::uint32_t version = load_le32(report);
    return version >= L::kMinVersion && version <= L::kMaxVersion &&
           load_le32(report + 0x034) == L::kSigAlgoEcdsaP384Sha384 &&
           load_le32(bytes.data() + hcl::kReportTypeOffset) == hcl::kSnpReportType;
}

std::string size_detail(std::size_t size) {
    std::string detail = "report is ";
    detail += std::to_string(size);
    detail += " bytes, expected ";
    detail += std::to_string(L::kSize);
    return detail;
}

}  // namespace

std::optional<Product> AttestationReport::product() const {
    if (cpuid_family && cpuid_model) return product_from_cpuid(*cpuid_family, *cpuid_model);
    // Turin fills only the first 8 bytes of CHIP_ID; Milan and Genoa fill all 64.
    bool tail_zero = all_zero(ByteView(chip_id.data() + 8, 56));
    bool head_zero = all_zero(ByteView(chip_id.data(), 8));
    if (tail_zero && !head_zero) return Product::turin;
    return std::nullopt;
}

Expected<AttestationReport> parse_report(ByteView bytes) {
    if (bytes.size() < L::kSize) return Error{Reason::report_truncated, size_detail(bytes.size())};
    if (bytes.size() > L::kSize) {
        std::string detail = size_detail(bytes.size());
        if (looks_like_hcl_report(bytes)) {
            detail +=
                "; this looks like an Azure HCL report (vTPM NV index 0x01400001), which wraps "
                "the SNP report at offset 32: extract it with "
                "'dd if=FILE of=report.bin bs=1 skip=32 count=1184'";
        }
        return Error{Reason::report_oversized, std::move(detail)};
    }
    const std::uint8_t* p = bytes.data();
    AttestationReport r;
    r.version = load_le32(p + 0x000);
    if (r.version < L::kMinVersion || r.version > L::kMaxVersion) {
        return Error{Reason::report_unknown_version,
                     "report version " + std::to_string(r.version) + " is not one of 2, 3, 4, 5"};
    }
    r.signature_algo = load_le32(p + 0x034);
    if (r.signature_algo != L::kSigAlgoEcdsaP384Sha384) {
        return Error{Reason::report_signature_algo, "signature algorithm " +
                                                        std::to_string(r.signature_algo) +
                                                        " is not 1 (ECDSA P-384 with SHA-384)"};
    }
    if (Status s = check_reserved(p, r.version); !s) return s.error();

    r.guest_svn = load_le32(p + 0x004);
    r.policy = load_le64(p + 0x008);
    if (!(r.policy & guest_policy::kMustBeOne)) {
        return Error{Reason::report_policy_mbo_clear, "guest policy bit 17 (must be one) is clear"};
    }
    copy_field(p, 0x010, r.family_id);
    copy_field(p, 0x020, r.image_id);
    r.vmpl = load_le32(p + 0x030);
    r.current_tcb = load_le64(p + 0x038);
    r.platform_info = load_le64(p + 0x040);
    std::uint32_t signer = load_le32(p + 0x048);
    r.author_key_en = signer & 1;
    r.mask_chip_key = signer & 2;
    std::uint32_t key = (signer >> 2) & 7;
    if (key != 0 && key != 1 && key != 7) {
        return Error{Reason::report_signing_key, "SIGNING_KEY " + std::to_string(key) +
                                                     " is reserved (0 VCEK, 1 VLEK, 7 none)"};
    }
    r.signing_key = static_cast<SigningKey>(key);
    copy_field(p, 0x050, r.report_data);
    copy_field(p, 0x090, r.measurement);
    copy_field(p, 0x0C0, r.host_data);
    copy_field(p, 0x0E0, r.id_key_digest);
    copy_field(p, 0x110, r.author_key_digest);
    copy_field(p, 0x140, r.report_id);
    copy_field(p, 0x160, r.report_id_ma);
    r.reported_tcb = load_le64(p + 0x180);
    if (r.version >= 3) {
        r.cpuid_family = p[0x188];
        r.cpuid_model = p[0x189];
        r.cpuid_stepping = p[0x18A];
    }
    copy_field(p, 0x1A0, r.chip_id);
    r.committed_tcb = load_le64(p + 0x1E0);
    r.current_fw = {p[0x1EA], p[0x1E9], p[0x1E8]};
    r.committed_fw = {p[0x1EE], p[0x1ED], p[0x1EC]};
    r.launch_tcb = load_le64(p + 0x1F0);
    if (r.version >= 5) {
        r.launch_mit_vector = load_le64(p + 0x1F8);
        r.current_mit_vector = load_le64(p + 0x200);
    }
    copy_field(p, L::kSigR, r.signature_r);
    copy_field(p, L::kSigS, r.signature_s);
    return r;
}

Expected<Bytes> load_report_file(const std::filesystem::path& path) {
    auto data = read_file(path);
    if (!data) return data.error();
    if (data->size() == L::kSize) return data;
    // Hex text: only accept it when every byte is a hex digit or whitespace, so a
    // truncated binary report is still reported as truncated.
    bool looks_hex = !data->empty() && std::all_of(data->begin(), data->end(), [](std::uint8_t c) {
        return std::isxdigit(c) || c == '\n' || c == '\r' || c == ' ' || c == '\t';
    });
    if (looks_hex) {
        auto decoded =
            from_hex(std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
        if (decoded) return *decoded;
    }
    return data;
}

}  // namespace er::attest
