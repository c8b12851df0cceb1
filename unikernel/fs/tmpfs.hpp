// A domain's private writable /tmp: regular files and directories in guest memory.  Each node
// is one 4 KiB page (links, name, and the table of its data pages), and file data lives in
// further pages, all taken from a PageSource so the domain can be charged for them and every
// page returned when the domain dies.  Pure code over the PageSource, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::fs {

constexpr uint64_t kTmpPageSize = 4096;

// Where /tmp's pages come from: zero-filled 4 KiB pages (kernel pointers), nullptr when none.
struct PageSource {
    void* (*alloc)(void* ctx);
    void (*free)(void* ctx, void* page);
    void* ctx;
};

struct TmpNode;
constexpr size_t kTmpNodeHeader = 72 + 256;
// A file's data pages, as ext2 lists blocks: the first ones in the node's own page, then through
// index pages of 512 page pointers each (2 MiB of data), then through double index pages (512
// index pages: 1 GiB).  A small file costs one page for its node; every page, index pages too,
// is charged to the domain, so the domain's memory limit is the real bound.
constexpr size_t kTmpPtrsPerPage = kTmpPageSize / sizeof(void*);
constexpr size_t kTmpSingle = 4, kTmpDouble = 3;
constexpr size_t kTmpDirectPages =
    (kTmpPageSize - kTmpNodeHeader) / sizeof(void*) - kTmpSingle - kTmpDouble;
constexpr uint64_t kTmpMaxPages = kTmpDirectPages + kTmpSingle * kTmpPtrsPerPage +
                                  kTmpDouble * kTmpPtrsPerPage * kTmpPtrsPerPage;
// The largest /tmp file (a little over 3 GiB); the domain's memory limit usually comes first
// (-ENOSPC).
constexpr uint64_t kTmpMaxFileSize = kTmpMaxPages * kTmpPageSize;

struct TmpNode {
    TmpNode* parent;       // nullptr for /tmp itself
    TmpNode* first_child;  // directories: children in creation order
    TmpNode* next;         // next sibling
    uint64_t ino;
    uint64_t size;  // files: bytes
    uint64_t mtime_ns;
    uint32_t mode;    // S_IFREG or S_IFDIR | permissions
    uint32_t uid;     // chown
    uint32_t gid;
    uint32_t linked;  // 1 while a directory entry names it
    uint32_t opens;   // open file descriptions on it
    uint32_t name_len;
    char name[256];
    uint8_t* pages[kTmpDirectPages];  // nullptr: a hole, reads as zeros
    uint8_t** single[kTmpSingle];      // index pages: data page pointers
    uint8_t*** dbl[kTmpDouble];        // double index pages: index page pointers
};
static_assert(sizeof(TmpNode) <= kTmpPageSize, "a /tmp node is one page");

// Status of /tmp operations, as the -errno the syscall returns.
class Tmpfs {
  public:
    // Creates the root (mode 01777 for /tmp, a mount's own mode otherwise).  limit_bytes: at most
    // this many bytes of pages (rounded up to whole pages, the root's and every node's included);
    // 0: no limit of its own.  False when no page is left.
    bool init(PageSource src, uint32_t mode = 01777, uint64_t limit_bytes = 0);
    // Frees every node and page, open or not.
    void release();

    TmpNode* root() const { return root_; }
    TmpNode* lookup(TmpNode* dir, const char* name, size_t len) const;
    // New empty file or directory in `dir`: 0, -EEXIST, -ENOSPC (no page), -ENOTDIR.
    int create(TmpNode* dir, const char* name, size_t len, uint32_t mode, uint64_t now_ns,
               TmpNode** out);
    // Removes dir's entry `name`: 0, -ENOENT, -EISDIR (want_dir false on a directory), -ENOTDIR
    // (want_dir true on a file), -ENOTEMPTY.  The node itself lives on while it is open.
    int remove(TmpNode* dir, const char* name, size_t len, bool want_dir);

    void opened(TmpNode* n) { n->opens++; }
    void closed(TmpNode* n);

    // Readable bytes at `off`: a pointer into the page (nullptr for a hole: zeros) and in *len
    // how many (up to the page end and the file end; 0 at or past the end).
    const uint8_t* read_span(const TmpNode* n, uint64_t off, uint64_t* len) const;
    // Writable bytes at `off` (page allocated when missing): the pointer, and in *len how many up
    // to the page end.  nullptr with *len 0: past kTmpMaxFileSize; nullptr otherwise: no page.
    uint8_t* write_span(TmpNode* n, uint64_t off, uint64_t* len);
    // Sets the size; shrinking frees whole pages past the end and zeroes the rest of the last.
    // 0, -EFBIG.
    int truncate(TmpNode* n, uint64_t size);

    uint64_t pages_held() const { return pages_; }

  private:
    void* page();
    void drop_page(void* p);
    void free_node(TmpNode* n);
    // The slot holding data page `idx` of n: nullptr when an index page on the way is missing
    // and `alloc` is false, or when none could be allocated (*no_page set).
    uint8_t** slot(TmpNode* n, uint64_t idx, bool alloc, bool* no_page);
    // Frees n's data pages from index `keep` on, and index pages left empty.
    void free_from(TmpNode* n, uint64_t keep);

    PageSource src_{};
    TmpNode* root_ = nullptr;
    uint64_t next_ino_ = 1;
    uint64_t pages_ = 0;
    uint64_t limit_pages_ = 0;  // 0: none
};

}  // namespace uk::fs
