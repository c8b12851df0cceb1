// ARK -> ASK -> VCEK and ARK -> ASVK -> VLEK verification against pinned roots.
#pragma once

#include <ctime>
#include <optional>
#include <vector>

#include "attestation/certificate.hpp"
#include "attestation/trust_store.hpp"

namespace er::attest {

struct ChainOptions {
    std::optional<Product> product;  // hint; must agree with the VCEK's productName
    std::time_t at = 0;              // validity dates are checked at this time; 0 = now
};

struct VerifiedChain {
    Product product = Product::unknown;
    LeafKind kind = LeafKind::other;
    KdsExtensions extensions;
    X509Ptr leaf, intermediate, root;
    EvpPkeyPtr leaf_key;  // P-384, used for every report signature check
    // The root is not AMD's: given by `--trust-root`, or a certificate whose subject says
    // SIMULATED (the software PSP's, sev/sim/). Every verdict on this chain says so.
    bool simulated_root = false;
};

// `supplied` may hold the leaf, the intermediate and the ARK in any order; missing
// intermediates and the ARK come from the trust store. A supplied ARK must be the
// pinned one. Fails with the first broken link, named.
Expected<VerifiedChain> verify_chain(const TrustStore& store, const std::vector<X509Ptr>& supplied,
                                     const ChainOptions& options);

// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt, the only scheme AMD uses.
// Enforced regardless of what the certificate claims.
Status verify_amd_signature(X509* cert, X509* issuer, const char* role);

}  // namespace er::attest
