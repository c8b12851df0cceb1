#include "fs/tmpfs.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::fs {
namespace {

constexpr uint32_t kIfmt = 0170000, kIfdir = 0040000;

bool is_dir(const TmpNode* n) {
    return (n->mode & kIfmt) == kIfdir;
}

}  // namespace

void* Tmpfs::page() {
    if (limit_pages_ != 0 && pages_ >= limit_pages_) return nullptr;  // the mount's size=
    void* p = src_.alloc(src_.ctx);
    if (p != nullptr) pages_++;
    return p;
}

void Tmpfs::drop_page(void* p) {
    src_.free(src_.ctx, p);
    pages_--;
}

bool Tmpfs::init(PageSource src, uint32_t mode, uint64_t limit_bytes) {
    src_ = src;
    pages_ = 0;
    next_ino_ = 1;
    limit_pages_ = limit_bytes / kTmpPageSize + (limit_bytes % kTmpPageSize != 0 ? 1 : 0);
    root_ = static_cast<TmpNode*>(page());
    if (root_ == nullptr) return false;
    root_->mode = kIfdir | (mode & 07777);
    root_->linked = 1;
    root_->ino = next_ino_++;
    return true;
}

uint8_t** Tmpfs::slot(TmpNode* n, uint64_t idx, bool alloc, bool* no_page) {
    *no_page = false;
    if (idx < kTmpDirectPages) return &n->pages[idx];
    idx -= kTmpDirectPages;
    // Takes (or finds) the index page behind `table`: nullptr when missing.
    auto index = [&](auto*& table) {
        if (table == nullptr && alloc) {
            table = static_cast<decltype(+table)>(page());
            if (table == nullptr) *no_page = true;
        }
        return table;
    };
    if (idx < kTmpSingle * kTmpPtrsPerPage) {
        uint8_t** ip = index(n->single[idx / kTmpPtrsPerPage]);
        return ip == nullptr ? nullptr : &ip[idx % kTmpPtrsPerPage];
    }
    idx -= kTmpSingle * kTmpPtrsPerPage;
    constexpr uint64_t per_double = kTmpPtrsPerPage * kTmpPtrsPerPage;
    if (idx >= kTmpDouble * per_double) return nullptr;
    uint8_t*** dp = index(n->dbl[idx / per_double]);
    if (dp == nullptr) return nullptr;
    idx %= per_double;
    uint8_t** ip = index(dp[idx / kTmpPtrsPerPage]);
    return ip == nullptr ? nullptr : &ip[idx % kTmpPtrsPerPage];
}

void Tmpfs::free_from(TmpNode* n, uint64_t keep) {
    for (uint64_t i = keep; i < kTmpDirectPages; i++) {
        if (n->pages[i] != nullptr) drop_page(n->pages[i]), n->pages[i] = nullptr;
    }
    // An index page covering [first, first + 512) pages: its data from `keep` on goes, and the
    // index page itself when nothing before `keep` is in it.
    auto trim = [&](uint8_t** ip, uint64_t first) -> bool {
        for (uint64_t j = 0; j < kTmpPtrsPerPage; j++) {
            if (first + j >= keep && ip[j] != nullptr) drop_page(ip[j]), ip[j] = nullptr;
        }
        if (first >= keep) {
            drop_page(ip);
            return true;
        }
        return false;
    };
    uint64_t first = kTmpDirectPages;
    for (uint8_t**& ip : n->single) {
        if (ip != nullptr && first + kTmpPtrsPerPage > keep && trim(ip, first)) ip = nullptr;
        first += kTmpPtrsPerPage;
    }
    for (uint8_t***& dp : n->dbl) {
        uint64_t span = kTmpPtrsPerPage * kTmpPtrsPerPage;
        if (dp != nullptr && first + span > keep) {
            for (uint64_t k = 0; k < kTmpPtrsPerPage; k++) {
                uint64_t f = first + k * kTmpPtrsPerPage;
                if (dp[k] != nullptr && f + kTmpPtrsPerPage > keep && trim(dp[k], f))
                    dp[k] = nullptr;
            }
            if (first >= keep) drop_page(dp), dp = nullptr;
        }
        first += span;
    }
}

void Tmpfs::free_node(TmpNode* n) {
    free_from(n, 0);
    drop_page(n);
}

void Tmpfs::release() {
    // Iteratively (a hostile app can nest directories thousands deep): descend to a leaf, free
    // it, go back up.  Unlinked-but-open nodes were freed when their last descriptor closed.
    TmpNode* n = root_;
    while (n != nullptr) {
        if (n->first_child != nullptr) {
            TmpNode* c = n->first_child;
            n->first_child = c->next;
            n = c;
            continue;
        }
        TmpNode* up = n->parent;
        free_node(n);
        n = up;
    }
    root_ = nullptr;
}

