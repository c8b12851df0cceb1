// The --attest bundle (launcher/attest/evidence_bundle.cpp): what the guest sent becomes the CBOR
// the verifier decodes, the file is replaced atomically (never a partial file under the final
// name, never through a symlink), and --nonce is checked before anything runs.
#include "launcher/attest/evidence_bundle.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

#include "launcher/common/error.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<er_evidence> guest_evidence() {
    auto ev = std::make_unique<er_evidence>();
    ev->count = 2;
    std::strcpy(ev->entries[0].name, "hello");
    ev->entries[0].isolation = ER_ISO_MPK;
    std::strcpy(ev->entries[1].name, "web");
    ev->entries[1].isolation = ER_ISO_PAGETABLE;
    for (size_t i = 0; i < ER_DIGEST384; ++i) {
        ev->entries[0].image[i] = static_cast<uint8_t>(i);
        ev->entries[0].filesystem[i] = static_cast<uint8_t>(2 * i);
        ev->entries[0].arguments[i] = static_cast<uint8_t>(3 * i);
        ev->entries[1].image[i] = static_cast<uint8_t>(0xFF - i);
    }
    return ev;
}

std::vector<uint8_t> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::vector<uint8_t> kNonce(16, 0x4E);

TEST(EvidenceBundle, PlainKvmIsNotHardwareBackedAndCarriesTheLog) {
    auto guest = guest_evidence();
    attest::Evidence ev = make_evidence(*guest, kNonce, {});
    auto decoded = attest::decode_evidence(attest::encode_evidence(ev));
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_FALSE(decoded->hardware_backed);
    EXPECT_EQ(decoded->platform, "none");
    EXPECT_FALSE(decoded->report);
    EXPECT_EQ(decoded->nonce, kNonce);
    ASSERT_EQ(decoded->log.size(), 2u);
    EXPECT_EQ(decoded->log[0].name, "hello");
    EXPECT_EQ(decoded->log[0].isolation, "mpk");
    EXPECT_EQ(decoded->log[0].image[5], 5);
    EXPECT_EQ(decoded->log[0].filesystem[5], 10);
    EXPECT_EQ(decoded->log[0].arguments[5], 15);
    EXPECT_EQ(decoded->log[1].name, "web");
    EXPECT_EQ(decoded->log[1].isolation, "page-table");
    EXPECT_EQ(decoded->log[1].image[0], 0xFF);
}

TEST(EvidenceBundle, AReportMakesItSevSnpWithTheCerts) {
    auto guest = guest_evidence();
    guest->report_size = ER_SNP_REPORT_SIZE;
    guest->report[0] = 2;
    guest->report[ER_SNP_REPORT_SIZE - 1] = 0x77;
    std::vector<std::vector<uint8_t>> certs{{0x30, 0x01, 0x00}, {0x30, 0x00}};
    attest::Evidence ev = make_evidence(*guest, kNonce, certs);
    EXPECT_TRUE(ev.hardware_backed);
    EXPECT_EQ(ev.platform, "sev-snp");
    ASSERT_TRUE(ev.report);
    ASSERT_EQ(ev.report->size(), ER_SNP_REPORT_SIZE);
    EXPECT_EQ((*ev.report)[0], 2);
    EXPECT_EQ(ev.report->back(), 0x77);
    EXPECT_EQ(ev.certs, certs);
    EXPECT_TRUE(attest::decode_evidence(attest::encode_evidence(ev)));
}

