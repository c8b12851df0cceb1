// AMD product lines and the TCB_VERSION encoding, whose byte layout depends on the product.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace er::attest {

enum class Product { unknown, milan, genoa, turin };

std::string_view product_name(Product product);  // "Milan", "Genoa", "Turin", "unknown"
// Case-insensitive "milan" / "genoa" / "turin".
std::optional<Product> product_from_name(std::string_view name);
// The KDS productName extension: "Milan-B0", "Genoa", "Turin", "Milan" (VLEK): the part
// before a '-' stepping suffix names the line.
std::optional<Product> product_from_kds_name(std::string_view kds_name);
// From the v3+ report CPUID fields; nullopt when the family/model is not a known KDS line.
std::optional<Product> product_from_cpuid(std::uint8_t family, std::uint8_t model);

// Security patch levels of one TCB. fmc exists only on Turin and later.
struct TcbVersion {
    std::uint8_t fmc = 0;
    std::uint8_t bootloader = 0;
    std::uint8_t tee = 0;
    std::uint8_t snp = 0;
    std::uint8_t microcode = 0;

    bool operator==(const TcbVersion&) const = default;
};

// Milan/Genoa: byte0 BL, byte1 TEE, bytes2-5 reserved, byte6 SNP, byte7 UCODE.
// Turin: byte0 FMC, byte1 BL, byte2 TEE, byte3 SNP, bytes4-6 reserved, byte7 UCODE.
TcbVersion decode_tcb(std::uint64_t raw, Product product);
std::uint64_t encode_tcb(const TcbVersion& tcb, Product product);

bool product_has_fmc(Product product);
std::string tcb_to_string(const TcbVersion& tcb, Product product);

}  // namespace er::attest
