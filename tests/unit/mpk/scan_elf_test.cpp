// scan_elf: which bytes of an ELF file count as code (the loader's page rights, not just the PF_X
// segments' bytes), on synthetic images and on the real musl apps of apps/.
#include <elf.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "mpk/gadget_scanner.hpp"
#include "tests/unit/elf/elf_image_builder.hpp"

namespace er::mpk {
namespace {

using elf::test::ImageBuilder;

const std::vector<uint8_t> kWrpkru = {0x0F, 0x01, 0xEF};

struct Scan {
    ScanResult r;
    std::vector<Finding> f;
};

Scan scan(const std::vector<uint8_t>& file) {
    Scan s;
    s.f.resize(64);
    s.r = scan_elf(file.data(), file.size(), s.f.data(), s.f.size());
    s.f.resize(s.r.count);
    return s;
}

// The builder's valid static executable: R page at 0x400000, RX text [0x401000, 0x402000) from
// file offset 0x1000, RW data at 0x402000 from 0x2000 (0x800 file bytes, .bss to 0x405000).
std::vector<uint8_t> exec_with(uint64_t at, const std::vector<uint8_t>& bytes,
                               ImageBuilder b = ImageBuilder::valid_exec()) {
    b.blobs.emplace_back(at, bytes);
    return b.bytes();
}

TEST(ScanElf, CleanImage) {
    Scan s = scan(ImageBuilder::valid_exec().bytes());
    EXPECT_EQ(s.r.status, elf::Status::ok);
    EXPECT_EQ(s.r.total, 0u);
    EXPECT_EQ(s.r.bytes, 0x1000u);  // the text page; the R and RW pages are not executable
}

TEST(ScanElf, GadgetInTextReportsOffsetAndVaddr) {
    Scan s = scan(exec_with(0x1234, kWrpkru));
    ASSERT_EQ(s.r.status, elf::Status::ok);
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].kind, GadgetKind::wrpkru);
    EXPECT_EQ(s.f[0].offset, 0x1234u);
    EXPECT_EQ(s.f[0].vaddr, 0x401234u);
    EXPECT_FALSE(s.f[0].outside_exec_segment);
}

TEST(ScanElf, FirstAndLastBytesOfText) {
    Scan s = scan(exec_with(0x1000, kWrpkru));
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x401000u);
    s = scan(exec_with(0x1FFD, kWrpkru));
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x401FFDu);
}

TEST(ScanElf, NonExecutablePagesAreNotScanned) {
    // In the R header page, in the RW data, and in file bytes no segment loads.
    ImageBuilder b = ImageBuilder::valid_exec();
    b.file_size = 0x3000;
    EXPECT_EQ(scan(exec_with(0x0800, kWrpkru, b)).r.total, 0u);
    EXPECT_EQ(scan(exec_with(0x2100, kWrpkru, b)).r.total, 0u);
    EXPECT_EQ(scan(exec_with(0x2900, kWrpkru, b)).r.total, 0u);
}

TEST(ScanElf, GadgetRunningIntoANonExecutablePageIsNotExecutable) {
    // Text ends with 0F 01, the RW page after it starts with EF: the fetch of the EF faults.
    ImageBuilder b = ImageBuilder::valid_exec();
    b.blobs.emplace_back(0x1FFE, std::vector<uint8_t>{0x0F, 0x01});
    b.blobs.emplace_back(0x2000, std::vector<uint8_t>{0xEF});
    EXPECT_EQ(scan(b.bytes()).r.total, 0u);
}

// Text split in two PF_X segments on consecutive pages: [0x401000, 0x402000) and
// [0x402000, 0x402800) (the RW segment of the builder made R+X).
ImageBuilder two_text_segments() {
    ImageBuilder b = ImageBuilder::valid_exec();
    b.phdrs[2].p_flags = PF_R | PF_X;
    b.phdrs[2].p_memsz = b.phdrs[2].p_filesz;
    return b;
}

TEST(ScanElf, GadgetStraddlingTwoExecutableSegmentsIsFound) {
    ImageBuilder b = two_text_segments();
    b.blobs.emplace_back(0x1FFE, std::vector<uint8_t>{0x0F, 0x01});
    b.blobs.emplace_back(0x2000, std::vector<uint8_t>{0xEF});
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x401FFEu);
    EXPECT_EQ(s.f[0].offset, 0x1FFEu);
    EXPECT_EQ(s.r.bytes, 0x1800u);

    // REX.W in the first segment, the XRSTOR in the second.
    b = two_text_segments();
    b.blobs.emplace_back(0x1FFF, std::vector<uint8_t>{0x48});
    b.blobs.emplace_back(0x2000, std::vector<uint8_t>{0x0F, 0xAE, 0x28});
    s = scan(b.bytes());
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].kind, GadgetKind::xrstor64);
    EXPECT_EQ(s.f[0].vaddr, 0x402000u);
}

