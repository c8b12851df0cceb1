// The vDSO's code run on the host: the image mapped read+execute one page above a data page the
// test fills, as the kernel maps it into a domain.  With the TSC mode it must compute the kernel's
// own formula (time/clock.cpp); before the anchor, and for clocks it does not serve, it must make
// the real syscall (here: the host's, which the test compares with).
#include <sys/mman.h>
#include <time.h>
#include <x86intrin.h>

#include <gtest/gtest.h>

#include <cstring>

#include "time/tsc_math.hpp"
#include "vdso/vdso_data.h"
#include "vdso_elf.hpp"

namespace {

using vdso_test::VdsoElf;

struct Ts {
    int64_t sec, nsec;
    uint64_t ns() const { return uint64_t(sec) * 1000000000ull + uint64_t(nsec); }
};
struct Tv {
    int64_t sec, usec;
};

using ClockGettime = int (*)(long, Ts*);
using Gettimeofday = int (*)(Tv*, void*);
using Time = long (*)(long*);
using Getcpu = long (*)(unsigned*, unsigned*, void*);

class Mapped {
  public:
    Mapped() : elf_(vdso_test::read_file(ER_VDSO_SO)) {
        size_t image = (elf_.bytes().size() + 4095) & ~size_t(4095);
        size_ = 4096 + image;
        void* p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::runtime_error("mmap failed");
        base_ = static_cast<uint8_t*>(p);
        memcpy(base_ + 4096, elf_.bytes().data(), elf_.bytes().size());
        if (mprotect(base_ + 4096, image, PROT_READ | PROT_EXEC) != 0)
            throw std::runtime_error("mprotect failed");
    }
    ~Mapped() { munmap(base_, size_); }
    Mapped(const Mapped&) = delete;
    Mapped& operator=(const Mapped&) = delete;

    er_vdso_data& data() { return *reinterpret_cast<er_vdso_data*>(base_); }
    template <typename Fn>
    Fn fn(const char* name) {
        auto s = elf_.lookup(name, "LINUX_2.6", VdsoElf::Hash::gnu);
        if (!s) throw std::runtime_error(std::string("no symbol ") + name);
        return reinterpret_cast<Fn>(base_ + 4096 + s->st_value);
    }

  private:
    VdsoElf elf_;
    uint8_t* base_ = nullptr;
    size_t size_ = 0;
};

uint64_t host_ns(clockid_t id) {
    timespec t;
    clock_gettime(id, &t);
    return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec);
}

// Mode TSC: the result lies between the formula applied to rdtsc just before and just after.
TEST(VdsoRun, ComputesTheKernelsTscFormula) {
    Mapped m;
    auto cg = m.fn<ClockGettime>("__vdso_clock_gettime");
    const uint64_t khz = 2500000;  // any frequency: the formula, not the host's clock, is checked
    uint64_t mult = uk::time::tsc_multiplier(khz);
    er_vdso_data& d = m.data();
    d.tsc = __rdtsc() - 1000000;  // the anchor a little in the past
    d.monotonic_ns = 7000000000123ull;
    d.realtime_ns = 1700000000000000000ull;
    d.mult = mult;
    d.mode = ER_VDSO_MODE_TSC;
    d.seq = 2;
    for (long id : {CLOCK_MONOTONIC, CLOCK_MONOTONIC_COARSE, CLOCK_BOOTTIME, CLOCK_REALTIME,
                    CLOCK_REALTIME_COARSE}) {
        bool real = id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE;
        uint64_t base = real ? d.realtime_ns : d.monotonic_ns;
        uint64_t before = base + uk::time::ticks_to_ns(__rdtsc() - d.tsc, mult);
        Ts ts{-1, -1};
        ASSERT_EQ(cg(id, &ts), 0) << id;
        uint64_t after = base + uk::time::ticks_to_ns(__rdtsc() - d.tsc, mult);
        EXPECT_GE(ts.ns(), before) << id;
        EXPECT_LE(ts.ns(), after) << id;
        EXPECT_GE(ts.nsec, 0);
        EXPECT_LT(ts.nsec, 1000000000);
    }
    Tv tv{-1, -1};
    int32_t tz[2] = {7, 7};
    ASSERT_EQ(m.fn<Gettimeofday>("__vdso_gettimeofday")(&tv, tz), 0);
    EXPECT_EQ(tv.sec, 1700000000);
    EXPECT_LT(tv.usec, 1000000);
    EXPECT_EQ(tz[0], 0);
    EXPECT_EQ(tz[1], 0);
    long t = 0;
    EXPECT_EQ(m.fn<Time>("__vdso_time")(&t), 1700000000);
    EXPECT_EQ(t, 1700000000);
    EXPECT_EQ(m.fn<Time>("time")(nullptr), 1700000000);
}

