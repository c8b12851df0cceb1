#include "launcher/vm/hypercalls.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "fake_console.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kRam = 64 * 1024;
constexpr uint64_t kReq = 0x2000;
constexpr uint64_t kText = 0x3000;

class Hypercalls : public ::testing::Test {
  protected:
    Hypercalls()
        : ram(kRam),
          server(
              ram.memory, console,
              [] {
                  return HostTimes{111, 222, 333};
              },
              std::vector<ServedDomain>{{"hello"}, {"web"}}) {}  // both AUTO

    void put_text(const std::string& s, uint64_t gpa = kText) {
        std::memcpy(ram.bytes.data() + gpa, s.data(), s.size());
    }
    std::string guest_error(uint32_t nr, uint64_t gpa) { return guest_error(server, nr, gpa); }
    static std::string guest_error(HypercallServer& s, uint32_t nr, uint64_t gpa) {
        try {
            s.serve(nr, gpa);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }

    // ER_HC_DOMAIN_EXIT for `domain`; returns the guest error text ("" when served).
    std::string domain_exit(er_hc_domain_exit req) { return domain_exit(server, req); }
    std::string domain_exit(HypercallServer& s, er_hc_domain_exit req) {
        ram.memory.write(kReq, req, "req");
        return guest_error(s, ER_HC_DOMAIN_EXIT, kReq);
    }
    // A server whose domains "hello" and "web" asked for `hello` and `web` isolation.
    HypercallServer asking(uint32_t hello, uint32_t web) {
        return HypercallServer(
            ram.memory, console, [] { return HostTimes{}; },
            std::vector<ServedDomain>{{"hello", hello}, {"web", web}});
    }
    static er_hc_domain_exit exited(uint32_t domain, int32_t status) {
        er_hc_domain_exit req{};
        req.exit.reason = ER_EXIT_NORMAL;
        req.exit.status = status;
        req.exit.domain = domain;
        req.run_ns = 12'000'000;
        req.peak_mem_bytes = 300 * 1024;
        req.isolation = ER_ISO_PAGETABLE;
        return req;
    }
    static er_hc_domain_exit exited_mpk(uint32_t domain, uint32_t space, uint32_t key) {
        er_hc_domain_exit req = exited(domain, 0);
        req.isolation = ER_ISO_MPK;
        req.mpk_space = space;
        req.pkey = key;
        return req;
    }
    std::optional<VmEnd> final_exit() {
        er_hc_exit req{};
        ram.memory.write(kReq, req, "req");
        return server.serve(ER_HC_EXIT, kReq);
    }

    test::FakeRam ram;
    test::FakeConsole console;
    HypercallServer server;
};

TEST_F(Hypercalls, ConsoleWriteToEachStreamAndReturnsCount) {
    put_text("hi there");
    er_hc_console_write req{ER_STREAM_STDOUT, 0, kText, 2, -1};
    ram.memory.write(kReq, req, "req");
    EXPECT_FALSE(server.serve(ER_HC_CONSOLE_WRITE, kReq));
    EXPECT_EQ(console.out, "hi");
    EXPECT_EQ(ram.memory.read<er_hc_console_write>(kReq, "req").ret, 2);

    req = {ER_STREAM_STDERR, 0, kText + 3, 5, -1};
    ram.memory.write(kReq, req, "req");
    server.serve(ER_HC_CONSOLE_WRITE, kReq);
    EXPECT_EQ(console.err, "there");
}

TEST_F(Hypercalls, ConsoleWriteReportsHostErrorsAsNegativeErrno) {
    console.fail_with = EPIPE;
    er_hc_console_write req{ER_STREAM_STDOUT, 0, kText, 4, 0};
    ram.memory.write(kReq, req, "req");
    server.serve(ER_HC_CONSOLE_WRITE, kReq);
    EXPECT_EQ(ram.memory.read<er_hc_console_write>(kReq, "req").ret, -EPIPE);
}

TEST_F(Hypercalls, ConsoleWriteZeroLengthWritesNothing) {
    er_hc_console_write req{ER_STREAM_STDOUT, 0, 0, 0, -1};
    ram.memory.write(kReq, req, "req");
    server.serve(ER_HC_CONSOLE_WRITE, kReq);
    EXPECT_EQ(ram.memory.read<er_hc_console_write>(kReq, "req").ret, 0);
    EXPECT_EQ(console.out, "");
}

TEST_F(Hypercalls, ConsoleWriteRefusesBadStream) {
    er_hc_console_write req{3, 0, kText, 1, 0};
    ram.memory.write(kReq, req, "req");
    EXPECT_EQ(guest_error(ER_HC_CONSOLE_WRITE, kReq), "console write to unknown stream 3");
    req.stream = 0;
    ram.memory.write(kReq, req, "req");
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kReq), "");
}

