// Launch digests against the synthetic SNP chains of the SEV notes (§2.3.4), the published
// sev-snp-measure OVMF vectors (tests/data/sev/sev-snp-measure/README.txt) and virtee's
// LAUNCH_MEASURE vector.
#include "attestation/launch_digest.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "attestation/snp_vmsa.hpp"
#include "ovmf_walk.hpp"
#include "vectors.hpp"

namespace er::attest::testing {
namespace {

using Page = std::array<std::uint8_t, kLaunchPageSize>;

Page filled(std::uint8_t v) {
    Page p;
    p.fill(v);
    return p;
}

std::string hex(ByteView b) {
    return to_hex(b);
}

Bytes fixture(const std::string& name) {
    auto r = read_file(data_path("sev-snp-measure/" + name));
    if (!r) throw std::runtime_error(r.error().message());
    return *r;
}

void must(const Status& s) {
    ASSERT_TRUE(s.ok()) << s.error().message();
}

// ---- PAGE_INFO and the synthetic chains (notes §2.3.4, initial digest 0^48) ----

TEST(SnpLaunchDigest, PageInfoLayout) {
    Digest384 cur;
    cur.fill(0x11);
    Digest384 contents;
    contents.fill(0x22);
    SnpPageInfo info = snp_page_info(cur, contents, SnpPageType::cpuid, 0x0123456789ABC000);
    EXPECT_EQ(hex(ByteView(info.data(), 48)), std::string(96, '1'));
    EXPECT_EQ(hex(ByteView(info.data() + 0x30, 48)), std::string(96, '2'));
    EXPECT_EQ(hex(ByteView(info.data() + 0x60, 16)),
              "70000600000000"
              "0000c0ab89674523"
              "01");
}

TEST(SnpLaunchDigest, StartsAtZero) {
    EXPECT_EQ(SnpLaunchDigest().value(), Digest384{});
}

TEST(SnpLaunchDigest, SyntheticNormalZeroPageAtZero) {
    SnpLaunchDigest d;
    Page p = filled(0x00);
    must(d.add_page(0x0, SnpPageType::normal, p));
    EXPECT_EQ(hex(d.value()),
              "9d13634b6014bb21cf059b2dc694e7bff01a8a7137041100cd2b695f3d10fb68"
              "7267b97808b27f8f471d943bc6f53a20");
}

TEST(SnpLaunchDigest, SyntheticNormalAaPageBelow4G) {
    SnpLaunchDigest d;
    Page p = filled(0xAA);
    must(d.add_page(0xFFFFF000, SnpPageType::normal, p));
    EXPECT_EQ(hex(d.value()),
              "481875a48eb84dce72214f02cd1c58faf9895a8bab2818f3990ce7ba5333ab92"
              "9ae70181dd95d0fc4579f4c55954a8c1");
}

TEST(SnpLaunchDigest, SyntheticTwoZeroPages) {
    SnpLaunchDigest d;
    must(d.add_pages(0x800000, SnpPageType::zero, 2));
    EXPECT_EQ(hex(d.value()),
              "8424d289d7dbae4e9b4bd3f42bf03c87af63193d14eb01973b0cadbeb21fa149"
              "5bc89372a07a887c613ded2428024767");
}

TEST(SnpLaunchDigest, SyntheticUnmeasuredPage) {
    SnpLaunchDigest d;
    must(d.add_page(0x900000, SnpPageType::unmeasured));
    EXPECT_EQ(hex(d.value()),
              "e01d84de4e7c94c183f8f12f89b3bda95d326ea498ee74c582085a92f39253f0"
              "546bc2114b4b5b6a0f67f69d0d5bd964");
}

constexpr const char* kMixedChain =
    "842638ce74eb72ceebfb734ca6573333c4b5d96d3387467b1e6093f02d42699f"
    "fd4aca83dfc07a71da1db255af64fab7";

TEST(SnpLaunchDigest, SyntheticNormalSecretsCpuidVmsa) {
    SnpLaunchDigest d;
    Page aa = filled(0xAA);
    must(d.add_page(0xFFFFF000, SnpPageType::normal, aa));
    must(d.add_page(0x80D000, SnpPageType::secrets));
    must(d.add_page(0x80E000, SnpPageType::cpuid));
    d.add_vmsa(filled(0x00));
    EXPECT_EQ(hex(d.value()), kMixedChain);
}

// The same chain through add_page with contents: unmeasured types ignore their contents and a
// VMSA's own GPA is replaced by the fixed one, as the PSP does.
TEST(SnpLaunchDigest, UnmeasuredContentsAndVmsaGpaDoNotCount) {
    SnpLaunchDigest d;
    Page aa = filled(0xAA);
    must(d.add_range(0xFFFFF000, SnpPageType::normal, aa));
    must(d.add_page(0x80D000, SnpPageType::secrets, aa));
    must(d.add_page(0x80E000, SnpPageType::cpuid, aa));
    must(d.add_page(0x1000, SnpPageType::vmsa, filled(0x00)));
    EXPECT_EQ(hex(d.value()), kMixedChain);
}

TEST(SnpLaunchDigest, RangeEqualsPageByPage) {
    Bytes two(2 * kLaunchPageSize, 0x5A);
    two[kLaunchPageSize] = 0x01;
    SnpLaunchDigest range;
    must(range.add_range(0x200000, SnpPageType::normal, two));
    SnpLaunchDigest pages;
    must(pages.add_page(0x200000, SnpPageType::normal, PageView(two.data(), kLaunchPageSize)));
    must(pages.add_page(0x201000, SnpPageType::normal,
                        PageView(two.data() + kLaunchPageSize, kLaunchPageSize)));
    EXPECT_EQ(range.value(), pages.value());
}

TEST(SnpLaunchDigest, StartsFromAStoredDigest) {
    SnpLaunchDigest first;
    Page aa = filled(0xAA);
    must(first.add_page(0xFFFFF000, SnpPageType::normal, aa));
    SnpLaunchDigest resumed(first.value());
    must(resumed.add_page(0x80D000, SnpPageType::secrets));
    must(resumed.add_page(0x80E000, SnpPageType::cpuid));
    resumed.add_vmsa(filled(0x00));
    EXPECT_EQ(hex(resumed.value()), kMixedChain);
}

// ---- Every input that matters changes the digest ----

Digest384 two_pages(std::uint64_t gpa_a, SnpPageType type_a, const Page& a, std::uint64_t gpa_b,
                    SnpPageType type_b, const Page& b) {
    SnpLaunchDigest d;
    EXPECT_TRUE(d.add_page(gpa_a, type_a, a).ok());
    EXPECT_TRUE(d.add_page(gpa_b, type_b, b).ok());
    return d.value();
}

TEST(SnpLaunchDigest, EveryMeasuredInputChangesTheDigest) {
    const Page a = filled(0x01);
    const Page b = filled(0x02);
    const auto N = SnpPageType::normal;
    const Digest384 base = two_pages(0x1000, N, a, 0x2000, N, b);

    Page a2 = a;
    a2[4095] ^= 0x80;
    EXPECT_NE(two_pages(0x1000, N, a2, 0x2000, N, b), base) << "one byte";
    EXPECT_NE(two_pages(0x2000, N, b, 0x1000, N, a), base) << "order";
    EXPECT_NE(two_pages(0x1000, N, b, 0x2000, N, a), base) << "contents swapped between GPAs";
    EXPECT_NE(two_pages(0x3000, N, a, 0x2000, N, b), base) << "gpa";
    EXPECT_NE(two_pages(0x1000, N, a, 0x2000, SnpPageType::vmsa, b), base) << "type";
    EXPECT_NE(two_pages(0x1000, N, a, 0x2000, SnpPageType::zero, b), base) << "type";

    // Unmeasured types: contents do not count, but gpa and type do.
    const auto Z = SnpPageType::zero;
    EXPECT_EQ(two_pages(0x1000, N, a, 0x2000, Z, b), two_pages(0x1000, N, a, 0x2000, Z, a));
    EXPECT_NE(two_pages(0x1000, N, a, 0x2000, Z, b), two_pages(0x1000, N, a, 0x3000, Z, b));
    EXPECT_NE(two_pages(0x1000, N, a, 0x2000, Z, b),
              two_pages(0x1000, N, a, 0x2000, SnpPageType::unmeasured, b));
    EXPECT_NE(two_pages(0x1000, N, a, 0x2000, SnpPageType::secrets, b),
              two_pages(0x1000, N, a, 0x2000, SnpPageType::cpuid, b));
}

TEST(SnpLaunchDigest, RefusesBadPages) {
    SnpLaunchDigest d;
    Page p = filled(0);
    Status s = d.add_page(0x1234, SnpPageType::normal, p);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().reason, Reason::launch_page_invalid);
    EXPECT_NE(s.error().detail.find("0x1234"), std::string::npos) << s.error().detail;
    EXPECT_FALSE(d.add_page(0x1000, static_cast<SnpPageType>(7), p).ok());
    EXPECT_FALSE(d.add_page(0x1000, static_cast<SnpPageType>(0)).ok());
    EXPECT_FALSE(d.add_page(0x1000, SnpPageType::normal).ok()) << "normal page without contents";
    EXPECT_FALSE(d.add_page(0x1000, SnpPageType::vmsa).ok()) << "VMSA without contents";
    Bytes partial(kLaunchPageSize + 1, 0);
    EXPECT_FALSE(d.add_range(0x1000, SnpPageType::normal, partial).ok());
    EXPECT_EQ(d.value(), Digest384{}) << "a refused page must not be measured";
}

// ---- VMSA page ----

TEST(SnpVmsa, FieldsLandAtTheirOffsets) {
    VmsaState s;
    s.cs = {0xF000, 0x9B, 0xFFFF, 0xFFFF0000};
    s.tr = {0x28, 0x8B, 0x67, 0x1122334455667788};
    s.efer = 0x1D00;
    s.rip = 0xFFF0;
    s.rdx = 0x800F12;
    s.sev_features = 0x21;
    s.mxcsr = 0x1F80;
    s.x87_fcw = 0x37F;
    s.cpl = 3;
    VmsaPage p = build_vmsa(s);
    EXPECT_EQ(hex(ByteView(p.data() + 0x10, 16)), "00f09b00ffff00000000ffff00000000");
    EXPECT_EQ(hex(ByteView(p.data() + 0x90, 16)), "28008b00670000008877665544332211");
    EXPECT_EQ(p[0xCB], 3);
    EXPECT_EQ(load_le64(p.data() + 0xD0), 0x1D00u);
    EXPECT_EQ(load_le64(p.data() + 0x178), 0xFFF0u);
    EXPECT_EQ(load_le64(p.data() + 0x310), 0x800F12u);
    EXPECT_EQ(load_le64(p.data() + 0x3B0), 0x21u);
    EXPECT_EQ(load_le32(p.data() + 0x408), 0x1F80u);
    EXPECT_EQ(p[0x410], 0x7F);
    EXPECT_EQ(p[0x411], 0x03);
    int nonzero = 0;
    for (std::uint8_t b : p) nonzero += b != 0;
    // cs 6, tr 11, cpl 1, efer 1, rip 2, rdx 3, sev_features 1, mxcsr 2, fcw 2: nothing else.
    EXPECT_EQ(nonzero, 29);
}

// ---- Published sev-snp-measure OVMF vectors (EPYC-v4, QEMU VMM) ----

constexpr std::uint32_t kEpycV4Signature = 0x800F12;

// What sev-snp-measure measures for an OVMF guest without kernel hashes: the firmware as
// NORMAL pages, the metadata sections in table order, then one VMSA per vCPU.
std::string snp_ovmf_digest(const std::string& file, int vcpus, std::uint64_t features,
                            const Bytes& hashes_table = {}) {
    Bytes image = fixture(file);
    OvmfInfo ovmf = walk_ovmf(image);
    SnpLaunchDigest d;
    EXPECT_TRUE(d.add_range(ovmf.gpa, SnpPageType::normal, image).ok());
    for (const OvmfSection& s : ovmf.sections) {
        const std::size_t pages = s.size / kLaunchPageSize;
        switch (s.type) {
            case 0x10:  // KERNEL_HASHES: the table in a NORMAL page, or a zero page
                if (!hashes_table.empty()) {
                    Page page{};
                    const std::size_t off = ovmf.sev_hashes_table_gpa.value() % kLaunchPageSize;
                    std::copy(hashes_table.begin(), hashes_table.end(), page.begin() + off);
                    EXPECT_TRUE(d.add_page(s.gpa, SnpPageType::normal, page).ok());
                    break;
                }
                [[fallthrough]];
            case 1:  // SNP_SEC_MEM
            case 4:  // SVSM_CAA
                EXPECT_TRUE(d.add_pages(s.gpa, SnpPageType::zero, pages).ok());
                break;
            case 2:
                EXPECT_TRUE(d.add_page(s.gpa, SnpPageType::secrets).ok());
                break;
            case 3:
                EXPECT_TRUE(d.add_page(s.gpa, SnpPageType::cpuid).ok());
                break;
            default:
                ADD_FAILURE() << "unknown OVMF section type " << s.type;
        }
    }
    for (int cpu = 0; cpu < vcpus; ++cpu) {
        std::uint32_t eip = cpu == 0 ? 0xFFFFFFF0 : ovmf.sev_es_reset_eip.value();
        d.add_vmsa(build_vmsa(qemu_reset_vmsa_state(eip, kEpycV4Signature, features)));
    }
    return hex(d.value());
}

TEST(SnpOvmfVectors, FirmwareOnlyDigestOfAmdSevSuffix) {
    Bytes image = fixture("ovmf_AmdSev_suffix.bin");
    ASSERT_EQ(image.size(), kLaunchPageSize);
    SnpLaunchDigest d;
    must(d.add_range(0xFFFFF000, SnpPageType::normal, image));
    EXPECT_EQ(hex(d.value()),
              "086e2e9149ebf45abdc3445fba5b2da8270bdbb04094d7a2c37faaa4b24af3aa"
              "16aff8c374c2a55c467a50da6d466b74");
}

TEST(SnpOvmfVectors, AmdSevMetadataMatchesTheNotes) {
    OvmfInfo ovmf = walk_ovmf(fixture("ovmf_AmdSev_suffix.bin"));
    EXPECT_EQ(ovmf.gpa, 0xFFFFF000u);
    ASSERT_TRUE(ovmf.sev_es_reset_eip.has_value());
    EXPECT_EQ(*ovmf.sev_es_reset_eip, 0x80B004u);
    ASSERT_EQ(ovmf.sections.size(), 7u);
    EXPECT_EQ(ovmf.sections[3].gpa, 0x80E000u);
    EXPECT_EQ(ovmf.sections[3].type, 3u);
}

TEST(SnpOvmfVectors, AmdSevOneVcpuNoKernel) {
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 1, 0x21),
              "e1e1ca029dd7973ab9513295be68198472dcd4fc834bd9af9b63f6e8a1674dbf"
              "281a9278a4a2ebe0eed9f22adbcd0e2b");
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 1, 0x1),
              "19358ba9a7615534a9a1e2f0dfc29384dcd4dcb7062ff9c6013b26869a5fc6ec"
              "abe033c48dd6f6db5d6d76e7c5df632d");
}