// A TSC older than the anchor (another CPU's, or a reset) never runs the clock backwards.
TEST(VdsoRun, NeverGoesBelowTheAnchor) {
    Mapped m;
    er_vdso_data& d = m.data();
    d.tsc = ~0ull - 5;  // ahead of any real TSC
    d.monotonic_ns = 42000000000ull;
    d.mult = uk::time::tsc_multiplier(1000000);
    d.mode = ER_VDSO_MODE_TSC;
    Ts ts{};
    ASSERT_EQ(m.fn<ClockGettime>("clock_gettime")(CLOCK_MONOTONIC, &ts), 0);
    EXPECT_EQ(ts.ns(), 42000000000ull);
}

// Mode SYSCALL (not anchored, or no usable TSC): every call is the real syscall, so the result is
// the host's clock here, between two host readings.
TEST(VdsoRun, FallsBackToTheSyscallBeforeTheAnchor) {
    Mapped m;
    m.data().mode = ER_VDSO_MODE_SYSCALL;
    m.data().monotonic_ns = 1;  // would be visible if the vDSO used it
    auto cg = m.fn<ClockGettime>("__vdso_clock_gettime");
    uint64_t before = host_ns(CLOCK_MONOTONIC);
    Ts ts{};
    ASSERT_EQ(cg(CLOCK_MONOTONIC, &ts), 0);
    uint64_t after = host_ns(CLOCK_MONOTONIC);
    EXPECT_GE(ts.ns(), before);
    EXPECT_LE(ts.ns(), after);
    Tv tv{};
    uint64_t rb = host_ns(CLOCK_REALTIME) / 1000;
    ASSERT_EQ(m.fn<Gettimeofday>("gettimeofday")(&tv, nullptr), 0);
    uint64_t ra = host_ns(CLOCK_REALTIME) / 1000;
    uint64_t got = uint64_t(tv.sec) * 1000000 + uint64_t(tv.usec);
    EXPECT_GE(got, rb);
    EXPECT_LE(got, ra);
}

// Clocks the data page does not describe go to the kernel even in TSC mode, errors included.
TEST(VdsoRun, OtherClocksAreTheSyscallsAnswer) {
    Mapped m;
    m.data().mode = ER_VDSO_MODE_TSC;
    m.data().mult = uk::time::tsc_multiplier(1000000);
    auto cg = m.fn<ClockGettime>("__vdso_clock_gettime");
    Ts ts{};
    EXPECT_EQ(cg(12345, &ts), -EINVAL);
    EXPECT_EQ(cg(CLOCK_PROCESS_CPUTIME_ID, &ts), 0);  // the host's answer, not the formula
    EXPECT_LT(ts.ns(), host_ns(CLOCK_PROCESS_CPUTIME_ID) + 1);
}

TEST(VdsoRun, GetcpuIsCpuZeroNodeZero) {
    Mapped m;
    unsigned cpu = 9, node = 9;
    EXPECT_EQ(m.fn<Getcpu>("__vdso_getcpu")(&cpu, &node, nullptr), 0);
    EXPECT_EQ(cpu, 0u);
    EXPECT_EQ(node, 0u);
    EXPECT_EQ(m.fn<Getcpu>("getcpu")(nullptr, nullptr, nullptr), 0);
}

static_assert(offsetof(er_vdso_data, seq) == 0 && offsetof(er_vdso_data, mult) == 32 &&
                  sizeof(er_vdso_data) == 40,
              "the data page layout is shared by the vDSO and the kernel: change both");

}  // namespace
