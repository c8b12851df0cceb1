#include "vdso_elf.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace vdso_test {

std::vector<uint8_t> read_file(const char* path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(std::string("cannot open ") + path);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

uint32_t sysv_hash(const char* s) {
    uint32_t h = 0;
    for (; *s; s++) {
        h = (h << 4) + uint8_t(*s);
        uint32_t g = h & 0xf0000000u;
        if (g) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

uint32_t gnu_hash(const char* s) {
    uint32_t h = 5381;
    for (; *s; s++) h = h * 33 + uint8_t(*s);
    return h;
}

VdsoElf::VdsoElf(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {
    if (at<Elf64_Ehdr>(0) == nullptr) throw std::runtime_error("vDSO shorter than an ELF header");
    for (const Elf64_Phdr& p : phdrs()) {
        if (p.p_type != PT_DYNAMIC) continue;
        for (uint64_t o = p.p_offset; o + sizeof(Elf64_Dyn) <= p.p_offset + p.p_filesz;
             o += sizeof(Elf64_Dyn)) {
            const Elf64_Dyn* d = at<Elf64_Dyn>(o);
            if (d == nullptr || d->d_tag == DT_NULL) break;
            dyn_[d->d_tag] = d->d_un.d_val;
        }
    }
}

std::vector<Elf64_Phdr> VdsoElf::phdrs() const {
    std::vector<Elf64_Phdr> out;
    for (unsigned i = 0; i < ehdr().e_phnum; i++) {
        const auto* p = at<Elf64_Phdr>(ehdr().e_phoff + uint64_t(i) * sizeof(Elf64_Phdr));
        if (p == nullptr) throw std::runtime_error("program header outside the vDSO");
        out.push_back(*p);
    }
    return out;
}

std::vector<Elf64_Shdr> VdsoElf::shdrs() const {
    std::vector<Elf64_Shdr> out;
    for (unsigned i = 0; i < ehdr().e_shnum; i++) {
        const auto* s = at<Elf64_Shdr>(ehdr().e_shoff + uint64_t(i) * sizeof(Elf64_Shdr));
        if (s == nullptr) throw std::runtime_error("section header outside the vDSO");
        out.push_back(*s);
    }
    return out;
}

const char* VdsoElf::str(uint64_t off) const {
    uint64_t base = dyn_.at(DT_STRTAB), size = dyn_.at(DT_STRSZ);
    if (off >= size || base + size > bytes_.size()) throw std::runtime_error("bad string offset");
    const char* s = reinterpret_cast<const char*>(bytes_.data() + base + off);
    if (memchr(s, 0, size - off) == nullptr) throw std::runtime_error("unterminated string");
    return s;
}

std::string VdsoElf::version_name(uint16_t ndx) const {
    uint64_t off = dyn_.at(DT_VERDEF);
    for (uint64_t n = 0; n < dyn_.at(DT_VERDEFNUM); n++) {
        const auto* vd = at<Elf64_Verdef>(off);
        if (vd == nullptr) throw std::runtime_error("verdef outside the vDSO");
        if (vd->vd_ndx == ndx) {
            const auto* aux = at<Elf64_Verdaux>(off + vd->vd_aux);
            if (aux == nullptr) throw std::runtime_error("verdaux outside the vDSO");
            std::string name = str(aux->vda_name);
            if (vd->vd_hash != sysv_hash(name.c_str())) throw std::runtime_error("bad vd_hash");
            return name;
        }
        if (vd->vd_next == 0) break;
        off += vd->vd_next;
    }
    return "";
}

bool VdsoElf::matches(uint32_t idx, const std::string& name, const std::string& version) const {
    const auto* sym = at<Elf64_Sym>(dyn_.at(DT_SYMTAB) + uint64_t(idx) * sizeof(Elf64_Sym));
    if (sym == nullptr) throw std::runtime_error("symbol outside the vDSO");
    if (sym->st_shndx == SHN_UNDEF || name != str(sym->st_name)) return false;
    const auto* ver = at<uint16_t>(dyn_.at(DT_VERSYM) + uint64_t(idx) * 2);
    if (ver == nullptr) throw std::runtime_error("versym outside the vDSO");
    return version_name(*ver & 0x7fff) == version;
}

std::optional<Elf64_Sym> VdsoElf::lookup(const std::string& name, const std::string& version,
                                         Hash hash) const {
    auto sym_at = [&](uint32_t i) {
        return *at<Elf64_Sym>(dyn_.at(DT_SYMTAB) + uint64_t(i) * sizeof(Elf64_Sym));
    };
    if (hash == Hash::sysv) {
        const auto* h = at<uint32_t>(dyn_.at(DT_HASH));
        uint32_t nbucket = h[0], nchain = h[1];
        const uint32_t* bucket = h + 2;
        const uint32_t* chain = bucket + nbucket;
        for (uint32_t i = bucket[sysv_hash(name.c_str()) % nbucket]; i != 0 && i < nchain;
             i = chain[i]) {
            if (matches(i, name, version)) return sym_at(i);
        }
        return std::nullopt;
    }
    // DT_GNU_HASH: nbuckets, symoffset, bloom size, bloom shift, bloom words, buckets, chains.
    const auto* h = at<uint32_t>(dyn_.at(DT_GNU_HASH));
    uint32_t nbuckets = h[0], symoffset = h[1], bloom_size = h[2], bloom_shift = h[3];
    const auto* bloom = reinterpret_cast<const uint64_t*>(h + 4);
    const uint32_t* buckets = reinterpret_cast<const uint32_t*>(bloom + bloom_size);
    const uint32_t* chain = buckets + nbuckets;
    uint32_t hv = gnu_hash(name.c_str());
    uint64_t word = bloom[(hv / 64) % bloom_size];
    uint64_t mask = (1ull << (hv % 64)) | (1ull << ((hv >> bloom_shift) % 64));
    if ((word & mask) != mask) return std::nullopt;
    uint32_t i = buckets[hv % nbuckets];
    if (i < symoffset) return std::nullopt;
    for (;; i++) {
        uint32_t ch = chain[i - symoffset];
        if ((ch | 1) == (hv | 1) && matches(i, name, version)) return sym_at(i);
        if (ch & 1) break;
    }
    return std::nullopt;
}

}  // namespace vdso_test
