#include "launcher/vm/guest_memory.hpp"

#include <cstdio>
#include <string>

namespace er::launcher {

void GuestMemory::check(uint64_t gpa, uint64_t len, const char* what) const {
    if (in_range(gpa, len, size_)) return;
    char line[200];
    std::snprintf(line, sizeof line,
                  "%s at GPA 0x%llx, length 0x%llx, lies outside guest memory [0, 0x%llx)", what,
                  static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(len),
                  static_cast<unsigned long long>(size_));
    throw GuestError(line);
}

std::span<const uint8_t> GuestMemory::view(uint64_t gpa, uint64_t len, const char* what) const {
    check(gpa, len, what);
    return {base_ + gpa, static_cast<size_t>(len)};
}

std::span<uint8_t> GuestMemory::view_mut(uint64_t gpa, uint64_t len, const char* what) {
    check(gpa, len, what);
    return {base_ + gpa, static_cast<size_t>(len)};
}

void GuestMemory::copy_in(uint64_t gpa, std::span<const uint8_t> bytes, const char* what) {
    auto dst = view_mut(gpa, bytes.size(), what);
    if (!bytes.empty()) std::memcpy(dst.data(), bytes.data(), bytes.size());
}

void GuestMemory::zero(uint64_t gpa, uint64_t len, const char* what) {
    auto dst = view_mut(gpa, len, what);
    if (len != 0) std::memset(dst.data(), 0, dst.size());
}

}  // namespace er::launcher
