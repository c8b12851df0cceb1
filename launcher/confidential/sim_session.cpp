#include "launcher/confidential/sim_session.hpp"

#include <cstdlib>

#include "launcher/common/error.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "sev/asid/state_dir.hpp"

namespace er::launcher {
namespace {

sev::sim::SimIdentity load_identity(const std::string& directory) {
    try {
        return sev::sim::SimIdentity::load_or_create(directory);
    } catch (const std::exception& e) {
        throw Error(std::string("software PSP (simulated, not hardware): ") + e.what());
    }
}

}  // namespace

std::string sim_psp_dir() {
    const char* configured = std::getenv(kSimDirEnv);
    if (configured != nullptr && *configured != '\0') return configured;
    return sev::asid::default_state_dir() + "/sim-psp";
}

SimSession::SimSession(const std::string& directory) : psp_(load_identity(directory)) {}

void SimSession::launch(GuestMemory& memory, const std::vector<PlannedRegion>& regions,
                        const sev::GuestPolicy& policy, uint64_t entry) {
    try {
        run_launch(psp_, memory, regions, policy, entry, ER_CC_SIM, sev::HostData{});
    } catch (const sev::LaunchError& e) {
        throw Error(std::string("software PSP launch: ") + e.what());
    }
}

uint64_t SimSession::guest_request(std::span<const uint8_t, 4096> request,
                                   std::span<uint8_t, 4096> response) {
    return psp_.handle_guest_request(request, response);
}

std::vector<std::vector<uint8_t>> SimSession::certs() const {
    const sev::sim::SimIdentity& id = psp_.identity();
    return {id.vcek_der(), id.ask_der(), id.ark_der()};
}

std::string SimSession::ark_path() const {
    return psp_.identity().ark_pem_path().string();
}

}  // namespace er::launcher