TEST(SnpOvmfVectors, OvmfX64OneVcpuNoKernel) {
    EXPECT_EQ(snp_ovmf_digest("ovmf_OvmfX64_suffix.bin", 1, 0x21),
              "28797ae0afaba4005a81e629acebfb59e6687949d6be44007cd5506823b0dd66"
              "f146aaae26ff291eed7b493d8a64c385");
    EXPECT_EQ(snp_ovmf_digest("ovmf_OvmfX64_suffix.bin", 1, 0x1),
              "da0296de8193586a5512078dcd719eccecbd87e2b825ad4148c44f665dc87df2"
              "1e5b49e21523a9ad993afdb6a30b4005");
}

const Bytes kEmpty;

Bytes cmdline(const std::string& text) {
    Bytes b(text.begin(), text.end());
    b.push_back(0);  // QEMU hashes the command line with its trailing NUL
    return b;
}

TEST(SnpOvmfVectors, AmdSevHashesTableLocation) {
    OvmfInfo ovmf = walk_ovmf(fixture("ovmf_AmdSev_suffix.bin"));
    ASSERT_TRUE(ovmf.sev_hashes_table_gpa.has_value());
    EXPECT_EQ(*ovmf.sev_hashes_table_gpa, 0x810C00u);
    EXPECT_EQ(ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline("")).size(), 176u);
}

