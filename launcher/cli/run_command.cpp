#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

#include "launcher/attest/evidence_bundle.hpp"
#include "launcher/cli/app_args.hpp"
#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/escape.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/confidential/confidential_mode.hpp"
#include "launcher/confidential/confidential_run.hpp"
#include "launcher/embedded/embedded_kernel.hpp"
#include "launcher/enclave/app_checks.hpp"
#include "launcher/enclave/enclave_setup.hpp"
#include "launcher/enclave/enclave_spec.hpp"
#include "launcher/enclave/isolation.hpp"
#include "launcher/enclave/manifest.hpp"
#include "launcher/fs/er_fs_pack.hpp"
#include "launcher/net/enclave_networks.hpp"
#include "launcher/vm/app_image.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/control_server.hpp"
#include "launcher/vm/domain_images.hpp"
#include "launcher/vm/domain_queue.hpp"
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

void print_text(const std::string& text) {
    write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

void print_line(const std::string& line) {
    print_text(line + "\n");
}

// --attest's nonce, checked before anything is read: --nonce as given, else 32 random bytes,
// printed so the verifier can be told.  Empty without --attest.
std::vector<uint8_t> attest_nonce(const RunOptions& options) {
    if (!options.attest) {
        if (options.nonce || options.evidence) throw Error("--nonce and --evidence need --attest");
        return {};
    }
    if (!options.evidence) throw Error("--attest needs --evidence FILE (where the bundle goes)");
    if (options.nonce) return nonce_from_hex(*options.nonce);
    std::vector<uint8_t> nonce = random_nonce();
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    for (uint8_t b : nonce) hex += {digits[b >> 4], digits[b & 15]};
    print_line("enclave-run: --attest without --nonce: using the random nonce " + hex);
    return nonce;
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
    std::vector<uint8_t> nonce = attest_nonce(options);
    NetworkMode network = network_from(options.network.value_or("host"));
    EnclavePlan plan = make_plan(options);
    // The confidential mode and its ASID are settled before any app is read: a mode the host
    // lacks is one line, before anything else happens.
    ConfidentialRun confidential = prepare_confidential(plan.confidential, options);
    for (const std::string& w : confidential.warnings) print_line("enclave-run: " + w);
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

    // Everything that can be wrong with the input is found before any VM exists
    // (enclave_setup.hpp says in which order).
    std::unique_ptr<GuestRam> ram;
    DomainLayout domains = load_enclave_domains(plan, ram);
    KernelInput kernel_input = load_kernel_input(options.kernel, embedded_kernel());
    const KernelImage& kernel = kernel_input.image;
    std::span<const uint8_t> kernel_bytes = kernel_input.bytes;

    MachineConfig config;
    config.mem_size = plan.mem_size;
    config.timeout_line = timeout_line;
    config.timer_period_us = plan.tick_ms * 1000;
    config.guest_stats = options.stats;
    config.confidential = confidential.mode;
    config.guest_policy = confidential.policy;

    // --persistent: hot-added domains share the console, so every line carries its domain.
    DomainOutput::Mode mode = options.output                  ? DomainOutput::Mode::files
                              : several || options.persistent ? DomainOutput::Mode::prefixed
                                                              : DomainOutput::Mode::direct;
    auto output = std::make_unique<DomainOutput>(names, mode, options.output.value_or(""));

    // The evidence file's directory and temporary file are opened now, before the run loop is
    // confined; the bundle is written when the guest sends it.
    std::unique_ptr<EvidenceWriter> evidence;
    if (options.attest) evidence = std::make_unique<EvidenceWriter>(*options.evidence, nonce);

    // --network, and the apps' own "network": one socket factory per namespace, started before
    // any thread (each is a fork) and before the run loop is confined (which keeps socket() and
    // setns() out).
    std::vector<std::optional<std::string>> app_networks;
    for (const AppSpec& spec : plan.apps) app_networks.push_back(spec.network);
    EnclaveNetworks networks = start_enclave_networks(network == NetworkMode::none, app_networks);

    // --persistent: the queue is fed through the control socket, whose threads start now, before
    // the run loop is confined (docs/launcher.md "Hot add").
    std::unique_ptr<DomainQueue> hot_add;
    std::unique_ptr<ControlServer> control;
    if (options.persistent != options.control.has_value())
        throw Error("--persistent and --control SOCKET go together");
    if (options.persistent) {
        hot_add = std::make_unique<DomainQueue>();
        control = std::make_unique<ControlServer>(*options.control, *hot_add, plan.mem_size);
    }

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
        end = run_machine(
            config,
            MachineInput{kernel, kernel_bytes, domains, *ram, *output, evidence.get(),
                         confidential.sim.get(), hot_add.get(), networks.enclave, networks.domains},
            stats, results);
    } catch (const Error&) {
        networks = {};
        output.reset();
        if (stats.exits > 0) print_stats();
        throw;
    }
    if (control) control->stop();  // clients still waiting hear that the enclave ended
    networks = {};   // their channels close and they are reaped: --stats counts no fd of them
    output.reset();  // held partial lines go out before the launcher's own lines
    if (hot_add) {
        // Slots were reused: the boot names no longer label the results.  The enclave itself
        // ended well unless the VM said otherwise; each domain's status went to its client.
        if (stats.exits > 0 && options.stats)
            print_line("enclave-run: stats: domain_polls=" + std::to_string(hot_add->polls()));
        if (end.message.empty()) end.status = 0;
        results.clear();
        several = false;
    }
    if (!end.message.empty()) print_line("enclave-run: " + end.message);
    if (several || options.summary) print_text(format_summary(names, results));
    if (several || options.summary || options.stats) {
        print_line(std::string("enclave-run: confidential: ") +
                   confidential_mode_name(confidential.mode));
    }
    if (evidence && evidence->written() && confidential.sim) {
        print_line(
            "enclave-run: the evidence is signed by the software PSP (simulated, not "
            "hardware); its root: " +
            escape_text(confidential.sim->ark_path()));
    }
    if (evidence && evidence->written() && (several || options.summary || options.stats))
        print_line("enclave-run: " + escape_text(evidence->summary_line()));
    print_stats();
    if (evidence && !evidence->written()) {
        print_line("enclave-run: no evidence: the enclave ended before the unikernel sent it (" +
                   escape_text(*options.evidence) + " not written)");
        return end.status != 0 ? end.status : kExitLauncherError;
    }
    return end.status;
}

}  // namespace er::launcher
