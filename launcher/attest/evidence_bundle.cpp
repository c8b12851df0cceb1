#include "launcher/attest/evidence_bundle.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/vm/boot_info.hpp"

namespace er::launcher {
namespace {

attest::Digest384 digest(const uint8_t (&d)[ER_DIGEST384]) {
    attest::Digest384 out{};
    std::memcpy(out.data(), d, out.size());
    return out;
}

}  // namespace

attest::Evidence make_evidence(const er_evidence& guest, std::span<const uint8_t> nonce,
                               const std::vector<std::vector<uint8_t>>& certs) {
    attest::Evidence ev;
    ev.nonce.assign(nonce.begin(), nonce.end());
    if (guest.report_size == ER_SNP_REPORT_SIZE) {
        ev.hardware_backed = true;
        ev.platform = "sev-snp";
        ev.report = attest::Bytes(guest.report, guest.report + ER_SNP_REPORT_SIZE);
        ev.certs = certs;
    }
    for (uint32_t i = 0; i < guest.count && i < ER_MAX_DOMAINS; ++i) {
        const er_evidence_entry& e = guest.entries[i];
        attest::DomainEntry entry;
        entry.name.assign(e.name, strnlen(e.name, ER_DOMAIN_NAME_MAX));
        entry.image = digest(e.image);
        entry.filesystem = digest(e.filesystem);
        entry.arguments = digest(e.arguments);
        entry.isolation = e.isolation == ER_ISO_MPK ? "mpk" : "page-table";
        ev.log.push_back(std::move(entry));
    }
    return ev;
}

EvidenceFile::EvidenceFile(const std::string& path) : path_(path) {
    size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    name_ = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name_.empty() || name_ == "." || name_ == "..") {
        throw Error("--evidence names a directory, not a file", path);
    }
    dir_ = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_.valid()) throw_errno("cannot open the evidence file's directory", dir);
    struct stat st {};
    if (::fstatat(dir_.get(), name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISDIR(st.st_mode)) {
        throw Error("is a directory; --evidence names the file to write", path);
    }
    // Hidden beside the final name, so the rename stays inside one directory (one file system).
    // The random part keeps a stale file of a killed launcher with the same pid out of the way.
    std::vector<uint8_t> tag = random_nonce();
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
    temp_name_ = "." + name_ + ".tmp." + std::to_string(::getpid()) + "." + suffix;
    file_ = UniqueFd(::openat(dir_.get(), temp_name_.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file_.valid()) throw_errno("cannot create a temporary file beside", path);
}

EvidenceFile::~EvidenceFile() {
    if (!committed_ && file_.valid()) ::unlinkat(dir_.get(), temp_name_.c_str(), 0);
}

void EvidenceFile::commit(std::span<const uint8_t> bytes) {
    if (committed_) throw Error("evidence written twice", path_);
    int64_t n = write_fully(file_.get(), bytes.data(), bytes.size());
    if (n < 0) throw Error("cannot write the evidence", path_, static_cast<int>(-n));
    if (static_cast<uint64_t>(n) != bytes.size()) throw Error("short write of the evidence", path_);
    if (::fsync(file_.get()) != 0) throw_errno("cannot fsync the evidence", path_);
    if (::renameat(dir_.get(), temp_name_.c_str(), dir_.get(), name_.c_str()) != 0) {
        throw_errno("cannot rename the evidence into place", path_);
    }
    committed_ = true;
    file_.reset();
}

EvidenceWriter::EvidenceWriter(const std::string& path, std::vector<uint8_t> nonce)
    : file_(path), nonce_(std::move(nonce)) {
    if (nonce_.size() < ER_NONCE_MIN || nonce_.size() > ER_NONCE_MAX) {
        throw Error("the nonce has " + std::to_string(nonce_.size()) + " bytes; it must have " +
                    std::to_string(ER_NONCE_MIN) + " to " + std::to_string(ER_NONCE_MAX));
    }
}

void EvidenceWriter::take(const er_evidence& guest) {
    attest::Evidence ev = make_evidence(guest, nonce_, certs_);
    attest::Bytes cbor = attest::encode_evidence(ev);
    file_.commit(cbor);
    domains_ = static_cast<uint32_t>(ev.log.size());
    hardware_backed_ = ev.hardware_backed;
}

std::string EvidenceWriter::summary_line() const {
    return "evidence: " + file_.path() + " (" + std::to_string(domains_) +
           (domains_ == 1 ? " domain, " : " domains, ") +
           (!hardware_backed_ ? "not hardware-backed)"
            : simulated_      ? "signed by the software PSP: simulated, not hardware)"
                              : "hardware-backed)");
}

std::vector<uint8_t> nonce_from_hex(const std::string& text) {
    if (text.size() % 2 != 0) {
        throw Error("--nonce has an odd number of hex digits; give " +
                    std::to_string(ER_NONCE_MIN) + " to " + std::to_string(ER_NONCE_MAX) +
                    " bytes as hex");
    }
    // attest::from_hex would skip white space; a nonce is hex digits and nothing else.
    for (size_t i = 0; i < text.size(); ++i) {
        if (!std::isxdigit(static_cast<unsigned char>(text[i])))
            throw Error("--nonce is not hex (character " + std::to_string(i + 1) + ")");
    }
    std::vector<uint8_t> out = attest::from_hex(text).value();
    if (out.size() < ER_NONCE_MIN || out.size() > ER_NONCE_MAX) {
        throw Error("--nonce has " + std::to_string(out.size()) + " bytes; it must have " +
                    std::to_string(ER_NONCE_MIN) + " to " + std::to_string(ER_NONCE_MAX));
    }
    return out;
}

std::vector<uint8_t> random_nonce() {
    uint8_t bytes[32];
    fill_entropy(bytes);
    return std::vector<uint8_t>(std::begin(bytes), std::end(bytes));
}

}  // namespace er::launcher
