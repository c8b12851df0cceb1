#include "sim_test_support.hpp"

#include <openssl/evp.h>
#include <stdlib.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <thread>

namespace er::sev::sim::testing {

namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "er-sim-test-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Ctx gcm(const Key& key, std::uint64_t seqno, bool encrypt) {
    std::uint8_t iv[12] = {};
    for (int i = 0; i < 8; ++i) iv[i] = static_cast<std::uint8_t>(seqno >> (8 * i));
    Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (EVP_CipherInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv, encrypt) != 1)
        throw std::runtime_error("AES-256-GCM init");
    return ctx;
}

}  // namespace

const fs::path& identity_dir() {
    static TempDir dir;
    static const bool created = [] {
        const fs::path where = dir.path / "identity";
        // Two creators at once: the lock must leave one identity that both then load.
        std::thread other([&] { SimIdentity::load_or_create(where); });
        SimIdentity::load_or_create(where);
        other.join();
        return true;
    }();
    (void)created;
    static const fs::path path = dir.path / "identity";
    return path;
}

SimIdentity load_identity() {
    return SimIdentity::load_or_create(identity_dir());
}

Page make_request(const Key& vmpck, const RequestFields& f) {
    Page page{};
    er_snp_msg_hdr hdr{};
    hdr.msg_seqno = f.seqno;
    hdr.algo = ER_SNP_AEAD_AES_256_GCM;
    hdr.hdr_version = ER_SNP_MSG_HDR_VERSION;
    hdr.hdr_size = sizeof hdr;
    hdr.msg_type = f.msg_type;
    hdr.msg_version = ER_SNP_MSG_VERSION;
    hdr.msg_size = f.msg_size;
    hdr.msg_vmpck = 0;
    std::memcpy(page.data(), &hdr, sizeof hdr);
    er_snp_report_req req{};
    std::memcpy(req.report_data, f.report_data.data(), 64);
    req.vmpl = f.vmpl;
    req.key_sel = f.key_sel;
    std::vector<std::uint8_t> plain(f.msg_size, 0);
    std::memcpy(plain.data(), &req, std::min<std::size_t>(sizeof req, plain.size()));
    const std::size_t room = page.size() - sizeof hdr;
    if (plain.size() > room) plain.resize(room);  // an oversized msg_size still fits one page

    Ctx ctx = gcm(vmpck, f.seqno, true);
    int len = 0;
    std::uint8_t tag[16];
    if (EVP_EncryptUpdate(ctx.get(), nullptr, &len, page.data() + 0x30, 0x30) != 1 ||
        EVP_EncryptUpdate(ctx.get(), page.data() + sizeof hdr, &len, plain.data(),
                          static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), page.data() + sizeof hdr + len, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        throw std::runtime_error("AES-256-GCM encrypt");
    std::memcpy(page.data(), tag, 16);
    return page;
}

std::optional<Response> open_response(const Key& vmpck, const Page& page) {
    Response r;
    std::memcpy(&r.header, page.data(), sizeof r.header);
    if (r.header.msg_size > page.size() - sizeof r.header) return std::nullopt;
    r.payload.resize(r.header.msg_size);
    Ctx ctx = gcm(vmpck, r.header.msg_seqno, false);
    int len = 0;
    std::uint8_t tag[16];
    std::memcpy(tag, r.header.authtag, 16);
    if (EVP_DecryptUpdate(ctx.get(), nullptr, &len, page.data() + 0x30, 0x30) != 1 ||
        EVP_DecryptUpdate(ctx.get(), r.payload.data(), &len, page.data() + sizeof r.header,
                          static_cast<int>(r.payload.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), r.payload.data() + len, &len) != 1)
        return std::nullopt;
    return r;
}

}  // namespace er::sev::sim::testing
