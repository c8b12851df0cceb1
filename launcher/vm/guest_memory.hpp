// The one place where guest-physical addresses become host pointers.  Every GPA and length that
// comes from the guest (or from a loader) goes through check(), which refuses ranges outside
// [0, size) including those whose end wraps past 2^64.  Hypercall handlers copy request structs
// out with read<T>() first and validate the copy, so the guest cannot change a request between
// the check and the use.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "launcher/common/error.hpp"

namespace er::launcher {

class GuestMemory {
  public:
    // A view of `size` bytes of host memory at `base` as guest RAM at GPA 0.  Does not own it.
    GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

    uint64_t size() const { return size_; }

    // True when [gpa, gpa + len) lies inside guest memory.  A zero-length range is valid at any
    // gpa <= size (it touches nothing).
    static bool in_range(uint64_t gpa, uint64_t len, uint64_t mem_size) {
        return gpa <= mem_size && len <= mem_size - gpa;
    }
    // Throws GuestError naming `what` and the range if it is not in_range().
    void check(uint64_t gpa, uint64_t len, const char* what) const;

    // Checked views; `what` names the range in the error ("console buffer").
    std::span<const uint8_t> view(uint64_t gpa, uint64_t len, const char* what) const;
    std::span<uint8_t> view_mut(uint64_t gpa, uint64_t len, const char* what);

    void copy_in(uint64_t gpa, std::span<const uint8_t> bytes, const char* what);
    void zero(uint64_t gpa, uint64_t len, const char* what);

    template <typename T>
    T read(uint64_t gpa, const char* what) const {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        std::memcpy(&value, view(gpa, sizeof(T), what).data(), sizeof(T));
        return value;
    }
    template <typename T>
    void write(uint64_t gpa, const T& value, const char* what) {
        static_assert(std::is_trivially_copyable_v<T>);
        std::memcpy(view_mut(gpa, sizeof(T), what).data(), &value, sizeof(T));
    }

  private:
    uint8_t* base_;
    uint64_t size_;
};

}  // namespace er::launcher
