// The guest's choice of isolation backend (unikernel/domain/isolation.cpp, docs/mpk.md "Choosing
// the backend"), on the real test apps: every row of the table, including those the launcher's own
// checks normally keep from reaching the guest (mpk without PKU, mpk for an ET_EXEC app).
#include "domain/isolation.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "libos-abi/enclave_abi.h"

namespace {

using uk::domain::choose_isolation;
using uk::domain::IsolationChoice;

struct App {
    std::vector<uint8_t> bytes;
    er::elf::Image img{};
};

App load(const std::string& name) {
    App a;
    std::ifstream in(std::string(ER_APPS_DIR) + "/" + name, std::ios::binary);
    a.bytes.assign(std::istreambuf_iterator<char>(in), {});
    EXPECT_FALSE(a.bytes.empty()) << name;
    EXPECT_EQ(er::elf::parse(a.bytes.data(), a.bytes.size(), &a.img), er::elf::Status::ok) << name;
    return a;
}

IsolationChoice choose(uint32_t requested, bool pku, const App& a) {
    return choose_isolation(requested, pku, a.img, a.bytes.data(), a.bytes.size());
}

void expect_quiet(const IsolationChoice& c, uint32_t isolation) {
    EXPECT_EQ(c.isolation, isolation);
    EXPECT_EQ(c.error, nullptr);
    EXPECT_EQ(c.notice, nullptr);
}

std::string text(const char* s) {
    return s != nullptr ? s : "";
}

TEST(Isolation, CleanPieGetsMpkUnderAutoAndMpkWithPku) {
    App pie = load("hello-pie");
    expect_quiet(choose(ER_ISO_AUTO, true, pie), ER_ISO_MPK);
    expect_quiet(choose(ER_ISO_MPK, true, pie), ER_ISO_MPK);
}

TEST(Isolation, PagetableIsAlwaysHonoured) {
    expect_quiet(choose(ER_ISO_PAGETABLE, true, load("hello-pie")), ER_ISO_PAGETABLE);
    expect_quiet(choose(ER_ISO_PAGETABLE, true, load("gadget-aligned-pie")), ER_ISO_PAGETABLE);
}

TEST(Isolation, WithoutPkuAutoIsPageTablesAndMpkAnError) {
    App pie = load("hello-pie");
    expect_quiet(choose(ER_ISO_AUTO, false, pie), ER_ISO_PAGETABLE);
    IsolationChoice c = choose(ER_ISO_MPK, false, pie);
    EXPECT_NE(text(c.error).find("no PKU"), std::string::npos) << text(c.error);
}

TEST(Isolation, FixedAddressAppsKeepTheirOwnSpace) {
    App exec = load("hello");
    expect_quiet(choose(ER_ISO_AUTO, true, exec), ER_ISO_PAGETABLE);
    IsolationChoice c = choose(ER_ISO_MPK, true, exec);
    EXPECT_NE(text(c.error).find("relocatable app (static PIE)"), std::string::npos)
        << text(c.error);
}

TEST(Isolation, AGadgetIsRefusedUnderMpkAndGetsPageTablesWithANoticeUnderAuto) {
    App g = load("gadget-xrstor-pie");
    IsolationChoice refused = choose(ER_ISO_MPK, true, g);
    EXPECT_NE(text(refused.error)
                  .find("isolation mpk refused: the app carries 1 WRPKRU/XRSTOR "
                        "gadget: XRSTOR at offset 0x"),
              std::string::npos)
        << text(refused.error);
    IsolationChoice fallback = choose(ER_ISO_AUTO, true, g);
    EXPECT_EQ(fallback.isolation, uint32_t(ER_ISO_PAGETABLE));
    EXPECT_EQ(fallback.error, nullptr);
    EXPECT_NE(text(fallback.notice).find("isolated with page tables instead of a protection key"),
              std::string::npos)
        << text(fallback.notice);
}

TEST(Isolation, AnImageTooBigForAWindowGetsPageTables) {
    App pie = load("hello-pie");
    pie.img.hi = 4ull << 40;  // a multi-TiB .bss
    IsolationChoice c = choose(ER_ISO_AUTO, true, pie);
    EXPECT_EQ(c.isolation, uint32_t(ER_ISO_PAGETABLE));
    EXPECT_NE(text(c.notice).find("too big"), std::string::npos);
    EXPECT_NE(text(choose(ER_ISO_MPK, true, pie).error).find("too big"), std::string::npos);
}

// If the scanner ever disagreed with the parser about the bytes, nothing unscanned may share a
// space: here its view of the file is cut short under the parser's image.
TEST(Isolation, AnAppTheScannerCannotReadNeverGetsMpk) {
    App pie = load("hello-pie");
    IsolationChoice c = choose_isolation(ER_ISO_AUTO, true, pie.img, pie.bytes.data(), 64);
    EXPECT_EQ(c.isolation, uint32_t(ER_ISO_PAGETABLE));
    IsolationChoice m = choose_isolation(ER_ISO_MPK, true, pie.img, pie.bytes.data(), 64);
    EXPECT_NE(text(m.error).find("could not read"), std::string::npos);
}

}  // namespace
