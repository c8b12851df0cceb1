#include "launcher/net/enclave_networks.hpp"

#include <algorithm>
#include <map>

namespace er::launcher {
namespace {

// Namespace keys: "host", "none:NAME", and two no manifest value can spell (a ':' with a NAME
// that is not a domain name): the enclave's fresh namespace and an app's own.
const std::string kEnclaveNone = "none:*enclave";

std::shared_ptr<SocketFactory> start(const std::string& key) {
    return std::make_shared<SocketFactory>(key == "host" ? SocketFactory::in_current_netns()
                                                         : SocketFactory::in_new_netns());
}

}  // namespace

std::vector<pid_t> EnclaveNetworks::pids() const {
    std::vector<pid_t> out;
    auto add = [&out](const std::shared_ptr<SocketFactory>& f) {
        if (f && f->pid() > 0 && std::find(out.begin(), out.end(), f->pid()) == out.end())
            out.push_back(f->pid());
    };
    add(enclave);
    for (const auto& f : domains) add(f);
    return out;
}

EnclaveNetworks start_enclave_networks(bool enclave_none,
                                       const std::vector<std::optional<std::string>>& apps) {
    EnclaveNetworks nets;
    std::map<std::string, std::shared_ptr<SocketFactory>> by_key;
    const std::string enclave_key = enclave_none ? kEnclaveNone : "host";
    nets.enclave = start(enclave_key);
    by_key[enclave_key] = nets.enclave;
    for (size_t i = 0; i < apps.size(); ++i) {
        if (!apps[i]) {
            nets.domains.push_back(nullptr);
            continue;
        }
        std::string key = *apps[i] == "none" ? "none:*app" + std::to_string(i) : *apps[i];
        std::shared_ptr<SocketFactory>& factory = by_key[key];
        if (!factory) factory = start(key);
        nets.domains.push_back(factory);
    }
    return nets;
}

}  // namespace er::launcher
