/*
 * er-fs: the packed read-only file tree of one domain (host -> guest, ABI 2).
 *
 * The launcher packs a host directory into one image per domain (er_domain_desc.fs_gpa/fs_size);
 * the guest serves it read-only at the domain's / (its writable /tmp is guest memory, not here).
 * Under SEV the image is part of the measured launch contents; the guest still checks every
 * offset and size against fs_size before use.  All integers are little-endian.
 *
 * Layout: er_fs_header at offset 0, then entry_count er_fs_entry records (at entries_off), then
 * the string table (names, at strtab_off), then file data (at data_off); all offsets are from the
 * image's start and every region lies inside [0, total_size).
 *
 * Entry 0 is the root directory (parent 0, name empty).  Every other entry names its parent by
 * index; a parent is always a directory with a smaller index (so the tree has no cycles), and the
 * entries of one directory are contiguous and sorted by name (bytewise), so a lookup can bisect.
 * Names are 1..255 bytes, without '/' or NUL, and never "." or "..".
 *
 * Version 2 (tmpfs mount points): a directory entry other than the root may carry ER_FS_TMPFS in
 * its mode.  The guest then serves a private writable tmpfs of the domain there (empty at start,
 * mode from the entry's permission bits), hiding nothing: such an entry has no children.  Its
 * `size` is the mount's limit in bytes (0: none, only the domain's memory limit), counted in whole
 * 4 KiB pages, each file node's page included.  At most ER_FS_MAX_MOUNTS per image.  The packer
 * writes version 1 for an image without mount points, so such images (and their measurement) are
 * unchanged; the guest reads both.  The mount list is in the image, so it is measured with it.
 */
#ifndef ER_FS_H
#define ER_FS_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

#define ER_FS_MAGIC 0x3130534652454e45ull /* "ENERFS01" little-endian */
#define ER_FS_VERSION 2u    /* the newest; version 1 has no ER_FS_TMPFS entries */
#define ER_FS_VERSION_MIN 1u
#define ER_FS_NAME_MAX 255u

/* File types, the S_IFMT bits of Linux st_mode. */
#define ER_FS_IFMT 0170000u
#define ER_FS_IFDIR 0040000u
#define ER_FS_IFREG 0100000u
#define ER_FS_IFLNK 0120000u
/* Version 2: this directory is a tmpfs mount point (see above); outside S_IFMT and 07777. */
#define ER_FS_TMPFS 0200000u
#define ER_FS_MAX_MOUNTS 15u

struct er_fs_header {
    uint64_t magic;       /* ER_FS_MAGIC */
    uint32_t version;     /* ER_FS_VERSION */
    uint32_t entry_count; /* >= 1 (the root) */
    uint64_t entries_off; /* er_fs_entry[entry_count] */
    uint64_t strtab_off;
    uint64_t strtab_size;
    uint64_t data_off;
    uint64_t data_size;
    uint64_t total_size; /* == the image's size */
};

struct er_fs_entry {
    uint32_t parent;      /* index of the parent directory; 0 for the root and its children */
    uint32_t mode;        /* file type | permission bits (07777) */
    uint32_t name_off;    /* into the string table */
    uint32_t name_len;    /* 0 only for the root */
    uint64_t data_off;    /* regular file: its bytes; symlink: its target; into the data region */
    uint64_t size;        /* bytes (file length, or symlink target length); 0 for directories,
                             a tmpfs mount point's limit in bytes (0 = none) */
    uint64_t mtime_ns;    /* modification time, ns since the epoch */
    uint32_t first_child; /* directory: index of its first entry (entries are contiguous) */
    uint32_t child_count; /* directory: how many entries it has */
};

#ifdef __cplusplus
static_assert(sizeof(er_fs_header) == 64, "er_fs_header layout is ABI");
static_assert(sizeof(er_fs_entry) == 48, "er_fs_entry layout is ABI");
#endif

#endif /* ER_FS_H */
