// enclave-run's OCI runtime mode (docs/oci.md): entered when the binary runs as
// `enclave-run-oci` (argv[0]'s basename) or as `enclave-run oci ...`.  It speaks runc's command
// line so containerd's runc shim (and through it docker) drives it as it drives runc.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace er::launcher::oci {

// Whether argv selects the OCI mode; sets `skip` to how many leading argv entries are the
// mode's name (1 for argv[0] = enclave-run-oci, 2 for `enclave-run oci`).
bool oci_mode_selected(int argc, char** argv, int& skip);

// Runs the runc-compatible command line argv[skip..]; returns the exit status (0, or 1 after
// an error line, as runc).  `kernel` is the embedded unikernel.
int oci_main(int argc, char** argv, int skip, std::span<const uint8_t> kernel,
             const std::string& version);

}  // namespace er::launcher::oci