TEST_F(Hypercalls, ConsoleWriteRefusesHugeAndWrappingLengths) {
    er_hc_console_write req{ER_STREAM_STDOUT, 0, kText, kRam, 0};
    ram.memory.write(kReq, req, "req");
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kReq).find("outside guest memory"),
              std::string::npos);
    req.len = UINT64_MAX - kText + 2;  // kText + len wraps to 1
    ram.memory.write(kReq, req, "req");
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kReq).find("outside guest memory"),
              std::string::npos);
    EXPECT_EQ(console.out, "");
}

TEST_F(Hypercalls, RequestInNullPageOrOutsideOrMisalignedIsRefused) {
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, 0x10).find("null page"), std::string::npos);
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kRam - 16).find("outside guest memory"),
              std::string::npos);
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kReq + 4).find("aligned"), std::string::npos);
}

TEST_F(Hypercalls, BufferInNullPageIsRefused) {
    er_hc_console_write req{ER_STREAM_STDOUT, 0, 0x800, 8, 0};
    ram.memory.write(kReq, req, "req");
    EXPECT_NE(guest_error(ER_HC_CONSOLE_WRITE, kReq).find("null page"), std::string::npos);
}

TEST_F(Hypercalls, ConsoleWriteCarriesTheDomainAndRefusesUnknownOnes) {
    put_text("ab");
    er_hc_console_write req{ER_STREAM_STDOUT, 1, kText, 2, -1};
    ram.memory.write(kReq, req, "req");
    server.serve(ER_HC_CONSOLE_WRITE, kReq);
    ASSERT_EQ(console.writes.size(), 1u);
    EXPECT_EQ(console.writes[0], "1:1:ab");
    req.domain = 2;
    ram.memory.write(kReq, req, "req");
    EXPECT_EQ(guest_error(ER_HC_CONSOLE_WRITE, kReq),
              "console write for unknown domain 2 (the enclave has 2)");
    // A domain that has ended writes no more.
    EXPECT_EQ(domain_exit(exited(1, 0)), "");
    req.domain = 1;
    ram.memory.write(kReq, req, "req");
    EXPECT_EQ(guest_error(ER_HC_CONSOLE_WRITE, kReq),
              "console write for domain 1 (web), which has already ended");
}

TEST_F(Hypercalls, UnknownHypercall) {
    EXPECT_EQ(guest_error(0, kReq), "unknown hypercall 0");
    EXPECT_EQ(guest_error(ER_HC_MAX, kReq), "unknown hypercall " + std::to_string(ER_HC_MAX));
}

TEST_F(Hypercalls, DomainExitsThenExitGiveTheFirstFailure) {
    EXPECT_EQ(domain_exit(exited(1, 0x1234)), "");
    EXPECT_FALSE(server.results()[0]);
    ASSERT_TRUE(server.results()[1]);
    EXPECT_EQ(server.results()[1]->status, 0x1234);
    EXPECT_EQ(server.results()[1]->run_ns, 12'000'000u);
    EXPECT_EQ(server.results()[1]->peak_mem_bytes, 300u * 1024);
    EXPECT_EQ(server.results()[1]->isolation, uint32_t{ER_ISO_PAGETABLE});
    EXPECT_EQ(domain_exit(exited(0, 0)), "");
    EXPECT_EQ(console.ended, (std::vector<uint32_t>{1, 0}));
    auto end = final_exit();
    ASSERT_TRUE(end);
    EXPECT_EQ(end->status, 0x34);  // domain 0 exited 0, domain 1 with 0x1234 & 0xff
    EXPECT_EQ(end->message, "");
    EXPECT_TRUE(console.notices.empty());
}

TEST_F(Hypercalls, ExitBeforeEveryDomainReportedIsAGuestError) {
    EXPECT_EQ(domain_exit(exited(0, 0)), "");
    EXPECT_EQ(guest_error(ER_HC_EXIT, kReq),
              "exit while domain 1 (web) has not reported its end (ER_HC_DOMAIN_EXIT)");
}

TEST_F(Hypercalls, SecondDomainExitOrUnknownDomainIsAGuestError) {
    EXPECT_EQ(domain_exit(exited(0, 0)), "");
    EXPECT_EQ(domain_exit(exited(0, 1)),
              "domain exit for domain 0 (hello), which has already ended");
    EXPECT_EQ(domain_exit(exited(2, 0)), "domain exit for unknown domain 2 (the enclave has 2)");
    EXPECT_EQ(domain_exit(exited(UINT32_MAX, 0)),
              "domain exit for unknown domain 4294967295 (the enclave has 2)");
}