TEST(SnpOvmfVectors, AmdSevOneVcpuEmptyKernelWithCmdline) {
    Bytes table = ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline("console=ttyS0 loglevel=7"));
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 1, 0x21, table),
              "803f691094946e42068aaa3a8f9e26a5c89f36f7b73ecfb28c653360fe4b3aba"
              "7e534442e7e1e17895dfe778d0228977");
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 1, 0x1, table),
              "6d287813eb5222d770f75005c664e34c204f385ce832cc2ce7d0d6f354454362"
              "f390ef83a92046c042e706363b4b08fa");
}

// Four vCPUs: the three APs start at the firmware's SEV-ES reset EIP.
TEST(SnpOvmfVectors, AmdSevFourVcpusEmptyKernel) {
    Bytes table = ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline(""));
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 4, 0x21, table),
              "4953b1fb416fa874980e8442b3706d345926d5f38879134e00813c5d7abcbe78"
              "eafe7b422907be0b4698e2414a631942");
    EXPECT_EQ(snp_ovmf_digest("ovmf_AmdSev_suffix.bin", 4, 0x1, table),
              "5061fffb019493a903613d56d54b94912a1a2f9e4502385f5c194616753720a9"
              "2441310ba6c4933de877c36e23046ad5");
}

// ---- SEV / SEV-ES ----