TEST(EvidenceBundle, WriterCommitsTheDecodableBundleAtOnce) {
    test::TempDir dir;
    std::string path = dir.path() + "/ev.cbor";
    dir.write_file("ev.cbor", {1, 2, 3});  // an older bundle is replaced
    EvidenceWriter writer(path, kNonce);
    EXPECT_FALSE(writer.written());
    EXPECT_EQ(read_all(path), (std::vector<uint8_t>{1, 2, 3}));  // untouched until the guest sends
    writer.take(*guest_evidence());
    EXPECT_TRUE(writer.written());
    EXPECT_EQ(writer.domains(), 2u);
    EXPECT_FALSE(writer.hardware_backed());
    EXPECT_EQ(writer.summary_line(), "evidence: " + path + " (2 domains, not hardware-backed)");
    auto decoded = attest::decode_evidence(read_all(path));
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->log.size(), 2u);
    EXPECT_EQ(decoded->nonce, kNonce);
    // Only the final file is left: no temporary beside it.
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file() ? 1 : 0;
    EXPECT_EQ(files, 1u);
    EXPECT_THROW(writer.take(*guest_evidence()), Error);
}

TEST(EvidenceBundle, AnUncommittedFileLeavesNothingBehind) {
    test::TempDir dir;
    {
        EvidenceFile file(dir.path() + "/ev.cbor");
        std::string prefix = ".ev.cbor.tmp." + std::to_string(::getpid()) + ".";
        size_t temps = 0;
        for (const auto& e : fs::directory_iterator(dir.path()))
            temps += e.path().filename().string().rfind(prefix, 0) == 0 ? 1 : 0;
        EXPECT_EQ(temps, 1u);
    }
    EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(EvidenceBundle, ASymlinkAtTheFinalNameIsReplacedNotFollowed) {
    test::TempDir dir;
    dir.write_file("victim", {9});
    fs::create_symlink(dir.path() + "/victim", dir.path() + "/ev.cbor");
    EvidenceFile file(dir.path() + "/ev.cbor");
    std::vector<uint8_t> bytes{0xA0};
    file.commit(bytes);
    EXPECT_FALSE(fs::is_symlink(dir.path() + "/ev.cbor"));
    EXPECT_EQ(read_all(dir.path() + "/ev.cbor"), bytes);
    EXPECT_EQ(read_all(dir.path() + "/victim"), (std::vector<uint8_t>{9}));
}

TEST(EvidenceBundle, RefusesWhatCannotBeTheFile) {
    test::TempDir dir;
    dir.make_dir("sub");
    EXPECT_THROW(EvidenceFile(dir.path() + "/sub"), Error);
    EXPECT_THROW(EvidenceFile(dir.path() + "/sub/"), Error);
    EXPECT_THROW(EvidenceFile(dir.path() + "/missing/ev.cbor"), Error);
    try {
        EvidenceWriter(dir.path() + "/ev.cbor", std::vector<uint8_t>(7));
        FAIL() << "a 7-byte nonce was taken";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "the nonce has 7 bytes; it must have 8 to 64");
    }
}

TEST(EvidenceBundle, NonceFromHex) {
    EXPECT_EQ(nonce_from_hex("00112233445566778899aAbBcCdDeEfF"),
              (std::vector<uint8_t>{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
                                    0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF}));
    EXPECT_EQ(nonce_from_hex(std::string(128, 'f')).size(), 64u);
    EXPECT_EQ(nonce_from_hex(std::string(16, '0')).size(), 8u);
    auto error = [](const std::string& text) {
        try {
            nonce_from_hex(text);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    EXPECT_EQ(error("00112233445566"), "--nonce has 7 bytes; it must have 8 to 64");
    EXPECT_EQ(error(std::string(130, 'a')), "--nonce has 65 bytes; it must have 8 to 64");
    EXPECT_EQ(error(""), "--nonce has 0 bytes; it must have 8 to 64");
    EXPECT_EQ(error("0011223344556677g8"), "--nonce is not hex (character 17)");
    EXPECT_EQ(error("0011223344556677 8"), "--nonce is not hex (character 17)");
    EXPECT_EQ(error("00112233445566778"),
              "--nonce has an odd number of hex digits; give 8 to 64 bytes as hex");
    EXPECT_EQ(random_nonce().size(), 32u);
    EXPECT_NE(random_nonce(), random_nonce());
}

}  // namespace
}  // namespace er::launcher
