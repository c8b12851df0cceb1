// The confined run loop: once the VM is set up, the launcher only runs the vCPU, serves
// hypercalls, writes guest output and ends.  A seccomp allowlist (libseccomp) keeps it to exactly
// that, so a guest that found a bug in the hypercall code could not open files, map executable
// memory or talk to anything but its own vCPU.  What stays allowed, and why: docs/threat-model.md.
#pragma once

#include <seccomp.h>
#include <sys/types.h>

#include <optional>
#include <span>
#include <vector>

namespace er::launcher {

class Console;

// What the run loop may still touch.
// One file the run loop commits (--evidence, written when the guest sends it): fsync on
// file_fd, renameat and unlinkat with both directory fds dir_fd.  A rename inside the one
// directory the user named is all a subverted run loop could do with it.
struct CommitFds {
    int dir_fd = -1;
    int file_fd = -1;
};

struct RunLoopAllowance {
    int vcpu_fd = -1;            // ioctl: KVM_RUN, KVM_GET_REGS, KVM_GET_MSRS on this fd only
    std::vector<int> write_fds;  // write and writev: these fds only
    // wait4: the socket factories this process started (launcher/net/), reaped at the end.
    std::vector<pid_t> factory_pids = {};  // = {}: callers may leave it out of a brace init
};

// One allowlist, built but not yet in force.  Anything outside it traps to a SIGSYS handler
// that names the call on stderr and then ends the process as SCMP_ACT_KILL_PROCESS does (killed
// by SIGSYS): the call itself never runs.
class SeccompFilter {
  public:
    // Throws Error.
    explicit SeccompFilter(const RunLoopAllowance& allowance,
                           std::optional<CommitFds> commit = std::nullopt);
    SeccompFilter(const SeccompFilter&) = delete;
    SeccompFilter& operator=(const SeccompFilter&) = delete;
    ~SeccompFilter();

    // Sets no_new_privs and puts the filter in force for this thread, for good (a seccomp filter
    // cannot be removed).  Throws Error when the kernel refuses it.
    void load();

  private:
    scmp_filter_ctx ctx_;
};

// The fds open for writing in this process now (stdout, stderr, --output files ...), except
// `except` (KVM's own fds, which are O_RDWR but only ever used through ioctl and mmap).
std::vector<int> writable_fds(std::span<const int> except);

// Confines the rest of the process to the run loop's needs, from the vCPU fd and KVM's fds.
// ENCLAVE_RUN_NO_SECCOMP=1 skips it (debugging only; one notice line says so), as does a
// sanitizer build (its runtime needs calls of its own at exit).  ENCLAVE_RUN_SECCOMP_PROBE=1 is a
// test hook: right after loading, the launcher makes one forbidden call (openat) and must die
// of SIGSYS.
// `factory_pids`: the socket factories this process started (RunLoopAllowance).
void confine_run_loop(int vcpu_fd, std::span<const int> kvm_fds, Console& console,
                      std::optional<CommitFds> commit = std::nullopt,
                      std::vector<pid_t> factory_pids = {});

// True in a sanitizer build (ER_SANITIZE), where confine_run_loop loads no filter.
bool sanitizer_runtime();

}  // namespace er::launcher