TEST_F(Hypercalls, DomainKillPrintsTheKillLineAndTheVmGoesOn) {
    put_text("page fault: write to unmapped address");
    er_hc_domain_exit req = exited(0, 0);
    req.exit.reason = ER_EXIT_SIGNAL;
    req.exit.signal = 11;
    req.exit.vector = 14;
    req.exit.rip = 0x401136;
    req.exit.message_gpa = kText;
    req.exit.message_len = 37;
    EXPECT_EQ(domain_exit(req), "");
    ASSERT_EQ(console.notices.size(), 1u);
    EXPECT_EQ(console.notices[0],
              "hello: killed by SIGSEGV (page fault: write to unmapped address) at rip 0x401136, "
              "address 0x0");
    EXPECT_EQ(domain_exit(exited(1, 0)), "");
    auto end = final_exit();
    ASSERT_TRUE(end);
    EXPECT_EQ(end->status, 128 + 11);
}

TEST_F(Hypercalls, DomainKillWithoutMessageOrFault) {
    er_hc_domain_exit req = exited(1, 0);
    req.exit.reason = ER_EXIT_SIGNAL;
    req.exit.signal = 4;
    req.exit.vector = 6;
    req.exit.rip = 0x1000;
    EXPECT_EQ(domain_exit(req), "");
    ASSERT_EQ(console.notices.size(), 1u);
    EXPECT_EQ(console.notices[0], "web: killed by SIGILL at rip 0x1000");
}

// A domain the guest would not start is refused alone: one line naming it and the guest's
// reason (never "panic"), no isolation to check, status 125; the other domain runs to its end.
TEST_F(Hypercalls, RefusedDomainIsOneLineAndTheVmGoesOn) {
    put_text("app asks for an executable stack\x1b");
    er_hc_domain_exit req{};
    req.exit.reason = ER_EXIT_REFUSED;
    req.exit.domain = 0;
    req.exit.message_gpa = kText;
    req.exit.message_len = 33;
    req.isolation = ER_ISO_AUTO;  // it never got a backend
    EXPECT_EQ(domain_exit(req), "");
    ASSERT_EQ(console.notices.size(), 1u);
    EXPECT_EQ(console.notices[0],
              "hello: refused by the unikernel: app asks for an executable stack\\x1b");
    ASSERT_TRUE(server.results()[0]);
    EXPECT_EQ(server.results()[0]->reason, uint32_t{ER_EXIT_REFUSED});
    EXPECT_EQ(domain_exit(exited(1, 0)), "");
    auto end = final_exit();
    ASSERT_TRUE(end);
    EXPECT_EQ(end->status, 125);
    EXPECT_EQ(end->message, "");
}

TEST_F(Hypercalls, DomainExitRefusesBadSignalReasonIsolationAndLongMessage) {
    er_hc_domain_exit req = exited(0, 0);
    req.exit.reason = ER_EXIT_SIGNAL;
    req.exit.signal = 0;
    EXPECT_NE(domain_exit(req).find("invalid signal"), std::string::npos);
    req.exit.signal = 65;
    EXPECT_NE(domain_exit(req).find("invalid signal"), std::string::npos);
    req = exited(0, 0);
    req.exit.reason = ER_EXIT_PANIC;
    EXPECT_NE(domain_exit(req).find("domain exit with reason 2"), std::string::npos);
    req = exited(0, 0);
    req.isolation = 3;
    EXPECT_EQ(domain_exit(req), "domain exit with unknown isolation 3");
    req = exited(0, 0);
    req.exit.message_gpa = kText;
    req.exit.message_len = ER_MESSAGE_MAX + 1;
    EXPECT_EQ(domain_exit(req), "domain exit message length 257 exceeds the limit of 256");
    EXPECT_FALSE(server.results()[0]);  // nothing recorded by a refused request
}

