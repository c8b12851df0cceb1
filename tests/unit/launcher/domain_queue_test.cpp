// ABI 5: the host queue of a persistent enclave and the HypercallServer's ER_HC_DOMAIN_POLL:
// what is staged where, which slot the domain gets, kills, shutdown, and the guest's slot offer
// checked against the host's own view.
#include "launcher/vm/domain_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "fake_console.hpp"
#include "launcher/common/error.hpp"
#include "launcher/vm/hypercalls.hpp"
#include "test_support.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kRam = 256 * 1024;
constexpr uint64_t kReq = 0x2000;
constexpr uint64_t kStaging = 0x20000;
constexpr uint64_t kStagingSize = 0x10000;

HotDomain hot(const std::string& name, size_t app_bytes = 5000) {
    HotDomain d;
    d.name = name;
    d.app.assign(app_bytes, 0x7f);
    d.args = build_args_blob({name, "-v"}, {"HOME=/"}, 4096);
    return d;
}

class DomainQueueTest : public ::testing::Test {
  protected:
    DomainQueueTest()
        : ram(kRam),
          queue(kStagingSize),
          server(
              ram.memory, console, [] { return HostTimes{}; },
              std::vector<ServedDomain>{{"boot"}}) {
        server.set_domain_queue(&queue, kStaging);
    }

    // One ER_HC_DOMAIN_POLL offering `slot`; the answer as the guest reads it back.
    er_hc_domain_poll poll(uint32_t slot) {
        er_hc_domain_poll req{};
        req.free_slot = slot;
        ram.memory.write(kReq, req, "req");
        server.serve(ER_HC_DOMAIN_POLL, kReq);
        return ram.memory.read<er_hc_domain_poll>(kReq, "req");
    }
    std::string poll_error(uint32_t slot) {
        try {
            poll(slot);
        } catch (const GuestError& e) {
            return e.what();
        }
        return "";
    }
    void exit_domain(uint32_t slot, int32_t status) {
        er_hc_domain_exit req{};
        req.exit.reason = ER_EXIT_NORMAL;
        req.exit.status = status;
        req.exit.domain = slot;
        req.isolation = ER_ISO_PAGETABLE;
        ram.memory.write(kReq, req, "req");
        server.serve(ER_HC_DOMAIN_EXIT, kReq);
    }

    test::FakeRam ram;
    test::FakeConsole console;
    DomainQueue queue;
    HypercallServer server;
};

TEST_F(DomainQueueTest, NothingQueuedAnswersNone) {
    EXPECT_EQ(poll(1).action, ER_POLL_NONE);
    EXPECT_EQ(queue.polls(), 1u);
}

// ABI 5 amendment: an er-fs image is staged at the page after the args blob and described in the
// answer; staged_bytes counts it, and one that cannot fit is refused at add.
TEST_F(DomainQueueTest, StagesAnErFsImageAfterTheArgs) {
    HotDomain d = hot("web");
    d.fs.assign(3000, 0xE5);
    EXPECT_EQ(staged_bytes(d), 0x2000u + 0x1000u + 3000u);  // app 5000 -> 2 pages, args 1 page
    queue.add(d, [](const DomainResult&) {});
    er_hc_domain_poll a = poll(1);
    ASSERT_EQ(a.action, ER_POLL_ADD);
    EXPECT_EQ(a.desc.fs_gpa, kStaging + 0x3000);
    EXPECT_EQ(a.desc.fs_size, 3000u);
    auto staged = ram.memory.view(a.desc.fs_gpa, a.desc.fs_size, "fs");
    EXPECT_TRUE(std::equal(staged.begin(), staged.end(), d.fs.begin(), d.fs.end()));
    EXPECT_TRUE(queue.staged(1)->fs.empty());  // not kept once staged

    HotDomain none = hot("db");
    queue.add(none, [](const DomainResult&) {});
    EXPECT_EQ(poll(2).desc.fs_gpa, 0u);
    HotDomain huge = hot("big");
    huge.fs.assign(kStagingSize, 0);
    EXPECT_THROW(queue.add(huge, [](const DomainResult&) {}), Error);
}

TEST_F(DomainQueueTest, StagesAppAndArgsAndNamesTheSlot) {
    HotDomain d = hot("web");
    std::vector<uint8_t> args = d.args.bytes;
    queue.add(std::move(d), nullptr);
    er_hc_domain_poll a = poll(1);
    ASSERT_EQ(a.action, ER_POLL_ADD);
    EXPECT_EQ(a.domain, 1u);
    EXPECT_STREQ(a.desc.name, "web");
    EXPECT_EQ(a.desc.app_gpa, kStaging);
    EXPECT_EQ(a.desc.app_size, 5000u);
    EXPECT_EQ(a.desc.args_gpa, kStaging + 0x2000);  // the page after the app
    EXPECT_EQ(a.desc.args_size, args.size());
    EXPECT_EQ(a.desc.argc, 2u);
    EXPECT_EQ(a.desc.envc, 1u);
    EXPECT_EQ(a.desc.fs_gpa, 0u);
    EXPECT_EQ(ram.bytes[kStaging + 4999], 0x7f);
    EXPECT_EQ(0, std::memcmp(ram.bytes.data() + a.desc.args_gpa, args.data(), args.size()));
    // The next poll has nothing more.
    EXPECT_EQ(poll(2).action, ER_POLL_NONE);
}

