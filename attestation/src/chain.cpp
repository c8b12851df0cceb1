#include "attestation/chain.hpp"

#include <openssl/core_names.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace er::attest {

namespace {

// Length of the DER TLV header at `p` and the content length; nullopt when out of bounds.
struct Header {
    std::size_t header_len, content_len;
};

std::optional<Header> der_header(const std::uint8_t* p, std::size_t avail) {
    if (avail < 2) return std::nullopt;
    std::size_t len = p[1];
    std::size_t hdr = 2;
    if (len & 0x80) {
        std::size_t n = len & 0x7F;
        if (n == 0 || n > 4 || avail < 2 + n) return std::nullopt;
        len = 0;
        for (std::size_t i = 0; i < n; ++i) len = len << 8 | p[2 + i];
        hdr += n;
    }
    if (len > avail - hdr) return std::nullopt;
    return Header{hdr, len};
}

// The exact signed bytes: the first element (TBSCertificate) of the certificate SEQUENCE,
// taken from the original DER rather than a re-encoding.
std::optional<Bytes> tbs_bytes(X509* cert) {
    Bytes der = certificate_der(cert);
    auto outer = der_header(der.data(), der.size());
    if (!outer || der[0] != 0x30) return std::nullopt;
    const std::uint8_t* tbs = der.data() + outer->header_len;
    auto inner = der_header(tbs, outer->content_len);
    if (!inner || tbs[0] != 0x30) return std::nullopt;
    return Bytes(tbs, tbs + inner->header_len + inner->content_len);
}

std::string name_line(const X509_NAME* name) {
    char buf[256];
    X509_NAME_oneline(name, buf, sizeof buf);
    return buf;
}

// Appended in order rather than `"'" + subject_cn(cert) + "'"`: that prepends into the
// temporary (string::insert at 0), where GCC 12 at -O3 reports a false -Wrestrict overlap.
std::string who(X509* cert) {
    std::string quoted = "'";
    quoted += subject_cn(cert);
    quoted += '\'';
    return quoted;
}

// The message names the window and the time it was checked at, so a wrong clock or `--at`
// is visible at once.
Status check_validity(X509* cert, std::time_t at, const char* role) {
    std::time_t t = at;
    const bool early = X509_cmp_time(X509_get0_notBefore(cert), &t) > 0;
    const bool late = !early && X509_cmp_time(X509_get0_notAfter(cert), &t) < 0;
    if (!early && !late) return ok_status();
    std::string detail = role;
    detail += ' ';
    detail += who(cert);
    detail += early ? " is not yet valid" : " has expired";
    // Appended piece by piece: `"literal" + std::string` prepends, where GCC 12 reports a
    // false -Wrestrict overlap (see who()).
    detail += ": valid from ";
    detail += not_before_text(cert);
    detail += " to ";
    detail += not_after_text(cert);
    detail += ", checked at ";
    detail += utc_time_text(at);
    return Error{early ? Reason::chain_not_yet_valid : Reason::chain_expired, std::move(detail)};
}

Status check_issued_by(X509* cert, X509* issuer, const char* role) {
    if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(issuer)) != 0) {
        // Full names: a look-alike (same CN, other organisation) must be told apart.
        return Error{Reason::chain_issuer_mismatch,
                     std::string(role) + " " + who(cert) + " is issued by '" +
                         name_line(X509_get_issuer_name(cert)) + "', not by '" +
                         name_line(X509_get_subject_name(issuer)) + "'"};
    }
    return verify_amd_signature(cert, issuer, role);
}

Status check_ca(X509* cert, const char* role) {
    if (X509_check_ca(cert) == 0) {
        return Error{Reason::chain_not_ca,
                     std::string(role) + " " + who(cert) + " is not a CA certificate"};
    }
    return ok_status();
}

X509* find_supplied(const std::vector<X509Ptr>& supplied, auto&& predicate) {
    for (const X509Ptr& c : supplied)
        if (predicate(c.get())) return c.get();
    return nullptr;
}

