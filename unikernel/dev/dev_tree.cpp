#include "dev/dev_tree.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::dev {
namespace {

struct Device {
    const char* name;
    uint32_t entry;
    uint32_t minor;  // major 1 (Linux's "mem" devices) for all of them
};

// Sorted by name, as getdents64 lists them.
constexpr Device kDevices[] = {{"full", kFull, 7},
                               {"null", kNull, 3},
                               {"random", kRandom, 8},
                               {"urandom", kUrandom, 9},
                               {"zero", kZero, 5}};
constexpr uint32_t kCount = sizeof kDevices / sizeof kDevices[0];

const Device* find(uint32_t e) {
    for (const Device& d : kDevices) {
        if (d.entry == e) return &d;
    }
    return nullptr;
}

// Linux's new_encode_dev for small numbers: minor in the low byte, major above it.
uint64_t makedev(uint32_t major, uint32_t minor) {
    return (uint64_t(major) << 8) | minor;
}

}  // namespace

uint32_t mode(fs::NodeRef n) {
    return n.ro == kRoot ? fs::kIfdir | 0755 : kIfchr | 0666;
}

fs::NodeInfo info(fs::NodeRef n) {
    fs::NodeInfo i{kDevDev, uint64_t(n.ro) + 1, mode(n), 1, 0, 0, 0, 0};
    if (const Device* d = find(n.ro)) i.rdev = makedev(1, d->minor);
    return i;
}

int lookup(const char* name, size_t len, fs::NodeRef* out) {
    for (const Device& d : kDevices) {
        if (strlen(d.name) == len && memcmp(d.name, name, len) == 0) {
            *out = node(d.entry);
            return 0;
        }
    }
    return -kENOENT;
}

const char* name(fs::NodeRef n, size_t* len) {
    const Device* d = find(n.ro);
    const char* s = d != nullptr ? d->name : "dev";
    *len = strlen(s);
    return s;
}

bool entry(uint64_t k, const char** name, size_t* len, fs::NodeRef* out) {
    if (k >= kCount) return false;
    *name = kDevices[k].name, *len = strlen(*name);
    *out = node(kDevices[k].entry);
    return true;
}

}  // namespace uk::dev
