// enclave-attest: the remote verifier's tool. See docs/attestation.md.
#include <iostream>

#include "cli.hpp"

int main(int argc, char** argv) {
    using namespace er::attest::cli;
    CLI::App app{"enclave-attest: verify AMD SEV-SNP attestation evidence from enclave-run"};
    app.require_subcommand(1);
    register_verify(app);
    register_show(app);
    register_certs(app);
    register_measure(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version end here too, with status 0 and CLI11's own output.
        if (e.get_exit_code() == 0) return app.exit(e);
        // A command line that cannot be used is a usage error, in the same one-line form as
        // every other unusable input (CLI11 would print a second "Run with --help" line).
        std::cerr << "enclave-attest: "
                  << er::attest::Error{er::attest::Reason::usage_error,
                                       std::string(e.what()) + " (see --help)"}
                         .message()
                  << "\n";
        return kExitInputError;
    } catch (const InputError& e) {
        std::cerr << "enclave-attest: " << e.error.message() << "\n";
        return kExitInputError;
    } catch (const ExitCode& e) {
        return e.code;
    }
    return 0;
}
