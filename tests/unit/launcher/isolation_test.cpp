#include "launcher/enclave/isolation.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"
#include "tests/unit/elf/elf_image_builder.hpp"

namespace er::launcher {
namespace {

std::string error_of(const std::vector<uint8_t>& app, uint32_t isolation) {
    try {
        check_isolation_fits_app("hello", app, isolation);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Isolation, MpkNeedsAStaticPie) {
    auto exec = elf::test::ImageBuilder::valid_exec().bytes();
    auto pie = elf::test::ImageBuilder::valid_pie().bytes();
    EXPECT_EQ(error_of(exec, ER_ISO_MPK),
              "hello: isolation mpk needs a relocatable app (static PIE, built with "
              "-static-pie); hello is a fixed-address executable (ET_EXEC)");
    EXPECT_EQ(error_of(pie, ER_ISO_MPK), "");
}

TEST(Isolation, OtherRequestsTakeAnyApp) {
    auto exec = elf::test::ImageBuilder::valid_exec().bytes();
    auto pie = elf::test::ImageBuilder::valid_pie().bytes();
    for (uint32_t iso : {ER_ISO_AUTO, ER_ISO_PAGETABLE}) {
        EXPECT_EQ(error_of(exec, iso), "");
        EXPECT_EQ(error_of(pie, iso), "");
    }
}

using Kind = PkuVerdict::Kind;

PkuVerdict verdict(std::vector<uint32_t> requested, bool has_pku) {
    return pku_verdict(requested, has_pku);
}

TEST(PkuVerdict, WithPkuEverythingGoes) {
    EXPECT_EQ(verdict({ER_ISO_MPK, ER_ISO_AUTO, ER_ISO_PAGETABLE}, true).kind, Kind::ok);
    EXPECT_EQ(verdict({ER_ISO_AUTO, ER_ISO_AUTO}, true).kind, Kind::ok);
}

TEST(PkuVerdict, MpkWithoutPkuIsAnError) {
    for (auto requested : std::vector<std::vector<uint32_t>>{
             {ER_ISO_MPK}, {ER_ISO_AUTO, ER_ISO_MPK}, {ER_ISO_PAGETABLE, ER_ISO_MPK}}) {
        PkuVerdict v = verdict(requested, false);
        EXPECT_EQ(v.kind, Kind::error);
        EXPECT_EQ(v.text,
                  "isolation mpk: this CPU gives guests no protection keys (PKU); use "
                  "--isolation auto or pagetable");
    }
}

TEST(PkuVerdict, AutoWithoutPkuIsANoticeForSeveralDomainsOnly) {
    PkuVerdict v = verdict({ER_ISO_PAGETABLE, ER_ISO_AUTO}, false);
    EXPECT_EQ(v.kind, Kind::notice);
    EXPECT_EQ(v.text,
              "no protection keys (PKU) on this CPU: domains are isolated with page tables");
    EXPECT_EQ(verdict({ER_ISO_AUTO, ER_ISO_AUTO, ER_ISO_AUTO}, false).kind, Kind::notice);
    EXPECT_EQ(verdict({ER_ISO_AUTO}, false).kind, Kind::ok);
    EXPECT_EQ(verdict({ER_ISO_PAGETABLE, ER_ISO_PAGETABLE}, false).kind, Kind::ok);
    EXPECT_EQ(verdict({ER_ISO_PAGETABLE}, false).kind, Kind::ok);
}

}  // namespace
}  // namespace er::launcher
