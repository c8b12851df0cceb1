#include "launcher/enclave/enclave_setup.hpp"

#include "launcher/cli/app_args.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/enclave/enclave_spec.hpp"
#include "launcher/enclave/isolation.hpp"
#include "launcher/fs/er_fs_pack.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/layout.hpp"
#include "launcher/vm/memory_limits.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

// A kernel file may carry debug info far beyond its loaded size; this only stops absurd reads.
constexpr uint64_t kMaxKernelFile = 256ull << 20;

// The enclave from the command line alone: APP [ARGS...] [--- APP [ARGS...]]...
std::vector<AppSpec> apps_from_command_line(const RunOptions& options) {
    std::vector<AppArgs> split = split_app_args(options.rest);
    if (split.size() > ER_MAX_DOMAINS) {
        throw Error("too many apps: " + std::to_string(split.size()) +
                    " (an enclave holds at most " + std::to_string(ER_MAX_DOMAINS) + ")");
    }
    if (options.root && split.size() > 1) {
        throw Error(
            "--root gives one app its tree; with several apps use a manifest (-f) and "
            "give each app its \"root\"");
    }
    std::vector<AppSpec> apps;
    for (AppArgs& a : split) {
        AppSpec spec;
        spec.path = a.app;
        spec.argv0 = a.app;
        spec.args = std::move(a.args);
        spec.env = options.env;
        spec.root = options.root;
        apps.push_back(std::move(spec));
    }
    assign_domain_names(apps);
    return apps;
}

}  // namespace

// Global settings: a command-line flag wins over the manifest, the manifest over the default.
EnclavePlan make_plan(const RunOptions& options) {
    EnclavePlan plan;
    std::optional<Manifest> manifest;
    if (options.manifest) {
        if (!options.rest.empty()) {
            throw Error("-f " + *options.manifest +
                        " describes the apps; give no APP on the command line as well");
        }
        if (options.root) {
            throw Error(
                "--root is for one app on the command line; in a manifest give each app "
                "its \"root\"");
        }
        manifest = read_manifest(*options.manifest);
    }
    if (options.memory) {
        plan.mem_size = memory_size_from(*options.memory);
    } else if (manifest && manifest->memory) {
        plan.mem_size = *manifest->memory;
    } else {
        plan.mem_size = memory_size_from(kDefaultMemory);
    }
    if (options.timeout) {
        plan.timeout_s = timeout_from(*options.timeout);
        plan.timeout_text = *options.timeout;
    } else if (manifest && manifest->timeout_s) {
        plan.timeout_s = manifest->timeout_s;
        plan.timeout_text = *manifest->timeout_text;
    }
    if (options.tick_ms) {
        plan.tick_ms = tick_ms_from(*options.tick_ms);
    } else if (manifest && manifest->tick_ms) {
        plan.tick_ms = *manifest->tick_ms;
    }
    if (options.confidential) {
        plan.confidential = options.confidential;
    } else if (manifest && manifest->confidential) {
        plan.confidential = manifest->confidential;
    }
    std::optional<uint32_t> isolation;
    if (options.isolation) isolation = isolation_from(*options.isolation);
    for (const std::string& kv : options.env) check_env_entry(kv);
    if (manifest) {
        plan.apps = std::move(manifest->apps);
        for (AppSpec& app : plan.apps) merge_env(app.env, options.env);
    } else {
        plan.apps = apps_from_command_line(options);
    }
    // Like the globals above, the flag wins over each app's own (manifest) isolation.
    if (isolation) {
        for (AppSpec& app : plan.apps) app.isolation = *isolation;
    }
    // --tmpfs, like --env, gives every app its own (docs/launcher.md).
    for (const std::string& spec : options.tmpfs) {
        TmpfsMount m = parse_tmpfs_flag(spec);
        for (AppSpec& app : plan.apps) app.tmpfs.push_back(m);
    }
    for (const AppSpec& app : plan.apps) check_tmpfs_mounts(app.tmpfs);
    return plan;
}

DomainLayout load_enclave_domains(const EnclavePlan& plan, std::unique_ptr<GuestRam>& ram) {
    DomainLayout domains;
    for (const AppSpec& spec : plan.apps) {
        DomainImage d;
        d.name = spec.name;
        d.app = open_app(spec.path, plan.mem_size);
        d.mem_limit = spec.mem_limit;
        d.isolation = spec.isolation;
        domains.domains.push_back(std::move(d));
    }
    for (size_t i = 0; i < plan.apps.size(); ++i) {
        const AppSpec& spec = plan.apps[i];
        if (!spec.root && spec.tmpfs.empty()) continue;
        ErFsLimits limits;
        limits.max_image = layout::kBootMappedBytes;
        // Without a root, a tree of just the mount points (er_fs_pack.hpp).
        domains.domains[i].fs = std::make_shared<const ErFsImage>(
            spec.root ? plan_er_fs(*spec.root, limits, spec.tmpfs, spec.files)
                      : plan_er_fs_mounts(spec.tmpfs));
    }
    for (size_t i = 0; i < plan.apps.size(); ++i) {
        const AppSpec& spec = plan.apps[i];
        std::vector<std::string> argv{spec.argv0};
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
        domains.domains[i].args = build_args_blob(argv, spec.env, ER_ARGS_MAX);
    }
    place_domains(domains, plan.mem_size, layout::kBootMappedBytes, plan.persistent);
    check_memory_limits(domains, plan.mem_size);

    ram = std::make_unique<GuestRam>(plan.mem_size);
    load_domains(domains, ram->memory());
    for (size_t i = 0; i < plan.apps.size(); ++i) {
        const DomainImage& d = domains.domains[i];
        std::span<const uint8_t> app =
            ram->memory().view(d.app_gpa, d.app_size(), "application image");
        check_app_elf(app, plan.apps[i].path);
        check_app_loadable(plan.apps[i].path, app, d.args);  // what the guest would refuse
        check_isolation_fits_app(d.name, app, d.isolation);
    }
    // Every image is in guest RAM and checked there: the app files are closed before the enclave
    // runs, so a run holds no descriptor per domain (tests/soak counts them).  From here on only
    // the domains' names, isolation and placement are used.
    for (DomainImage& d : domains.domains) d.app.reset(), d.fs.reset();

    return domains;
}

KernelInput load_kernel_input(const std::optional<std::string>& path,
                              std::span<const uint8_t> embedded) {
    KernelInput k;
    k.name = "embedded unikernel";
    if (path) {
        k.name = *path;
        InputFile file = open_input(k.name, "program file");
        if (file.size > kMaxKernelFile) throw Error(k.name + " is too big to be a unikernel");
        k.file = read_input_mapped(file);
        k.bytes = {k.file.data(), k.file.size()};
    } else {
        k.bytes = embedded;
        if (k.bytes.empty()) {
            throw Error(
                "this enclave-run was built without an embedded unikernel; "
                "pass --kernel PATH");
        }
    }
    k.image = parse_kernel(k.bytes, k.name);
    return k;
}

}  // namespace er::launcher