TmpNode* Tmpfs::lookup(TmpNode* dir, const char* name, size_t len) const {
    for (TmpNode* c = dir->first_child; c != nullptr; c = c->next) {
        if (c->name_len == len && memcmp(c->name, name, len) == 0) return c;
    }
    return nullptr;
}

int Tmpfs::create(TmpNode* dir, const char* name, size_t len, uint32_t mode, uint64_t now_ns,
                  TmpNode** out) {
    if (!is_dir(dir)) return -kENOTDIR;
    if (!dir->linked) return -kENOENT;  // a removed directory takes no new entries, as in Linux
    if (len == 0 || len >= sizeof dir->name) return -kENAMETOOLONG;  // 255 at most, as Linux
    if (lookup(dir, name, len) != nullptr) return -kEEXIST;
    auto* n = static_cast<TmpNode*>(page());
    if (n == nullptr) return -kENOSPC;
    n->parent = dir;
    n->mode = mode;
    n->linked = 1;
    n->ino = next_ino_++;
    n->mtime_ns = now_ns;
    n->name_len = uint32_t(len);
    memcpy(n->name, name, len);
    // Appended, so a getdents64 in progress sees every older entry exactly once.
    TmpNode** link = &dir->first_child;
    while (*link != nullptr) link = &(*link)->next;
    *link = n;
    dir->mtime_ns = now_ns;
    *out = n;
    return 0;
}

int Tmpfs::remove(TmpNode* dir, const char* name, size_t len, bool want_dir) {
    TmpNode** link = &dir->first_child;
    while (*link != nullptr &&
           !((*link)->name_len == len && memcmp((*link)->name, name, len) == 0)) {
        link = &(*link)->next;
    }
    TmpNode* n = *link;
    if (n == nullptr) return -kENOENT;
    if (is_dir(n) && !want_dir) return -kEISDIR;
    if (!is_dir(n) && want_dir) return -kENOTDIR;
    if (is_dir(n) && n->first_child != nullptr) return -kENOTEMPTY;
    *link = n->next;
    n->next = nullptr;
    n->linked = 0;
    // Still open: it lives on, and its ".." leads to /tmp (its old parent may go away too).
    if (n->opens == 0) {
        free_node(n);
    } else {
        n->parent = root_;
    }
    return 0;
}

void Tmpfs::closed(TmpNode* n) {
    n->opens--;
    if (n->opens == 0 && n->linked == 0) free_node(n);
}

const uint8_t* Tmpfs::read_span(const TmpNode* n, uint64_t off, uint64_t* len) const {
    if (off >= n->size) {
        *len = 0;
        return nullptr;
    }
    uint64_t in_page = off % kTmpPageSize;
    uint64_t room = kTmpPageSize - in_page;
    *len = n->size - off < room ? n->size - off : room;
    bool no_page;
    uint8_t** s = const_cast<Tmpfs*>(this)->slot(const_cast<TmpNode*>(n), off / kTmpPageSize,
                                                 false, &no_page);
    const uint8_t* p = s == nullptr ? nullptr : *s;
    return p == nullptr ? nullptr : p + in_page;
}

uint8_t* Tmpfs::write_span(TmpNode* n, uint64_t off, uint64_t* len) {
    *len = 0;
    if (off >= kTmpMaxFileSize) return nullptr;
    uint64_t in_page = off % kTmpPageSize;
    // Set before the allocation: nullptr with a non-zero *len means "no page" (-ENOSPC).
    *len = kTmpPageSize - in_page;
    bool no_page;
    uint8_t** s = slot(n, off / kTmpPageSize, true, &no_page);
    if (s == nullptr) return nullptr;
    if (*s == nullptr) *s = static_cast<uint8_t*>(page());
    if (*s == nullptr) return nullptr;
    return *s + in_page;
}

int Tmpfs::truncate(TmpNode* n, uint64_t size) {
    if (size > kTmpMaxFileSize) return -kEFBIG;
    if (size < n->size) {
        uint64_t keep = (size + kTmpPageSize - 1) / kTmpPageSize;
        free_from(n, keep);
        // Bytes past the new end in the last page must read as zeros if the file grows again.
        bool no_page;
        uint8_t** s = slot(n, size / kTmpPageSize, false, &no_page);
        if (size % kTmpPageSize != 0 && s != nullptr && *s != nullptr) {
            uint64_t in_page = size % kTmpPageSize;
            memset(*s + in_page, 0, kTmpPageSize - in_page);
        }
    }
    n->size = size;
    return 0;
}

}  // namespace uk::fs
