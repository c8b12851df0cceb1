// `enclave-run list [--root DIR] [--json]`: the shared enclave hosts of an OCI runtime root
// (docs/oci.md, "Shared enclaves"): each host's pid, group, members and capacity, and each of its
// domains with its state, exit status and measurement-log digest.  A host whose process is gone
// is shown as dead and its folder is removed.  (`enclave-run-oci list` is runc's container list.)
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace er::launcher {

struct ListOptions {
    std::string root;  // empty: the OCI runtime's default root
    bool json = false;
};

CLI::App* add_list_command(CLI::App& cli, ListOptions& options);
int list_command(const ListOptions& options);

}  // namespace er::launcher
