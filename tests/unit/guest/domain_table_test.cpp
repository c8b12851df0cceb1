// The boot-time check of the launcher's domain table (ABI 2): every malformed field is refused
// with a message naming the domain and the field.
#include "domain/domain_table.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

using uk::FixedText;
using uk::domain::check_domain_table;
using uk::domain::TableBounds;

// A fake guest RAM: images start at ER_GPA_IMAGES, backed by a host buffer.
constexpr uint64_t kMem = 64ull << 20;
constexpr uint64_t kFree = ER_GPA_IMAGES + 0x100000;
std::vector<char> g_ram(kFree - ER_GPA_IMAGES);

const void* to_virt(uint64_t gpa) {
    return g_ram.data() + (gpa - ER_GPA_IMAGES);
}

const TableBounds kBounds{kMem, kFree, to_virt};

er_domain_desc make(const char* name, uint64_t slot) {
    er_domain_desc d{};
    std::strncpy(d.name, name, sizeof d.name);
    d.app_gpa = ER_GPA_IMAGES + slot * 0x10000;
    d.app_size = 0x8000;
    d.args_gpa = d.app_gpa + 0x8000;
    static const char kArgs[] = "app\0-v\0HOME=/";
    std::memcpy(g_ram.data() + (d.args_gpa - ER_GPA_IMAGES), kArgs, sizeof kArgs);
    d.args_size = sizeof kArgs;  // three strings, the last NUL included
    d.argc = 2;
    d.envc = 1;
    return d;
}

std::string check(const std::vector<er_domain_desc>& t, uint32_t count) {
    FixedText<256> why;
    if (check_domain_table(t.data(), count, kBounds, why)) return "ok";
    return std::string(why.data(), why.size());
}

std::string check(const std::vector<er_domain_desc>& t) {
    return check(t, uint32_t(t.size()));
}

TEST(DomainTable, AcceptsAWellFormedTable) {
    EXPECT_EQ(check({make("hello", 0), make("spin", 1), make("a.b-c_d", 2)}), "ok");
}

TEST(DomainTable, CountMustBeOneToMax) {
    std::vector<er_domain_desc> t{make("a", 0)};
    EXPECT_NE(check(t, 0).find("domain_count 0"), std::string::npos);
    EXPECT_NE(check(t, ER_MAX_DOMAINS + 1).find("domain_count"), std::string::npos);
}

// ABI 5 amendment: only a persistent enclave may boot with no domain (it takes them by hot add).
TEST(DomainTable, ZeroDomainsOnlyForAPersistentEnclave) {
    TableBounds persistent = kBounds;
    persistent.persistent = true;
    FixedText<256> why;
    EXPECT_TRUE(check_domain_table(nullptr, 0, persistent, why))
        << std::string(why.data(), why.size());
    EXPECT_FALSE(check_domain_table(nullptr, 0, kBounds, why));
    EXPECT_NE(std::string(why.data(), why.size()).find("0 only for a persistent enclave"),
              std::string::npos);
    std::vector<er_domain_desc> t{make("a", 0)};
    FixedText<256> why2;
    EXPECT_FALSE(check_domain_table(t.data(), ER_MAX_DOMAINS + 1, persistent, why2));
    EXPECT_TRUE(check_domain_table(t.data(), 1, persistent, why2))
        << std::string(why2.data(), why2.size());
}

TEST(DomainTable, NamesArePrintableNulPaddedAndUnique) {
    er_domain_desc d = make("x", 0);
    d.name[0] = '\0';
    EXPECT_NE(check({d}).find("domain 0: name"), std::string::npos);
    d = make("a b", 0);
    EXPECT_NE(check({d}).find("name"), std::string::npos);
    d = make("ab", 0);
    d.name[5] = 'z';  // garbage after the NUL
    EXPECT_NE(check({d}).find("name"), std::string::npos);
    d = make("ab", 0);
    d.name[1] = '\x7f';
    EXPECT_NE(check({d}).find("name"), std::string::npos);
    std::memset(d.name, 'n', sizeof d.name);  // all 32 bytes used, no NUL: allowed
    EXPECT_EQ(check({d}), "ok");
    EXPECT_NE(check({make("same", 0), make("same", 1)}).find("domain 1: name is not unique"),
              std::string::npos);
}

TEST(DomainTable, AppMustLieInTheImagesBelowFreeStart) {
    er_domain_desc d = make("a", 0);
    d.app_size = 0;
    EXPECT_NE(check({d}).find("app_gpa"), std::string::npos);
    d = make("a", 0);
    d.app_gpa = ER_GPA_IMAGES - 0x1000;  // into the kernel
    EXPECT_NE(check({d}).find("app_gpa"), std::string::npos);
    d = make("a", 0);
    d.app_gpa = kFree - 0x1000;
    EXPECT_NE(check({d}).find("app_gpa"), std::string::npos);
    d = make("a", 0);
    d.app_size = ~0ull - d.app_gpa + 2;  // wraps around
    EXPECT_NE(check({d}).find("app_gpa"), std::string::npos);
}

TEST(DomainTable, ArgsMustMatchArgcAndEnvc) {
    er_domain_desc d = make("a", 0);
    d.argc = 0;
    EXPECT_NE(check({d}).find("argc"), std::string::npos);
    d = make("a", 0);
    d.envc = 2;
    EXPECT_NE(check({d}).find("args blob"), std::string::npos);
    d = make("a", 0);
    d.args_gpa = kFree;
    EXPECT_NE(check({d}).find("args_gpa"), std::string::npos);
}

TEST(DomainTable, FsImageOptionalButInRange) {
    er_domain_desc d = make("a", 0);
    d.fs_size = 10;
    EXPECT_NE(check({d}).find("fs_size"), std::string::npos);
    d = make("a", 0);
    d.fs_gpa = ER_GPA_IMAGES + 0x90000;
    d.fs_size = 0x1000;
    EXPECT_EQ(check({d}), "ok");
    d.fs_size = kFree;  // past free_start
    EXPECT_NE(check({d}).find("fs_gpa"), std::string::npos);
}

TEST(DomainTable, IsolationKnownAndFlagsZero) {
    er_domain_desc d = make("a", 0);
    d.isolation = 3;
    EXPECT_NE(check({d}).find("isolation"), std::string::npos);
    d = make("a", 0);
    d.flags = 1;
    EXPECT_NE(check({d}).find("flags"), std::string::npos);
}

TEST(DomainTable, NameCopiedWithNul) {
    er_domain_desc d = make("hello", 0);
    char out[ER_DOMAIN_NAME_MAX + 1];
    uk::domain::domain_name(d, out);
    EXPECT_STREQ(out, "hello");
    std::memset(d.name, 'q', sizeof d.name);
    uk::domain::domain_name(d, out);
    EXPECT_EQ(std::string(out), std::string(ER_DOMAIN_NAME_MAX, 'q'));
}

}  // namespace