TEST_F(DomainQueueTest, NoFreeSlotKeepsTheDomainQueued) {
    queue.add(hot("web"), nullptr);
    EXPECT_EQ(poll(ER_POLL_NO_SLOT).action, ER_POLL_NONE);
    EXPECT_EQ(poll(1).action, ER_POLL_ADD);
}

TEST_F(DomainQueueTest, EndReachesTheHandlerAndTheSlotIsReused) {
    std::vector<int> statuses;
    queue.add(hot("a"), [&](const DomainResult& r) { statuses.push_back(r.status); });
    queue.add(hot("b"), [&](const DomainResult& r) { statuses.push_back(r.status); });
    ASSERT_EQ(poll(1).action, ER_POLL_ADD);
    exit_domain(1, 3);
    EXPECT_EQ(statuses, std::vector<int>{3});
    // Slot 1 ended: the guest may offer it again, and b takes it.
    er_hc_domain_poll a = poll(1);
    ASSERT_EQ(a.action, ER_POLL_ADD);
    EXPECT_STREQ(a.desc.name, "b");
    exit_domain(1, 0);
    EXPECT_EQ(statuses, (std::vector<int>{3, 0}));
}

TEST_F(DomainQueueTest, RefusesASlotTheHostSeesLive) {
    // Slot 0 (the boot domain) has not ended; slot 5 would leave a hole.
    EXPECT_NE(poll_error(0).find("not free"), std::string::npos);
    EXPECT_NE(poll_error(5).find("not free"), std::string::npos);
    queue.add(hot("a"), nullptr);
    ASSERT_EQ(poll(1).action, ER_POLL_ADD);
    EXPECT_NE(poll_error(1).find("not free"), std::string::npos);  // a runs there
}

TEST_F(DomainQueueTest, KillOfAStagedDomainIsSentAndOfAQueuedOneReportedAtOnce) {
    std::vector<uint32_t> signals;
    auto t1 = queue.add(hot("a"), [&](const DomainResult& r) { signals.push_back(r.signal); });
    auto t2 = queue.add(hot("b"), [&](const DomainResult& r) { signals.push_back(r.signal); });
    ASSERT_EQ(poll(1).action, ER_POLL_ADD);
    EXPECT_TRUE(queue.kill(t2));  // never staged
    EXPECT_EQ(signals, std::vector<uint32_t>{9});
    EXPECT_TRUE(queue.kill(t1, 15));
    er_hc_domain_poll a = poll(2);
    EXPECT_EQ(a.action, ER_POLL_KILL);
    EXPECT_EQ(a.domain, 1u);
    EXPECT_EQ(a.signal, 15u);
    EXPECT_FALSE(queue.kill(12345));
}

// ABI 5 amendment: a signal reaches a staged domain as ER_POLL_SIGNAL; kills go first.
TEST_F(DomainQueueTest, SignalOfAStagedDomainIsSentAfterKills) {
    auto t1 = queue.add(hot("a"), nullptr);
    auto t2 = queue.add(hot("b"), nullptr);
    EXPECT_FALSE(queue.signal(t1, 15));  // not staged yet
    ASSERT_EQ(poll(1).action, ER_POLL_ADD);
    ASSERT_EQ(poll(2).action, ER_POLL_ADD);
    EXPECT_FALSE(queue.signal(t1, 0));
    EXPECT_FALSE(queue.signal(t1, 65));
    EXPECT_TRUE(queue.signal(t1, 15));
    EXPECT_TRUE(queue.kill(t2));
    er_hc_domain_poll k = poll(ER_POLL_NO_SLOT);
    EXPECT_EQ(k.action, ER_POLL_KILL);
    EXPECT_EQ(k.domain, 2u);
    er_hc_domain_poll s = poll(ER_POLL_NO_SLOT);
    EXPECT_EQ(s.action, ER_POLL_SIGNAL);
    EXPECT_EQ(s.domain, 1u);
    EXPECT_EQ(s.signal, 15u);
    EXPECT_EQ(poll(ER_POLL_NO_SLOT).action, ER_POLL_NONE);
    EXPECT_FALSE(queue.signal(12345, 15));
}

TEST_F(DomainQueueTest, ShutdownAfterTheQueueDrainsAndOnlyOnce) {
    queue.add(hot("a"), nullptr);
    queue.shutdown();
    EXPECT_THROW(queue.add(hot("b"), nullptr), Error);
    EXPECT_EQ(poll(1).action, ER_POLL_ADD);
    EXPECT_EQ(poll(2).action, ER_POLL_SHUTDOWN);
    EXPECT_EQ(poll(2).action, ER_POLL_NONE);
}

TEST_F(DomainQueueTest, RefusesWhatCannotFitTheStagingArea) {
    EXPECT_THROW(queue.add(hot("big", kStagingSize), nullptr), Error);
    EXPECT_NO_THROW(queue.add(hot("fits", kStagingSize - 0x1000), nullptr));
}

TEST(DomainPoll, WithoutAQueueIsAGuestError) {
    test::FakeRam ram(kRam);
    test::FakeConsole console;
    HypercallServer server(
        ram.memory, console, [] { return HostTimes{}; }, std::vector<ServedDomain>{{"boot"}});
    er_hc_domain_poll req{};
    ram.memory.write(kReq, req, "req");
    EXPECT_THROW(server.serve(ER_HC_DOMAIN_POLL, kReq), GuestError);
}

}  // namespace
}  // namespace er::launcher
