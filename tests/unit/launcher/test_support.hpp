// Helpers shared by the launcher unit tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "launcher/vm/guest_memory.hpp"

namespace er::launcher::test {

// Guest RAM backed by a plain vector (no KVM, no mmap).
struct FakeRam {
    explicit FakeRam(uint64_t size) : bytes(size, 0), memory(bytes.data(), size) {}
    std::vector<uint8_t> bytes;
    GuestMemory memory;
};

// A fresh empty directory under TMPDIR, removed with its contents on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }
    void make_dir(const std::string& rel) const;
    void write_file(const std::string& rel, const std::vector<uint8_t>& bytes) const;

  private:
    std::string path_;
};

}  // namespace er::launcher::test
