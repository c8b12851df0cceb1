// ASID accounting (sev/asid/): the state directory's safety checks, the budget and its clamping,
// slots taken and freed, a SIGKILLed holder's slot reclaimed, racing processes held to the budget,
// and the lines `enclave-run platform` prints.  Each test has its own temporary state directory.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fake_probe.hpp"
#include "sev/asid/asid_budget.hpp"
#include "sev/asid/asid_report.hpp"
#include "sev/platform_json.hpp"
#include "sev/platform_text.hpp"

namespace er::sev::asid {
namespace {

namespace fs = std::filesystem;

// An EPYC 7713P (Milan): 509 encrypted guests, minimum SEV ASID 128 (127 for SEV-ES/SNP).
SevCpuid milan() {
    return decode_sev_cpuid(CpuidRegs{0x0101fd3f, 0x00004173, 0x000001fd, 0x00000080});
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

class Asid : public ::testing::Test {
  protected:
    void SetUp() override {
        ::unsetenv(kBudgetEnv);
        char tmpl[] = "/tmp/asid_test_XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        state_ = root_ + "/state";
    }
    void TearDown() override {
        ::unsetenv(kBudgetEnv);
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    BudgetOptions options(const std::string& dir) const { return {dir, milan()}; }
    AsidBudget open(uint32_t budget, Pool pool = Pool::sim) const {
        return AsidBudget::open(pool, budget, options(state_));
    }
    // The AsidError line an open of `dir` gives ("" when it opens).
    std::string refusal(const std::string& dir) const {
        try {
            AsidBudget::open(Pool::sim, 2, options(dir));
        } catch (const AsidError& e) {
            return e.what();
        }
        return "";
    }

    std::string root_;
    std::string state_;
};

TEST(AsidStateDir, ChosenInTheDocumentedOrder) {
    EXPECT_EQ(choose_state_dir("/srv/er", 0, "/run/user/0"), "/srv/er");
    EXPECT_EQ(choose_state_dir(nullptr, 0, "/run/user/0"), "/run/enclave-run");
    EXPECT_EQ(choose_state_dir("", 1000, "/run/user/1000"), "/run/user/1000/enclave-run");
    EXPECT_EQ(choose_state_dir(nullptr, 1000, nullptr), "/tmp/enclave-run-1000");
    EXPECT_EQ(choose_state_dir(nullptr, 1000, "relative"), "/tmp/enclave-run-1000");
}

TEST_F(Asid, CreatesTheStateAndPoolDirectoriesPrivate) {
    AsidBudget b = open(2);
    EXPECT_EQ(b.path(), state_ + "/asid/sim");
    EXPECT_EQ(mode_of(state_), 0700u);
    EXPECT_EQ(mode_of(state_ + "/asid"), 0700u);
    EXPECT_EQ(mode_of(state_ + "/asid/sim"), 0700u);
    std::optional<AsidSlot> s = b.try_acquire();
    ASSERT_TRUE(s);
    EXPECT_EQ(mode_of(state_ + "/asid/sim/slot-0"), 0600u);
    EXPECT_EQ(mode_of(state_ + "/asid/sim/lock"), 0600u);
}

TEST_F(Asid, RefusesASymlinkedStateDirectory) {
    ASSERT_EQ(::mkdir((root_ + "/real").c_str(), 0700), 0);
    ASSERT_EQ(::symlink((root_ + "/real").c_str(), (root_ + "/link").c_str()), 0);
    std::string why = refusal(root_ + "/link");
    EXPECT_NE(why.find("unsafe state directory " + root_ + "/link: it is a symlink"),
              std::string::npos)
        << why;
    EXPECT_FALSE(fs::exists(root_ + "/real/asid"));  // nothing was created through it
}

TEST_F(Asid, RefusesAStateDirectoryOthersCanWrite) {
    ASSERT_EQ(::mkdir(state_.c_str(), 0700), 0);
    ASSERT_EQ(::chmod(state_.c_str(), 0777), 0);
    std::string why = refusal(state_);
    EXPECT_NE(why.find(state_ + ": it is writable by group or others (mode 0777)"),
              std::string::npos)
        << why;
    EXPECT_EQ(why.find('\n'), std::string::npos);
    ASSERT_EQ(::chmod(state_.c_str(), 0750), 0);
    EXPECT_EQ(refusal(state_), "");  // readable by the group is fine
}

TEST_F(Asid, RefusesAStateDirectoryThatIsAFileOrOwnedByAnother) {
    {
        std::FILE* f = std::fopen(state_.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fclose(f);
    }
    EXPECT_NE(refusal(state_).find("it is not a directory"), std::string::npos);
    ASSERT_EQ(::unlink(state_.c_str()), 0);
    if (::geteuid() != 0) GTEST_SKIP() << "only root can give a directory to another user";
    ASSERT_EQ(::mkdir(state_.c_str(), 0700), 0);
    ASSERT_EQ(::chown(state_.c_str(), 65534, 65534), 0);
    EXPECT_NE(refusal(state_).find("it is owned by uid 65534, not by this user (uid 0)"),
              std::string::npos)
        << refusal(state_);
}

TEST_F(Asid, RefusesASymlinkBelowTheStateDirectory) {
    // Checking only the top would let a swapped asid/ lead the slots elsewhere.
    ASSERT_EQ(::mkdir(state_.c_str(), 0700), 0);
    ASSERT_EQ(::mkdir((root_ + "/elsewhere").c_str(), 0700), 0);
    ASSERT_EQ(::symlink((root_ + "/elsewhere").c_str(), (state_ + "/asid").c_str()), 0);
    EXPECT_NE(refusal(state_).find(state_ + "/asid: it is a symlink"), std::string::npos)
        << refusal(state_);
}

TEST_F(Asid, InspectingCreatesNothing) {
    AsidBudget b = AsidBudget::inspect(Pool::es_snp, std::nullopt, options(state_));
    Usage u = b.usage();
    EXPECT_EQ(u.in_use, 0u);
    EXPECT_EQ(u.budget, 127u);
    EXPECT_FALSE(fs::exists(state_));
    EXPECT_THROW(b.try_acquire(), AsidError);
}

TEST_F(Asid, ABudgetOfTwoGivesTwoSlotsThenRefusesAndAReleaseFreesOne) {
    AsidBudget b = open(2);
    std::optional<AsidSlot> first = b.try_acquire();
    std::optional<AsidSlot> second = b.try_acquire();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->index(), 0u);
    EXPECT_EQ(second->index(), 1u);
    EXPECT_FALSE(b.try_acquire());
    Usage u = b.usage();
    EXPECT_EQ(u.in_use, 2u);
    EXPECT_EQ(u.left(), 0u);
    ASSERT_EQ(u.holders.size(), 2u);
    EXPECT_EQ(u.holders[0].pid, ::getpid());

    first->release();
    EXPECT_EQ(b.usage().in_use, 1u);
    std::optional<AsidSlot> again = b.try_acquire();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->index(), 0u);
    EXPECT_FALSE(b.try_acquire());
    { AsidSlot gone = std::move(*again); }  // RAII: destroyed, released
    EXPECT_TRUE(b.try_acquire());
}

TEST_F(Asid, ASecondBudgetObjectSeesTheSameSlots) {
    AsidBudget a = open(2);
    AsidBudget b = open(2);
    std::optional<AsidSlot> s1 = a.try_acquire();
    std::optional<AsidSlot> s2 = b.try_acquire();
    ASSERT_TRUE(s1 && s2);
    EXPECT_NE(s1->index(), s2->index());
    EXPECT_FALSE(a.try_acquire());
    EXPECT_FALSE(b.try_acquire());
}

TEST_F(Asid, SlotsHeldUnderALargerBudgetCountAgainstASmallerOne) {
    AsidBudget big = open(3);
    std::vector<AsidSlot> held;
    for (int i = 0; i < 3; ++i) held.push_back(*big.try_acquire());
    AsidBudget small = open(2);
    EXPECT_EQ(small.usage().in_use, 3u);
    EXPECT_EQ(small.usage().left(), 0u);
    held[0].release();  // slots 1 and 2 still held: 2 in use, the small budget is full
    EXPECT_FALSE(small.try_acquire());
    held[1].release();
    std::optional<AsidSlot> s = small.try_acquire();
    ASSERT_TRUE(s);
    EXPECT_LT(s->index(), 2u);
}

TEST_F(Asid, ASigkilledHoldersSlotIsFreeOnceItIsGone) {
    AsidBudget b = open(2);
    std::optional<AsidSlot> mine = b.try_acquire();
    ASSERT_TRUE(mine);
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        // Its own budget object: a lock shared through fork would be the parent's lock.
        char got = 'n';
        try {
            AsidBudget own = open(2);
            std::optional<AsidSlot> slot = own.try_acquire();
            if (slot) got = 'y';
            (void)!::write(ready[1], &got, 1);
            for (;;) ::pause();  // holds the slot until killed
        } catch (...) {
        }
        (void)!::write(ready[1], &got, 1);
        ::_exit(1);
    }
    ::close(ready[1]);
    char got = 0;
    ASSERT_EQ(::read(ready[0], &got, 1), 1);
    ::close(ready[0]);
    EXPECT_EQ(got, 'y');
    Usage u = b.usage();
    EXPECT_EQ(u.in_use, 2u);
    ASSERT_EQ(u.holders.size(), 2u);
    EXPECT_EQ(u.holders[1].pid, child);
    EXPECT_FALSE(b.try_acquire());  // the budget is full while the child lives

    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    // The child never released anything; the kernel dropped its lock when it died.
    EXPECT_EQ(b.usage().in_use, 1u);
    std::optional<AsidSlot> reclaimed = b.try_acquire();
    ASSERT_TRUE(reclaimed);
    EXPECT_EQ(reclaimed->index(), 1u);
    EXPECT_EQ(b.usage().holders[1].pid, ::getpid());
}

// What the racing children count, in memory shared with the parent.
struct RaceCounters {
    std::atomic<int> holding{0};
    std::atomic<int> most{0};
    std::atomic<int> acquired{0};
    std::atomic<int> refused{0};
    std::atomic<int> over_budget_seen{0};
    std::atomic<int> errors{0};
};

TEST_F(Asid, RacingProcessesNeverHoldMoreThanTheBudget) {
    constexpr int kProcs = 4;
    constexpr int kRounds = 150;
    constexpr uint32_t kBudget = 2;
    void* mem = ::mmap(nullptr, sizeof(RaceCounters), PROT_READ | PROT_WRITE,
                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    ASSERT_NE(mem, MAP_FAILED);
    auto* c = new (mem) RaceCounters;
    (void)open(kBudget);  // create the directories once, before the race
    std::vector<pid_t> kids;
    for (int p = 0; p < kProcs; ++p) {
        pid_t pid = ::fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            try {
                AsidBudget b = open(kBudget);
                for (int i = 0; i < kRounds; ++i) {
                    std::optional<AsidSlot> s = b.try_acquire();
                    if (!s) {
                        c->refused++;
                        continue;
                    }
                    // Counted after the take and uncounted before the release, so `holding`
                    // never exceeds the real number of holders: above the budget means a real
                    // breach.
                    int now = ++c->holding;
                    c->acquired++;
                    for (int m = c->most; now > m && !c->most.compare_exchange_weak(m, now);) {
                    }
                    if (b.usage().in_use > kBudget) c->over_budget_seen++;
                    --c->holding;
                }
            } catch (...) {
                c->errors++;
            }
            ::_exit(0);
        }
        kids.push_back(pid);
    }
    for (pid_t pid : kids) {
        int status = 0;
        ASSERT_EQ(::waitpid(pid, &status, 0), pid);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    EXPECT_EQ(c->errors.load(), 0);
    EXPECT_LE(c->most.load(), static_cast<int>(kBudget));
    EXPECT_EQ(c->over_budget_seen.load(), 0);
    EXPECT_GT(c->acquired.load(), 0);
    EXPECT_EQ(c->acquired.load() + c->refused.load(), kProcs * kRounds);
    EXPECT_EQ(open(kBudget).usage().in_use, 0u);  // every child's slots went with it
    ::munmap(mem, sizeof(RaceCounters));
}

TEST(AsidBudgetChoice, AConfiguredBudgetAboveTheHardwaresIsClampedSayingSo) {
    BudgetChoice c = choose_budget(Pool::es_snp, 127, 600);
    EXPECT_EQ(c.budget, 127u);
    ASSERT_TRUE(c.clamped);
    EXPECT_EQ(*c.clamped,
              "ASID budget 600 for es-snp is above the 127 ASIDs CPUID 0x8000001F gives it: using "
              "127");
    BudgetChoice lower = choose_budget(Pool::es_snp, 127, 2);
    EXPECT_EQ(lower.budget, 2u);
    EXPECT_FALSE(lower.clamped);
    EXPECT_EQ(choose_budget(Pool::sev, 382, std::nullopt).budget, 382u);
    EXPECT_EQ(choose_budget(Pool::sev, 0, 5).budget, 0u);  // no hardware ASIDs: none to give
}

TEST(AsidBudgetChoice, TheSimPoolHasNoHardwareAndDefaultsToSixteen) {
    EXPECT_EQ(choose_budget(Pool::sim, std::nullopt, std::nullopt).budget, kSimDefaultBudget);
    BudgetChoice c = choose_budget(Pool::sim, std::nullopt, 40);
    EXPECT_EQ(c.budget, 40u);
    EXPECT_FALSE(c.clamped);
}

TEST(AsidBudgetChoice, HardwareCountsComeFromCpuid) {
    EXPECT_EQ(hardware_asids(Pool::es_snp, milan()), 127u);
    EXPECT_EQ(hardware_asids(Pool::sev, milan()), 382u);
    EXPECT_EQ(hardware_asids(Pool::sim, milan()), std::nullopt);
    SevCpuid none = decode_sev_cpuid(CpuidRegs{});  // this build machine: the leaf all zero
    EXPECT_EQ(hardware_asids(Pool::sev, none), 0u);
    EXPECT_EQ(hardware_asids(Pool::es_snp, none), 0u);
}

TEST(AsidBudgetChoice, BudgetTextIsADecimalCount) {
    EXPECT_EQ(parse_budget("0", "x"), 0u);
    EXPECT_EQ(parse_budget("509", "x"), 509u);
    for (const char* bad : {"", "-1", "two", "1e3", " 2", "2 ", "99999999"})
        EXPECT_THROW(parse_budget(bad, kBudgetEnv), AsidError) << bad;
    try {
        parse_budget("two", kBudgetEnv);
    } catch (const AsidError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "ENCLAVE_RUN_ASID_BUDGET \"two\" is not an ASID count (0 to 1000000)");
    }
}

TEST_F(Asid, TheEnvironmentSetsTheBudgetAndAnExplicitOneWins) {
    ASSERT_EQ(::setenv(kBudgetEnv, "2", 1), 0);
    EXPECT_EQ(AsidBudget::open(Pool::sim, std::nullopt, options(state_)).budget(), 2u);
    EXPECT_EQ(AsidBudget::open(Pool::sim, 3, options(state_)).budget(), 3u);
    AsidBudget clamped = AsidBudget::open(Pool::es_snp, 1000, options(state_));
    EXPECT_EQ(clamped.budget(), 127u);
    EXPECT_TRUE(clamped.choice().clamped);
    ASSERT_EQ(::setenv(kBudgetEnv, "lots", 1), 0);
    EXPECT_THROW(AsidBudget::open(Pool::sim, std::nullopt, options(state_)), AsidError);
}

TEST_F(Asid, AHostWithoutSevHasABudgetOfZero) {
    BudgetOptions o{state_, decode_sev_cpuid(std::nullopt)};
    AsidBudget b = AsidBudget::open(Pool::es_snp, std::nullopt, o);
    EXPECT_EQ(b.budget(), 0u);
    EXPECT_FALSE(b.try_acquire());
}

TEST_F(Asid, PlatformShowsEachPoolAfterTheFacts) {
    AsidBudget b = open(2, Pool::es_snp);
    std::optional<AsidSlot> s = b.try_acquire();
    ASSERT_TRUE(s);
    ASSERT_EQ(::setenv(kBudgetEnv, "200", 1), 0);  // above es-snp's 127, below sev's 382
    AsidReport r = inspect_asids(milan(), state_);
    ASSERT_FALSE(r.error) << *r.error;
    std::vector<std::string> lines = asid_text(r);
    std::string pid = std::to_string(::getpid());
    std::vector<std::string> want{
        "ASID slots: " + state_ + "/asid",
        "ASIDs sev: 0 in use, 200 left, budget 200 (configured; CPUID 0x8000001F gives 382)",
        "ASIDs es-snp: 1 in use, 126 left, budget 127 (configured; CPUID 0x8000001F gives 127), "
        "held by pid " +
            pid,
        "  - ASID budget 200 for es-snp is above the 127 ASIDs CPUID 0x8000001F gives it: using "
        "127",
        "ASIDs sim: 0 in use, 200 left, budget 200 (configured; software PSP, tests only)"};
    EXPECT_EQ(lines, want);

    nlohmann::json j = asid_json(r);
    EXPECT_EQ(j["state_dir"], state_);
    EXPECT_TRUE(j["error"].is_null());
    const nlohmann::json& es = j["pools"]["es-snp"];
    EXPECT_EQ(es["in_use"], 1);
    EXPECT_EQ(es["left"], 126);
    EXPECT_EQ(es["budget"], 127);
    EXPECT_EQ(es["hardware"], 127);
    EXPECT_EQ(es["configured"], 200);
    EXPECT_TRUE(es["clamped"].is_string());
    EXPECT_EQ(es["holders"][0]["slot"], 0);
    EXPECT_EQ(es["holders"][0]["pid"], ::getpid());
    EXPECT_TRUE(j["pools"]["sim"]["hardware"].is_null());

    // In the whole report: after the four fact lines, before the modes; the last line unchanged.
    test::FakeProbe p = test::snp_host();
    PlatformReport report = probe_platform(p);
    std::vector<std::string> all = platform_text(report, r);
    ASSERT_GT(all.size(), 4 + want.size());
    EXPECT_EQ(std::vector<std::string>(all.begin() + 4, all.begin() + 4 + want.size()), want);
    EXPECT_EQ(all[4 + want.size()], "snp: available");
    EXPECT_EQ(all.back(), "strongest mode: snp");
    EXPECT_EQ(platform_json(report, r)["asids"], j);
}

TEST_F(Asid, AFullPoolIsExplainedForTheLaunchersRefusal) {
    EXPECT_EQ(pool_for_mode(Mode::snp), Pool::es_snp);
    EXPECT_EQ(pool_for_mode(Mode::es), Pool::es_snp);
    EXPECT_EQ(pool_for_mode(Mode::sev), Pool::sev);
    AsidBudget b = open(1, Pool::es_snp);
    std::optional<AsidSlot> s = b.try_acquire();
    ASSERT_TRUE(s);
    ASSERT_FALSE(b.try_acquire());
    EXPECT_EQ(exhausted_reason(b.pool(), b.usage()),
              "all 1 ASIDs of the es-snp budget are in use (held by pid " +
                  std::to_string(::getpid()) + ")");
    EXPECT_EQ(exhausted_reason(Pool::sev, Usage{}), "the sev ASID budget is 0");
}

TEST_F(Asid, PlatformGivesAnUnsafeStateDirectoryAsOneLine) {
    ASSERT_EQ(::mkdir(state_.c_str(), 0777), 0);
    ASSERT_EQ(::chmod(state_.c_str(), 0777), 0);
    AsidReport r = inspect_asids(milan(), state_);
    std::vector<std::string> lines = asid_text(r);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].rfind("ASIDs: unsafe state directory " + state_, 0), 0u) << lines[0];
    EXPECT_TRUE(asid_json(r)["pools"].empty());
}

}  // namespace
}  // namespace er::sev::asid
