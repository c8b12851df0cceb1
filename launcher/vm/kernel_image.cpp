#include "launcher/vm/kernel_image.hpp"

#include <elf.h>

#include <cstdio>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "launcher/vm/layout.hpp"

namespace er::launcher {
namespace {

Elf64_Ehdr read_header(std::span<const uint8_t> file, const std::string& name) {
    Elf64_Ehdr eh;
    if (file.size() < sizeof eh) throw Error("kernel is not an ELF file (too short)", name);
    std::memcpy(&eh, file.data(), sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
        throw Error("kernel is not an ELF file (bad magic)", name);
    }
    if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
        eh.e_machine != EM_X86_64) {
        throw Error("kernel is not a 64-bit little-endian x86-64 ELF", name);
    }
    if (eh.e_type != ET_EXEC) throw Error("kernel is not an ET_EXEC ELF", name);
    if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0) {
        throw Error("kernel has no usable program header table", name);
    }
    uint64_t table = static_cast<uint64_t>(eh.e_phnum) * sizeof(Elf64_Phdr);
    if (eh.e_phoff > file.size() || table > file.size() - eh.e_phoff) {
        throw Error("kernel program header table lies outside the file", name);
    }
    return eh;
}

// The boot page tables map GPA [0, 1 GiB) at 0 and at ER_KERNEL_VBASE, so a segment is only
// reachable if its vaddr is its paddr in one of those two windows.
bool boot_mapped(uint64_t vaddr, uint64_t paddr) {
    return vaddr == paddr || vaddr == paddr + ER_KERNEL_VBASE;
}

}  // namespace

KernelImage parse_kernel(std::span<const uint8_t> file, const std::string& name) {
    Elf64_Ehdr eh = read_header(file, name);
    KernelImage image{};
    image.entry = eh.e_entry;
    image.start = UINT64_MAX;
    image.end = 0;
    bool entry_found = false;
    for (uint16_t i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        std::memcpy(&ph, file.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
        std::string seg = "kernel segment " + std::to_string(i);
        if (ph.p_filesz > ph.p_memsz) throw Error(seg + " has p_filesz > p_memsz", name);
        if (ph.p_offset > file.size() || ph.p_filesz > file.size() - ph.p_offset) {
            throw Error(seg + " file range lies outside the file", name);
        }
        if (ph.p_paddr < ER_GPA_KERNEL || ph.p_paddr > ER_GPA_KERNEL_MAX ||
            ph.p_memsz > ER_GPA_KERNEL_MAX - ph.p_paddr) {
            throw Error(seg + " at paddr " + hex(ph.p_paddr) + " size " + hex(ph.p_memsz) +
                            " lies outside the kernel area [" + hex(ER_GPA_KERNEL) + ", " +
                            hex(ER_GPA_KERNEL_MAX) + ")",
                        name);
        }
        if (!boot_mapped(ph.p_vaddr, ph.p_paddr)) {
            throw Error(seg + " vaddr " + hex(ph.p_vaddr) + " is neither its paddr nor paddr + " +
                            hex(ER_KERNEL_VBASE),
                        name);
        }
        for (const KernelSegment& other : image.segments) {
            if (ph.p_paddr < other.paddr + other.memsz && other.paddr < ph.p_paddr + ph.p_memsz) {
                throw Error(seg + " overlaps an earlier segment", name);
            }
        }
        if ((ph.p_flags & PF_X) != 0 && eh.e_entry >= ph.p_vaddr &&
            eh.e_entry - ph.p_vaddr < ph.p_memsz) {
            entry_found = true;
        }
        image.segments.push_back({ph.p_paddr, ph.p_offset, ph.p_filesz, ph.p_memsz});
        image.start = std::min(image.start, ph.p_paddr & ~(layout::kPageSize - 1));
        image.end = std::max(image.end, layout::page_align_up(ph.p_paddr + ph.p_memsz));
    }
    if (image.segments.empty()) throw Error("kernel has no loadable segments", name);
    if (!entry_found) {
        throw Error("kernel entry point " + hex(eh.e_entry) + " is not in an executable segment",
                    name);
    }
    return image;
}

// Guest RAM is a fresh anonymous mapping, so the kernel's bss is already zero: writing zeros
// would only make every bss page resident in the launcher (the unikernel's bss is megabytes of
// per-domain buffers, most never used).  So bss is range-checked, not written.
void load_kernel(const KernelImage& image, std::span<const uint8_t> file, GuestMemory& memory) {
    for (const KernelSegment& s : image.segments) {
        memory.copy_in(s.paddr, file.subspan(s.offset, s.filesz), "kernel segment");
        memory.check(s.paddr + s.filesz, s.memsz - s.filesz, "kernel bss");
    }
}

}  // namespace er::launcher