bool starts_with(const std::string& s, std::string_view prefix) {
    return s.rfind(prefix, 0) == 0;
}

// A root that calls itself SIMULATED (the software PSP's) is marked so even when it was
// pinned some other way (--roots-dir), so no verdict on it can pass for AMD's.
bool says_simulated(X509* cert) {
    return name_line(X509_get_subject_name(cert)).find("SIMULATED") != std::string::npos;
}

}  // namespace

Status verify_amd_signature(X509* cert, X509* issuer, const char* role) {
    if (X509_get_signature_nid(cert) != NID_rsassaPss) {
        return Error{Reason::chain_algorithm,
                     std::string(role) + " " + who(cert) + " is not signed with RSASSA-PSS"};
    }
    auto tbs = tbs_bytes(cert);
    const ASN1_BIT_STRING* sig = nullptr;
    X509_get0_signature(&sig, nullptr, cert);
    if (!tbs || sig == nullptr) {
        return Error{Reason::cert_malformed,
                     std::string(role) + " " + who(cert) + " has no readable signed part"};
    }
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
    if (issuer_key == nullptr || EVP_PKEY_get_base_id(issuer_key) != EVP_PKEY_RSA) {
        return Error{Reason::chain_algorithm,
                     std::string("issuer of ") + role + " " + who(issuer) + " has no RSA key"};
    }
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
    bool ok = ctx &&
              EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha384(), nullptr, issuer_key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha384()) == 1 &&
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 48) == 1;
    if (!ok)
        return Error{Reason::chain_algorithm, std::string("cannot set up RSA-PSS for ") + role +
                                                  ": " + openssl_last_error()};
    int rc = EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(sig),
                              static_cast<std::size_t>(ASN1_STRING_length(sig)), tbs->data(),
                              tbs->size());
    if (rc != 1) {
        openssl_last_error();  // drop the queue entry; the reason below is what matters
        return Error{Reason::chain_signature, std::string(role) + " " + who(cert) +
                                                  " signature does not verify with the key of " +
                                                  who(issuer) + " (RSA-PSS SHA-384, salt 48)"};
    }
    return ok_status();
}

