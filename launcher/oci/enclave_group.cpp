#include "launcher/oci/enclave_group.hpp"

#include <cstdint>
#include <cstdio>

#include "launcher/common/error.hpp"

namespace er::launcher::oci {
namespace {

constexpr size_t kMaxStem = 64;

const std::string* non_empty(const std::map<std::string, std::string>& a, const char* key) {
    auto it = a.find(key);
    return it != a.end() && !it->second.empty() ? &it->second : nullptr;
}

bool safe_name(const std::string& s) {
    if (s.empty() || s.size() > kMaxStem || s[0] == '.') return false;
    for (char ch : s) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

std::string group_of(const std::map<std::string, std::string>& annotations) {
    for (const char* key : {kCriSandboxId, kCrioSandboxId, kGroupAnnotation}) {
        if (const std::string* v = non_empty(annotations, key)) return *v;
    }
    return kDefaultGroup;
}

bool isolated_vm_requested(const std::map<std::string, std::string>& annotations) {
    auto it = annotations.find(kIsolatedVmAnnotation);
    if (it == annotations.end() || it->second == "false") return false;
    if (it->second == "true") return true;
    throw Error(std::string("annotation ") + kIsolatedVmAnnotation +
                " must be true or false, not \"" + it->second + "\"");
}

std::string group_stem(const std::string& group) {
    if (safe_name(group)) return group;
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a: a folder name, not a security boundary
    for (unsigned char ch : group) {
        h ^= ch;
        h *= 0x100000001b3ull;
    }
    char buf[24];
    std::snprintf(buf, sizeof buf, "g-%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::string host_dir_name(const std::string& group, unsigned n) {
    return group_stem(group) + "." + std::to_string(n);
}

std::optional<unsigned> host_dir_index(const std::string& name, const std::string& stem) {
    if (name.size() <= stem.size() + 1 || name.compare(0, stem.size(), stem) != 0 ||
        name[stem.size()] != '.') {
        return std::nullopt;
    }
    std::string digits = name.substr(stem.size() + 1);
    if (digits.size() > 6 || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
    unsigned n = 0;
    for (char ch : digits) {
        if (ch < '0' || ch > '9') return std::nullopt;
        n = n * 10 + static_cast<unsigned>(ch - '0');
    }
    return n;
}

}  // namespace er::launcher::oci
