#include "launcher/vm/exit_handler.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"

namespace er::launcher {
namespace {

std::optional<VmEnd> handle_io(const kvm_run& run, size_t run_size, HypercallServer& server,
                               ExitStats& stats) {
    const auto& io = run.io;
    const char* dir = io.direction == KVM_EXIT_IO_OUT ? "out" : "in";
    std::string access = std::string("I/O ") + dir + " of " + std::to_string(io.size) +
                         " byte(s) x" + std::to_string(io.count) + " on port " + hex(io.port);
    if (io.port <= ER_HC_PORT_BASE || io.port >= ER_HC_PORT_BASE + ER_HC_MAX) {
        throw GuestError(access + ", which is not a hypercall port");
    }
    if (io.direction != KVM_EXIT_IO_OUT || io.size != 4 || io.count != 1) {
        throw GuestError(access + ": hypercalls are one 4-byte OUT");
    }
    if (io.data_offset > run_size || run_size - io.data_offset < 4) {
        throw GuestError(access + ": KVM's data offset lies outside the kvm_run page");
    }
    uint32_t request_gpa;
    std::memcpy(&request_gpa, reinterpret_cast<const uint8_t*>(&run) + io.data_offset, 4);
    ++stats.hypercalls;
    return server.serve(io.port - ER_HC_PORT_BASE, request_gpa);
}

}  // namespace

std::optional<VmEnd> handle_exit(const kvm_run& run, size_t run_size, HypercallServer& server,
                                 ExitStats& stats) {
    ++stats.exits;
    switch (run.exit_reason) {
        case KVM_EXIT_IO:
            ++stats.io;
            return handle_io(run, run_size, server, stats);
        case KVM_EXIT_HLT:
            ++stats.hlt;
            throw GuestError("the guest halted (KVM_EXIT_HLT) and nothing can wake it");
        case KVM_EXIT_MMIO:
            ++stats.mmio;
            throw GuestError(std::string("MMIO ") + (run.mmio.is_write ? "write" : "read") +
                             " of " + std::to_string(run.mmio.len) + " byte(s) at GPA " +
                             hex(run.mmio.phys_addr) + ", outside guest memory");
        default:
            break;
    }
    ++stats.other;
    switch (run.exit_reason) {
        case KVM_EXIT_SHUTDOWN:
            throw GuestError("the guest triple-faulted (KVM_EXIT_SHUTDOWN)");
        case KVM_EXIT_INTERNAL_ERROR:
            throw GuestError("KVM internal error, suberror " +
                             std::to_string(run.internal.suberror) +
                             (run.internal.suberror == KVM_INTERNAL_ERROR_EMULATION
                                  ? " (instruction emulation failed)"
                                  : ""));
        case KVM_EXIT_FAIL_ENTRY:
            throw GuestError("vCPU entry failed, hardware reason " +
                             hex(run.fail_entry.hardware_entry_failure_reason));
        case KVM_EXIT_INTR:
            return std::nullopt;  // a signal kicked the vCPU out; loop decides
        default:
            throw GuestError("unexpected KVM exit reason " + std::to_string(run.exit_reason));
    }
}

}  // namespace er::launcher
