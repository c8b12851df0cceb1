// An epoll interest list: ADD/MOD/DEL and their errors, level-triggered reports that repeat,
// EPOLLET reporting once per change, EPOLLONESHOT disabling until MOD, ERR/HUP always reported,
// forgetting a released description, and a scan that does not starve later items.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "epoll/epoll_set.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::epoll;
using uk::fs::OpenFile;

struct State {
    uint32_t mask;
    uint32_t gen;
};
std::map<const OpenFile*, State> g_state;

uint32_t ready(void*, OpenFile* f, uint32_t* gen) {
    *gen = g_state[f].gen;
    return g_state[f].mask;
}

struct Fixture : ::testing::Test {
    Epoll* e = static_cast<Epoll*>(std::calloc(1, sizeof(Epoll)));
    OpenFile a, b, c;
    void SetUp() override { g_state.clear(); }
    void TearDown() override { std::free(e); }
    uint32_t collect(Event* out, uint32_t max = 8) { return e->collect(out, max, ready, nullptr); }
};

using EpollSet = Fixture;

TEST_F(EpollSet, AddModDelAndTheirErrors) {
    EXPECT_EQ(e->add(&a, 3, kIn, 1), 0);
    EXPECT_EQ(e->add(&a, 3, kIn, 1), -uk::kEEXIST);
    EXPECT_EQ(e->add(&a, 4, kIn, 2), 0);  // the same description under another descriptor
    EXPECT_EQ(e->mod(&b, 5, kIn, 0), -uk::kENOENT);
    EXPECT_EQ(e->del(&b, 5), -uk::kENOENT);
    EXPECT_EQ(e->del(&a, 3), 0);
    EXPECT_EQ(e->del(&a, 3), -uk::kENOENT);
    EXPECT_EQ(e->count, 1u);
}

TEST_F(EpollSet, LevelTriggeredRepeatsUntilNotReady) {
    e->add(&a, 3, kIn, 42);
    Event ev[8];
    EXPECT_EQ(collect(ev), 0u);
    g_state[&a] = {kIn | kOut, 1};
    ASSERT_EQ(collect(ev), 1u);
    EXPECT_EQ(ev[0].events, kIn);  // OUT was not asked for
    EXPECT_EQ(ev[0].data, 42u);
    EXPECT_EQ(collect(ev), 1u);  // still ready: reported again
    g_state[&a] = {0, 2};
    EXPECT_EQ(collect(ev), 0u);
    EXPECT_FALSE(e->any_ready(ready, nullptr));
}

TEST_F(EpollSet, EdgeTriggeredReportsOncePerChange) {
    e->add(&a, 3, kIn | kOut | kRdhup | kEt, 7);
    g_state[&a] = {kOut, 5};
    Event ev[8];
    ASSERT_EQ(collect(ev), 1u);  // ready at ADD: reported once
    EXPECT_EQ(ev[0].events, kOut);
    EXPECT_EQ(collect(ev), 0u);
    EXPECT_FALSE(e->any_ready(ready, nullptr));
    // Data arrives (a new generation) while it stays writable: one more report, with both.
    g_state[&a] = {kIn | kOut, 6};
    ASSERT_EQ(collect(ev), 1u);
    EXPECT_EQ(ev[0].events, kIn | kOut);
    EXPECT_EQ(collect(ev), 0u);
    // Drained and refilled between two waits (Go's netpoll reads to EAGAIN): still a change.
    g_state[&a] = {kIn | kOut, 8};
    EXPECT_EQ(collect(ev), 1u);
    // MOD re-arms: what is ready is reported again.
    EXPECT_EQ(e->mod(&a, 3, kIn | kEt, 7), 0);
    EXPECT_EQ(collect(ev), 1u);
}

TEST_F(EpollSet, OneshotDisablesUntilMod) {
    e->add(&a, 3, kIn | kOneshot, 1);
    g_state[&a] = {kIn, 1};
    Event ev[8];
    EXPECT_EQ(collect(ev), 1u);
    g_state[&a] = {kIn, 2};
    EXPECT_EQ(collect(ev), 0u);
    EXPECT_EQ(e->mod(&a, 3, kIn | kOneshot, 1), 0);
    EXPECT_EQ(collect(ev), 1u);
}

TEST_F(EpollSet, ErrAndHupAlwaysReported) {
    e->add(&a, 3, kIn, 1);
    g_state[&a] = {kHup, 1};  // a pipe whose writers are gone
    Event ev[8];
    ASSERT_EQ(collect(ev), 1u);
    EXPECT_EQ(ev[0].events, kHup);
    e->add(&b, 4, 0, 2);  // asks for nothing
    g_state[&b] = {kOut | kErr, 1};
    g_state[&a] = {0, 2};
    ASSERT_EQ(collect(ev), 1u);
    EXPECT_EQ(ev[0].events, kErr);
}

TEST_F(EpollSet, ForgetDropsEveryRegistrationOfADescription) {
    e->add(&a, 3, kIn, 1);
    e->add(&a, 9, kIn, 2);
    e->add(&b, 4, kIn, 3);
    e->forget(&a);
    EXPECT_EQ(e->count, 1u);
    g_state[&a] = {kIn, 1};
    Event ev[8];
    EXPECT_EQ(collect(ev), 0u);
    EXPECT_EQ(e->add(&a, 3, kIn, 1), 0);  // may be added again
}

TEST_F(EpollSet, ASmallBatchDoesNotStarveLaterItems) {
    e->add(&a, 3, kIn, 1);
    e->add(&b, 4, kIn, 2);
    e->add(&c, 5, kIn, 3);
    g_state[&a] = g_state[&b] = g_state[&c] = {kIn, 1};
    Event ev[1];
    uint64_t seen = 0;
    for (int i = 0; i < 3; i++) {
        ASSERT_EQ(collect(ev, 1), 1u);
        seen |= 1u << ev[0].data;
    }
    EXPECT_EQ(seen, 0b1110u);
}

TEST_F(EpollSet, FullSetIsEnospc) {
    static OpenFile files[kMaxItems + 1];
    for (uint32_t i = 0; i < kMaxItems; i++) ASSERT_EQ(e->add(&files[i], int32_t(i), kIn, i), 0);
    EXPECT_EQ(e->add(&files[kMaxItems], 0, kIn, 0), -uk::kENOSPC);
}

}  // namespace
