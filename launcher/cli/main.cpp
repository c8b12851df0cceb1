// enclave-run's command line (CLI11).  Every failure ends here as one line starting
// "enclave-run: " and exit status 125; the app's own status passes through otherwise.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/vm/vm_end.hpp"

namespace {

constexpr const char* kFooter =
    R"(Exit status: the app's own exit status; 128+N when the app was killed by signal N;
124 when --timeout expired; 125 when enclave-run itself failed (bad usage, no KVM,
bad file, VM failure, unikernel panic).  See docs/launcher.md.)";

int fail(const std::string& line) {
    std::fprintf(stderr, "enclave-run: %s\n", line.c_str());
    return er::launcher::kExitLauncherError;
}

}  // namespace

int main(int argc, char** argv) {
    er::launcher::RunOptions options;
    CLI::App cli{"Boots a static Linux x86-64 app inside a unikernel enclave on KVM.",
                 "enclave-run"};
    cli.set_version_flag("--version", "enclave-run " ER_VERSION, "Print the version and exit");
    cli.require_subcommand(1);
    cli.footer(kFooter);

    CLI::App* run = cli.add_subcommand("run", "Boot the unikernel with APP and run it to its end");
    run->add_option("-m,--memory", options.memory,
                    "Guest memory: bytes with optional K, M or G suffix (16M to 3G)")
        ->capture_default_str();
    run->add_option("--timeout", options.timeout, "Stop the app after SECONDS (exit status 124)")
        ->type_name("SECONDS");
    run->add_option("--kernel", options.kernel,
                    "Boot this unikernel ELF instead of the built-in one")
        ->type_name("PATH");
    run->add_option("-e,--env", options.env, "Set KEY=VALUE in the app's environment (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);
    run->add_flag("--stats", options.stats,
                  "Print exit and hypercall counters to stderr at the end");
    run->add_option("APP", options.app, "Static x86-64 Linux ELF to run")->required();
    run->add_option("ARGS", options.args, "Arguments for APP (put them after --)");

    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(std::string(e.what()) + " (see enclave-run --help)");
    }

    try {
        return er::launcher::run_command(options);
    } catch (const er::launcher::Error& e) {
        return fail(e.what());
    } catch (const std::bad_alloc&) {
        return fail("out of memory");
    } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
    }
}
