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
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? 0 : kExitInputError;
    } catch (const InputError& e) {
        std::cerr << "enclave-attest: " << e.error.message() << "\n";
        return kExitInputError;
    } catch (const ExitCode& e) {
        return e.code;
    }
    return 0;
}