// What sev-snp-measure measures for SEV and SEV-ES OVMF guests: the firmware, then the hashes
// table (if any) as further LAUNCH_UPDATE_DATA, then (ES) one VMSA per vCPU with no features.
std::string sev_ovmf_digest(int es_vcpus, const Bytes& hashes_table) {
    Bytes image = fixture("ovmf_AmdSev_suffix.bin");
    OvmfInfo ovmf = walk_ovmf(image);
    SevLaunchDigest d;
    d.add_data(image);
    d.add_data(hashes_table);
    for (int cpu = 0; cpu < es_vcpus; ++cpu) {
        std::uint32_t eip = cpu == 0 ? 0xFFFFFFF0 : ovmf.sev_es_reset_eip.value();
        d.add_vmsa(build_vmsa(qemu_reset_vmsa_state(eip, kEpycV4Signature, 0)));
    }
    return hex(d.value());
}

TEST(SevOvmfVectors, SevEmptyKernel) {
    EXPECT_EQ(sev_ovmf_digest(
                  0, ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline("console=ttyS0 loglevel=7"))),
              "82a3ee5d537c3620628270c292ae30cb40c3c878666a7890ee7ef2a08fb535ff");
    EXPECT_EQ(sev_ovmf_digest(0, ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline(""))),
              "77f613d7bbcdf12a73782ea9e88b0172aeda50d1a54201cb903594ff52846898");
}

