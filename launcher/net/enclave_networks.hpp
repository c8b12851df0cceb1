// The socket factories of one `enclave-run run` (docs/network.md "Which factory"): the enclave's
// own (--network), and one more per distinct network namespace its apps ask for with a manifest's
// per-app "network", so two domains share loopback if and only if they share a namespace.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "launcher/net/socket_factory.hpp"

namespace er::launcher {

struct EnclaveNetworks {
    // --network's: for apps without a "network" of their own and for hot-added domains.
    std::shared_ptr<SocketFactory> enclave;
    // Per domain index: the factory of the app's own "network", or null (the enclave's).
    std::vector<std::shared_ptr<SocketFactory>> domains;
    // Every factory process started, each once (the run loop's filter lets it reap only these).
    std::vector<pid_t> pids() const;
};

// Starts the factories, forking each before any thread exists.  `enclave_none`: --network none
// (a fresh namespace), else the launcher's.  `apps[i]`: app i's "network" (valid_app_network), or
// nullopt for the enclave's.  Per namespace one factory: "host" is the launcher's namespace (the
// enclave's factory when --network host), "none" a fresh namespace for that app alone, "none:NAME"
// one fresh namespace for every app naming NAME (never the enclave's, even with --network none).
// Throws Error with one line when a namespace cannot be made.
EnclaveNetworks start_enclave_networks(bool enclave_none,
                                       const std::vector<std::optional<std::string>>& apps);

}  // namespace er::launcher
