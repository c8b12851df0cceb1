// Builds small synthetic ELF64 images for the parser tests, so each malformed case is one explicit
// change to a known-good file.  Uses the host's <elf.h> layouts: an independent description of the
// format, not the parser's own constants.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

namespace er::elf::test {

struct ImageBuilder {
    Elf64_Ehdr ehdr{};
    std::vector<Elf64_Phdr> phdrs;
    uint64_t file_size = 0;
    // Extra bytes written at given file offsets after the headers (e.g. a dynamic section).
    std::vector<std::pair<uint64_t, std::vector<uint8_t>>> blobs;

    // A valid classic static executable: R headers page, RX text, RW data+bss, GNU_STACK RW.
    static ImageBuilder valid_exec() {
        ImageBuilder b;
        std::memcpy(b.ehdr.e_ident, ELFMAG, SELFMAG);
        b.ehdr.e_ident[EI_CLASS] = ELFCLASS64;
        b.ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
        b.ehdr.e_ident[EI_VERSION] = EV_CURRENT;
        b.ehdr.e_type = ET_EXEC;
        b.ehdr.e_machine = EM_X86_64;
        b.ehdr.e_version = EV_CURRENT;
        b.ehdr.e_entry = 0x401010;
        b.ehdr.e_phoff = sizeof(Elf64_Ehdr);
        b.ehdr.e_ehsize = sizeof(Elf64_Ehdr);
        b.ehdr.e_phentsize = sizeof(Elf64_Phdr);
        b.phdrs.push_back(load(PF_R, 0x0, 0x400000, 0x1000, 0x1000));
        b.phdrs.push_back(load(PF_R | PF_X, 0x1000, 0x401000, 0x1000, 0x1000));
        b.phdrs.push_back(load(PF_R | PF_W, 0x2000, 0x402000, 0x800, 0x3000));
        b.phdrs.push_back(other(PT_GNU_STACK, PF_R | PF_W));
        b.file_size = 0x2800;
        return b;
    }

    // The same layout as a static PIE (ET_DYN, linked at 0) with a PT_DYNAMIC without DT_NEEDED.
    static ImageBuilder valid_pie() {
        ImageBuilder b = valid_exec();
        b.ehdr.e_type = ET_DYN;
        b.ehdr.e_entry = 0x1010;
        for (auto& p : b.phdrs)
            if (p.p_type == PT_LOAD) p.p_vaddr -= 0x400000;
        b.add_dynamic({{DT_DEBUG, 0}, {DT_NULL, 0}});
        return b;
    }

    static Elf64_Phdr load(uint32_t flags, uint64_t offset, uint64_t vaddr, uint64_t filesz,
                           uint64_t memsz, uint64_t align = 0x1000) {
        Elf64_Phdr p{};
        p.p_type = PT_LOAD;
        p.p_flags = flags;
        p.p_offset = offset;
        p.p_vaddr = p.p_paddr = vaddr;
        p.p_filesz = filesz;
        p.p_memsz = memsz;
        p.p_align = align;
        return p;
    }

    static Elf64_Phdr other(uint32_t type, uint32_t flags = PF_R) {
        Elf64_Phdr p{};
        p.p_type = type;
        p.p_flags = flags;
        p.p_align = 16;
        return p;
    }

    // A PT_DYNAMIC whose entries live at file offset 0x2100 (inside the RW segment's file bytes).
    void add_dynamic(const std::vector<std::pair<int64_t, uint64_t>>& entries) {
        std::vector<uint8_t> bytes;
        for (auto [tag, val] : entries) {
            Elf64_Dyn d{};
            d.d_tag = tag;
            d.d_un.d_val = val;
            auto* raw = reinterpret_cast<const uint8_t*>(&d);
            bytes.insert(bytes.end(), raw, raw + sizeof d);
        }
        Elf64_Phdr p = other(PT_DYNAMIC, PF_R | PF_W);
        p.p_offset = 0x2100;
        p.p_vaddr = 0x2100 + (ehdr.e_type == ET_EXEC ? 0x400000 : 0);
        p.p_filesz = p.p_memsz = bytes.size();
        p.p_align = 8;
        phdrs.push_back(p);
        blobs.emplace_back(p.p_offset, std::move(bytes));
    }

    Elf64_Phdr& first(uint32_t type) {
        for (auto& p : phdrs)
            if (p.p_type == type) return p;
        throw std::logic_error("builder has no program header of that type");
    }

    // Serialises; e_phnum follows phdrs unless phnum_override is set.
    std::vector<uint8_t> bytes(int phnum_override = -1) const {
        Elf64_Ehdr e = ehdr;
        e.e_phnum = phnum_override >= 0 ? static_cast<uint16_t>(phnum_override)
                                        : static_cast<uint16_t>(phdrs.size());
        uint64_t table_len = phdrs.size() * sizeof(Elf64_Phdr);
        std::vector<uint8_t> out(file_size, 0);
        put(out, 0, &e, sizeof e);
        // A test may move the table out of the file (or make e_phoff wrap) on purpose.
        if (ehdr.e_phoff <= file_size && file_size - ehdr.e_phoff >= table_len)
            for (size_t i = 0; i < phdrs.size(); ++i)
                put(out, ehdr.e_phoff + i * sizeof(Elf64_Phdr), &phdrs[i], sizeof(Elf64_Phdr));
        for (const auto& [off, blob] : blobs) put(out, off, blob.data(), blob.size());
        return out;
    }

  private:
    static void put(std::vector<uint8_t>& out, uint64_t off, const void* src, size_t n) {
        if (off > out.size() || n > out.size() - off)
            throw std::logic_error("builder wrote past its file size");
        std::memcpy(out.data() + off, src, n);
    }
};

}  // namespace er::elf::test
