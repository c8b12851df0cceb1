// libFuzzer target for the ELF parser: any input must parse or be refused without reading out of
// bounds (ASan), without undefined behaviour (UBSan), and an accepted image must satisfy the
// invariants the loaders rely on.  Build: -DER_BUILD_FUZZ=ON with clang
// (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "elf/elf.hpp"

namespace {

void require(bool condition) {
    if (!condition) std::abort();  // libFuzzer reports the crashing input
}

void check_invariants(const er::elf::Image& img, size_t size) {
    using namespace er::elf;
    require(img.nsegs >= 1 && img.nsegs <= kMaxSegments);
    require(img.lo <= img.hi && img.lo % kPageSize == 0 && img.hi % kPageSize == 0);
    require(img.hi <= (img.pie ? kMaxUserVaddr - kMinVaddr : kMaxUserVaddr));
    bool entry_ok = false;
    for (size_t i = 0; i < img.nsegs; ++i) {
        const Segment& s = img.segs[i];
        require(s.filesz <= s.memsz && s.offset <= size && s.filesz <= size - s.offset);
        require(!((s.flags & kWrite) && (s.flags & kExec)));
        require(s.vaddr >= img.lo && s.vaddr + s.memsz <= img.hi);
        if ((s.flags & kExec) && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz)
            entry_ok = true;
        for (size_t j = 0; j < i; ++j) {
            const Segment& t = img.segs[j];
            bool overlap =
                s.memsz && t.memsz && s.vaddr < t.vaddr + t.memsz && t.vaddr < s.vaddr + s.memsz;
            require(!overlap);
        }
    }
    require(entry_ok);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A copy in an exact-size block: libFuzzer's own buffer may have slack ASan would not flag.
    std::unique_ptr<uint8_t[]> exact(new uint8_t[size]);
    if (size) std::memcpy(exact.get(), data, size);
    er::elf::Image img;
    er::elf::Status s = er::elf::parse(exact.get(), size, &img);
    require(er::elf::describe(s)[0] != '\0');
    if (s == er::elf::Status::ok) check_invariants(img, size);
    return 0;
}
