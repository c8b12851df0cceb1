// Writes TEST DOUBLE evidence files for cli_test.sh: a throw-away root directory, and
// evidence bundles signed by the matching test VCEK (bound, tampered, plain-KVM).
// Usage: attestation_make_test_evidence OUT_DIR
#include <fstream>
#include <iostream>

#include "attestation/certificate.hpp"
#include "attestation/evidence.hpp"
#include "test_double_pki.hpp"

namespace {

using namespace er::attest;

void write(const std::filesystem::path& path, const Bytes& data) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
}

DomainEntry domain(const std::string& name, std::uint8_t seed, const std::string& isolation) {
    DomainEntry e{name, {}, {}, {}, isolation};
    e.image.fill(seed);
    e.filesystem.fill(static_cast<std::uint8_t>(seed + 1));
    e.arguments.fill(static_cast<std::uint8_t>(seed + 2));
    return e;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: attestation_make_test_evidence OUT_DIR\n";
        return 2;
    }
    const std::filesystem::path out = argv[1];
    std::filesystem::create_directories(out);
    testing::TestDoublePki pki;
    pki.write_files(out / "roots", out / "vcek.der");

    Evidence ev;
    ev.nonce = Bytes{0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 0x07, 0x18};
    ev.hardware_backed = true;
    ev.platform = "sev-snp";
    ev.log = {domain("web", 0x20, "mpk"), domain("db", 0x30, "page-table")};
    testing::ReportFields fields;
    fields.report_data = binding_report_data(ev.nonce, replay_log(ev.log));
    fields.measurement.fill(0x5A);
    ev.report = pki.make_report(fields);
    ev.certs = {certificate_der(pki.vcek()), certificate_der(pki.ask())};
    write(out / "evidence.cbor", encode_evidence(ev));
    write(out / "report.bin", *ev.report);

    Evidence tampered = ev;
    tampered.log[0].image[0] ^= 1;
    write(out / "evidence-tampered-log.cbor", encode_evidence(tampered));

    Evidence plain;
    plain.nonce = ev.nonce;
    plain.log = ev.log;
    write(out / "evidence-plain-kvm.cbor", encode_evidence(plain));
    std::cout << to_hex(ev.nonce) << "\n";
    return 0;
}