TEST(SevOvmfVectors, SevEsEmptyKernel) {
    Bytes table = ovmf_sev_hashes_table(kEmpty, kEmpty, cmdline(""));
    EXPECT_EQ(sev_ovmf_digest(1, table),
              "13810ae661ea11e2bb205621f582fee268f0367c8f97bc297b7fadef3e12002c");
    EXPECT_EQ(sev_ovmf_digest(4, table),
              "0dccbcaba8e90b261bd0d2e1863a2f9da714768b7b2a19363cd6ae35aa90de91");
}

TEST(SevLaunchDigest, OvmfX64WithoutKernelIsTheImageHash) {
    Bytes image = fixture("ovmf_OvmfX64_suffix.bin");
    SevLaunchDigest d;
    d.add_data(image);
    EXPECT_EQ(hex(d.value()), "b4c021e085fb83ceffe6571a3d357b4a98773c83c474e47f76c876708fe316da");
}

TEST(SevLaunchDigest, ChunkingDoesNotMatterButOrderDoes) {
    Bytes image = fixture("ovmf_OvmfX64_suffix.bin");
    SevLaunchDigest whole;
    whole.add_data(image);
    SevLaunchDigest split;
    split.add_data(ByteView(image).first(1000));
    Digest256 partial = split.value();  // reading does not close the digest
    split.add_data(ByteView(image).subspan(1000));
    EXPECT_EQ(split.value(), whole.value());
    EXPECT_NE(partial, whole.value());

    SevLaunchDigest swapped;
    swapped.add_data(ByteView(image).subspan(2048));
    swapped.add_data(ByteView(image).first(2048));
    EXPECT_NE(swapped.value(), whole.value());
}

