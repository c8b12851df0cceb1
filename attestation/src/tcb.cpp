#include "attestation/tcb.hpp"

#include <algorithm>
#include <cctype>

namespace er::attest {

std::string_view product_name(Product product) {
    switch (product) {
        case Product::milan:
            return "Milan";
        case Product::genoa:
            return "Genoa";
        case Product::turin:
            return "Turin";
        case Product::unknown:
            break;
    }
    return "unknown";
}

std::optional<Product> product_from_name(std::string_view name) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "milan") return Product::milan;
    if (lower == "genoa") return Product::genoa;
    if (lower == "turin") return Product::turin;
    return std::nullopt;
}

std::optional<Product> product_from_kds_name(std::string_view kds_name) {
    return product_from_name(kds_name.substr(0, kds_name.find('-')));
}

std::optional<Product> product_from_cpuid(std::uint8_t family, std::uint8_t model) {
    // Bergamo and Siena (family 0x19, models 0xA0..0xAF) are certified on the Genoa KDS line.
    if (family == 0x19 && model <= 0x0F) return Product::milan;
    if (family == 0x19 && ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)))
        return Product::genoa;
    if (family == 0x1A && model <= 0x11) return Product::turin;
    return std::nullopt;
}

bool product_has_fmc(Product product) {
    return product == Product::turin;
}

TcbVersion decode_tcb(std::uint64_t raw, Product product) {
    auto byte = [raw](int i) { return static_cast<std::uint8_t>(raw >> (8 * i)); };
    TcbVersion tcb;
    if (product_has_fmc(product)) {
        tcb.fmc = byte(0);
        tcb.bootloader = byte(1);
        tcb.tee = byte(2);
        tcb.snp = byte(3);
    } else {
        tcb.bootloader = byte(0);
        tcb.tee = byte(1);
        tcb.snp = byte(6);
    }
    tcb.microcode = byte(7);
    return tcb;
}

std::uint64_t encode_tcb(const TcbVersion& tcb, Product product) {
    auto at = [](std::uint8_t v, int i) { return std::uint64_t{v} << (8 * i); };
    std::uint64_t raw = at(tcb.microcode, 7);
    if (product_has_fmc(product)) {
        raw |= at(tcb.fmc, 0) | at(tcb.bootloader, 1) | at(tcb.tee, 2) | at(tcb.snp, 3);
    } else {
        raw |= at(tcb.bootloader, 0) | at(tcb.tee, 1) | at(tcb.snp, 6);
    }
    return raw;
}

std::string tcb_to_string(const TcbVersion& tcb, Product product) {
    std::string out;
    if (product_has_fmc(product)) out += "fmc=" + std::to_string(tcb.fmc) + " ";
    out += "bl=" + std::to_string(tcb.bootloader) + " tee=" + std::to_string(tcb.tee) +
           " snp=" + std::to_string(tcb.snp) + " ucode=" + std::to_string(tcb.microcode);
    return out;
}

}  // namespace er::attest
