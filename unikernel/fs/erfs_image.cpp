#include "fs/erfs_image.hpp"

#include "lib/string.hpp"

namespace uk::fs {
namespace {

constexpr uint32_t kModeBits = 07777;
// Linux's PATH_MAX: a symlink target longer than this could never be followed.
constexpr uint64_t kSymlinkMax = 4095;

// [off, off + len) inside [0, limit), without overflow.
bool in_range(uint64_t off, uint64_t len, uint64_t limit) {
    return off <= limit && len <= limit - off;
}

bool is_type(uint32_t mode, uint32_t type) {
    return (mode & ER_FS_IFMT) == type;
}

}  // namespace

const char* describe(ImageStatus s) {
    switch (s) {
        case ImageStatus::ok:
            return "ok";
        case ImageStatus::too_small:
            return "er-fs image smaller than its header";
        case ImageStatus::bad_magic:
            return "er-fs image has a bad magic number";
        case ImageStatus::bad_version:
            return "er-fs image has an unsupported version";
        case ImageStatus::size_mismatch:
            return "er-fs header total_size differs from the image size";
        case ImageStatus::no_entries:
            return "er-fs image has no root entry";
        case ImageStatus::entries_out_of_range:
            return "er-fs entry table lies outside the image";
        case ImageStatus::strtab_out_of_range:
            return "er-fs string table lies outside the image";
        case ImageStatus::data_out_of_range:
            return "er-fs data region lies outside the image";
        case ImageStatus::root_not_directory:
            return "er-fs entry 0 (the root) is not a directory";
        case ImageStatus::root_has_name:
            return "er-fs root entry has a name or a parent";
        case ImageStatus::bad_mode:
            return "er-fs entry has an unknown file type or mode bits";
        case ImageStatus::parent_not_before_child:
            return "er-fs entry's parent does not precede it";
        case ImageStatus::parent_not_directory:
            return "er-fs entry's parent is not a directory";
        case ImageStatus::bad_name_length:
            return "er-fs entry name is empty or longer than 255";
        case ImageStatus::name_out_of_range:
            return "er-fs entry name lies outside the string table";
        case ImageStatus::bad_name:
            return "er-fs entry name has '/' or NUL or is '.' or '..'";
        case ImageStatus::file_data_out_of_range:
            return "er-fs file or symlink data lies outside the data region";
        case ImageStatus::bad_symlink_size:
            return "er-fs symlink target is empty or too long";
        case ImageStatus::directory_has_size:
            return "er-fs directory has a non-zero size";
        case ImageStatus::children_out_of_range:
            return "er-fs directory's children lie outside the entry table";
        case ImageStatus::child_has_other_parent:
            return "er-fs directory's child range holds another directory's entry";
        case ImageStatus::children_not_sorted:
            return "er-fs directory's children are not sorted or have duplicate names";
        case ImageStatus::entry_outside_parent:
            return "er-fs entry lies outside its parent's child range";
        case ImageStatus::bad_mount:
            return "er-fs tmpfs mount point is not an empty non-root directory of a version 2 "
                   "image";
        case ImageStatus::too_many_mounts:
            return "er-fs image has more tmpfs mount points than ER_FS_MAX_MOUNTS";
    }
    return "er-fs image invalid";
}

int compare_names(const char* a, size_t alen, const char* b, size_t blen) {
    size_t n = alen < blen ? alen : blen;
    for (size_t i = 0; i < n; i++) {
        uint8_t x = uint8_t(a[i]), y = uint8_t(b[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    if (alen == blen) return 0;
    return alen < blen ? -1 : 1;
}

er_fs_entry ErfsImage::entry(uint32_t i) const {
    if (entries_ == nullptr) return empty_root_;
    er_fs_entry e;
    memcpy(&e, entries_ + uint64_t(i) * sizeof(er_fs_entry), sizeof e);
    return e;
}

const char* ErfsImage::name(uint32_t i, uint32_t* len) const {
    er_fs_entry e = entry(i);
    *len = e.name_len;
    return e.name_len == 0 ? "" : strtab_ + e.name_off;
}

void ErfsImage::make_empty() {
    *this = ErfsImage{};
    empty_root_.mode = ER_FS_IFDIR | 0755;
    count_ = 1;
}

ImageStatus ErfsImage::validate(const void* data, uint64_t size) {
    *this = ErfsImage{};
    const auto* p = static_cast<const uint8_t*>(data);
    er_fs_header h;
    if (size < sizeof h) return ImageStatus::too_small;
    memcpy(&h, p, sizeof h);
    if (h.magic != ER_FS_MAGIC) return ImageStatus::bad_magic;
    if (h.version < ER_FS_VERSION_MIN || h.version > ER_FS_VERSION) {
        return ImageStatus::bad_version;
    }
    if (h.total_size != size) return ImageStatus::size_mismatch;
    if (h.entry_count == 0) return ImageStatus::no_entries;
    if (!in_range(h.entries_off, uint64_t(h.entry_count) * sizeof(er_fs_entry), size)) {
        return ImageStatus::entries_out_of_range;
    }
    if (!in_range(h.strtab_off, h.strtab_size, size)) return ImageStatus::strtab_out_of_range;
    if (!in_range(h.data_off, h.data_size, size)) return ImageStatus::data_out_of_range;

    entries_ = p + h.entries_off;
    strtab_ = reinterpret_cast<const char*>(p + h.strtab_off);
    strtab_size_ = h.strtab_size;
    data_ = p + h.data_off;
    data_size_ = h.data_size;
    count_ = h.entry_count;
    version_ = h.version;

    // Every entry on its own, then every directory's child range: a parent always precedes its
    // children, so checking "parent < i" per entry already rules out cycles.
    ImageStatus s = ImageStatus::ok;
    for (uint32_t i = 0; i < count_ && s == ImageStatus::ok; i++) s = check_entry(i, entry(i));
    for (uint32_t i = 0; i < count_ && s == ImageStatus::ok; i++) {
        er_fs_entry e = entry(i);
        if (is_type(e.mode, ER_FS_IFDIR)) s = check_children(i, e);
    }
    if (s != ImageStatus::ok) *this = ErfsImage{};
    return s;
}

ImageStatus ErfsImage::check_entry(uint32_t i, const er_fs_entry& e) {
    uint32_t type = e.mode & ER_FS_IFMT;
    if ((e.mode & ~(ER_FS_IFMT | kModeBits | ER_FS_TMPFS)) != 0) return ImageStatus::bad_mode;
    if ((e.mode & ER_FS_TMPFS) != 0) {
        // A mount point hides nothing (no children) and is never the root: the guest serves the
        // rest of the tree from the image.
        if (version_ < 2 || i == 0 || type != ER_FS_IFDIR || e.child_count != 0) {
            return ImageStatus::bad_mount;
        }
        if (mount_count_ == ER_FS_MAX_MOUNTS) return ImageStatus::too_many_mounts;
        mounts_[mount_count_++] = i;
    }
    if (type != ER_FS_IFDIR && type != ER_FS_IFREG && type != ER_FS_IFLNK) {
        return ImageStatus::bad_mode;
    }
    if (i == 0) {
        if (type != ER_FS_IFDIR) return ImageStatus::root_not_directory;
        if (e.parent != 0 || e.name_len != 0) return ImageStatus::root_has_name;
    } else {
        if (e.parent >= i) return ImageStatus::parent_not_before_child;
        er_fs_entry pe = entry(e.parent);
        if (!is_type(pe.mode, ER_FS_IFDIR)) return ImageStatus::parent_not_directory;
        // Inside the parent's child range: with check_children's "every entry in the range names
        // this parent", the ranges partition the entries and a bisecting lookup sees every child.
        if (i < pe.first_child || i - pe.first_child >= pe.child_count) {
            return ImageStatus::entry_outside_parent;
        }
        if (e.name_len == 0 || e.name_len > ER_FS_NAME_MAX) return ImageStatus::bad_name_length;
        if (!in_range(e.name_off, e.name_len, strtab_size_)) return ImageStatus::name_out_of_range;
        const char* n = strtab_ + e.name_off;
        for (uint32_t k = 0; k < e.name_len; k++) {
            if (n[k] == '/' || n[k] == '\0') return ImageStatus::bad_name;
        }
        if (n[0] == '.' && (e.name_len == 1 || (e.name_len == 2 && n[1] == '.'))) {
            return ImageStatus::bad_name;
        }
    }
    if (type == ER_FS_IFDIR) {
        if (e.size != 0 && (e.mode & ER_FS_TMPFS) == 0) return ImageStatus::directory_has_size;
    } else {
        if (!in_range(e.data_off, e.size, data_size_)) return ImageStatus::file_data_out_of_range;
        if (type == ER_FS_IFLNK && (e.size == 0 || e.size > kSymlinkMax)) {
            return ImageStatus::bad_symlink_size;
        }
    }
    return ImageStatus::ok;
}

ImageStatus ErfsImage::check_children(uint32_t i, const er_fs_entry& e) const {
    if (e.child_count != 0) {
        // Children come after their parent (so never the root) and inside the table.
        if (e.first_child <= i || !in_range(e.first_child, e.child_count, count_)) {
            return ImageStatus::children_out_of_range;
        }
        const char* prev = nullptr;
        uint32_t prev_len = 0;
        for (uint32_t c = e.first_child; c < e.first_child + e.child_count; c++) {
            if (entry(c).parent != i) return ImageStatus::child_has_other_parent;
            uint32_t len;
            const char* n = name(c, &len);
            if (prev != nullptr && compare_names(prev, prev_len, n, len) >= 0) {
                return ImageStatus::children_not_sorted;
            }
            prev = n, prev_len = len;
        }
    }
    return ImageStatus::ok;
}

int64_t ErfsImage::lookup(uint32_t dir, const char* name_, size_t len) const {
    er_fs_entry d = entry(dir);
    if (!is_type(d.mode, ER_FS_IFDIR) || d.child_count == 0) return -1;
    uint32_t lo = d.first_child, hi = d.first_child + d.child_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        uint32_t mlen;
        const char* m = name(mid, &mlen);
        int c = compare_names(name_, len, m, mlen);
        if (c == 0) return mid;
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return -1;
}

}  // namespace uk::fs
