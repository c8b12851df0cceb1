// Limits are reservations: the launcher refuses limits that add up to more than the guest can set
// aside (issue 15, item 4).
#include "launcher/vm/memory_limits.hpp"

#include <gtest/gtest.h>

#include "launcher/common/error.hpp"
#include "launcher/vm/layout.hpp"

namespace er::launcher {
namespace {

constexpr uint64_t kMiB = layout::kMiB;

DomainLayout placed(std::vector<uint64_t> limits, uint64_t mem_size) {
    DomainLayout l;
    for (size_t i = 0; i < limits.size(); ++i) {
        DomainImage d;
        d.name = "d" + std::to_string(i);
        d.args = build_args_blob({"app"}, {}, ER_ARGS_MAX);
        d.mem_limit = limits[i];
        l.domains.push_back(std::move(d));
    }
    place_domains(l, mem_size);
    return l;
}

std::string error_of(const DomainLayout& l, uint64_t mem_size) {
    try {
        check_memory_limits(l, mem_size);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(MemoryLimits, ReservableIsTheAllocatorsRangeLessTheKernel) {
    DomainLayout l = placed({0, 0}, 64 * kMiB);
    uint64_t room = reservable_bytes(l, 64 * kMiB);
    EXPECT_EQ(room, 64 * kMiB - l.free_start - kernel_frames(64 * kMiB, 2) * layout::kPageSize);
    // The kernel's share is small and grows with RAM (direct map) and domains (FPU areas).
    EXPECT_LT(kernel_frames(64 * kMiB, 2), 32u);
    EXPECT_GT(kernel_frames(3 * layout::kGiB, 2), kernel_frames(64 * kMiB, 2));
    EXPECT_GT(kernel_frames(64 * kMiB, 64), kernel_frames(64 * kMiB, 2));
}

TEST(MemoryLimits, LimitsThatFitAreAccepted) {
    EXPECT_EQ(error_of(placed({16 * kMiB, 0, 16 * kMiB}, 64 * kMiB), 64 * kMiB), "");
    DomainLayout l = placed({0, 0}, 64 * kMiB);
    uint64_t room = reservable_bytes(l, 64 * kMiB);
    l.domains[0].mem_limit = room;  // exactly all of it
    EXPECT_EQ(error_of(l, 64 * kMiB), "");
    l.domains[1].mem_limit = 4096;  // one frame more
    EXPECT_NE(error_of(l, 64 * kMiB), "");
}

// The case: each limit fits alone, together they over-commit RAM.
TEST(MemoryLimits, OverCommittedLimitsAreOneLine) {
    DomainLayout l = placed({48 * kMiB, 16 * kMiB}, 64 * kMiB);
    std::string e = error_of(l, 64 * kMiB);
    EXPECT_EQ(e.rfind("the memory limits of 2 apps add up to 64 MiB, more than the ", 0), 0u) << e;
    EXPECT_NE(e.find(" of the 64 MiB of guest memory left to reserve"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos);
}

TEST(MemoryLimits, HugeLimitsDoNotWrap) {
    DomainLayout l = placed({UINT64_MAX, UINT64_MAX, 4096}, 64 * kMiB);
    EXPECT_NE(error_of(l, 64 * kMiB), "");
}

}  // namespace
}  // namespace er::launcher
