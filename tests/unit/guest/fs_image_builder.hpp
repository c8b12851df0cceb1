// Builds er-fs images in memory for the fs_* tests: a list of entries in the packer's order
// (breadth first, each directory's children contiguous and sorted), laid out as er_fs.h says.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "libos-abi/er_fs.h"

namespace fs_test {

struct Item {
    std::string name;  // "" for the root
    uint32_t parent;
    uint32_t mode;
    std::string data;  // file bytes or symlink target
};

inline Item dir(const std::string& name, uint32_t parent) {
    return {name, parent, ER_FS_IFDIR | 0755, ""};
}
inline Item file(const std::string& name, uint32_t parent, const std::string& data) {
    return {name, parent, ER_FS_IFREG | 0644, data};
}
inline Item link(const std::string& name, uint32_t parent, const std::string& target) {
    return {name, parent, ER_FS_IFLNK | 0777, target};
}

struct Image {
    er_fs_header header{};
    std::vector<er_fs_entry> entries;
    std::string strtab;
    std::string data;
    // Where build() laid things out; tests corrupt `header`, never these.
    uint64_t entries_at = 0, strtab_at = 0, data_at = 0, size = 0;

    std::vector<uint8_t> bytes() const {
        std::vector<uint8_t> out(size, 0);
        std::memcpy(out.data(), &header, sizeof header);
        std::memcpy(out.data() + entries_at, entries.data(), entries.size() * sizeof(er_fs_entry));
        std::memcpy(out.data() + strtab_at, strtab.data(), strtab.size());
        std::memcpy(out.data() + data_at, data.data(), data.size());
        return out;
    }
};

// Lays the items out (children of each directory are the items naming it, in the order given;
// the caller keeps them contiguous and sorted), header consistent.
inline Image build(const std::vector<Item>& items) {
    Image img;
    for (size_t i = 0; i < items.size(); i++) {
        const Item& it = items[i];
        er_fs_entry e{};
        e.parent = it.parent;
        e.mode = it.mode;
        e.name_off = uint32_t(img.strtab.size());
        e.name_len = uint32_t(it.name.size());
        img.strtab += it.name;
        e.mtime_ns = 1700000000ull * 1000000000ull + i;
        if ((it.mode & ER_FS_IFMT) != ER_FS_IFDIR) {
            e.data_off = img.data.size();
            e.size = it.data.size();
            img.data += it.data;
        }
        img.entries.push_back(e);
    }
    for (size_t i = 0; i < items.size(); i++) {
        if ((items[i].mode & ER_FS_IFMT) != ER_FS_IFDIR) continue;
        uint32_t first = 0, count = 0;
        for (size_t c = 1; c < items.size(); c++) {
            if (items[c].parent != i) continue;
            if (count == 0) first = uint32_t(c);
            count++;
        }
        img.entries[i].first_child = count == 0 ? uint32_t(items.size()) : first;
        img.entries[i].child_count = count;
    }
    er_fs_header& h = img.header;
    h.magic = ER_FS_MAGIC;
    h.version = ER_FS_VERSION;
    h.entry_count = uint32_t(items.size());
    h.entries_off = sizeof(er_fs_header);
    h.strtab_off = h.entries_off + items.size() * sizeof(er_fs_entry);
    h.strtab_size = img.strtab.size();
    h.data_off = h.strtab_off + h.strtab_size;
    h.data_size = img.data.size();
    h.total_size = h.data_off + h.data_size;
    img.entries_at = h.entries_off, img.strtab_at = h.strtab_off, img.data_at = h.data_off;
    img.size = h.total_size;
    return img;
}

// The tree most tests use:
//   /            0
//   /bin         1  (dir)
//   /etc         2  (dir)
//   /hello.txt   3  "hello\n"
//   /lnk-abs     4  -> /etc/motd
//   /lnk-dir     5  -> etc
//   /loop        6  -> loop
//   /bin/sh      7  "#!"
//   /etc/motd    8  "welcome\n"
//   /etc/up      9  -> ../hello.txt
inline std::vector<Item> sample_items() {
    return {
        dir("", 0),
        dir("bin", 0),
        dir("etc", 0),
        file("hello.txt", 0, "hello\n"),
        link("lnk-abs", 0, "/etc/motd"),
        link("lnk-dir", 0, "etc"),
        link("loop", 0, "loop"),
        file("sh", 1, "#!"),
        file("motd", 2, "welcome\n"),
        link("up", 2, "../hello.txt"),
    };
}

}  // namespace fs_test
