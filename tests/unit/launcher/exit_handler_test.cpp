#include "launcher/vm/exit_handler.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "fake_console.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

// A kvm_run followed by the page KVM puts I/O data in, as in the real vCPU mapping.
class ExitHandler : public ::testing::Test {
  protected:
    static constexpr size_t kDataOffset = 4096;
    ExitHandler()
        : page(2 * 4096, 0),
          ram(64 * 1024),
          server(
              ram.memory, console, [] { return HostTimes{}; }, std::vector<ServedDomain>{{"app"}}) {
    }

    kvm_run& run() { return *reinterpret_cast<kvm_run*>(page.data()); }
    void io(uint16_t port, uint8_t dir, uint8_t size, uint32_t count, uint32_t value) {
        run().exit_reason = KVM_EXIT_IO;
        run().io.port = port;
        run().io.direction = dir;
        run().io.size = size;
        run().io.count = count;
        run().io.data_offset = kDataOffset;
        std::memcpy(page.data() + kDataOffset, &value, 4);
    }
    std::string guest_error() {
        try {
            handle_exit(run(), page.size(), server, stats);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }

    alignas(8) std::vector<uint8_t> page;
    test::FakeRam ram;
    test::FakeConsole console;
    HypercallServer server;
    ExitStats stats;
};

TEST_F(ExitHandler, HypercallOutIsServedAndCounted) {
    std::memcpy(ram.bytes.data() + 0x3000, "ok", 2);
    ram.memory.write(0x2000, er_hc_console_write{ER_STREAM_STDOUT, 0, 0x3000, 2, 0}, "req");
    io(ER_HC_PORT_BASE + ER_HC_CONSOLE_WRITE, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    EXPECT_FALSE(handle_exit(run(), page.size(), server, stats));
    EXPECT_EQ(console.out, "ok");
    EXPECT_EQ(stats.exits, 1u);
    EXPECT_EQ(stats.io, 1u);
    EXPECT_EQ(stats.hypercalls, 1u);
}

TEST_F(ExitHandler, ExitHypercallEndsTheVm) {
    er_hc_domain_exit done{};
    done.exit.status = 3;
    done.isolation = ER_ISO_PAGETABLE;
    ram.memory.write(0x2000, done, "req");
    io(ER_HC_PORT_BASE + ER_HC_DOMAIN_EXIT, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    EXPECT_FALSE(handle_exit(run(), page.size(), server, stats));
    er_hc_exit req{};
    ram.memory.write(0x2000, req, "req");
    io(ER_HC_PORT_BASE + ER_HC_EXIT, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    auto end = handle_exit(run(), page.size(), server, stats);
    ASSERT_TRUE(end);
    EXPECT_EQ(end->status, 3);
}

TEST_F(ExitHandler, NonHypercallPortsAreRefused) {
    io(0x3f8, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    EXPECT_EQ(guest_error(),
              "I/O out of 4 byte(s) x1 on port 0x3f8, which is not a hypercall port");
    io(ER_HC_PORT_BASE, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    EXPECT_NE(guest_error().find("not a hypercall port"), std::string::npos);
    io(ER_HC_PORT_BASE + ER_HC_MAX, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    EXPECT_NE(guest_error().find("not a hypercall port"), std::string::npos);
    EXPECT_EQ(stats.hypercalls, 0u);
    EXPECT_EQ(stats.io, 3u);
}

TEST_F(ExitHandler, WrongSizeDirectionOrCountIsRefused) {
    io(ER_HC_PORT_BASE + 1, KVM_EXIT_IO_OUT, 1, 1, 0x2000);
    EXPECT_NE(guest_error().find("one 4-byte OUT"), std::string::npos);
    io(ER_HC_PORT_BASE + 1, KVM_EXIT_IO_IN, 4, 1, 0x2000);
    EXPECT_NE(guest_error().find("I/O in"), std::string::npos);
    io(ER_HC_PORT_BASE + 1, KVM_EXIT_IO_OUT, 4, 2, 0x2000);
    EXPECT_NE(guest_error().find("x2"), std::string::npos);
}

TEST_F(ExitHandler, DataOffsetOutsideTheRunPageIsRefused) {
    io(ER_HC_PORT_BASE + 1, KVM_EXIT_IO_OUT, 4, 1, 0x2000);
    run().io.data_offset = page.size() - 2;
    EXPECT_NE(guest_error().find("data offset"), std::string::npos);
}

TEST_F(ExitHandler, StopReasonsEndTheVmAndAreCounted) {
    run().exit_reason = KVM_EXIT_SHUTDOWN;
    EXPECT_NE(guest_error().find("triple-faulted"), std::string::npos);
    run().exit_reason = KVM_EXIT_HLT;
    EXPECT_NE(guest_error().find("halted"), std::string::npos);
    run().exit_reason = KVM_EXIT_MMIO;
    run().mmio.phys_addr = 0xfee00000;
    run().mmio.is_write = 1;
    run().mmio.len = 4;
    EXPECT_EQ(guest_error(), "MMIO write of 4 byte(s) at GPA 0xfee00000, outside guest memory");
    run().exit_reason = KVM_EXIT_INTERNAL_ERROR;
    run().internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
    EXPECT_NE(guest_error().find("emulation failed"), std::string::npos);
    run().exit_reason = KVM_EXIT_FAIL_ENTRY;
    run().fail_entry.hardware_entry_failure_reason = 0x21;
    EXPECT_EQ(guest_error(), "vCPU entry failed, hardware reason 0x21");
    run().exit_reason = 9999;
    EXPECT_EQ(guest_error(), "unexpected KVM exit reason 9999");
    EXPECT_EQ(stats.exits, 6u);
    EXPECT_EQ(stats.hlt, 1u);
    EXPECT_EQ(stats.mmio, 1u);
    EXPECT_EQ(stats.other, 4u);
}

TEST_F(ExitHandler, SignalKickResumes) {
    run().exit_reason = KVM_EXIT_INTR;
    EXPECT_FALSE(handle_exit(run(), page.size(), server, stats));
}

TEST(ExitStats, LineFormatIsStable) {
    ExitStats s;
    s.exits = 10;
    s.io = 7;
    s.hlt = 1;
    s.mmio = 0;
    s.other = 2;
    s.hypercalls = 6;
    EXPECT_EQ(format_stats(s, 42, 1234, 3),
              "enclave-run: stats: exits=10 io=7 hlt=1 mmio=0 other=2 hypercalls=6 wall_ms=42 "
              "peak_rss_kib=1234 open_fds=3");
}

}  // namespace
}  // namespace er::launcher
