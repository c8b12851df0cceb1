#include "fs/domain_files.hpp"

#include "fs/tmp_pages.hpp"
#include "lib/string.hpp"

namespace uk::fs {

bool init(DomainFiles& f, uint32_t domain_id, const void* image, uint64_t size,
          const char* exe_path, const char** why) {
    f.ready = false;
    f.domain_id = domain_id;
    f.umask = 022;
    if (size == 0) {
        f.ro.make_empty();
    } else if (ImageStatus s = f.ro.validate(image, size); s != ImageStatus::ok) {
        *why = describe(s);
        return false;
    }
    if (!f.tmp.init(tmp_page_source(domain_id))) {
        *why = "out of memory for the domain's /tmp";
        return false;
    }
    f.fds.init_stdio();
    f.cwd = f.tree().root();
    // Bounded: the caller's string comes from the host's argument blob.
    size_t n = 0;
    while (exe_path != nullptr && n < kExePathMax && exe_path[n] != '\0') n++;
    memcpy(f.exe_path, exe_path, n);
    f.exe_len = uint32_t(n);
    f.ready = true;
    return true;
}

void release_file(DomainFiles& f, OpenFile* file) {
    if (file->kind == FileKind::node && file->node.kind == NodeKind::tmp) {
        f.tmp.closed(file->node.tmp);
    }
    f.fds.drop(file);
}

void release(DomainFiles& f) {
    if (!f.ready) return;
    for (int fd = 0; fd < kMaxFds; fd++) {
        bool bad;
        if (OpenFile* last = f.fds.close(fd, &bad)) release_file(f, last);
    }
    if (f.cwd.kind == NodeKind::tmp) f.tmp.closed(f.cwd.tmp);
    f.cwd = NodeRef{};
    f.tmp.release();
    f.ready = false;
}

}  // namespace uk::fs
