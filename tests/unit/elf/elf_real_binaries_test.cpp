// The parser against real toolchain output: the musl test apps (classic static and static PIE),
// Debian's static glibc busybox, and a dynamically linked system binary.  Expected values come
// from an independent decode of the file with the host's <elf.h>, not from the parser.
#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "elf_test_support.hpp"

namespace er::elf::test {
namespace {

struct Reference {
    Elf64_Ehdr ehdr;
    std::vector<Elf64_Phdr> phdrs;

    explicit Reference(const std::vector<uint8_t>& file) {
        if (file.size() < sizeof ehdr) throw std::runtime_error("reference: short file");
        std::memcpy(&ehdr, file.data(), sizeof ehdr);
        if (ehdr.e_phoff + ehdr.e_phnum * sizeof(Elf64_Phdr) > file.size())
            throw std::runtime_error("reference: program headers outside the file");
        phdrs.resize(ehdr.e_phnum);
        std::memcpy(phdrs.data(), file.data() + ehdr.e_phoff, phdrs.size() * sizeof(Elf64_Phdr));
    }
    std::vector<Elf64_Phdr> of_type(uint32_t type) const {
        std::vector<Elf64_Phdr> out;
        std::copy_if(phdrs.begin(), phdrs.end(), std::back_inserter(out),
                     [type](const Elf64_Phdr& p) { return p.p_type == type; });
        return out;
    }
    // End of the last byte the parser must be able to read: headers, PT_LOAD and PT_DYNAMIC data.
    uint64_t needed_size() const {
        uint64_t end = ehdr.e_phoff + ehdr.e_phnum * sizeof(Elf64_Phdr);
        for (const auto& p : phdrs)
            if (p.p_type == PT_LOAD || p.p_type == PT_DYNAMIC)
                end = std::max<uint64_t>(end, p.p_offset + p.p_filesz);
        return end;
    }
};

std::string app_path(const std::string& name) {
    return std::string(ER_APPS_DIR) + "/" + name;
}

// Checks every field of a successfully parsed image against the reference decode.
void expect_matches_reference(const std::vector<uint8_t>& file, const Image& img) {
    Reference ref(file);
    EXPECT_EQ(img.pie, ref.ehdr.e_type == ET_DYN);
    EXPECT_EQ(img.entry, ref.ehdr.e_entry);
    EXPECT_EQ(img.phnum, ref.ehdr.e_phnum);
    EXPECT_EQ(img.phentsize, sizeof(Elf64_Phdr));

    auto loads = ref.of_type(PT_LOAD);
    ASSERT_EQ(img.nsegs, loads.size());
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < loads.size(); ++i) {
        SCOPED_TRACE("PT_LOAD #" + std::to_string(i));
        EXPECT_EQ(img.segs[i].vaddr, loads[i].p_vaddr);
        EXPECT_EQ(img.segs[i].memsz, loads[i].p_memsz);
        EXPECT_EQ(img.segs[i].offset, loads[i].p_offset);
        EXPECT_EQ(img.segs[i].filesz, loads[i].p_filesz);
        EXPECT_EQ(img.segs[i].flags, loads[i].p_flags & (PF_R | PF_W | PF_X));
        EXPECT_FALSE((img.segs[i].flags & kWrite) && (img.segs[i].flags & kExec));
        lo = std::min<uint64_t>(lo, loads[i].p_vaddr);
        hi = std::max<uint64_t>(hi, loads[i].p_vaddr + loads[i].p_memsz);
    }
    EXPECT_EQ(img.lo, lo & ~uint64_t{0xfff});
    EXPECT_EQ(img.hi, (hi + 0xfff) & ~uint64_t{0xfff});

    // The entry point lies in an executable segment.
    bool entry_ok = std::any_of(loads.begin(), loads.end(), [&](const Elf64_Phdr& p) {
        return (p.p_flags & PF_X) && img.entry >= p.p_vaddr && img.entry < p.p_vaddr + p.p_memsz;
    });
    EXPECT_TRUE(entry_ok) << std::hex << "entry 0x" << img.entry;

    // AT_PHDR: the whole table is mapped, and its bytes there are the file's table.
    uint64_t table_len = ref.ehdr.e_phnum * sizeof(Elf64_Phdr);
    auto holder = std::find_if(loads.begin(), loads.end(), [&](const Elf64_Phdr& p) {
        return img.phdr_vaddr >= p.p_vaddr && img.phdr_vaddr + table_len <= p.p_vaddr + p.p_filesz;
    });
    ASSERT_NE(holder, loads.end()) << std::hex << "phdr_vaddr 0x" << img.phdr_vaddr;
    EXPECT_EQ(holder->p_offset + (img.phdr_vaddr - holder->p_vaddr), ref.ehdr.e_phoff);
    auto phdr = ref.of_type(PT_PHDR);
    if (!phdr.empty()) {
        EXPECT_EQ(img.phdr_vaddr, phdr[0].p_vaddr);
    }

