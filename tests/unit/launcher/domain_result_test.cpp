#include "launcher/vm/domain_result.hpp"

#include <gtest/gtest.h>

#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

DomainResult exited(int status) {
    DomainResult r;
    r.reason = ER_EXIT_NORMAL;
    r.status = status;
    r.isolation = ER_ISO_PAGETABLE;
    return r;
}

DomainResult killed(uint32_t signal, std::string message = {}) {
    DomainResult r;
    r.reason = ER_EXIT_SIGNAL;
    r.signal = signal;
    r.message = std::move(message);
    r.isolation = ER_ISO_MPK;
    r.pkey = 3;
    return r;
}

TEST(DomainResult, StatusOfOneDomain) {
    EXPECT_EQ(domain_exit_status(exited(0)), 0);
    EXPECT_EQ(domain_exit_status(exited(0x1234)), 0x34);
    EXPECT_EQ(domain_exit_status(killed(11)), 139);
    EXPECT_EQ(domain_exit_status(killed(9)), 137);
}

TEST(DomainResult, EnclaveStatusIsTheFirstFailureInDomainOrder) {
    EXPECT_EQ(enclave_exit_status({exited(3)}), 3);
    EXPECT_EQ(enclave_exit_status({killed(11)}), 139);
    EXPECT_EQ(enclave_exit_status({exited(0), exited(0), exited(0)}), 0);
    EXPECT_EQ(enclave_exit_status({exited(0), killed(9), exited(2)}), 137);
    EXPECT_EQ(enclave_exit_status({exited(0), exited(2), killed(9)}), 2);
    EXPECT_EQ(enclave_exit_status({exited(256), exited(5)}), 5);  // 256 & 0xff is success
    EXPECT_EQ(enclave_exit_status({exited(0), std::nullopt}), 125);
}

TEST(DomainResult, StatusTexts) {
    EXPECT_EQ(status_text(exited(0)), "exited 0");
    EXPECT_EQ(status_text(exited(42)), "exited 42");
    EXPECT_EQ(status_text(killed(11, "page fault: write to unmapped address")), "killed SIGSEGV");
    EXPECT_EQ(status_text(killed(9, "memory limit exceeded")),
              "killed SIGKILL (memory limit exceeded)");
    EXPECT_EQ(status_text(killed(9)), "killed SIGKILL");
}

TEST(DomainResult, ARefusedDomainFailsTheEnclaveAsTheLauncherWould) {
    DomainResult refused;
    refused.reason = ER_EXIT_REFUSED;
    refused.message = "memory limit of 16 MiB cannot be reserved";
    EXPECT_EQ(domain_exit_status(refused), 125);
    EXPECT_EQ(status_text(refused), "refused");
    EXPECT_EQ(enclave_exit_status({exited(0), refused, killed(9)}), 125);
    EXPECT_EQ(format_summary({"ok", "tiny"}, {exited(0), refused}),
              "DOMAIN  STATUS    TIME  MEMORY  ISOLATION\n"
              "ok      exited 0  0 ms  0 KiB   pagetable\n"
              "tiny    refused   -     -       -\n");
}

TEST(DomainResult, MemoryFormat) {
    EXPECT_EQ(format_memory(0), "0 KiB");
    EXPECT_EQ(format_memory(1), "1 KiB");
    EXPECT_EQ(format_memory(532 * 1024), "532 KiB");
    EXPECT_EQ(format_memory(1024 * 1024), "1.0 MiB");
    EXPECT_EQ(format_memory(12 * 1024 * 1024 + 512 * 1024), "12.5 MiB");
}

TEST(DomainResult, SummaryTable) {
    DomainResult web = exited(0);
    web.run_ns = 12'345'678;
    web.peak_mem_bytes = 300 * 1024;
    DomainResult hog = killed(9, "memory limit exceeded");
    hog.run_ns = 2'000'000'000;
    hog.peak_mem_bytes = 32 * 1024 * 1024;
    EXPECT_EQ(format_summary({"web", "memory-hog", "spin"}, {web, hog, std::nullopt}),
              "DOMAIN      STATUS                                  TIME     MEMORY    ISOLATION\n"
              "web         exited 0                                12 ms    300 KiB   pagetable\n"
              "memory-hog  killed SIGKILL (memory limit exceeded)  2000 ms  32.0 MiB  mpk (space "
              "0, key 3)\n"
              "spin        unfinished                              -        -         -\n");
}

TEST(DomainResult, IsolationTexts) {
    EXPECT_EQ(isolation_text(exited(0)), "pagetable");
    DomainResult r = killed(11);
    r.pkey = 15;
    r.mpk_space = 2;
    EXPECT_EQ(isolation_text(r), "mpk (space 2, key 15)");
}

}  // namespace
}  // namespace er::launcher
