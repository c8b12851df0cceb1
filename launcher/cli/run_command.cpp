#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/embedded/embedded_kernel.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/kernel_image.hpp"
#include "launcher/vm/machine.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

// A kernel file may carry debug info far beyond its loaded size; this only stops absurd reads.
constexpr uint64_t kMaxKernelFile = 256ull << 20;

void print_line(const std::string& line) {
    std::string text = line + "\n";
    write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace

int run_command(const RunOptions& options) {
    auto started = std::chrono::steady_clock::now();
    // A closed stdout must become -EPIPE for the guest's write, not kill the launcher.
    std::signal(SIGPIPE, SIG_IGN);

    MachineConfig config;
    config.mem_size = memory_size_from(options.memory);
    if (options.timeout) {
        config.timeout_s = timeout_from(*options.timeout);
        config.timeout_text = *options.timeout;
    }
    for (const std::string& kv : options.env) check_env_entry(kv);

    // Everything that can be wrong with the input is found before any VM exists; the app first,
    // as the likelier mistake.
    AppImage app = read_app(options.app, config.mem_size);
    std::vector<uint8_t> kernel_file;
    std::span<const uint8_t> kernel_bytes;
    std::string kernel_name = "embedded unikernel";
    if (options.kernel) {
        kernel_name = *options.kernel;
        kernel_file = read_regular_file(kernel_name, kMaxKernelFile,
                                        kernel_name + " is too big to be a unikernel");
        kernel_bytes = kernel_file;
    } else {
        kernel_bytes = embedded_kernel();
        if (kernel_bytes.empty()) {
            throw Error(
                "this enclave-run was built without an embedded unikernel; "
                "pass --kernel PATH");
        }
    }
    KernelImage kernel = parse_kernel(kernel_bytes, kernel_name);
    std::vector<std::string> argv{options.app};
    argv.insert(argv.end(), options.args.begin(), options.args.end());
    ArgsBlob args = build_args_blob(argv, options.env, ER_ARGS_MAX);
    config.app_name = std::filesystem::path(options.app).filename().string();
    if (config.app_name.empty()) config.app_name = options.app;

    ExitStats stats;
    auto print_stats = [&] {
        if (!options.stats) return;
        auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        print_line(format_stats(stats, static_cast<uint64_t>(wall.count()), peak_rss_kib()));
    };
    VmEnd end;
    try {
        end = run_machine(config, MachineInput{kernel, kernel_bytes, app, args}, stats);
    } catch (const Error&) {
        if (stats.exits > 0) print_stats();
        throw;
    }
    if (!end.message.empty()) print_line("enclave-run: " + end.message);
    print_stats();
    return end.status;
}

}  // namespace er::launcher