// The first text segment short of its page end: zeros separate it from the second.
ImageBuilder short_first_text() {
    ImageBuilder b = two_text_segments();
    b.phdrs[1].p_filesz = b.phdrs[1].p_memsz = 0x100;
    return b;
}

TEST(ScanElf, ZeroFillInsideARunKeepsAddressesAndSeparatesBytes) {
    ImageBuilder b = short_first_text();
    b.blobs.emplace_back(0x10FE, std::vector<uint8_t>{0x0F, 0x01});  // then zeros, not EF
    b.blobs.emplace_back(0x2000, std::vector<uint8_t>{0xEF, 0x0F, 0x01, 0xEF});
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x402001u);
    EXPECT_EQ(s.f[0].offset, 0x2001u);
    EXPECT_EQ(s.r.bytes, 0x900u);
}

TEST(ScanElf, ExecutablePagesWithAGapBetweenThemAreSeparateRuns) {
    // The second text segment moved one page up: an unmapped page lies between them.
    ImageBuilder b = two_text_segments();
    b.phdrs[2].p_vaddr = b.phdrs[2].p_paddr = 0x403000;
    b.blobs.emplace_back(0x1FFE, std::vector<uint8_t>{0x0F, 0x01});
    b.blobs.emplace_back(0x2000, std::vector<uint8_t>{0xEF});
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    EXPECT_EQ(s.r.total, 0u);
}

// Text RX [0x401000, 0x401100) and a read-only segment on the same page [0x401100, 0x401300):
// the loader maps the shared page R+X, so the read-only bytes on it are code.
ImageBuilder rodata_on_text_page() {
    ImageBuilder b = ImageBuilder::valid_exec();
    b.phdrs[1].p_filesz = b.phdrs[1].p_memsz = 0x100;
    b.phdrs.insert(b.phdrs.begin() + 2, ImageBuilder::load(PF_R, 0x1100, 0x401100, 0x200, 0x200));
    return b;
}

TEST(ScanElf, ReadOnlyBytesOnAnExecutablePageAreScanned) {
    ImageBuilder b = rodata_on_text_page();
    b.blobs.emplace_back(0x1180, kWrpkru);
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x401180u);
    EXPECT_EQ(s.f[0].offset, 0x1180u);
    EXPECT_TRUE(s.f[0].outside_exec_segment);
    EXPECT_EQ(s.r.bytes, 0x300u);

    // Straddling the segment boundary: the finding starts in the text.
    b = rodata_on_text_page();
    b.blobs.emplace_back(0x10FF, kWrpkru);
    s = scan(b.bytes());
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].vaddr, 0x4010FFu);
    EXPECT_FALSE(s.f[0].outside_exec_segment);
}

TEST(ScanElf, ZeroFillAfterTheTextEndsNoGadget) {
    // 0F 01 then the zeros of the rest of the page (0F 01 00 is SGDT, harmless), and a text
    // segment with a huge zero-filled tail: scanned in constant time, not page by page.
    ImageBuilder b = ImageBuilder::valid_exec();
    b.phdrs[1].p_filesz = 0x100;
    b.phdrs[1].p_memsz = 0x1000;
    b.blobs.emplace_back(0x10FE, std::vector<uint8_t>{0x0F, 0x01});
    EXPECT_EQ(scan(b.bytes()).r.total, 0u);

    b = ImageBuilder::valid_exec();
    b.phdrs[2].p_vaddr = b.phdrs[2].p_paddr = 0x500000000000ull;  // data far above
    b.phdrs[1].p_memsz = 0x100000000000ull;                       // 16 TiB of executable .bss
    b.blobs.emplace_back(0x1FFE, std::vector<uint8_t>{0x0F, 0xAE});
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    EXPECT_EQ(s.r.total, 0u);  // 0F AE 00 is FXSAVE
    EXPECT_EQ(s.r.bytes, 0x1000u);
}

