#include <openssl/evp.h>

#include "attestation/evidence.hpp"

namespace er::attest {

namespace {

// Deterministic CBOR head (RFC 8949 section 4.2.1): shortest argument encoding.
void cbor_head(Bytes& out, std::uint8_t major, std::uint64_t value) {
    std::uint8_t m = static_cast<std::uint8_t>(major << 5);
    if (value < 24) {
        out.push_back(m | static_cast<std::uint8_t>(value));
        return;
    }
    int bytes = value <= 0xFF ? 1 : value <= 0xFFFF ? 2 : value <= 0xFFFFFFFF ? 4 : 8;
    out.push_back(m | static_cast<std::uint8_t>(bytes == 1   ? 24
                                                : bytes == 2 ? 25
                                                : bytes == 4 ? 26
                                                             : 27));
    for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void cbor_bytes(Bytes& out, ByteView b) {
    cbor_head(out, 2, b.size());
    out.insert(out.end(), b.begin(), b.end());
}

void cbor_text(Bytes& out, std::string_view s) {
    cbor_head(out, 3, s.size());
    out.insert(out.end(), s.begin(), s.end());
}

template <std::size_t N>
std::array<std::uint8_t, N> digest(const EVP_MD* md, ByteView data) {
    std::array<std::uint8_t, N> out{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
    return out;
}

}  // namespace

bool is_known_isolation(std::string_view isolation) {
    return isolation == "mpk" || isolation == "page-table";
}

Bytes canonical_entry(const DomainEntry& entry) {
    Bytes out;
    cbor_head(out, 4, 5);  // array of 5
    cbor_text(out, entry.name);
    cbor_bytes(out, entry.image);
    cbor_bytes(out, entry.filesystem);
    cbor_bytes(out, entry.arguments);
    cbor_text(out, entry.isolation);
    return out;
}

Digest384 replay_log(const std::vector<DomainEntry>& log) {
    Digest384 acc{};
    for (const DomainEntry& entry : log) {
        Digest384 entry_hash = digest<48>(EVP_sha384(), canonical_entry(entry));
        Bytes chained(acc.begin(), acc.end());
        chained.insert(chained.end(), entry_hash.begin(), entry_hash.end());
        acc = digest<48>(EVP_sha384(), chained);
    }
    return acc;
}

std::array<std::uint8_t, 64> binding_report_data(ByteView nonce, const Digest384& log_digest) {
    Bytes input(nonce.begin(), nonce.end());
    input.insert(input.end(), log_digest.begin(), log_digest.end());
    return digest<64>(EVP_sha512(), input);
}

}  // namespace er::attest
