#include "fs/path_walk.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::fs {
namespace {

struct Walker {
    const Tree& t;
    int links_left = kMaxLinks;

    // Walks path from start.  Stops before the last component when `stop_before_last`,
    // reporting it in *last.  depth: symlinks being expanded around this call.
    int walk(NodeRef start, const char* p, size_t len, bool follow_last, int depth, NodeRef* out,
             bool stop_before_last = false, const char** last = nullptr,
             size_t* last_len = nullptr);
};

int Walker::walk(NodeRef start, const char* p, size_t len, bool follow_last, int depth,
                 NodeRef* out, bool stop_before_last, const char** last, size_t* last_len) {
    if (len == 0) return -kENOENT;
    NodeRef cur = start;
    size_t i = 0;
    if (p[0] == '/') cur = t.root();
    // Remove trailing slashes, remembering them: "dir/" must be a directory.
    bool trailing_slash = false;
    while (len > 1 && p[len - 1] == '/') len--, trailing_slash = true;
    if (len == 1 && p[0] == '/') {
        if (stop_before_last) *last = ".", *last_len = 1;
        *out = cur;
        return 0;
    }
    while (true) {
        while (i < len && p[i] == '/') i++;
        size_t s = i;
        while (i < len && p[i] != '/') i++;
        const char* name = p + s;
        size_t n = i - s;
        bool is_last = i >= len;
        if (n > ER_FS_NAME_MAX) return -kENAMETOOLONG;
        if (!t.is_dir(cur)) return -kENOTDIR;
        if (is_last && stop_before_last) {
            *last = name, *last_len = n;
            *out = cur;
            return 0;
        }
        NodeRef next;
        if (n == 1 && name[0] == '.') {
            next = cur;
        } else if (n == 2 && name[0] == '.' && name[1] == '.') {
            next = t.parent(cur);
        } else {
            if (int r = t.lookup(cur, name, n, &next); r != 0) return r;
            if (t.is_symlink(next) && (!is_last || follow_last || trailing_slash)) {
                if (depth + 1 > kMaxLinkDepth || --links_left < 0) return -kELOOP;
                size_t tlen;
                const char* target = t.link_target(next, &tlen);
                // The target is resolved from the directory holding the link.
                NodeRef resolved;
                if (int r = walk(cur, target, tlen, true, depth + 1, &resolved); r != 0) return r;
                next = resolved;
            }
        }
        cur = next;
        if (is_last) break;
    }
    if (trailing_slash && !t.is_dir(cur)) return -kENOTDIR;
    *out = cur;
    return 0;
}

}  // namespace

int resolve(const Tree& t, NodeRef start, const char* path, size_t len, bool follow_last,
            NodeRef* out) {
    if (len >= kPathMax) return -kENAMETOOLONG;
    Walker w{t};
    return w.walk(start, path, len, follow_last, 0, out);
}

int resolve_parent(const Tree& t, NodeRef start, const char* path, size_t len, NodeRef* dir,
                   const char** last, size_t* last_len) {
    if (len >= kPathMax) return -kENAMETOOLONG;
    Walker w{t};
    return w.walk(start, path, len, false, 0, dir, true, last, last_len);
}

int64_t path_of(const Tree& t, NodeRef n, char* buf, size_t cap) {
    // Built backwards from the end of buf, then moved to the front.
    if (cap == 0) return -kERANGE;
    size_t pos = cap - 1;
    buf[pos] = '\0';
    NodeRef root = t.root();
    while (!(n == root)) {
        size_t len;
        const char* name = t.name(n, &len);
        if (len + 1 > pos) return -kERANGE;
        pos -= len;
        memcpy(buf + pos, name, len);
        buf[--pos] = '/';
        n = t.parent(n);
    }
    if (pos == cap - 1) {
        if (pos == 0) return -kERANGE;
        buf[--pos] = '/';
    }
    size_t total = cap - pos;
    memmove(buf, buf + pos, total);
    return int64_t(total);
}

}  // namespace uk::fs