TEST_F(Hypercalls, DomainExitCarriesTheMpkKeyAndSpace) {
    er_hc_domain_exit req = exited(0, 0);
    req.isolation = ER_ISO_MPK;
    req.pkey = 1;
    req.mpk_space = 0;
    EXPECT_EQ(domain_exit(req), "");
    req = exited(1, 0);
    req.isolation = ER_ISO_MPK;
    req.pkey = ER_MPK_KEYS;
    req.mpk_space = ER_MAX_DOMAINS - 1;
    EXPECT_EQ(domain_exit(req), "");
    ASSERT_TRUE(server.results()[0] && server.results()[1]);
    EXPECT_EQ(server.results()[0]->isolation, uint32_t{ER_ISO_MPK});
    EXPECT_EQ(server.results()[0]->pkey, 1u);
    EXPECT_EQ(server.results()[0]->mpk_space, 0u);
    EXPECT_EQ(server.results()[1]->pkey, ER_MPK_KEYS);
    EXPECT_EQ(server.results()[1]->mpk_space, ER_MAX_DOMAINS - 1);
}

TEST_F(Hypercalls, DomainExitRefusesAutoAndKeysThatCannotBe) {
    er_hc_domain_exit req = exited(0, 0);
    req.isolation = ER_ISO_AUTO;
    EXPECT_EQ(domain_exit(req),
              "domain exit with isolation AUTO (0): a domain reports what it got, PAGETABLE or "
              "MPK");
    req = exited(0, 0);
    req.pkey = 2;
    EXPECT_EQ(domain_exit(req),
              "domain exit under PAGETABLE with pkey 2 and mpk_space 0 (both must be 0)");
    req = exited(0, 0);
    req.mpk_space = 1;
    EXPECT_EQ(domain_exit(req),
              "domain exit under PAGETABLE with pkey 0 and mpk_space 1 (both must be 0)");
    req = exited(0, 0);
    req.isolation = ER_ISO_MPK;
    req.pkey = 0;
    EXPECT_EQ(domain_exit(req), "domain exit under MPK with pkey 0 (1..15)");
    req.pkey = ER_MPK_KEYS + 1;
    EXPECT_EQ(domain_exit(req), "domain exit under MPK with pkey 16 (1..15)");
    req.pkey = UINT32_MAX;
    EXPECT_EQ(domain_exit(req), "domain exit under MPK with pkey 4294967295 (1..15)");
    req.pkey = 3;
    req.mpk_space = ER_MAX_DOMAINS;
    EXPECT_EQ(domain_exit(req), "domain exit under MPK with mpk_space 64 (below 64)");
    req.mpk_space = UINT32_MAX;
    EXPECT_EQ(domain_exit(req), "domain exit under MPK with mpk_space 4294967295 (below 64)");
    EXPECT_FALSE(server.results()[0]);  // nothing recorded by a refused request
    EXPECT_TRUE(console.ended.empty());
}

TEST_F(Hypercalls, AutoAcceptsEitherBackend) {
    HypercallServer s = asking(ER_ISO_AUTO, ER_ISO_AUTO);
    EXPECT_EQ(domain_exit(s, exited(0, 0)), "");
    EXPECT_EQ(domain_exit(s, exited_mpk(1, 0, 1)), "");
    ASSERT_TRUE(s.results()[0] && s.results()[1]);
    EXPECT_EQ(s.results()[0]->isolation, uint32_t{ER_ISO_PAGETABLE});
    EXPECT_EQ(s.results()[1]->isolation, uint32_t{ER_ISO_MPK});
}

TEST_F(Hypercalls, PagetableAndMpkRequestsKeptAreAccepted) {
    HypercallServer s = asking(ER_ISO_PAGETABLE, ER_ISO_MPK);
    EXPECT_EQ(domain_exit(s, exited(0, 0)), "");
    EXPECT_EQ(domain_exit(s, exited_mpk(1, 0, 1)), "");
    HypercallServer both_mpk = asking(ER_ISO_MPK, ER_ISO_MPK);
    EXPECT_EQ(domain_exit(both_mpk, exited_mpk(0, 0, 1)), "");
    EXPECT_EQ(domain_exit(both_mpk, exited_mpk(1, 0, 2)), "");  // distinct keys, one space
}

TEST_F(Hypercalls, PagetableRequestReportedAsMpkIsAGuestError) {
    HypercallServer s = asking(ER_ISO_PAGETABLE, ER_ISO_AUTO);
    EXPECT_EQ(domain_exit(s, exited_mpk(0, 0, 1)),
              "domain 0 (hello) asked for pagetable isolation but reports mpk");
    EXPECT_FALSE(s.results()[0]);  // nothing recorded by a refused request
    EXPECT_TRUE(console.ended.empty());
}

TEST_F(Hypercalls, MpkRequestReportedAsPagetableIsAGuestError) {
    // The guest must refuse to start an MPK domain it cannot give a key, not downgrade it.
    HypercallServer s = asking(ER_ISO_AUTO, ER_ISO_MPK);
    EXPECT_EQ(domain_exit(s, exited(1, 0)),
              "domain 1 (web) asked for mpk isolation but reports pagetable");
    EXPECT_FALSE(s.results()[1]);
    EXPECT_TRUE(console.ended.empty());
}

