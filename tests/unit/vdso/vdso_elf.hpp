// A reader of the built vDSO image for the tests: the dynamic section, and symbol lookup by name
// and version through DT_GNU_HASH or DT_HASH, the way glibc, musl and Go resolve
// __vdso_clock_gettime@LINUX_2.6.  Works on the file bytes: the image is linked at 0, so an
// address is a file offset (the tests check that first).
#pragma once

#include <elf.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vdso_test {

std::vector<uint8_t> read_file(const char* path);

class VdsoElf {
  public:
    explicit VdsoElf(std::vector<uint8_t> bytes);

    const Elf64_Ehdr& ehdr() const { return *at<Elf64_Ehdr>(0); }
    std::vector<Elf64_Phdr> phdrs() const;
    std::vector<Elf64_Shdr> shdrs() const;
    // Every DT_* tag of the dynamic section and its value (later duplicates win).
    const std::map<int64_t, uint64_t>& dynamic() const { return dyn_; }
    const std::vector<uint8_t>& bytes() const { return bytes_; }

    enum class Hash { gnu, sysv };
    // The symbol `name` defined at version `version`, looked up through one hash table.
    std::optional<Elf64_Sym> lookup(const std::string& name, const std::string& version,
                                    Hash hash) const;
    // The name of the version defined at index ndx of DT_VERDEF ("" if none).
    std::string version_name(uint16_t ndx) const;

  private:
    template <typename T>
    const T* at(uint64_t off) const {
        if (off > bytes_.size() || bytes_.size() - off < sizeof(T)) return nullptr;
        return reinterpret_cast<const T*>(bytes_.data() + off);
    }
    const char* str(uint64_t off) const;
    bool matches(uint32_t idx, const std::string& name, const std::string& version) const;

    std::vector<uint8_t> bytes_;
    std::map<int64_t, uint64_t> dyn_;
};

// The SysV ELF hash (DT_HASH, vd_hash) and the GNU hash (DT_GNU_HASH).
uint32_t sysv_hash(const char* s);
uint32_t gnu_hash(const char* s);

}  // namespace vdso_test
