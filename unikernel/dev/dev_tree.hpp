// /dev's names: the character devices every Linux process expects (null, zero, full, random,
// urandom), for the path walk, stat and getdents64 (what they do is dev_files.cpp's).  A /dev
// node is a NodeRef of kind dev whose `ro` is the entry.  The devices win over whatever the
// image has at /dev under their names, as docker's devtmpfs over an image's empty /dev does; an
// image without /dev gets a synthetic one holding only them.  No state: every domain has the
// same devices, and what one open description holds is in fs::OpenFile.
// Pure code, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fs/tree.hpp"

namespace uk::dev {

enum Entry : uint32_t {
    kRoot = 0,  // the synthetic /dev, when the image has none
    kFull,
    kNull,
    kRandom,
    kUrandom,
    kZero,
    kEnd,
};

constexpr uint64_t kDevDev = 0x5;  // st_dev of /dev's nodes (Linux's devtmpfs is a small number)
constexpr uint32_t kIfchr = 0020000;

inline fs::NodeRef node(uint32_t e) {
    return fs::NodeRef{fs::NodeKind::dev, e, nullptr};
}

uint32_t mode(fs::NodeRef n);
// Character devices with Linux's numbers in rdev (null 1:3, zero 1:5, full 1:7, random 1:8,
// urandom 1:9), mode 0666, size 0.
fs::NodeInfo info(fs::NodeRef n);
// The device `name`: 0 or -ENOENT.
int lookup(const char* name, size_t len, fs::NodeRef* out);
// n's name ("dev" for the synthetic /dev).
const char* name(fs::NodeRef n, size_t* len);
// The k-th device in getdents64 order: false past the last.
bool entry(uint64_t k, const char** name, size_t* len, fs::NodeRef* out);

}  // namespace uk::dev