TEST(SevLaunchDigest, EsAppendsVmsasInVcpuOrder) {
    Page v0 = filled(0x10);
    Page v1 = filled(0x20);
    SevLaunchDigest es;
    es.add_data(ByteView(filled(0xAA)));
    es.add_vmsa(v0);
    es.add_vmsa(v1);
    const Page data = filled(0xAA);
    Bytes flat;
    for (const Page* p : std::array<const Page*, 3>{&data, &v0, &v1})
        flat.insert(flat.end(), p->begin(), p->end());
    Digest256 expect{};
    unsigned int len = 0;
    EVP_Digest(flat.data(), flat.size(), expect.data(), &len, EVP_sha256(), nullptr);
    EXPECT_EQ(es.value(), expect);
}

// virtee/sev session verify vector (notes §2.1), recomputed there bit-exact.
TEST(SevLaunchMeasure, VirteeVector) {
    Bytes tik = *from_hex("66320db73158a35a255d051758e95ed4");
    Digest256 ld = SevLaunchDigest().value();  // SHA-256 of nothing
    EXPECT_EQ(hex(ld), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    std::array<std::uint8_t, 16> mnonce{};
    Bytes n = *from_hex("4fbe0bedbad6c86ae8f68971d103e554");
    std::copy(n.begin(), n.end(), mnonce.begin());
    SevFirmwareVersion fw{0, 0x12, 0x0f};
    auto m = sev_launch_measure(tik, fw, 0, ld, mnonce);
    ASSERT_TRUE(m.ok()) << m.error().message();
    EXPECT_EQ(hex(*m), "6faab2daae389bcd3405a05d6cafe33c0414f7bedd0bae19ba5f38b7fd1664ea");

    // Each input is bound.
    EXPECT_NE(*sev_launch_measure(tik, fw, 1, ld, mnonce), *m) << "policy";
    EXPECT_NE(*sev_launch_measure(tik, {0, 0x12, 0x10}, 0, ld, mnonce), *m) << "build";
    Digest256 ld2 = ld;
    ld2[0] ^= 1;
    EXPECT_NE(*sev_launch_measure(tik, fw, 0, ld2, mnonce), *m) << "digest";
    mnonce[15] ^= 1;
    EXPECT_NE(*sev_launch_measure(tik, fw, 0, ld, mnonce), *m) << "mnonce";
    Bytes short_tik(15, 0);
    EXPECT_FALSE(sev_launch_measure(short_tik, fw, 0, ld, mnonce).ok());
}

}  // namespace
}  // namespace er::attest::testing