Expected<VerifiedChain> verify_chain(const TrustStore& store, const std::vector<X509Ptr>& supplied,
                                     const ChainOptions& options) {
    VerifiedChain chain;
    const std::time_t at = options.at != 0 ? options.at : std::time(nullptr);
    X509* leaf = find_supplied(supplied, [](X509* c) { return leaf_kind(c) != LeafKind::other; });
    if (leaf == nullptr) {
        return Error{Reason::chain_missing_cert,
                     "no VCEK or VLEK certificate (subject CN SEV-VCEK / SEV-VLEK) supplied"};
    }
    chain.kind = leaf_kind(leaf);
    const char* leaf_role = chain.kind == LeafKind::vcek ? "VCEK" : "VLEK";
    auto ext = read_kds_extensions(leaf);
    if (!ext) return ext.error();
    chain.extensions = std::move(*ext);

    // The product decides the pinned roots and the TCB layout.
    std::optional<Product> from_cert;
    if (chain.extensions.product_name)
        from_cert = product_from_kds_name(*chain.extensions.product_name);
    if (options.product && from_cert && *options.product != *from_cert) {
        return Error{Reason::product_mismatch, std::string("expected product ") +
                                                   std::string(product_name(*options.product)) +
                                                   " but the " + leaf_role + " is for '" +
                                                   *chain.extensions.product_name + "'"};
    }
    auto product = options.product ? options.product : from_cert;
    if (!product) {
        return Error{Reason::product_unknown,
                     std::string("the ") + leaf_role +
                         " names no known product; pass the product (Milan, Genoa, Turin)"};
    }
    chain.product = *product;
    const ProductRoots* pinned = store.roots(chain.product);
    if (pinned == nullptr) {
        return Error{Reason::chain_untrusted_root,
                     "no trusted ARK for product " + std::string(product_name(chain.product))};
    }

    X509* root = pinned->ark.get();
    if (X509* given =
            find_supplied(supplied, [](X509* c) { return starts_with(subject_cn(c), "ARK-"); })) {
        if (X509_cmp(given, root) != 0) {
            std::string detail = "supplied ARK " + who(given) + " is not the pinned " + who(root) +
                                 " for " + std::string(product_name(chain.product));
            if (says_simulated(given))
                detail += " (the supplied one is SIMULATED: trusted only with --trust-root)";
            return Error{Reason::chain_untrusted_root, std::move(detail)};
        }
    }
    // Prefer the intermediate of the leaf's kind (bundles may carry both ASK and ASVK);
    // a supplied intermediate of the other kind is still used, so the mismatch is reported.
    const bool want_vlek = chain.kind == LeafKind::vlek;
    auto is_intermediate = [](X509* c) {
        return starts_with(subject_cn(c), "SEV-") && leaf_kind(c) == LeafKind::other;
    };
    X509* intermediate = find_supplied(supplied, [&](X509* c) {
        return is_intermediate(c) && starts_with(subject_cn(c), "SEV-VLEK-") == want_vlek;
    });
    if (intermediate == nullptr) intermediate = find_supplied(supplied, is_intermediate);
    const char* inter_role = chain.kind == LeafKind::vcek ? "ASK" : "ASVK";
    if (intermediate == nullptr) {
        intermediate = chain.kind == LeafKind::vcek ? pinned->ask.get() : pinned->asvk.get();
        if (intermediate == nullptr) {
            return Error{Reason::chain_missing_cert, std::string("no ") + inter_role +
                                                         " supplied or pinned for " +
                                                         std::string(product_name(chain.product))};
        }
    }

    // In the documented check order: every link's issuer, signature and CA flag (root first,
    // so a broken root is reported as such, then downwards), then every validity window. A
    // forged certificate is named chain_signature even when its dates are also wrong.
    if (Status s = check_issued_by(root, root, "ARK"); !s) return s.error();
    if (Status s = check_ca(root, "ARK"); !s) return s.error();
    if (Status s = check_issued_by(intermediate, root, inter_role); !s) return s.error();
    if (Status s = check_ca(intermediate, inter_role); !s) return s.error();
    if (Status s = check_issued_by(leaf, intermediate, leaf_role); !s) return s.error();
    if (Status s = check_validity(root, at, "ARK"); !s) return s.error();
    if (Status s = check_validity(intermediate, at, inter_role); !s) return s.error();
    if (Status s = check_validity(leaf, at, leaf_role); !s) return s.error();

    EVP_PKEY* key = X509_get0_pubkey(leaf);
    char group[32] = {};
    std::size_t group_len = 0;
    if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &group_len) != 1 ||
        std::string_view(group) != "secp384r1") {
        return Error{Reason::chain_leaf_key, std::string(leaf_role) + " key is not ECDSA P-384"};
    }
    // VCEKs identify the chip; VLEKs identify the cloud provider instead.
    if (chain.kind == LeafKind::vcek && !chain.extensions.hwid) {
        return Error{Reason::cert_extension, "VCEK has no hwID extension (1.3.6.1.4.1.3704.1.4)"};
    }
    if (chain.kind == LeafKind::vlek && (chain.extensions.hwid || !chain.extensions.csp_id)) {
        return Error{Reason::cert_extension,
                     "VLEK must carry csp_id (1.3.6.1.4.1.3704.1.5) and no hwID"};
    }
    chain.simulated_root = store.simulated(chain.product) || says_simulated(root);
    chain.leaf = clone_certificate(leaf);
    chain.intermediate = clone_certificate(intermediate);
    chain.root = clone_certificate(root);
    EVP_PKEY_up_ref(key);
    chain.leaf_key.reset(key);
    return chain;
}

}  // namespace er::attest
