// Pinned AMD roots per product: the ARK, and the ASK (VCEK line) and ASVK (VLEK line)
// intermediates. Built in from attestation/roots/*.pem at build time; a directory of
// PEM/DER files can replace them (tests, or a newer AMD product line).
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "attestation/openssl_ptr.hpp"
#include "attestation/result.hpp"
#include "attestation/tcb.hpp"

namespace er::attest {

struct ProductRoots {
    X509Ptr ark;   // CN "ARK-<Product>"
    X509Ptr ask;   // CN "SEV-<Product>", signs VCEKs
    X509Ptr asvk;  // CN "SEV-VLEK-<Product>", signs VLEKs
};

class TrustStore {
  public:
    // The genuine AMD roots compiled into the binary.
    static Expected<TrustStore> builtin();
    // Every regular file in `dir` (PEM bundles or DER), classified by subject CN.
    static Expected<TrustStore> from_directory(const std::filesystem::path& dir);

    // Classifies each certificate by its subject CN; refuses names it does not know.
    Status add(std::vector<X509Ptr> certs, const std::string& origin);

    // `verify --trust-root`: trusts `certs` (one ARK-<Product>, optionally its ASK/ASVK) in
    // place of that product's roots, e.g. the software PSP's generated ARK (sev/sim/). Every
    // chain that ends there is marked simulated. The product's previous intermediates go with
    // the replaced ARK.
    Status trust_simulated_root(std::vector<X509Ptr> certs, const std::string& origin);
    // True when `product`'s ARK came from trust_simulated_root().
    bool simulated(Product product) const { return simulated_.count(product) != 0; }

    const ProductRoots* roots(Product product) const;
    std::vector<Product> products() const;

  private:
    std::map<Product, ProductRoots> roots_;
    std::set<Product> simulated_;
};

}  // namespace er::attest
