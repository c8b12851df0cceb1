// `enclave-run-oci enclave-host --dir DIR --group G --ready-fd N [--capacity N] [--idle S]
// [--memory BYTES]`: internal, started by create through spawn_host (enclave_hosts.hpp), never by
// an engine.  It records itself in DIR/host.json, runs the shared enclave host (launcher/host/)
// listening on DIR/control.sock until its last member left and its idle time passed, and then
// removes DIR (and the enclaves folder when it was the last host).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "launcher/common/error.hpp"
#include "launcher/host/enclave_host.hpp"
#include "launcher/oci/commands.hpp"
#include "launcher/oci/container_state.hpp"
#include "launcher/oci/enclave_hosts.hpp"

namespace er::launcher::oci {
namespace {

std::string required(const ParsedFlags& flags, const char* name) {
    auto v = flags.value(name);
    if (!v || v->empty()) throw Error(std::string("enclave-host needs --") + name);
    return *v;
}

// Removes the host's folder unless another host owns it by now (a spawn that failed removes
// the folder itself, and the name may have been given to a new host since).
void remove_own_dir(const std::string& dir) {
    auto own = [&] {
        auto r = read_host_record(dir);
        return r && r->pid == ::getpid();
    };
    if (!own()) return;
    EnclavesLock lock = EnclavesLock::take(dir.substr(0, dir.rfind('/')));
    if (own()) remove_host_dir(dir);
}

}  // namespace

int enclave_host_command(const OciContext& ctx, const std::vector<std::string>& args) {
    ParsedFlags flags = parse_flags(args, {{"dir", true, nullptr},
                                           {"group", true, nullptr},
                                           {"ready-fd", true, nullptr},
                                           {"capacity", true, nullptr},
                                           {"idle", true, nullptr},
                                           {"memory", true, nullptr}});
    std::string dir = required(flags, "dir");
    if (dir[0] != '/' || dir.find('/', 1) == std::string::npos) {
        throw Error("enclave-host --dir must be an absolute folder: " + dir);
    }
    host::EnclaveHostConfig config;
    config.socket_path = dir + "/control.sock";
    config.group = required(flags, "group");
    int ready_fd = std::atoi(required(flags, "ready-fd").c_str());
    if (auto v = flags.value("capacity")) config.capacity = static_cast<uint32_t>(std::stoul(*v));
    if (auto v = flags.value("idle")) config.idle_seconds = std::stod(*v);
    if (auto v = flags.value("memory")) config.mem_size = std::stoull(*v);
    config.kernel = ctx.kernel;

    HostRecord record;
    record.pid = ::getpid();
    record.pid_start_time = process_start_time(record.pid).value_or(0);
    record.group = config.group;
    record.created = rfc3339_now();
    write_host_record(dir, record);
    int status = 0;
    try {
        status = host::run_enclave_host(config, ready_fd);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "enclave-run-oci: the enclave host for group %s: %s\n",
                     config.group.c_str(), e.what());
        status = 1;
    }
    try {
        remove_own_dir(dir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "enclave-run-oci: %s\n", e.what());
    }
    return status;
}

}  // namespace er::launcher::oci