TEST(ScanElf, PieReportsLinkTimeAddresses) {
    ImageBuilder b = ImageBuilder::valid_pie();
    b.blobs.emplace_back(0x1555, std::vector<uint8_t>{0x0F, 0xC7, 0x1F});
    Scan s = scan(b.bytes());
    ASSERT_EQ(s.r.status, elf::Status::ok);
    ASSERT_EQ(s.r.total, 1u);
    EXPECT_EQ(s.f[0].kind, GadgetKind::xrstors);
    EXPECT_EQ(s.f[0].vaddr, 0x1555u);
    EXPECT_EQ(s.f[0].offset, 0x1555u);
}

TEST(ScanElf, MalformedInputIsNotScanned) {
    std::vector<uint8_t> junk = {'#', '!', '/', 'b', 'i', 'n', 0x0F, 0x01, 0xEF};
    Scan s = scan(junk);
    EXPECT_EQ(s.r.status, elf::Status::bad_magic);
    EXPECT_EQ(s.r.total, 0u);
    EXPECT_EQ(s.r.count, 0u);

    ImageBuilder b = ImageBuilder::valid_exec();
    b.phdrs[1].p_flags = PF_R | PF_W | PF_X;
    EXPECT_EQ(scan(b.bytes()).r.status, elf::Status::writable_executable);
}