    auto tls = ref.of_type(PT_TLS);
    EXPECT_EQ(img.tls_memsz, tls.empty() ? 0 : tls[0].p_memsz);
    auto stack = ref.of_type(PT_GNU_STACK);
    EXPECT_EQ(img.exec_stack, !stack.empty() && (stack[0].p_flags & PF_X));
}

class RealAppTest : public ::testing::TestWithParam<const char*> {};

TEST_P(RealAppTest, ParsesAndMatchesIndependentDecode) {
    auto file = read_file(app_path(GetParam()));
    Reference ref(file);
    EXPECT_TRUE(ref.of_type(PT_INTERP).empty()) << "the build produced a dynamic app";
    Image img;
    ASSERT_EQ(parse_all(file, &img), Status::ok);
    expect_matches_reference(file, img);
}

// Prefixes shorter than the data the parser needs are truncated; from there on the file parses.
// Tried: every length up to the end of the program headers, every segment boundary (and one byte
// either side), and every 97th length in between.  Each prefix sits in an exact-size heap block,
// so an out-of-bounds read fails under ASan.
TEST_P(RealAppTest, EveryTruncationIsRefusedWithoutReadingPastTheEnd) {
    auto file = read_file(app_path(GetParam()));
    Reference ref(file);
    uint64_t needed = ref.needed_size();
    ASSERT_LE(needed, file.size());
    std::set<uint64_t> lengths;
    for (uint64_t len = 0; len <= ref.ehdr.e_phoff + ref.phdrs.size() * sizeof(Elf64_Phdr); ++len)
        lengths.insert(len);
    for (const auto& p : ref.phdrs)
        for (uint64_t edge : {p.p_offset, p.p_offset + p.p_filesz})
            for (uint64_t len : {edge - 1, edge, edge + 1}) lengths.insert(len);
    for (uint64_t len = 0; len <= file.size(); len += 97) lengths.insert(len);
    lengths.insert(file.size());
    for (uint64_t len : lengths) {
        if (len > file.size()) continue;
        Image img;
        Status s = parse_prefix(file, len, &img);
        if (len < needed) {
            ASSERT_EQ(s, Status::truncated) << "length " << len;
        } else {
            ASSERT_EQ(s, Status::ok) << "length " << len;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(StaticApps, RealAppTest,
                         ::testing::Values("hello", "hello-pie", "exit-code", "crash", "alloc",
                                           "echo-args", "echo-args-pie", "stderr", "big-output"),
                         [](const auto& info) {
                             std::string n = info.param;
                             std::replace(n.begin(), n.end(), '-', '_');
                             return n;
                         });

TEST(RealAppFacts, ClassicStaticAppsAreExecAtTheLinkersDefaultBase) {
    for (const char* name :
         {"hello", "exit-code", "crash", "alloc", "echo-args", "stderr", "big-output"}) {
        SCOPED_TRACE(name);
        Image img;
        ASSERT_EQ(parse_all(read_file(app_path(name)), &img), Status::ok);
        EXPECT_FALSE(img.pie);
        EXPECT_EQ(img.lo, 0x400000u);  // GNU ld's default for x86-64 executables
        EXPECT_GE(img.nsegs, 2u);
    }
}

TEST(RealAppFacts, StaticPiesAreDynAtZeroWithoutNeededLibraries) {
    for (const char* name : {"hello-pie", "echo-args-pie"}) {
        SCOPED_TRACE(name);
        auto file = read_file(app_path(name));
        Reference ref(file);
        EXPECT_EQ(ref.ehdr.e_type, ET_DYN);
        EXPECT_FALSE(ref.of_type(PT_DYNAMIC).empty());  // rcrt1.o relocates itself through it
        Image img;
        ASSERT_EQ(parse_all(file, &img), Status::ok);
        EXPECT_TRUE(img.pie);
        EXPECT_EQ(img.lo, 0u);
        EXPECT_LT(img.entry, img.hi);
    }
}

TEST(RealAppFacts, PieAndExecBuildsOfOneSourceHaveTheSameShape) {
    Image exec, pie;
    ASSERT_EQ(parse_all(read_file(app_path("hello")), &exec), Status::ok);
    ASSERT_EQ(parse_all(read_file(app_path("hello-pie")), &pie), Status::ok);
    EXPECT_FALSE(exec.pie);
    EXPECT_TRUE(pie.pie);
    EXPECT_GT(exec.entry, pie.entry);  // absolute at 0x400000+ versus relative to a bias
}

TEST(RealSystemBinaries, StaticGlibcBusybox) {
    const char* path = "/bin/busybox";
    if (!std::filesystem::exists(path))
        GTEST_SKIP() << path << " missing (apt install busybox-static)";
    auto file = read_file(path);
    Reference ref(file);
    if (!ref.of_type(PT_INTERP).empty()) GTEST_SKIP() << path << " is not the static busybox";
    Image img;
    ASSERT_EQ(parse_all(file, &img), Status::ok);
    expect_matches_reference(file, img);
    EXPECT_FALSE(img.pie);
    EXPECT_GT(img.tls_memsz, 0u);  // glibc keeps errno and friends in TLS
    // Truncation just before the end of each segment's file bytes is caught.
    for (const auto& p : ref.of_type(PT_LOAD)) {
        if (p.p_filesz == 0) continue;
        EXPECT_EQ(parse_prefix(file, p.p_offset + p.p_filesz - 1, &img), Status::truncated);
    }
}

TEST(RealSystemBinaries, DynamicallyLinkedLsIsRefused) {
    const char* path = "/bin/ls";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " missing";
    auto file = read_file(path);
    ASSERT_FALSE(Reference(file).of_type(PT_INTERP).empty());
    EXPECT_EQ(parse_all(file), Status::dynamically_linked);
}

}  // namespace
}  // namespace er::elf::test
