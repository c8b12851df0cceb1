// ER_HC_EVIDENCE and ER_HC_GUEST_REQUEST (ABI 4): the request is copied out and checked before
// anything is kept or handed on; every malformed field ends the VM with a guest error naming it.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "attestation/evidence.hpp"
#include "fake_console.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/domain_queue.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kRam = 64 * 1024;
constexpr uint64_t kReq = 0x2000;
constexpr uint64_t kEvidence = 0x4000;  // sizeof(er_evidence) is about 12.7 KiB
constexpr uint64_t kReqPage = 0x8000, kRespPage = 0x9000;

class EvidenceHypercalls : public ::testing::Test {
  protected:
    EvidenceHypercalls()
        : ram(kRam),
          server(
              ram.memory, console, [] { return HostTimes{}; },
              std::vector<ServedDomain>{{"hello"}, {"web"}}) {}

    static std::unique_ptr<er_evidence> two_entries() {
        auto ev = std::make_unique<er_evidence>();
        ev->count = 2;
        std::strcpy(ev->entries[0].name, "hello");
        ev->entries[0].isolation = ER_ISO_MPK;
        ev->entries[0].image[0] = 0xAB;
        std::strcpy(ev->entries[1].name, "web");
        ev->entries[1].isolation = ER_ISO_PAGETABLE;
        return ev;
    }
    // Puts `ev` at kEvidence and serves ER_HC_EVIDENCE for it; the guest error or "".
    std::string send(const er_evidence& ev, uint64_t size = sizeof(er_evidence),
                     uint64_t gpa = kEvidence) {
        ram.memory.write(kEvidence, ev, "ev");
        er_hc_evidence req{};
        req.gpa = gpa;
        req.size = size;
        req.ret = -1;
        ram.memory.write(kReq, req, "req");
        try {
            server.serve(ER_HC_EVIDENCE, kReq);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }
    std::string guest_request(uint64_t request_gpa, uint64_t response_gpa) {
        er_hc_guest_request req{};
        req.request_gpa = request_gpa;
        req.response_gpa = response_gpa;
        req.fw_error = 77;
        ram.memory.write(kReq, req, "req");
        try {
            server.serve(ER_HC_GUEST_REQUEST, kReq);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }

    test::FakeRam ram;
    test::FakeConsole console;
    HypercallServer server;
};

TEST_F(EvidenceHypercalls, KeepsTheCheckedCopyAndHandsItOnOnce) {
    int calls = 0;
    std::string first_name;
    server.set_evidence_handler([&](const er_evidence& ev) {
        ++calls;
        first_name = ev.entries[0].name;
    });
    EXPECT_EQ(server.evidence(), nullptr);
    auto ev = two_entries();
    ASSERT_EQ(send(*ev), "");
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(first_name, "hello");
    ASSERT_NE(server.evidence(), nullptr);
    EXPECT_EQ(std::memcmp(server.evidence(), ev.get(), sizeof *ev), 0);
    EXPECT_EQ(ram.memory.read<er_hc_evidence>(kReq, "req").ret, 0);
    // A later change of the guest's page changes nothing kept.
    ram.bytes[kEvidence + offsetof(er_evidence, entries)] = 'X';
    EXPECT_STREQ(server.evidence()->entries[0].name, "hello");

    EXPECT_EQ(send(*ev), "evidence sent twice (ER_HC_EVIDENCE)");
    EXPECT_EQ(calls, 1);
}

// ABI 5 amendment: a persistent enclave re-sends its evidence after each hot add.  Each must be
// a strict extension of the last: the same earlier entries, byte for byte, and at most one more
// per domain staged since.  The queue's owner reads the log with its digests.
TEST_F(EvidenceHypercalls, APersistentEnclaveMayOnlyExtendItsLog) {
    DomainQueue queue(0x4000);
    server.set_domain_queue(&queue, 0xA000);
    int calls = 0;
    server.set_evidence_handler([&](const er_evidence&) { ++calls; });
    auto ev = two_entries();
    ASSERT_EQ(send(*ev), "");  // at boot
    EXPECT_EQ(queue.log().entries.size(), 2u);
    EXPECT_EQ(queue.log().evidence_count, 1u);
    // Not grown: no domain was added since.
    EXPECT_EQ(send(*ev),
              "evidence count 2 does not grow the previous log of 2 entries (a persistent "
              "enclave only appends)");

    HotDomain d;
    d.name = "db";
    d.app = {0x7f, 'E', 'L', 'F'};
    d.args = build_args_blob({"db"}, {}, 4096);
    queue.add(std::move(d), [](const DomainResult&) {});
    er_hc_domain_poll poll{};
    poll.free_slot = 2;
    ram.memory.write(kReq, poll, "poll");
    server.serve(ER_HC_DOMAIN_POLL, kReq);
    ASSERT_EQ(ram.memory.read<er_hc_domain_poll>(kReq, "poll").action, uint32_t{ER_POLL_ADD});

    auto three = two_entries();
    three->count = 3;
    std::strcpy(three->entries[2].name, "db");
    three->entries[2].isolation = ER_ISO_PAGETABLE;
    auto changed = two_entries();
    changed->count = 3;
    changed->entries[2] = three->entries[2];
    changed->entries[0].image[0] = 0xAC;  // history rewritten
    EXPECT_EQ(send(*changed),
              "evidence entry 0 differs from the previous log's (a persistent enclave only "
              "appends)");
    ASSERT_EQ(send(*three), "");
    EXPECT_EQ(calls, 2);
    EnclaveLog log = queue.log();
    ASSERT_EQ(log.entries.size(), 3u);
    EXPECT_EQ(log.evidence_count, 2u);
    EXPECT_EQ(log.entries[2].entry.name, "db");
    EXPECT_EQ(log.entries[2].entry.isolation, "page-table");
    std::vector<attest::DomainEntry> plain;
    for (const EnclaveLogEntry& e : log.entries) plain.push_back(e.entry);
    EXPECT_EQ(log.log_digest, attest::replay_log(plain));
    EXPECT_NE(log.entries[0].digest, log.entries[1].digest);
    EXPECT_FALSE(log.full());
    EXPECT_FALSE(queue.log_full());
}

TEST(EvidenceExtends, ShrinkingOrStandingStillIsAGuestError) {
    er_evidence last{};
    last.count = 1;
    std::strcpy(last.entries[0].name, "a");
    last.entries[0].isolation = ER_ISO_MPK;
    er_evidence same = last;
    EXPECT_THROW(check_evidence_extends(same, last, 1), GuestError);
    er_evidence fewer{};
    EXPECT_THROW(check_evidence_extends(fewer, last, 1), GuestError);
    er_evidence next = last;
    next.count = 2;
    std::strcpy(next.entries[1].name, "b");
    next.entries[1].isolation = ER_ISO_PAGETABLE;
    EXPECT_NO_THROW(check_evidence_extends(next, last, 1));
    EXPECT_THROW(check_evidence_extends(next, last, 0), GuestError);  // no add since
    std::strcpy(next.entries[1].name, "a");  // names stay unique in the log
    EXPECT_THROW(check_evidence_extends(next, last, 1), GuestError);
}

TEST_F(EvidenceHypercalls, AnEmptyLogIsEvidenceToo) {
    // Every domain refused: the log is empty, and the verifier can see that.
    er_evidence ev{};
    EXPECT_EQ(send(ev), "");
    EXPECT_EQ(server.evidence()->count, 0u);
}

TEST_F(EvidenceHypercalls, RefusesABadRequest) {
    auto ev = two_entries();
    EXPECT_EQ(send(*ev, sizeof(er_evidence) - 1), "evidence size " +
                                                      std::to_string(sizeof(er_evidence) - 1) +
                                                      " is not sizeof(struct er_evidence) (" +
                                                      std::to_string(sizeof(er_evidence)) + ")");
    EXPECT_NE(send(*ev, sizeof(er_evidence), 0x10).find("null page"), std::string::npos);
    EXPECT_NE(send(*ev, sizeof(er_evidence), kEvidence + 2).find("aligned"), std::string::npos);
    EXPECT_NE(send(*ev, sizeof(er_evidence), kRam - 0x1000).find("evidence"), std::string::npos);
    EXPECT_EQ(server.evidence(), nullptr);
}

TEST_F(EvidenceHypercalls, NamesEachBadField) {
    auto ev = two_entries();
    ev->count = 3;
    EXPECT_EQ(send(*ev), "evidence count 3 exceeds the enclave's 2 domains");

    ev = two_entries();
    ev->report_size = 1000;
    EXPECT_EQ(send(*ev), "evidence report_size 1000 (0 or 1184)");

    ev = two_entries();
    ev->entries[1].name[0] = '\0';
    EXPECT_EQ(send(*ev), "evidence entry 1: name is empty, unprintable or not NUL-padded");

    ev = two_entries();
    ev->entries[1].name[1] = ' ';
    EXPECT_EQ(send(*ev), "evidence entry 1: name is empty, unprintable or not NUL-padded");

    ev = two_entries();
    ev->entries[0].name[10] = 'x';  // after the NUL: not NUL-padded
    EXPECT_EQ(send(*ev), "evidence entry 0: name is empty, unprintable or not NUL-padded");

    ev = two_entries();
    std::strcpy(ev->entries[1].name, "hello");
    EXPECT_EQ(send(*ev), "evidence entry 1: name hello repeats entry 0");

    ev = two_entries();
    ev->entries[1].isolation = ER_ISO_AUTO;
    EXPECT_EQ(send(*ev), "evidence entry 1 (web): isolation 0 is not PAGETABLE or MPK");

    ev = two_entries();
    ev->entries[0].isolation = 9;
    EXPECT_EQ(send(*ev), "evidence entry 0 (hello): isolation 9 is not PAGETABLE or MPK");
    EXPECT_EQ(server.evidence(), nullptr);
}

TEST_F(EvidenceHypercalls, AcceptsAFullLengthNameAndAReport) {
    auto ev = two_entries();
    std::memset(ev->entries[1].name, 'w', ER_DOMAIN_NAME_MAX);  // 32 bytes, no NUL: as the table
    ev->report_size = ER_SNP_REPORT_SIZE;
    EXPECT_EQ(send(*ev), "");
}

TEST_F(EvidenceHypercalls, GuestRequestWithoutAPspIsAGuestError) {
    EXPECT_EQ(guest_request(kReqPage, kRespPage),
              "guest request without a PSP (ER_HC_GUEST_REQUEST needs --confidential sim)");
}

TEST_F(EvidenceHypercalls, GuestRequestGoesToTheHandlerAsACopy) {
    for (size_t i = 0; i < kGuestMessagePage; ++i)
        ram.bytes[kReqPage + i] = static_cast<uint8_t>(i * 7);
    std::array<uint8_t, kGuestMessagePage> seen{};
    server.set_guest_request_handler([&](std::span<const uint8_t, kGuestMessagePage> request) {
        // A copy: the guest's page changing under the PSP changes nothing it reads.
        ram.bytes[kReqPage] = 0xFF;
        std::memcpy(seen.data(), request.data(), request.size());
        GuestRequestReply reply;
        reply.response.fill(0x5C);
        reply.fw_error = 0x16;
        return reply;
    });
    ASSERT_EQ(guest_request(kReqPage, kRespPage), "");
    EXPECT_EQ(seen[0], 0);
    EXPECT_EQ(seen[1], 7);
    EXPECT_EQ(ram.bytes[kRespPage], 0x5C);
    EXPECT_EQ(ram.bytes[kRespPage + kGuestMessagePage - 1], 0x5C);
    EXPECT_EQ(ram.memory.read<er_hc_guest_request>(kReq, "req").fw_error, 0x16u);
}

TEST_F(EvidenceHypercalls, GuestRequestPagesAreChecked) {
    int calls = 0;
    server.set_guest_request_handler([&](std::span<const uint8_t, kGuestMessagePage>) {
        ++calls;
        return GuestRequestReply{};
    });
    EXPECT_EQ(guest_request(kReqPage + 8, kRespPage),
              "guest request page at GPA 0x8008 is not page aligned");
    EXPECT_EQ(guest_request(kReqPage, kRespPage + 0x10),
              "guest response page at GPA 0x9010 is not page aligned");
    EXPECT_NE(guest_request(0, kRespPage).find("null page"), std::string::npos);
    EXPECT_NE(guest_request(kReqPage, kRam).find("guest response page"), std::string::npos);
    EXPECT_EQ(guest_request(kReqPage, kReqPage),
              "guest request and response pages are the same page at GPA 0x8000");
    EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace er::launcher
