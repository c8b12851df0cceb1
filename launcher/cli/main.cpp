// enclave-run's command line (CLI11).  Every failure ends here as one line starting
// "enclave-run: " and exit status 125; the app's own status passes through otherwise.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "launcher/cli/check_command.hpp"
#include "launcher/cli/enclave_options.hpp"
#include "launcher/cli/platform_command.hpp"
#include "launcher/cli/run_options.hpp"
#include "launcher/cli/add_command.hpp"
#include "launcher/cli/list_command.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/escape.hpp"
#include "launcher/embedded/embedded_kernel.hpp"
#include "launcher/oci/oci_main.hpp"
#include "launcher/vm/vm_end.hpp"

namespace {

constexpr const char* kFooter =
    R"(Exit status: the app's own exit status; 128+N when the app was killed by signal N;
with several apps 0 when all exited 0, else the status of the first that did not;
124 when --timeout expired; 125 when enclave-run itself failed (bad usage, no KVM,
bad file, VM failure, unikernel panic).  See docs/launcher.md.)";

int fail(const std::string& line) {
    std::fprintf(stderr, "enclave-run: %s\n", line.c_str());
    return er::launcher::kExitLauncherError;
}

}  // namespace

int main(int argc, char** argv) {
    // enclave-run-oci, or `enclave-run oci`: runc's command line (docs/oci.md).
    if (int skip = 0; er::launcher::oci::oci_mode_selected(argc, argv, skip)) {
        return er::launcher::oci::oci_main(argc, argv, skip, er::launcher::embedded_kernel(),
                                           ER_VERSION);
    }
    er::launcher::RunOptions options;
    CLI::App cli{"Boots a static Linux x86-64 app inside a unikernel enclave on KVM.",
                 "enclave-run"};
    cli.set_version_flag("--version", "enclave-run " ER_VERSION, "Print the version and exit");
    cli.require_subcommand(1);
    cli.footer(kFooter);

    CLI::App* run = cli.add_subcommand(
        "run", "Boot the unikernel with one or more apps, each in its own domain, to their end");
    run->footer(
        "Apps: APP [ARGS...] [--- APP [ARGS...]]...  (everything after APP is its argv until "
        "---; APP -- ARGS also works), or -f enclave.json (docs/manifest.md).");
    er::launcher::add_enclave_options(*run, options);
    run->add_option("--timeout", options.timeout, "Stop the enclave after SECONDS (status 124)")
        ->type_name("SECONDS");
    run->add_option("--asid-budget", options.asid_budget,
                    "Confidential enclaves this host may run at once (default: "
                    "$ENCLAVE_RUN_ASID_BUDGET, else the CPU's ASIDs; sim: 16)")
        ->type_name("N");
    run->add_option("--output", options.output,
                    "Write each app's output to DIR/NAME.stdout and DIR/NAME.stderr")
        ->type_name("DIR");
    run->add_flag("--summary", options.summary,
                  "Print the per-app summary even for one app (always printed for several)");
    run->add_flag("--stats", options.stats,
                  "Print exit and hypercall counters to stderr at the end");
    run->add_flag("--attest", options.attest,
                  "Have the unikernel measure every domain and write the evidence bundle to "
                  "--evidence FILE (docs/attestation.md)");
    run->add_option("--nonce", options.nonce,
                    "The verifier's challenge for --attest: 8 to 64 bytes as hex (default: 32 "
                    "random bytes, printed)")
        ->type_name("HEX");
    run->add_option("--evidence", options.evidence, "Where --attest writes the evidence (CBOR)")
        ->type_name("FILE");
    run->add_option("--network", options.network,
                    "Where the apps' TCP/UDP sockets live: host (default: the launcher's network "
                    "namespace) or none (a new namespace with only loopback; docs/network.md); "
                    "a manifest app's own \"network\" wins")
        ->type_name("host|none");
    run->add_flag("--persistent", options.persistent,
                  "Keep the enclave when its apps end; take more with `enclave-run add`");
    run->add_option("--control", options.control,
                    "The Unix socket `enclave-run add` talks to (with --persistent)")
        ->type_name("SOCKET");
    er::launcher::AddOptions add_options;
    CLI::App* add = er::launcher::add_add_command(cli, add_options);
    er::launcher::ListOptions list_options;
    CLI::App* list = er::launcher::add_list_command(cli, list_options);

    er::launcher::CheckOptions check_options;
    CLI::App* check = er::launcher::add_check_command(cli, check_options);
    er::launcher::PlatformOptions platform_options;
    CLI::App* platform = er::launcher::add_platform_command(cli, platform_options);

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        // The message may quote an argument: escaped like every host string in an error line.
        return fail(er::launcher::escape_text(e.what()) + " (see enclave-run --help)");
    }

    try {
        if (check->parsed()) return er::launcher::check_command(check_options);
        if (platform->parsed()) return er::launcher::platform_command(platform_options);
        if (list->parsed()) return er::launcher::list_command(list_options);
        if (add->parsed()) {
            add_options.rest = add->remaining();
            return er::launcher::add_command(add_options);
        }
        options.rest = run->remaining();
        return er::launcher::run_command(options);
    } catch (const er::launcher::Error& e) {
        return fail(e.what());
    } catch (const std::bad_alloc&) {
        return fail("out of memory");
    } catch (const std::exception& e) {
        return fail("internal error: " + er::launcher::escape_text(e.what()));
    }
}
