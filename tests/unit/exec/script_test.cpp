// The "#!" line as Linux's binfmt_script reads it.
#include "exec/script.hpp"

#include <gtest/gtest.h>

#include <string>

#include "sys/errno.hpp"

namespace {

using uk::exec::parse_shebang;
using uk::exec::Shebang;

struct Parsed {
    int rc;
    std::string interp, arg;
};

Parsed parse(const std::string& head) {
    Shebang s{};
    int rc = parse_shebang(reinterpret_cast<const uint8_t*>(head.data()), head.size(), &s);
    if (rc != 0) return {rc, "", ""};
    return {0, std::string(s.interp, s.interp_len), std::string(s.arg, s.arg_len)};
}

TEST(Shebang, InterpreterAloneOrWithOneArgument) {
    Parsed p = parse("#!/bin/sh\necho hi\n");
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.interp, "/bin/sh");
    EXPECT_EQ(p.arg, "");
    p = parse("#! /bin/busybox  sh -e  \r\nrest");
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.interp, "/bin/busybox");
    EXPECT_EQ(p.arg, "sh -e") << "everything after the interpreter is one argument, trimmed";
    p = parse("#!/bin/sh");  // the whole file is the line
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.interp, "/bin/sh");
}

TEST(Shebang, NoInterpreterIsNotExecutable) {
    EXPECT_EQ(parse("#!\n").rc, -uk::kENOEXEC);
    EXPECT_EQ(parse("#!   \t\n").rc, -uk::kENOEXEC);
    EXPECT_EQ(parse("#x/bin/sh\n").rc, -uk::kENOEXEC);
    EXPECT_EQ(parse("\x7f"
                    "ELF")
                  .rc,
              -uk::kENOEXEC);
    EXPECT_FALSE(uk::exec::is_script(reinterpret_cast<const uint8_t*>("#"), 1));
}

TEST(Shebang, AnInterpreterNameCutByTheHeadIsRefusedAnArgumentIsKeptCut) {
    std::string long_name = "#!/" + std::string(300, 'a') + "\n";
    EXPECT_EQ(parse(long_name).rc, -uk::kENOEXEC);
    std::string long_arg = "#!/bin/sh " + std::string(300, 'b') + "\n";
    Parsed p = parse(long_arg);
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.interp, "/bin/sh");
    EXPECT_EQ(p.arg.size(), uk::exec::kScriptHeadMax - 10);
}

}  // namespace