// ---- The real apps (built by apps/ with musl-gcc) ----

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Value of the symbol `name` in the ELF's .symtab (the apps are not stripped); 0 if absent.
// Read with the host's <elf.h>: independent of the parser under test.
uint64_t symbol(const std::vector<uint8_t>& file, const char* name) {
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    std::memcpy(sh.data(), file.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
    for (const Elf64_Shdr& s : sh) {
        if (s.sh_type != SHT_SYMTAB) continue;
        const char* strtab =
            reinterpret_cast<const char*>(file.data() + sh.at(s.sh_link).sh_offset);
        for (uint64_t off = 0; off + sizeof(Elf64_Sym) <= s.sh_size; off += sizeof(Elf64_Sym)) {
            Elf64_Sym sym;
            std::memcpy(&sym, file.data() + s.sh_offset + off, sizeof sym);
            if (std::strcmp(strtab + sym.st_name, name) == 0) return sym.st_value;
        }
    }
    return 0;
}

std::string app(const char* name) {
    return std::string(ER_APPS_DIR) + "/" + name;
}

TEST(ScanElfApps, MuslAppsAreClean) {
    for (const char* name : {"hello", "hello-pie", "echo-args", "echo-args-pie", "exit-code",
                             "crash", "alloc", "stderr", "big-output", "spin"}) {
        Scan s = scan(read_file(app(name)));
        EXPECT_EQ(s.r.status, elf::Status::ok) << name;
        EXPECT_EQ(s.r.total, 0u) << name << ": first at vaddr 0x" << std::hex
                                 << (s.f.empty() ? 0 : s.f[0].vaddr);
        EXPECT_GT(s.r.bytes, 1000u) << name;
    }
}

struct GadgetApp {
    const char* name;
    uint64_t delta;  // from er_gadget_site (the instruction holding it) to the 0F
    GadgetKind kind;
    std::vector<uint8_t> bytes;  // what objdump shows at the finding
};

TEST(ScanElfApps, GadgetAppsAreFlaggedWhereObjdumpPutsThem) {
    // objdump -d: gadget-aligned `0f 01 ef wrpkru` at er_gadget_site; gadget-unaligned
    // `b8 90 0f 01 ef mov $0xef010f90,%eax` at er_gadget_site (the 0F two bytes in);
    // gadget-xrstor `0f ae 2f xrstor (%rdi)` at er_gadget_site.
    const GadgetApp apps[] = {
        {"gadget-aligned", 0, GadgetKind::wrpkru, {0x0F, 0x01, 0xEF}},
        {"gadget-unaligned", 2, GadgetKind::wrpkru, {0x0F, 0x01, 0xEF}},
        {"gadget-xrstor", 0, GadgetKind::xrstor, {0x0F, 0xAE, 0x2F}},
    };
    for (const GadgetApp& a : apps) {
        std::vector<uint8_t> file = read_file(app(a.name));
        uint64_t site = symbol(file, "er_gadget_site");
        ASSERT_NE(site, 0u) << a.name << " has no er_gadget_site symbol";
        Scan s = scan(file);
        ASSERT_EQ(s.r.status, elf::Status::ok) << a.name;
        ASSERT_EQ(s.r.total, 1u) << a.name;
        EXPECT_EQ(s.f[0].kind, a.kind) << a.name;
        EXPECT_EQ(s.f[0].vaddr, site + a.delta) << a.name;
        EXPECT_FALSE(s.f[0].outside_exec_segment) << a.name;
        // The classic static layout maps file offset X at 0x400000 + X.
        EXPECT_EQ(s.f[0].offset, s.f[0].vaddr - 0x400000) << a.name;
        ASSERT_LE(s.f[0].offset + a.bytes.size(), file.size());
        EXPECT_EQ(std::vector<uint8_t>(file.begin() + s.f[0].offset,
                                       file.begin() + s.f[0].offset + a.bytes.size()),
                  a.bytes)
            << a.name;
    }
    // Aligned: the WRPKRU starts an instruction (the function's first); unaligned: it does not.
    std::vector<uint8_t> unaligned = read_file(app("gadget-unaligned"));
    uint64_t site = symbol(unaligned, "er_gadget_site");
    EXPECT_EQ(unaligned.at(site - 0x400000), 0xB8);  // mov imm32 to %eax
}

TEST(ScanElfApps, DebianBusybox) {
    // Not one of ours: a glibc static binary, to see the scanner on a large real program.  Its
    // XRSTORs (if any) are glibc's own register save/restore code; every finding must at least
    // really carry the bytes it is reported for.
    const char* path = "/bin/busybox";
    std::ifstream probe(path);
    if (!probe) GTEST_SKIP() << path << " is not installed";
    std::vector<uint8_t> file = read_file(path);
    Scan s = scan(file);
    if (s.r.status == elf::Status::dynamically_linked) GTEST_SKIP() << path << " is dynamic";
    ASSERT_EQ(s.r.status, elf::Status::ok);
    std::cout << path << ": " << s.r.total << " gadget(s) in " << s.r.bytes
              << " executable bytes\n";
    for (const Finding& f : s.f) {
        std::cout << "  " << describe(f.kind) << " at offset 0x" << std::hex << f.offset
                  << " (vaddr 0x" << f.vaddr << ")" << std::dec << "\n";
        ASSERT_LT(f.offset + 2, file.size());
        EXPECT_EQ(file[f.offset], 0x0F);
        uint8_t op = file[f.offset + 1], modrm = file[f.offset + 2];
        if (f.kind == GadgetKind::wrpkru) {
            EXPECT_EQ(op, 0x01);
            EXPECT_EQ(modrm, 0xEF);
        } else {
            EXPECT_TRUE(op == 0xAE || op == 0xC7);
            EXPECT_NE(modrm >> 6, 3);
        }
    }
    EXPECT_GT(s.r.bytes, 100000u);
}

// ---- scan_elf against a naive model of the loaded image ----

struct Found {
    uint64_t vaddr;
    GadgetKind kind;
    bool operator==(const Found&) const = default;
    bool operator<(const Found& o) const { return vaddr < o.vaddr; }
};

// The loader's memory, built the slow way from the program headers (<elf.h>, not er::elf): every
// page touched by a PF_X PT_LOAD is executable and holds the file bytes of every PT_LOAD on it,
// zeros elsewhere.  Contiguous executable pages are scanned as one byte string.
std::vector<Found> naive_scan(const std::vector<uint8_t>& file) {
    Elf64_Ehdr eh;
    std::memcpy(&eh, file.data(), sizeof eh);
    std::vector<Elf64_Phdr> ph(eh.e_phnum);
    std::memcpy(ph.data(), file.data() + eh.e_phoff, eh.e_phnum * sizeof(Elf64_Phdr));
    std::map<uint64_t, std::vector<uint8_t>> pages;  // executable pages only
    for (const Elf64_Phdr& p : ph)
        if (p.p_type == PT_LOAD && (p.p_flags & PF_X) && p.p_memsz > 0)
            for (uint64_t pg = p.p_vaddr & ~0xFFFull; pg < p.p_vaddr + p.p_memsz; pg += 0x1000)
                pages.emplace(pg, std::vector<uint8_t>(0x1000, 0));
    for (const Elf64_Phdr& p : ph) {
        if (p.p_type != PT_LOAD) continue;
        for (uint64_t i = 0; i < p.p_filesz; ++i) {
            auto it = pages.find((p.p_vaddr + i) & ~0xFFFull);
            if (it != pages.end()) it->second[(p.p_vaddr + i) & 0xFFF] = file[p.p_offset + i];
        }
    }
    std::vector<Found> out;
    auto scan_run = [&](uint64_t start, const std::vector<uint8_t>& b) {
        for (size_t i = 0; i + 3 <= b.size(); ++i) {
            if (b[i] != 0x0F) continue;
            unsigned mod = b[i + 2] >> 6, reg = (b[i + 2] >> 3) & 7;
            bool w = i > 0 && (b[i - 1] & 0xF8) == 0x48;
            if (b[i + 1] == 0x01 && b[i + 2] == 0xEF)
                out.push_back({start + i, GadgetKind::wrpkru});
            else if (b[i + 1] == 0xAE && reg == 5 && mod != 3)
                out.push_back({start + i, w ? GadgetKind::xrstor64 : GadgetKind::xrstor});
            else if (b[i + 1] == 0xC7 && reg == 3 && mod != 3)
                out.push_back({start + i, w ? GadgetKind::xrstors64 : GadgetKind::xrstors});
        }
    };
    std::vector<uint8_t> run;
    uint64_t run_start = 0;
    for (const auto& [pg, bytes] : pages) {
        if (!run.empty() && pg != run_start + run.size()) {
            scan_run(run_start, run);
            run.clear();
        }
        if (run.empty()) run_start = pg;
        run.insert(run.end(), bytes.begin(), bytes.end());
    }
    if (!run.empty()) scan_run(run_start, run);
    return out;
}

std::vector<Found> fast_scan(const std::vector<uint8_t>& file) {
    std::vector<Finding> f(4096);
    ScanResult r = scan_elf(file.data(), file.size(), f.data(), f.size());
    EXPECT_EQ(r.status, elf::Status::ok);
    EXPECT_FALSE(r.truncated);
    std::vector<Found> out;
    for (size_t i = 0; i < r.count; ++i) {
        out.push_back({f[i].vaddr, f[i].kind});
        // The reported file offset holds the 0F.
        EXPECT_EQ(file.at(f[i].offset), 0x0F);
    }
    return out;
}

TEST(ScanElfModel, RandomGadgetBytesAnywhereInTheFile) {
    // Gadget fragments sprinkled over whole files (headers excepted): wherever they land, on
    // code, on a read-only segment sharing a code page, across segment and page boundaries, in
    // data or in no segment, scan_elf must agree with the naive model.
    std::vector<std::vector<uint8_t>> files = {read_file(app("hello")), read_file(app("hello-pie")),
                                               rodata_on_text_page().bytes(),
                                               two_text_segments().bytes()};
    ImageBuilder gap = two_text_segments();
    gap.phdrs[2].p_vaddr = gap.phdrs[2].p_paddr = 0x403000;
    files.push_back(gap.bytes());
    files.push_back(short_first_text().bytes());

    const std::vector<std::vector<uint8_t>> pieces = {{0x0F, 0x01, 0xEF},
                                                      {0x0F, 0x01},
                                                      {0xEF},
                                                      {0x0F},
                                                      {0x48, 0x0F, 0xAE},
                                                      {0xAE, 0x28},
                                                      {0x2F},
                                                      {0x0F, 0xC7, 0x1F},
                                                      {0x4C},
                                                      {0xC7},
                                                      {0x0F, 0xAE, 0xE8}};
    std::mt19937_64 rng(4);
    size_t total_found = 0;
    for (const auto& original : files) {
        Elf64_Ehdr eh;
        std::memcpy(&eh, original.data(), sizeof eh);
        uint64_t headers_end = eh.e_phoff + eh.e_phnum * sizeof(Elf64_Phdr);
        for (int round = 0; round < 60; ++round) {
            std::vector<uint8_t> file = original;
            for (int k = 0; k < 150; ++k) {
                const auto& piece = pieces[rng() % pieces.size()];
                // Biased towards page edges, where the interesting cases are.
                uint64_t at =
                    (rng() & 1)
                        ? rng() % file.size()
                        : ((rng() % (file.size() / 0x1000 + 1)) * 0x1000 + 0x1000 - 3 + rng() % 6);
                if (at < headers_end || at + piece.size() > file.size()) continue;
                std::copy(piece.begin(), piece.end(), file.begin() + static_cast<long>(at));
            }
            std::vector<Found> want = naive_scan(file);
            std::vector<Found> got = fast_scan(file);
            std::sort(got.begin(), got.end());
            ASSERT_EQ(got.size(), want.size()) << "round " << round;
            for (size_t i = 0; i < want.size(); ++i) {
                EXPECT_EQ(got[i].vaddr, want[i].vaddr) << "round " << round;
                EXPECT_EQ(got[i].kind, want[i].kind) << "round " << round;
            }
            total_found += want.size();
        }
    }
    EXPECT_GT(total_found, 1000u);  // the model was exercised, not just agreed on "none"
}

}  // namespace
}  // namespace er::mpk
