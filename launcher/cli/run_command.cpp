#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include "launcher/cli/app_args.hpp"
#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/embedded/embedded_kernel.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/enclave/enclave_spec.hpp"
#include "launcher/enclave/isolation.hpp"
#include "launcher/enclave/manifest.hpp"
#include "launcher/fs/er_fs_pack.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/guest_ram.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "launcher/vm/layout.hpp"
#include "launcher/vm/machine.hpp"
#include "launcher/vm/memory_limits.hpp"
#include "launcher/vm/output.hpp"
#include "launcher/vm/run_timeout.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

// A kernel file may carry debug info far beyond its loaded size; this only stops absurd reads.
constexpr uint64_t kMaxKernelFile = 256ull << 20;

void print_text(const std::string& text) {
    write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

void print_line(const std::string& line) {
    print_text(line + "\n");
}

struct Plan {
    uint64_t mem_size = 0;
    std::optional<double> timeout_s;
    std::string timeout_text;
    uint32_t tick_ms = kDefaultTickMs;
    std::vector<AppSpec> apps;
};

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

// Global settings: a command-line flag wins over the manifest, the manifest over the default.
Plan make_plan(const RunOptions& options) {
    Plan plan;
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
    return plan;
}

}  // namespace

int run_command(const RunOptions& options) {
    auto started = std::chrono::steady_clock::now();
    // A closed stdout must become -EPIPE for the guest's write, not kill the launcher.
    std::signal(SIGPIPE, SIG_IGN);

    // --timeout counts from the start and covers reading the inputs, so it is armed before any
    // file is opened: before the manifest is read (its apps are not known yet, so the line says
    // "enclave" until they are), or, without a manifest, once the command line has named the
    // apps (no I/O).  A manifest's own timeout is armed once that small, bounded file is read.
    std::unique_ptr<RunTimeout> timeout;
    if (options.timeout && options.manifest) {
        timeout =
            std::make_unique<RunTimeout>(timeout_from(*options.timeout), started,
                                         "enclave: timed out after " + *options.timeout + " s");
    }
    Plan plan = make_plan(options);
    bool several = plan.apps.size() > 1;
    std::vector<std::string> names;
    for (const AppSpec& spec : plan.apps) names.push_back(spec.name);
    std::string timeout_line = (several || names.empty() ? std::string("enclave") : names[0]) +
                               ": timed out after " + plan.timeout_text + " s";
    if (timeout) {
        timeout->set_line(timeout_line);
    } else if (plan.timeout_s) {
        timeout = std::make_unique<RunTimeout>(*plan.timeout_s, started, timeout_line);
    }

    // Everything that can be wrong with the input is found before any VM exists.  Sizes come
    // first: every app is opened and every tree walked (fstat, lstat: nothing read) and the
    // layout is checked against guest memory, so an input that cannot fit costs nothing.  Only
    // then is each streamed straight into guest RAM (holes skipped) and the apps checked there,
    // on the bytes the guest will load; the kernel last.
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
        if (!plan.apps[i].root) continue;
        ErFsLimits limits;
        limits.max_image = layout::kBootMappedBytes;
        domains.domains[i].fs =
            std::make_shared<const ErFsImage>(plan_er_fs(*plan.apps[i].root, limits));
    }
    for (size_t i = 0; i < plan.apps.size(); ++i) {
        const AppSpec& spec = plan.apps[i];
        std::vector<std::string> argv{spec.argv0};
        argv.insert(argv.end(), spec.args.begin(), spec.args.end());
        domains.domains[i].args = build_args_blob(argv, spec.env, ER_ARGS_MAX);
    }
    place_domains(domains, plan.mem_size);
    check_memory_limits(domains, plan.mem_size);

    GuestRam ram(plan.mem_size);
    load_domains(domains, ram.memory());
    for (size_t i = 0; i < plan.apps.size(); ++i) {
        const DomainImage& d = domains.domains[i];
        std::span<const uint8_t> app =
            ram.memory().view(d.app_gpa, d.app_size(), "application image");
        check_app_elf(app, plan.apps[i].path);
        check_app_loadable(plan.apps[i].path, app, d.args);  // what the guest would refuse
        check_isolation_fits_app(d.name, app, d.isolation);
    }
    // Every image is in guest RAM and checked there: the app files are closed before the enclave
    // runs, so a run holds no descriptor per domain (tests/soak counts them).  From here on only
    // the domains' names, isolation and placement are used.
    for (DomainImage& d : domains.domains) d.app.reset(), d.fs.reset();

    Mapping kernel_file;
    std::span<const uint8_t> kernel_bytes;
    std::string kernel_name = "embedded unikernel";
    if (options.kernel) {
        kernel_name = *options.kernel;
        InputFile file = open_input(kernel_name, "program file");
        if (file.size > kMaxKernelFile) throw Error(kernel_name + " is too big to be a unikernel");
        kernel_file = read_input_mapped(file);
        kernel_bytes = {kernel_file.data(), kernel_file.size()};
    } else {
        kernel_bytes = embedded_kernel();
        if (kernel_bytes.empty()) {
            throw Error(
                "this enclave-run was built without an embedded unikernel; "
                "pass --kernel PATH");
        }
    }
    KernelImage kernel = parse_kernel(kernel_bytes, kernel_name);

    MachineConfig config;
    config.mem_size = plan.mem_size;
    config.timeout_line = timeout_line;
    config.timer_period_us = plan.tick_ms * 1000;
    config.guest_stats = options.stats;

    DomainOutput::Mode mode = options.output ? DomainOutput::Mode::files
                              : several      ? DomainOutput::Mode::prefixed
                                             : DomainOutput::Mode::direct;
    auto output = std::make_unique<DomainOutput>(names, mode, options.output.value_or(""));

    ExitStats stats;
    DomainResults results;
    auto print_stats = [&] {
        if (!options.stats) return;
        auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        print_line(format_stats(stats, static_cast<uint64_t>(wall.count()), peak_rss_kib(),
                                open_fd_count()));
    };
    VmEnd end;
    try {
        end = run_machine(config, MachineInput{kernel, kernel_bytes, domains, ram, *output}, stats,
                          results);
    } catch (const Error&) {
        output.reset();
        if (stats.exits > 0) print_stats();
        throw;
    }
    output.reset();  // held partial lines go out before the launcher's own lines
    if (!end.message.empty()) print_line("enclave-run: " + end.message);
    if (several || options.summary) print_text(format_summary(names, results));
    print_stats();
    return end.status;
}

}  // namespace er::launcher
