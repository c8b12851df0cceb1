#include "attestation/launch_digest.hpp"

#include <openssl/hmac.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace er::attest {
namespace {

Digest384 sha384(const std::uint8_t* data, std::size_t size) {
    Digest384 out{};
    unsigned int len = 0;
    if (EVP_Digest(data, size, out.data(), &len, EVP_sha384(), nullptr) != 1) {
        throw std::runtime_error("SHA-384 failed: " + openssl_last_error());
    }
    return out;
}

std::string hex64(std::uint64_t v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    return buf;
}

bool known_type(SnpPageType type) {
    auto t = static_cast<std::uint8_t>(type);
    return t >= static_cast<std::uint8_t>(SnpPageType::normal) &&
           t <= static_cast<std::uint8_t>(SnpPageType::cpuid);
}

Status check_page(std::uint64_t gpa, SnpPageType type) {
    if (!known_type(type)) {
        return Error{Reason::launch_page_invalid,
                     "unknown SNP page type " + std::to_string(static_cast<unsigned>(type))};
    }
    if (gpa % kLaunchPageSize != 0) {
        return Error{Reason::launch_page_invalid,
                     "SNP page GPA " + hex64(gpa) + " is not 4 KiB aligned"};
    }
    return ok_status();
}

}  // namespace

SnpPageInfo snp_page_info(const Digest384& current, const Digest384& contents_digest,
                          SnpPageType type, std::uint64_t gpa) {
    SnpPageInfo info{};
    std::memcpy(info.data() + 0x00, current.data(), current.size());
    std::memcpy(info.data() + 0x30, contents_digest.data(), contents_digest.size());
    info[0x60] = static_cast<std::uint8_t>(kSnpPageInfoSize & 0xff);  // LENGTH, u16 LE
    info[0x61] = static_cast<std::uint8_t>(kSnpPageInfoSize >> 8);
    info[0x62] = static_cast<std::uint8_t>(type);
    // 0x63 IMI_PAGE, 0x64..0x66 VMPL3..1 permissions, 0x67 reserved: all 0 for a launch.
    for (int i = 0; i < 8; ++i) {
        info[0x68 + i] = static_cast<std::uint8_t>(gpa >> (8 * i));
    }
    return info;
}

bool snp_page_type_measures_contents(SnpPageType type) {
    return type == SnpPageType::normal || type == SnpPageType::vmsa;
}

void SnpLaunchDigest::absorb(const Digest384& contents_digest, SnpPageType type,
                             std::uint64_t gpa) {
    SnpPageInfo info = snp_page_info(current_, contents_digest, type, gpa);
    current_ = sha384(info.data(), info.size());
}

Status SnpLaunchDigest::add_page(std::uint64_t gpa, SnpPageType type, PageView contents) {
    if (Status s = check_page(gpa, type); !s) return s;
    if (type == SnpPageType::vmsa) {
        add_vmsa(contents);
        return ok_status();
    }
    Digest384 contents_digest{};
    if (snp_page_type_measures_contents(type)) {
        contents_digest = sha384(contents.data(), contents.size());
    }
    absorb(contents_digest, type, gpa);
    return ok_status();
}

Status SnpLaunchDigest::add_page(std::uint64_t gpa, SnpPageType type) {
    if (Status s = check_page(gpa, type); !s) return s;
    if (snp_page_type_measures_contents(type)) {
        return Error{Reason::launch_page_invalid,
                     "SNP page at " + hex64(gpa) + " has a measured type but no contents"};
    }
    absorb(Digest384{}, type, gpa);
    return ok_status();
}

Status SnpLaunchDigest::add_range(std::uint64_t gpa, SnpPageType type, ByteView data) {
    if (data.size() % kLaunchPageSize != 0) {
        return Error{Reason::launch_page_invalid, "SNP range at " + hex64(gpa) + " is " +
                                                      std::to_string(data.size()) +
                                                      " bytes, not a whole number of 4 KiB pages"};
    }
    for (std::size_t off = 0; off < data.size(); off += kLaunchPageSize) {
        PageView page(data.data() + off, kLaunchPageSize);
        if (Status s = add_page(gpa + off, type, page); !s) return s;
    }
    return ok_status();
}

Status SnpLaunchDigest::add_pages(std::uint64_t gpa, SnpPageType type, std::size_t page_count) {
    for (std::size_t i = 0; i < page_count; ++i) {
        if (Status s = add_page(gpa + i * kLaunchPageSize, type); !s) return s;
    }
    return ok_status();
}

void SnpLaunchDigest::add_vmsa(PageView vmsa) {
    absorb(sha384(vmsa.data(), vmsa.size()), SnpPageType::vmsa, kSnpVmsaGpa);
}

SevLaunchDigest::SevLaunchDigest() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 init failed: " + openssl_last_error());
    }
}

void SevLaunchDigest::add_data(ByteView data) {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
        throw std::runtime_error("SHA-256 update failed: " + openssl_last_error());
    }
}

void SevLaunchDigest::add_vmsa(PageView vmsa) {
    add_data(ByteView(vmsa.data(), vmsa.size()));
}

Digest256 SevLaunchDigest::value() const {
    // Finish a copy so that the running digest stays open for more data.
    EvpMdCtxPtr copy(EVP_MD_CTX_new());
    Digest256 out{};
    unsigned int len = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1 ||
        EVP_DigestFinal_ex(copy.get(), out.data(), &len) != 1) {
        throw std::runtime_error("SHA-256 final failed: " + openssl_last_error());
    }
    return out;
}

Expected<Digest256> sev_launch_measure(ByteView tik, const SevFirmwareVersion& firmware,
                                       std::uint32_t policy, const Digest256& launch_digest,
                                       const std::array<std::uint8_t, 16>& mnonce) {
    if (tik.size() != 16) {
        return Error{Reason::usage_error,
                     "SEV TIK must be 16 bytes, got " + std::to_string(tik.size())};
    }
    Bytes msg;
    msg.reserve(1 + 3 + 4 + launch_digest.size() + mnonce.size());
    msg.push_back(0x04);  // the LAUNCH_MEASURE context byte fixed by the SEV API spec
    msg.push_back(firmware.api_major);
    msg.push_back(firmware.api_minor);
    msg.push_back(firmware.build);
    for (int i = 0; i < 4; ++i) msg.push_back(static_cast<std::uint8_t>(policy >> (8 * i)));
    msg.insert(msg.end(), launch_digest.begin(), launch_digest.end());
    msg.insert(msg.end(), mnonce.begin(), mnonce.end());

    Digest256 out{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), tik.data(), static_cast<int>(tik.size()), msg.data(), msg.size(),
             out.data(), &len) == nullptr ||
        len != out.size()) {
        return Error{Reason::io_error, "HMAC-SHA-256 failed: " + openssl_last_error()};
    }
    return out;
}

}  // namespace er::attest
