// The read-only tree of one domain: an er-fs image (libos-abi/er_fs.h) from the host.  The image
// is untrusted, so validate() checks ALL of it once (header, every entry, the tree shape, every
// name, every offset and size) and every accessor after that relies on the checks instead of
// re-checking.  Entries are copied out with memcpy, so the image needs no alignment.
// Pure code (no kernel services), unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libos-abi/er_fs.h"

namespace uk::fs {

// Why an image was refused; describe() gives the text for the domain's refusal message.
enum class ImageStatus : uint8_t {
    ok,
    too_small,
    bad_magic,
    bad_version,
    size_mismatch,
    no_entries,
    entries_out_of_range,
    strtab_out_of_range,
    data_out_of_range,
    root_not_directory,
    root_has_name,
    bad_mode,
    parent_not_before_child,
    parent_not_directory,
    bad_name_length,
    name_out_of_range,
    bad_name,
    file_data_out_of_range,
    bad_symlink_size,
    directory_has_size,
    children_out_of_range,
    child_has_other_parent,
    children_not_sorted,
    entry_outside_parent,
    bad_mount,
    too_many_mounts,
};

const char* describe(ImageStatus s);

class ErfsImage {
  public:
    // Checks the whole image; on success the object serves lookups.  `data` must stay valid and
    // unchanged (it is guest-private memory) for as long as the object is used.
    ImageStatus validate(const void* data, uint64_t size);
    // An image of just an empty root directory, for a domain launched without a tree.
    void make_empty();

    uint32_t count() const { return count_; }
    er_fs_entry entry(uint32_t i) const;
    // The entry's name (not NUL-terminated), `*len` bytes.
    const char* name(uint32_t i, uint32_t* len) const;
    // A regular file's bytes or a symlink's target (size() bytes).
    const uint8_t* data(const er_fs_entry& e) const { return data_ + e.data_off; }

    // Index of the child of directory `dir` called name[0..len), or -1.
    int64_t lookup(uint32_t dir, const char* name, size_t len) const;

    // The tmpfs mount points (er_fs.h version 2): their entry indices, in index order.
    uint32_t mount_count() const { return mount_count_; }
    uint32_t mount(uint32_t k) const { return mounts_[k]; }

  private:
    ImageStatus check_entry(uint32_t i, const er_fs_entry& e);
    ImageStatus check_children(uint32_t i, const er_fs_entry& e) const;

    const uint8_t* entries_ = nullptr;
    const char* strtab_ = nullptr;
    const uint8_t* data_ = nullptr;
    uint64_t strtab_size_ = 0;
    uint64_t data_size_ = 0;
    uint32_t count_ = 0;
    uint32_t version_ = 0;
    uint32_t mount_count_ = 0;
    uint32_t mounts_[ER_FS_MAX_MOUNTS] = {};
    er_fs_entry empty_root_{};
};

// Bytewise comparison of two names, shorter first on a common prefix (the packer's sort order).
int compare_names(const char* a, size_t alen, const char* b, size_t blen);

}  // namespace uk::fs
