#include "ovmf_walk.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace er::attest::testing {
namespace {

using Guid = std::array<std::uint8_t, 16>;

// Text GUID -> the byte order OVMF stores (first three fields little-endian).
Guid guid(const char* text) {
    unsigned a, b, c, d[8];
    if (std::sscanf(text, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &a, &b, &c, &d[0], &d[1], &d[2],
                    &d[3], &d[4], &d[5], &d[6], &d[7]) != 11) {
        throw std::runtime_error(std::string("bad GUID ") + text);
    }
    Guid g{};
    for (int i = 0; i < 4; ++i) g[i] = static_cast<std::uint8_t>(a >> (8 * i));
    for (int i = 0; i < 2; ++i) g[4 + i] = static_cast<std::uint8_t>(b >> (8 * i));
    for (int i = 0; i < 2; ++i) g[6 + i] = static_cast<std::uint8_t>(c >> (8 * i));
    for (int i = 0; i < 8; ++i) g[8 + i] = static_cast<std::uint8_t>(d[i]);
    return g;
}

bool guid_at(const Bytes& image, std::size_t off, const Guid& g) {
    return std::equal(g.begin(), g.end(), image.begin() + static_cast<std::ptrdiff_t>(off));
}

std::uint16_t le16(const Bytes& image, std::size_t off) {
    return static_cast<std::uint16_t>(image[off] | (image[off + 1] << 8));
}

void put_guid_entry(Bytes& out, const char* text, ByteView data) {
    const Guid g = guid(text);
    out.insert(out.end(), g.begin(), g.end());
    const std::uint16_t len = 16 + 2 + 32;
    out.push_back(static_cast<std::uint8_t>(len));
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    std::array<std::uint8_t, 32> h{};
    unsigned int hlen = 0;
    EVP_Digest(data.data(), data.size(), h.data(), &hlen, EVP_sha256(), nullptr);
    out.insert(out.end(), h.begin(), h.end());
}

}  // namespace

Bytes ovmf_sev_hashes_table(ByteView kernel, ByteView initrd, ByteView cmdline_with_nul) {
    Bytes out;
    const Guid header = guid("9438d606-4f22-4cc9-b479-a793d411fd21");
    out.insert(out.end(), header.begin(), header.end());
    const std::uint16_t len = 16 + 2 + 3 * 50;
    out.push_back(static_cast<std::uint8_t>(len));
    out.push_back(static_cast<std::uint8_t>(len >> 8));
    put_guid_entry(out, "97d02dd8-bd20-4c94-aa78-e7714d36ab2a", cmdline_with_nul);
    put_guid_entry(out, "44baf731-3a2f-4bd7-9af1-41e29169781d", initrd);
    put_guid_entry(out, "4de79437-abd2-427f-b835-d5b172d2045b", kernel);
    out.resize((out.size() + 15) / 16 * 16, 0);
    return out;
}

OvmfInfo walk_ovmf(const Bytes& image) {
    const Guid footer = guid("96b582de-1fb2-45f7-baea-a366c55a082d");
    const Guid sev_metadata = guid("dc886566-984a-4798-a75e-5585a7bf67cc");
    const Guid sev_es_reset = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
    const Guid sev_hashes = guid("7255371f-3a3b-4b04-927b-1da6efa8d454");

    OvmfInfo info;
    const std::size_t n = image.size();
    info.gpa = (std::uint64_t{1} << 32) - n;
    // The GUIDed table ends 32 bytes before the image end; each entry is
    // data || u16 length (whole entry) || GUID, and the footer entry (last) covers the table.
    const std::size_t table_end = n - 32;
    if (n < 64 || !guid_at(image, table_end - 16, footer)) {
        throw std::runtime_error("OVMF footer GUID not found");
    }
    const std::size_t table_len = le16(image, table_end - 18);
    if (table_len < 18 || table_len > table_end) throw std::runtime_error("OVMF table length");
    const std::size_t table_start = table_end - table_len;
    for (std::size_t pos = table_end - 18; pos > table_start;) {
        if (pos < table_start + 18) throw std::runtime_error("OVMF table entry overruns");
        const std::size_t len = le16(image, pos - 18);
        if (len < 18 || len > pos - table_start) throw std::runtime_error("OVMF entry length");
        const std::size_t data = pos - len;
        if (guid_at(image, pos - 16, sev_hashes)) {
            info.sev_hashes_table_gpa = load_le32(&image[data]);
        } else if (guid_at(image, pos - 16, sev_es_reset)) {
            info.sev_es_reset_eip = load_le32(&image[data]);
        } else if (guid_at(image, pos - 16, sev_metadata)) {
            const std::size_t meta = n - load_le32(&image[data]);
            if (meta + 16 > n || load_le32(&image[meta]) != 0x56455341) {  // "ASEV"
                throw std::runtime_error("OVMF SEV metadata signature");
            }
            const std::uint32_t count = load_le32(&image[meta + 12]);
            if (meta + 16 + std::size_t{count} * 12 > n) throw std::runtime_error("metadata size");
            for (std::uint32_t i = 0; i < count; ++i) {
                const std::uint8_t* item = &image[meta + 16 + i * 12];
                info.sections.push_back(
                    {load_le32(item), load_le32(item + 4), load_le32(item + 8)});
            }
        }
        pos -= len;
    }
    return info;
}

VmsaState qemu_reset_vmsa_state(std::uint32_t eip, std::uint32_t cpu_signature,
                                std::uint64_t sev_features) {
    VmsaState s;
    const VmsaSegment data{0, 0x93, 0xFFFF, 0};
    s.es = s.ss = s.ds = s.fs = s.gs = data;
    s.cs = {0xF000, 0x9B, 0xFFFF, eip & 0xFFFF0000u};
    s.gdtr = {0, 0, 0xFFFF, 0};
    s.idtr = {0, 0, 0xFFFF, 0};
    s.ldtr = {0, 0x82, 0xFFFF, 0};
    s.tr = {0, 0x8B, 0xFFFF, 0};
    s.efer = 0x1000;  // EFER.SVME, set by KVM for SEV-ES/SNP vCPUs
    s.cr4 = 0x40;     // CR4.MCE
    s.cr0 = 0x10;     // CR0.ET
    s.dr7 = 0x400;
    s.dr6 = 0xFFFF0FF0;
    s.rflags = 0x2;
    s.rip = eip & 0xFFFF;
    s.g_pat = 0x0007040600070406;
    s.rdx = cpu_signature;
    s.sev_features = sev_features;
    s.xcr0 = 0x1;
    s.mxcsr = 0x1F80;
    s.x87_fcw = 0x37F;
    return s;
}

}  // namespace er::attest::testing
