#include "launcher/vm/kernel_image.hpp"

#include <elf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "launcher/common/error.hpp"
#include "libos-abi/enclave_abi.h"
#include "test_support.hpp"

namespace er::launcher {
namespace {

struct Seg {
    uint64_t vaddr, paddr, filesz, memsz;
    uint32_t flags = PF_R | PF_X;
};

// An ELF64 x86-64 ET_EXEC with the given PT_LOADs; segment i's bytes are all (i + 1).
std::vector<uint8_t> make_kernel(const std::vector<Seg>& segs, uint64_t entry) {
    size_t data_off = sizeof(Elf64_Ehdr) + segs.size() * sizeof(Elf64_Phdr);
    size_t total = data_off;
    for (const Seg& s : segs) total += s.filesz;
    std::vector<uint8_t> file(total, 0);
    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(segs.size());
    std::memcpy(file.data(), &eh, sizeof eh);
    size_t off = data_off;
    for (size_t i = 0; i < segs.size(); ++i) {
        Elf64_Phdr ph{};
        ph.p_type = PT_LOAD;
        ph.p_flags = segs[i].flags;
        ph.p_offset = off;
        ph.p_vaddr = segs[i].vaddr;
        ph.p_paddr = segs[i].paddr;
        ph.p_filesz = segs[i].filesz;
        ph.p_memsz = segs[i].memsz;
        ph.p_align = 4096;
        std::memcpy(file.data() + sizeof eh + i * sizeof ph, &ph, sizeof ph);
        std::memset(file.data() + off, static_cast<int>(i + 1), segs[i].filesz);
        off += segs[i].filesz;
    }
    return file;
}

std::string error_of(const std::vector<uint8_t>& file) {
    try {
        parse_kernel(file, "k.elf");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

constexpr uint64_t kHigh = ER_KERNEL_VBASE;

TEST(KernelImage, HigherHalfKernelIsAccepted) {
    auto file = make_kernel({{kHigh + 0x100000, 0x100000, 0x2000, 0x3000},
                             {kHigh + 0x104000, 0x104000, 0x100, 0x1000, PF_R | PF_W}},
                            kHigh + 0x100010);
    KernelImage k = parse_kernel(file, "k.elf");
    EXPECT_EQ(k.entry, kHigh + 0x100010);
    EXPECT_EQ(k.start, 0x100000u);
    EXPECT_EQ(k.end, 0x105000u);
    ASSERT_EQ(k.segments.size(), 2u);
}

TEST(KernelImage, IdentityLinkedKernelIsAccepted) {
    auto file = make_kernel({{0x200000, 0x200000, 0x10, 0x10}}, 0x200000);
    EXPECT_EQ(parse_kernel(file, "k.elf").start, 0x200000u);
}

TEST(KernelImage, SegmentOutsideTheKernelAreaIsRefused) {
    // Below ER_GPA_KERNEL (would overwrite boot info and page tables).
    auto low = make_kernel({{0xf000, 0xf000, 0x10, 0x10}}, 0xf000);
    EXPECT_NE(error_of(low).find("outside the kernel area"), std::string::npos) << error_of(low);
    // Ends past ER_GPA_KERNEL_MAX (would overwrite the app).
    auto high = make_kernel({{0x7ff000, 0x7ff000, 0x10, 0x2000}}, 0x7ff000);
    EXPECT_NE(error_of(high).find("outside the kernel area"), std::string::npos);
    // Ends exactly at ER_GPA_KERNEL_MAX: fine.
    auto edge = make_kernel({{0x7ff000, 0x7ff000, 0x10, 0x1000}}, 0x7ff000);
    EXPECT_EQ(error_of(edge), "");
    // paddr + memsz wraps past 2^64.
    auto wrap = make_kernel({{0x100000, 0x100000, 0x10, 0x10}}, 0x100000);
    Elf64_Phdr ph;
    std::memcpy(&ph, wrap.data() + sizeof(Elf64_Ehdr), sizeof ph);
    ph.p_memsz = UINT64_MAX - 0x1000;
    std::memcpy(wrap.data() + sizeof(Elf64_Ehdr), &ph, sizeof ph);
    EXPECT_NE(error_of(wrap).find("outside the kernel area"), std::string::npos);
}

TEST(KernelImage, MalformedFilesAreRefused) {
    EXPECT_EQ(error_of({1, 2, 3}), "k.elf: kernel is not an ELF file (too short)");
    std::vector<uint8_t> junk(200, 'x');
    EXPECT_EQ(error_of(junk), "k.elf: kernel is not an ELF file (bad magic)");
    auto file = make_kernel({{0x100000, 0x100000, 0x10, 0x8}}, 0x100000);
    EXPECT_NE(error_of(file).find("p_filesz > p_memsz"), std::string::npos);
    file = make_kernel({{0x100000, 0x100000, 0x10, 0x10}}, 0x100000);
    file.resize(file.size() - 1);
    EXPECT_NE(error_of(file).find("outside the file"), std::string::npos);
    file = make_kernel({{0x100000, 0x100000, 0x10, 0x10}}, 0x100000);
    file[16] = ET_DYN;
    EXPECT_NE(error_of(file).find("ET_EXEC"), std::string::npos);
}

TEST(KernelImage, EntryAndMappingChecks) {
    auto no_entry = make_kernel({{0x100000, 0x100000, 0x10, 0x10}}, 0x300000);
    EXPECT_NE(error_of(no_entry).find("entry point"), std::string::npos);
    auto data_entry = make_kernel({{0x100000, 0x100000, 0x10, 0x10, PF_R | PF_W}}, 0x100000);
    EXPECT_NE(error_of(data_entry).find("entry point"), std::string::npos);
    auto unmapped = make_kernel({{0x40000000, 0x100000, 0x10, 0x10}}, 0x40000000);
    EXPECT_NE(error_of(unmapped).find("neither its paddr"), std::string::npos);
    auto overlap = make_kernel(
        {{0x100000, 0x100000, 0x10, 0x2000}, {0x101000, 0x101000, 0x10, 0x10}}, 0x100000);
    EXPECT_NE(error_of(overlap).find("overlaps"), std::string::npos);
}

// Guest RAM is fresh anonymous memory (already zero), so load_kernel writes only the file bytes:
// writing .bss would make every bss page resident in the launcher for nothing.
TEST(KernelImage, LoadCopiesByPaddrAndLeavesBssUntouched) {
    auto file = make_kernel({{kHigh + 0x100000, 0x100000, 0x20, 0x40}}, kHigh + 0x100000);
    KernelImage k = parse_kernel(file, "k.elf");
    test::FakeRam ram(16 << 20);
    std::memset(ram.bytes.data() + 0x100000, 0xee, 0x100);
    load_kernel(k, file, ram.memory);
    EXPECT_EQ(ram.bytes[0x100000], 1);
    EXPECT_EQ(ram.bytes[0x10001f], 1);
    EXPECT_EQ(ram.bytes[0x100020], 0xee);  // bss: not written
    EXPECT_EQ(ram.bytes[0x10003f], 0xee);
}

// A bss that does not fit in guest RAM is still refused.
TEST(KernelImage, BssOutsideGuestMemoryIsRefused) {
    auto file = make_kernel({{kHigh + 0x100000, 0x100000, 0x20, 0x700000}}, kHigh + 0x100000);
    KernelImage k = parse_kernel(file, "k.elf");
    test::FakeRam ram(4 << 20);
    EXPECT_THROW(load_kernel(k, file, ram.memory), GuestError);
}

}  // namespace
}  // namespace er::launcher
