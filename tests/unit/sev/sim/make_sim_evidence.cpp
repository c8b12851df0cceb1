// For sim_cli_test.sh: one guest launched on the software PSP (TEST DOUBLE, simulated, not
// hardware), its report fetched through a real encrypted MSG_REPORT_REQ, written out as the
// files `enclave-attest verify` reads.
// Usage: sev_sim_make_evidence IDENTITY_DIR OUT_DIR
#include <cstring>
#include <fstream>
#include <iostream>

#include "attestation/evidence.hpp"
#include "sev/sim/sim_platform.hpp"
#include "sev/sim/software_psp.hpp"
#include "sim_test_support.hpp"

namespace {

using namespace er::sev;
using namespace er::attest;

void write(const std::filesystem::path& path, const Bytes& data) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: sev_sim_make_evidence IDENTITY_DIR OUT_DIR\n";
        return 2;
    }
    const std::filesystem::path out = argv[2];
    std::filesystem::create_directories(out);
    sim::SoftwarePsp psp(sim::SimIdentity::load_or_create(argv[1]));
    psp.start(GuestPolicy{});
    std::vector<std::uint8_t> code(4096, 0x90), secrets(4096);
    psp.update({0x100000, PageType::normal, code});
    psp.update({0x80D000, PageType::secrets, secrets});
    std::vector<VmsaPage> vmsas(1);
    vmsas[0].fill(0x42);
    psp.finish(vmsas, HostData{});
    sim::testing::Key vmpck0{};
    std::memcpy(vmpck0.data(), &secrets[0x20], 32);

    Evidence ev;
    ev.nonce = Bytes(16, 0xAB);
    ev.hardware_backed = true;
    ev.platform = "sev-snp";
    ev.log = {DomainEntry{"web", {}, {}, {}, "mpk"}};
    ev.log[0].image.fill(1);
    sim::testing::RequestFields f;
    f.report_data = binding_report_data(ev.nonce, replay_log(ev.log));
    sim::testing::Page response{};
    if (psp.handle_guest_request(sim::testing::make_request(vmpck0, f), response) != 0) {
        std::cerr << "guest request failed\n";
        return 1;
    }
    auto opened = sim::testing::open_response(vmpck0, response);
    if (!opened) {
        std::cerr << "response does not authenticate\n";
        return 1;
    }
    ev.report = Bytes(opened->payload.begin() + sizeof(er_snp_report_rsp), opened->payload.end());
    const sim::SimIdentity& id = psp.identity();
    ev.certs = {id.vcek_der(), id.ask_der(), id.ark_der()};
    write(out / "report.bin", *ev.report);
    write(out / "vcek.der", id.vcek_der());
    write(out / "ask.der", id.ask_der());
    write(out / "evidence.cbor", encode_evidence(ev));
    write_text(out / "measurement.txt", to_hex(psp.measurement()));
    write_text(out / "nonce.txt", to_hex(ev.nonce));
    write_text(out / "ark_path.txt", id.ark_pem_path().string());
    return 0;
}
