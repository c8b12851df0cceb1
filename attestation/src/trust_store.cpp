#include "attestation/trust_store.hpp"

#include <system_error>

#include "attestation/builtin_roots.hpp"
#include "attestation/certificate.hpp"

namespace er::attest {

Expected<TrustStore> TrustStore::builtin() {
    TrustStore store;
    for (const BuiltinRoot& root : builtin_roots()) {
        ByteView pem(reinterpret_cast<const std::uint8_t*>(root.pem.data()), root.pem.size());
        auto certs = load_certificates(pem, std::string("built-in ") + std::string(root.name));
        if (!certs) return certs.error();
        if (Status s = store.add(std::move(*certs), std::string(root.name)); !s) return s.error();
    }
    return store;
}

Expected<TrustStore> TrustStore::from_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec)
        return Error{Reason::io_error,
                     "cannot read roots directory " + dir.string() + ": " + ec.message()};
    TrustStore store;
    for (const auto& entry : it) {
        if (!entry.is_regular_file()) continue;
        auto ext = entry.path().extension().string();
        if (ext != ".pem" && ext != ".der" && ext != ".crt" && ext != ".cer") continue;
        auto certs = load_certificate_file(entry.path());
        if (!certs) return certs.error();
        if (Status s = store.add(std::move(*certs), entry.path().string()); !s) return s.error();
    }
    if (store.roots_.empty())
        return Error{Reason::chain_missing_cert, "no ARK certificate found in " + dir.string()};
    return store;
}

Status TrustStore::add(std::vector<X509Ptr> certs, const std::string& origin) {
    for (X509Ptr& cert : certs) {
        std::string cn = subject_cn(cert.get());
        auto take = [&](std::string_view prefix) -> std::optional<Product> {
            if (cn.rfind(prefix, 0) != 0) return std::nullopt;
            return product_from_name(std::string_view(cn).substr(prefix.size()));
        };
        if (auto p = take("ARK-")) {
            roots_[*p].ark = std::move(cert);
        } else if (auto p = take("SEV-VLEK-")) {
            roots_[*p].asvk = std::move(cert);
        } else if (auto p = take("SEV-")) {
            roots_[*p].ask = std::move(cert);
        } else {
            return Error{
                Reason::cert_malformed,
                origin + ": '" + cn + "' is not an AMD ARK, ASK or ASVK for a known product"};
        }
    }
    return ok_status();
}

Status TrustStore::trust_simulated_root(std::vector<X509Ptr> certs, const std::string& origin) {
    std::optional<Product> product;
    for (const X509Ptr& cert : certs) {
        std::string cn = subject_cn(cert.get());
        if (cn.rfind("ARK-", 0) != 0) continue;
        if (product) return Error{Reason::cert_malformed, origin + " holds more than one ARK"};
        product = product_from_name(std::string_view(cn).substr(4));
        if (!product)
            return Error{Reason::cert_malformed,
                         origin + ": '" + cn + "' is not an ARK for a known product"};
    }
    if (!product)
        return Error{Reason::chain_missing_cert,
                     origin + " holds no ARK certificate (subject CN ARK-<Product>)"};
    TrustStore replacement;
    if (Status s = replacement.add(std::move(certs), origin); !s) return s;
    if (replacement.roots_.size() != 1)
        return Error{Reason::cert_malformed, origin + " mixes certificates of several products"};
    roots_[*product] = std::move(replacement.roots_.begin()->second);
    simulated_.insert(*product);
    return ok_status();
}

const ProductRoots* TrustStore::roots(Product product) const {
    auto it = roots_.find(product);
    if (it == roots_.end() || !it->second.ark) return nullptr;
    return &it->second;
}

std::vector<Product> TrustStore::products() const {
    std::vector<Product> out;
    for (const auto& [product, roots] : roots_)
        if (roots.ark) out.push_back(product);
    return out;
}

}  // namespace er::attest
