// Hardware corner cases of kernel entry (issue 15, item 5; docs/threat-model.md "Entry and
// exit"): MOV SS before SYSCALL or INT3, single-stepping with TF, ICEBP.  Each hostile
// domain must end alone (SIGTRAP, as Linux's default action) or carry on correctly, and the
// kernel must survive: hello in the same enclave still finishes.  The emulated CPU of the test
// VM may not deliver the #DB that MOV SS holds pending into the SYSCALL entry (real hardware
// does); the kernel ignores such a #DB on its IST stack, and checks its IST set-up at every boot.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "domain_output.hpp"
#include "harness.hpp"

namespace {

using er::test::Result;

TEST(Entry, DebugTrapCornerCasesKillOnlyTheApp) {
    const std::string app = er::test::kChecks + "/debug-check";
    const std::vector<std::string> trapping = {"movss-syscall-tf", "movss-int3-tf", "tf", "icebp"};
    std::vector<std::string> args = {"run", "--timeout", "120", app, "movss-syscall"};
    for (const auto& mode : trapping) {
        for (const char* a : {"---", app.c_str(), mode.c_str()}) args.push_back(a);
    }
    args.push_back("---");
    args.push_back(er::test::app("hello"));
    Result r = er::test::enclave(args, 180);
    ASSERT_FALSE(r.timed_out) << r.err;
    EXPECT_EQ(r.err.find("panic"), std::string::npos) << r.err;
    auto out = er::test::by_domain(r.out);
    EXPECT_EQ(er::test::join(out["debug-check"]),
              "debug-check: movss-syscall\ndebug-check: movss-syscall ok\n")
        << r.out;
    EXPECT_EQ(er::test::join(out["hello"]), er::test::kHello + "\n") << r.out;
    auto rows = er::test::summary(r.err);
    EXPECT_EQ(rows["debug-check"].status, "exited 0") << r.err;
    EXPECT_EQ(rows["hello"].status, "exited 0") << r.err;
    for (size_t i = 0; i < trapping.size(); i++) {
        std::string name = "debug-check-" + std::to_string(i + 2);
        EXPECT_EQ(er::test::join(out[name]), "debug-check: " + trapping[i] + "\n")
            << name << " got past its trap:\n"
            << r.out;
        // ICEBP is a #DB on hardware; QEMU's emulated CPU in the test VM raises #UD for it.
        if (trapping[i] == "icebp" && rows[name].status == "killed SIGILL") continue;
        EXPECT_EQ(rows[name].status, "killed SIGTRAP") << name << "\n" << r.err;
    }
}

}  // namespace
