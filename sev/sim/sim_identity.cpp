// TEST DOUBLE (software PSP, simulated, not hardware): storing and reloading its identity.
#include "sev/sim/sim_identity.hpp"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "attestation/certificate.hpp"
#include "attestation/chain.hpp"
#include "launcher/common/unique_fd.hpp"
#include "sev/sim/sim_certificates.hpp"
#include "sev/sim/sim_platform.hpp"

namespace er::sev::sim {

namespace fs = std::filesystem;
using er::attest::BioPtr;
using er::attest::Bytes;
using er::attest::EvpPkeyPtr;
using er::attest::X509Ptr;
using er::launcher::UniqueFd;

namespace {

constexpr const char* kFiles[] = {"ark.key", "ask.key", "vcek.key",
                                  "ark.pem", "ask.pem", "vcek.pem"};

[[noreturn]] void fail(const std::string& what) {
    throw SimError(std::string(kSimNotice) + ": " + what);
}

[[noreturn]] void fail_errno(const std::string& what, const fs::path& path, int err) {
    fail(what + " " + path.string() + ": " + std::strerror(err));
}

// The directory holds private keys: created 0700, and an existing one that others may write
// to is refused (they could swap the keys).
void ensure_directory(const fs::path& dir) {
    if (dir.has_parent_path()) {
        std::error_code ec;
        fs::create_directories(dir.parent_path(), ec);
        if (ec) fail("cannot create " + dir.parent_path().string() + ": " + ec.message());
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        fail_errno("cannot create identity directory", dir, errno);
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) fail_errno("cannot stat", dir, errno);
    if (!S_ISDIR(st.st_mode)) fail(dir.string() + " is not a directory");
    if (st.st_uid != ::geteuid()) fail(dir.string() + " belongs to another user");
    if (st.st_mode & (S_IWGRP | S_IWOTH)) fail(dir.string() + " is writable by group or others");
}

// Serialises creators (and readers, so none reads a half-replaced set): flock on dir/.lock,
// released when the descriptor closes, also when the process dies.
UniqueFd lock_directory(const fs::path& dir) {
    const fs::path path = dir / ".lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) fail_errno("cannot open lock file", path, errno);
    while (::flock(fd.get(), LOCK_EX) != 0) {
        if (errno != EINTR) fail_errno("cannot lock", path, errno);
    }
    return fd;
}

bool complete(const fs::path& dir) {
    for (const char* name : kFiles) {
        struct stat st {};
        if (::lstat((dir / name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    }
    return true;
}

Bytes bio_bytes(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return Bytes(data, data + len);
}

Bytes pem_certificate(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) fail("cannot encode a certificate");
    return bio_bytes(bio.get());
}

Bytes pem_private_key(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        fail("cannot encode a private key");
    return bio_bytes(bio.get());
}

// Written under a temporary name, flushed, then renamed: a reader sees the old file or the
// whole new one.
void write_file(const fs::path& dir, const std::string& name, const Bytes& data, mode_t mode) {
    const fs::path tmp = dir / ("." + name + ".tmp");
    const fs::path final_path = dir / name;
    {
        UniqueFd fd(
            ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
        if (!fd.valid()) fail_errno("cannot create", tmp, errno);
        if (::fchmod(fd.get(), mode) != 0) fail_errno("cannot chmod", tmp, errno);
        std::size_t done = 0;
        while (done < data.size()) {
            ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail_errno("cannot write", tmp, n < 0 ? errno : EIO);
            done += static_cast<std::size_t>(n);
        }
        if (::fsync(fd.get()) != 0) fail_errno("cannot fsync", tmp, errno);
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0)
        fail_errno("cannot rename into place", final_path, errno);
}

void create(const fs::path& dir) {
    EvpPkeyPtr ark_key = generate_rsa_key();
    EvpPkeyPtr ask_key = generate_rsa_key();
    EvpPkeyPtr vcek_key = generate_vcek_key();
    X509Ptr ark = make_ark(ark_key.get());
    X509Ptr ask = make_ask(ask_key.get(), ark.get(), ark_key.get());
    X509Ptr vcek =
        make_vcek(vcek_key.get(), derive_chip_id(vcek_key.get()), ask.get(), ask_key.get());
    write_file(dir, "ark.key", pem_private_key(ark_key.get()), 0600);
    write_file(dir, "ask.key", pem_private_key(ask_key.get()), 0600);
    write_file(dir, "vcek.key", pem_private_key(vcek_key.get()), 0600);
    write_file(dir, "ark.pem", pem_certificate(ark.get()), 0644);
    write_file(dir, "ask.pem", pem_certificate(ask.get()), 0644);
    write_file(dir, "vcek.pem", pem_certificate(vcek.get()), 0644);
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dfd.valid() || ::fsync(dfd.get()) != 0) fail_errno("cannot fsync", dir, errno);
}

X509Ptr load_certificate(const fs::path& path) {
    auto certs = er::attest::load_certificate_file(path);
    if (!certs) fail(certs.error().message());
    if (certs->size() != 1) fail(path.string() + " must hold exactly one certificate");
    return std::move(certs->front());
}

EvpPkeyPtr load_key(const fs::path& path, X509* cert) {
    auto data = er::attest::read_file(path);
    if (!data) fail(data.error().message());
    BioPtr bio(BIO_new_mem_buf(data->data(), static_cast<int>(data->size())));
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) fail("cannot read private key " + path.string());
    if (X509_check_private_key(cert, key.get()) != 1)
        fail(path.string() + " is not the key of its certificate");
    return key;
}

void check_link(X509* cert, X509* issuer, const char* role) {
    if (auto s = er::attest::verify_amd_signature(cert, issuer, role); !s)
        fail("stored identity is inconsistent: " + s.error().message());
}

}  // namespace

SimIdentity SimIdentity::load_or_create(const fs::path& directory) {
    ensure_directory(directory);
    UniqueFd lock = lock_directory(directory);
    if (!complete(directory)) create(directory);

    X509Ptr ark = load_certificate(directory / "ark.pem");
    X509Ptr ask = load_certificate(directory / "ask.pem");
    X509Ptr vcek = load_certificate(directory / "vcek.pem");
    load_key(directory / "ark.key", ark.get());
    load_key(directory / "ask.key", ask.get());
    SimIdentity id;
    id.directory_ = directory;
    id.vcek_key_ = load_key(directory / "vcek.key", vcek.get());
    check_link(ark.get(), ark.get(), "ARK");
    check_link(ask.get(), ark.get(), "ASK");
    check_link(vcek.get(), ask.get(), "VCEK");

    // An identity from an older build (other TCB or product) would sign reports its own VCEK
    // contradicts: refuse it by name rather than produce reports that fail far away.
    auto ext = er::attest::read_kds_extensions(vcek.get());
    if (!ext) fail(ext.error().message());
    id.chip_id_ = derive_chip_id(id.vcek_key_.get());
    const bool matches = ext->product_name == std::string(kSimProductName) &&
                         ext->bootloader == kSimTcb.bootloader && ext->tee == kSimTcb.tee &&
                         ext->snp == kSimTcb.snp && ext->microcode == kSimTcb.microcode &&
                         ext->hwid && *ext->hwid == Bytes(id.chip_id_.begin(), id.chip_id_.end());
    if (!matches)
        fail("the identity in " + directory.string() +
             " was made for another simulated platform (product, TCB or hwID differ); remove "
             "the directory to create a new one");
    id.ark_der_ = er::attest::certificate_der(ark.get());
    id.ask_der_ = er::attest::certificate_der(ask.get());
    id.vcek_der_ = er::attest::certificate_der(vcek.get());
    return id;
}

}  // namespace er::sev::sim