TEST_F(Hypercalls, TwoDomainsSharingAnMpkKeyAreAGuestError) {
    HypercallServer s = asking(ER_ISO_MPK, ER_ISO_AUTO);
    EXPECT_EQ(domain_exit(s, exited_mpk(0, 2, 3)), "");
    EXPECT_EQ(domain_exit(s, exited_mpk(1, 2, 3)),
              "domain 1 (web) reports mpk key 3 in space 2, the same as domain 0 (hello): no "
              "isolation between them");
    EXPECT_FALSE(s.results()[1]);
    EXPECT_EQ(console.ended, (std::vector<uint32_t>{0}));
}

TEST_F(Hypercalls, SameMpkKeyInDifferentSpacesIsFine) {
    EXPECT_EQ(domain_exit(exited_mpk(1, 0, 5)), "");
    EXPECT_EQ(domain_exit(exited_mpk(0, 1, 5)), "");
    EXPECT_TRUE(final_exit());
}

TEST_F(Hypercalls, ExitRefusesSignalAndUnknownReasonAndLongMessage) {
    er_hc_exit req{};
    req.reason = ER_EXIT_SIGNAL;
    req.signal = 11;
    ram.memory.write(kReq, req, "req");
    EXPECT_NE(guest_error(ER_HC_EXIT, kReq).find("ER_HC_DOMAIN_EXIT"), std::string::npos);
    req = {};
    req.reason = 7;
    ram.memory.write(kReq, req, "req");
    EXPECT_EQ(guest_error(ER_HC_EXIT, kReq), "exit with unknown reason 7");
    req = {};
    req.reason = ER_EXIT_PANIC;
    req.message_gpa = kText;
    req.message_len = ER_MESSAGE_MAX + 1;
    ram.memory.write(kReq, req, "req");
    EXPECT_EQ(guest_error(ER_HC_EXIT, kReq), "exit message length 257 exceeds the limit of 256");
}

TEST_F(Hypercalls, PanicLineIsSanitised) {
    put_text("bad\x1b[2Jthing\n");
    er_hc_exit req{};
    req.reason = ER_EXIT_PANIC;
    req.message_gpa = kText;
    req.message_len = 13;
    ram.memory.write(kReq, req, "req");
    auto end = server.serve(ER_HC_EXIT, kReq);
    ASSERT_TRUE(end);
    EXPECT_EQ(end->status, 125);
    EXPECT_EQ(end->message, "unikernel panic: bad\\x1b[2Jthing");
}

TEST_F(Hypercalls, TimeFillsAllThreeFields) {
    ram.memory.write(kReq, er_hc_time{}, "req");
    EXPECT_FALSE(server.serve(ER_HC_TIME, kReq));
    auto t = ram.memory.read<er_hc_time>(kReq, "req");
    EXPECT_EQ(t.monotonic_ns, 111u);
    EXPECT_EQ(t.realtime_ns, 222u);
    EXPECT_EQ(t.tsc, 333u);
}

TEST_F(Hypercalls, LogIsSanitisedAndCapped) {
    put_text(
        "a\x01"
        "b\\c\n");
    ram.memory.write(kReq, er_hc_log{kText, 6}, "req");
    server.serve(ER_HC_LOG, kReq);
    ASSERT_EQ(console.logs.size(), 1u);
    EXPECT_EQ(console.logs[0], "a\\x01b\\x5cc");
    ram.memory.write(kReq, er_hc_log{kText, ER_MESSAGE_MAX}, "req");
    EXPECT_EQ(guest_error(ER_HC_LOG, kReq), "");
    ram.memory.write(kReq, er_hc_log{kText, ER_MESSAGE_MAX + 1}, "req");
    EXPECT_NE(guest_error(ER_HC_LOG, kReq).find("exceeds the limit"), std::string::npos);
    ram.memory.write(kReq, er_hc_log{kRam - 4, 8}, "req");
    EXPECT_NE(guest_error(ER_HC_LOG, kReq).find("outside guest memory"), std::string::npos);
}

TEST(SignalName, KnownAndUnknown) {
    EXPECT_EQ(signal_name(11), "SIGSEGV");
    EXPECT_EQ(signal_name(9), "SIGKILL");
    EXPECT_EQ(signal_name(200), "signal 200");
}

}  // namespace
}  // namespace er::launcher
