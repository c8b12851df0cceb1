// ABI 5: the check of a domain staged after boot (ER_POLL_ADD).  Every malformed field is refused
// with a line naming the slot and the field; images must lie in the staging area.
#include "domain/staged_domain.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using uk::FixedText;
using uk::domain::check_staged_domain;
using uk::domain::StagingBounds;

constexpr StagingBounds kStaging{0x3000000, 0x800000};  // [48 MiB, 56 MiB)

er_domain_desc make(const char* name) {
    er_domain_desc d{};
    std::strncpy(d.name, name, sizeof d.name);
    d.app_gpa = kStaging.gpa;
    d.app_size = 0x5000;
    d.args_gpa = kStaging.gpa + 0x5000;
    d.args_size = 12;
    d.argc = 2;
    d.envc = 1;
    return d;
}

std::string check(const er_domain_desc& d, std::vector<er_domain_desc> live = {},
                  uint32_t slot = 3) {
    std::vector<const er_domain_desc*> ptrs;
    for (const er_domain_desc& l : live) ptrs.push_back(&l);
    FixedText<256> why;
    if (check_staged_domain(d, slot, kStaging, ptrs.data(), uint32_t(ptrs.size()), why))
        return "ok";
    return std::string(why.data(), why.size());
}

bool refused_for(const std::string& got, const char* field) {
    return got.find(field) != std::string::npos && got.find("domain 3") != std::string::npos;
}

TEST(StagedDomain, AcceptsAWellFormedDescriptor) {
    EXPECT_EQ(check(make("web")), "ok");
    EXPECT_EQ(check(make("web"), {make("db"), make("cache")}), "ok");
}

TEST(StagedDomain, NameMustBeValidAndUniqueAmongLiveDomains) {
    EXPECT_TRUE(refused_for(check(make("")), "name is empty"));
    EXPECT_TRUE(refused_for(check(make("a b")), "unprintable"));
    EXPECT_TRUE(refused_for(check(make("web"), {make("db"), make("web")}), "not unique"));
}

TEST(StagedDomain, ImagesMustLieInsideTheStagingArea) {
    er_domain_desc d = make("x");
    d.app_gpa = ER_GPA_IMAGES;  // boot images are not the staging area
    EXPECT_TRUE(refused_for(check(d), "app_gpa/app_size"));
    d = make("x");
    d.app_size = 0;
    EXPECT_TRUE(refused_for(check(d), "app_gpa/app_size"));
    d = make("x");
    d.app_gpa = kStaging.gpa + kStaging.size - 0x1000;
    d.app_size = 0x2000;  // one page past the end
    EXPECT_TRUE(refused_for(check(d), "app_gpa/app_size"));
    d = make("x");
    d.args_gpa = ~0ull - 4;  // wraps
    EXPECT_TRUE(refused_for(check(d), "args_gpa/args_size"));
    d = make("x");
    d.args_size = 0;
    EXPECT_TRUE(refused_for(check(d), "args_gpa/args_size"));
}

TEST(StagedDomain, AppAndArgsMustNotOverlap) {
    er_domain_desc d = make("x");
    d.args_gpa = d.app_gpa + 0x1000;
    EXPECT_TRUE(refused_for(check(d), "overlap"));
}

// ABI 5 amendment: an er-fs image inside the staging area, clear of app and args, is taken (the
// guest copies it into the domain's own frames); anything else is refused.
TEST(StagedDomain, AnErFsImageMustLieInTheStagingAreaClearOfAppAndArgs) {
    er_domain_desc d = make("x");
    d.fs_gpa = kStaging.gpa + 0x10000;
    d.fs_size = 0x1000;
    EXPECT_EQ(check(d), "ok");
    d.fs_gpa = kStaging.gpa + kStaging.size - 0x800;
    EXPECT_TRUE(refused_for(check(d), "fs_gpa/fs_size outside the staging area"));
    d.fs_gpa = ~0ull - 0x800;
    EXPECT_TRUE(refused_for(check(d), "outside the staging area"));
    d.fs_gpa = d.app_gpa;
    EXPECT_TRUE(refused_for(check(d), "the er-fs image and the app overlap"));
    d.fs_gpa = d.args_gpa;
    EXPECT_TRUE(refused_for(check(d), "the er-fs image and the args overlap"));
    d.fs_gpa = kStaging.gpa + 0x10000;
    d.fs_size = 0;
    EXPECT_TRUE(refused_for(check(d), "outside the staging area"));  // empty: no image
}

TEST(StagedDomain, RefusesArgcZeroFsFlagsReservedAndUnknownIsolation) {
    er_domain_desc d = make("x");
    d.argc = 0;
    EXPECT_TRUE(refused_for(check(d), "argc is 0"));
    d = make("x");
    d.fs_gpa = 0;
    d.fs_size = 0x1000;
    EXPECT_TRUE(refused_for(check(d), "fs_size set without fs_gpa"));
    d = make("x");
    d.isolation = 3;
    EXPECT_TRUE(refused_for(check(d), "isolation"));
    d = make("x");
    d.flags = 1;
    EXPECT_TRUE(refused_for(check(d), "flags"));
    d = make("x");
    d.reserved[2] = 1;
    EXPECT_TRUE(refused_for(check(d), "reserved"));
}

TEST(StagedDomain, SlotMustBeADomainIndex) {
    EXPECT_NE(check(make("x"), {}, ER_MAX_DOMAINS).find("slot out of range"), std::string::npos);
}

}  // namespace
