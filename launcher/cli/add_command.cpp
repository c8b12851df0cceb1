#include "launcher/cli/add_command.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "launcher/common/error.hpp"
#include "launcher/common/escape.hpp"
#include "launcher/vm/control_server.hpp"
#include "launcher/vm/vm_end.hpp"

namespace er::launcher {

CLI::App* add_add_command(CLI::App& cli, AddOptions& options) {
    CLI::App* add = cli.add_subcommand(
        "add", "Add APP [ARGS...] as a new domain of a persistent enclave and wait for its end");
    add->add_option("--control", options.control, "The enclave's control socket")
        ->type_name("SOCKET")
        ->required();
    add->add_flag("--shutdown", options.shutdown,
                  "Instead: end the enclave once no domain is live");
    add->add_option("--kill", options.kill, "Instead: end the hot-added domain NAME (SIGKILL)")
        ->type_name("NAME");
    add->allow_extras();
    return add;
}

int add_command(const AddOptions& options) {
    std::vector<std::string> fields;
    if (!options.kill.empty()) {
        if (options.shutdown || !options.rest.empty()) throw Error("--kill takes no APP");
        fields = {"kill", options.kill};
    } else if (options.shutdown) {
        if (!options.rest.empty()) throw Error("--shutdown takes no APP");
        fields = {"shutdown"};
    } else {
        if (options.rest.empty()) throw Error("add needs APP [ARGS...]");
        fields = {"add"};
        for (const std::string& a : options.rest) fields.push_back(a);
        // The enclave host resolves the path: make it absolute here.
        fields[1] = std::filesystem::absolute(fields[1]).string();
    }
    std::string reply = control_request(options.control, fields);
    if (reply == "ok") return 0;
    if (reply.rfind("exit ", 0) == 0) {
        // "exit STATUS TEXT": the status is the domain's own (docs/launcher.md).
        int status = std::atoi(reply.c_str() + 5);
        std::string line = "enclave-run: " + escape_text(reply) + "\n";
        if (status != 0) (void)!::write(STDERR_FILENO, line.data(), line.size());
        return status;
    }
    throw Error("the enclave answered: " + escape_text(reply));
}

}  // namespace er::launcher
