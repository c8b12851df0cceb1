#include "launcher/cli/enclave_options.hpp"

namespace er::launcher {

void add_enclave_options(CLI::App& cmd, RunOptions& options) {
    // Everything from the first positional (APP) on is the apps' (split_app_args), never ours.
    cmd.prefix_command();
    cmd.add_option("-m,--memory", options.memory,
                   "Total guest memory: bytes with optional K, M or G suffix (16M to 3G; "
                   "default 64M)")
        ->type_name("SIZE");
    cmd.add_option("--kernel", options.kernel,
                   "Boot this unikernel ELF instead of the built-in one")
        ->type_name("PATH");
    cmd.add_option("-e,--env", options.env, "Set KEY=VALUE in every app's environment (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    cmd.add_option("--tick-ms", options.tick_ms,
                   "Guest scheduler tick in milliseconds (default 10; 0 disables the timer)")
        ->type_name("MS");
    cmd.add_option("--isolation", options.isolation,
                   "Isolate every app with auto, pagetable or mpk (protection keys; needs a "
                   "static PIE); overrides a manifest's per-app isolation")
        ->type_name("auto|pagetable|mpk");
    cmd.add_option("--confidential", options.confidential,
                   "Confidential mode: snp, es, sev (that or an error), auto (the strongest the "
                   "host offers, else plain KVM with a warning), off (default), sim (software "
                   "PSP, tests only); overrides a manifest's (docs/sev.md)")
        ->type_name("auto|snp|es|sev|off|sim");
    cmd.add_option("--guest-policy", options.guest_policy,
                   "SEV guest policy: a comma list of debug, nosmt, abi=MAJOR.MINOR (default: "
                   "debugging off, SMT allowed, any firmware ABI)")
        ->type_name("LIST");
    cmd.add_option("-f,--file", options.manifest, "Run the enclave described in this manifest")
        ->type_name("enclave.json");
    cmd.add_option("--root", options.root,
                   "Pack DIR as the app's read-only file tree (one app only)")
        ->type_name("DIR");
    cmd.add_option("--tmpfs", options.tmpfs,
                   "Give every app a private writable tmpfs at PATH, as docker's --tmpfs "
                   "(repeatable; options size=N[k|m|g], mode=OCTAL, usual mount flags)")
        ->type_name("PATH[:OPTIONS]")
        ->allow_extra_args(false);
}

}  // namespace er::launcher
