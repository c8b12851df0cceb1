// `enclave-run add --control SOCKET APP [ARGS...]`: stages APP as a new domain of a persistent
// enclave (`enclave-run run --persistent --control SOCKET`) and waits for its end; exits with the
// domain's status.  `--shutdown` instead asks the enclave to end once no domain is live.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace er::launcher {

struct AddOptions {
    std::string control;
    bool shutdown = false;
    std::string kill;               // --kill NAME
    std::vector<std::string> rest;  // APP and its arguments
};

CLI::App* add_add_command(CLI::App& cli, AddOptions& options);
int add_command(const AddOptions& options);

}  // namespace er::launcher
