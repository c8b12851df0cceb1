// The vDSO as built: what the loader maps into every domain must be exactly one read+execute
// segment with nothing to relocate or write, and must offer what libcs look up.
#include <gtest/gtest.h>

#include "mpk/gadget_scanner.hpp"
#include "vdso_elf.hpp"

namespace {

using vdso_test::VdsoElf;

const VdsoElf& image() {
    static VdsoElf elf(vdso_test::read_file(ER_VDSO_SO));
    return elf;
}

const char* const kExported[] = {
    "__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_getcpu",
    "clock_gettime",        "gettimeofday",        "time",        "getcpu"};

TEST(VdsoImage, IsOneReadExecuteSegmentLinkedAtZero) {
    const Elf64_Ehdr& e = image().ehdr();
    EXPECT_EQ(e.e_type, ET_DYN);
    EXPECT_EQ(e.e_machine, EM_X86_64);
    EXPECT_EQ(e.e_ident[EI_CLASS], ELFCLASS64);
    int loads = 0, dynamics = 0;
    for (const Elf64_Phdr& p : image().phdrs()) {
        switch (p.p_type) {
            case PT_LOAD:
                loads++;
                EXPECT_EQ(p.p_flags, unsigned(PF_R | PF_X)) << "writable or not executable";
                EXPECT_EQ(p.p_offset, 0u);
                EXPECT_EQ(p.p_vaddr, 0u) << "addresses must be file offsets";
                EXPECT_EQ(p.p_filesz, p.p_memsz) << "no .bss: nothing zero-filled";
                EXPECT_LE(p.p_filesz, image().bytes().size());
                break;
            case PT_DYNAMIC:
                dynamics++;
                EXPECT_EQ(p.p_flags & PF_W, 0u);
                break;
            case PT_NOTE:
                break;
            default:
                ADD_FAILURE() << "unexpected program header type 0x" << std::hex << p.p_type;
        }
    }
    EXPECT_EQ(loads, 1);
    EXPECT_EQ(dynamics, 1);
}

TEST(VdsoImage, HasNoRelocationsNoDependenciesAndNoWritableData) {
    const auto& d = image().dynamic();
    for (int64_t tag : {DT_REL, DT_RELA, DT_RELR, DT_JMPREL, DT_TEXTREL, DT_NEEDED, DT_INIT,
                        DT_FINI, DT_INIT_ARRAY, DT_FINI_ARRAY, DT_PLTGOT, DT_VERNEED})
        EXPECT_EQ(d.count(tag), 0u) << "dynamic tag " << tag;
    for (int64_t tag : {DT_HASH, DT_GNU_HASH, DT_SYMTAB, DT_STRTAB, DT_STRSZ, DT_VERSYM, DT_VERDEF,
                        DT_VERDEFNUM, DT_SONAME})
        EXPECT_EQ(d.count(tag), 1u) << "missing dynamic tag " << tag;
    auto names = image().shdrs();
    for (const Elf64_Shdr& s : names) {
        EXPECT_NE(s.sh_type, unsigned(SHT_REL));
        EXPECT_NE(s.sh_type, unsigned(SHT_RELA));
        EXPECT_NE(s.sh_type, unsigned(SHT_NOBITS)) << "a .bss would need a writable page";
        // ld marks .dynamic SHF_WRITE out of habit; it lies in the read-only segment (above).
        if (s.sh_type != SHT_DYNAMIC) {
            EXPECT_EQ(s.sh_flags & SHF_WRITE, 0u) << s.sh_name;
        }
    }
}

TEST(VdsoImage, ExportsEveryClockFunctionAtLinux26ThroughBothHashTables) {
    uint64_t text_end = image().phdrs()[0].p_filesz;
    for (const char* name : kExported) {
        auto gnu = image().lookup(name, "LINUX_2.6", VdsoElf::Hash::gnu);
        auto sysv = image().lookup(name, "LINUX_2.6", VdsoElf::Hash::sysv);
        ASSERT_TRUE(gnu.has_value()) << name << " via DT_GNU_HASH";
        ASSERT_TRUE(sysv.has_value()) << name << " via DT_HASH";
        EXPECT_EQ(gnu->st_value, sysv->st_value) << name;
        EXPECT_EQ(ELF64_ST_TYPE(gnu->st_info), STT_FUNC) << name;
        EXPECT_GT(gnu->st_value, 0u);
        EXPECT_LT(gnu->st_value, text_end) << name << " outside the mapped segment";
        // Only at LINUX_2.6: another version must not find it.
        EXPECT_FALSE(image().lookup(name, "LINUX_2.5", VdsoElf::Hash::gnu).has_value());
    }
    // The plain names are weak aliases of the __vdso_ ones.
    for (int i = 0; i < 4; i++) {
        auto pre = image().lookup(kExported[i], "LINUX_2.6", VdsoElf::Hash::gnu);
        auto alias = image().lookup(kExported[i + 4], "LINUX_2.6", VdsoElf::Hash::gnu);
        EXPECT_EQ(pre->st_value, alias->st_value) << kExported[i + 4];
        EXPECT_EQ(ELF64_ST_BIND(alias->st_info), STB_WEAK) << kExported[i + 4];
        EXPECT_EQ(ELF64_ST_BIND(pre->st_info), STB_GLOBAL) << kExported[i];
    }
    EXPECT_FALSE(image().lookup("read_ns", "LINUX_2.6", VdsoElf::Hash::gnu).has_value())
        << "helpers stay local";
}

// Every byte of the image is mapped executable in each MPK domain's window, so it must pass the
// app rule (docs/mpk.md): no WRPKRU or XRSTOR at any offset.  The kernel repeats this at boot.
TEST(VdsoImage, CarriesNoWrpkruOrXrstorGadget) {
    const auto& b = image().bytes();
    er::mpk::Finding f[4];
    er::mpk::ScanResult r = er::mpk::scan_bytes(b.data(), b.size(), 0, f, 4);
    EXPECT_EQ(r.total, 0u);
    EXPECT_EQ(r.bytes, b.size());
}

// dietlibc finds the symbols through the section headers (SHT_DYNSYM and the first allocated
// SHT_STRTAB), not the dynamic section: they must stay in the file, which is mapped whole.
TEST(VdsoImage, KeepsTheSectionHeadersDietlibcReads) {
    const Elf64_Ehdr& e = image().ehdr();
    ASSERT_GT(e.e_shnum, 0u);
    EXPECT_LE(e.e_shoff + uint64_t(e.e_shnum) * e.e_shentsize, image().bytes().size());
    int dynsym = 0, alloc_strtab = 0;
    for (const Elf64_Shdr& s : image().shdrs()) {
        if (s.sh_type == SHT_DYNSYM) dynsym++;
        if (s.sh_type == SHT_STRTAB && (s.sh_flags & SHF_ALLOC)) alloc_strtab++;
    }
    EXPECT_EQ(dynsym, 1);
    EXPECT_EQ(alloc_strtab, 1) << "dietlibc takes the first allocated string table as .dynstr";
}

TEST(VdsoImage, FitsTheKernelsFourPages) {
    EXPECT_LE(image().bytes().size(), 4u * 4096u);  // kMaxImagePages in unikernel/vdso/vdso.cpp
}

}  // namespace
