#include "pipe/pipe.hpp"

namespace uk::pipe {

static_assert(sizeof(Pipe) <= kPageSize, "a pipe's header is one page");

const uint8_t* Pipe::read_span(uint32_t* len) const {
    if (count == 0) {
        *len = 0;
        return nullptr;
    }
    uint32_t in_page = kPageSize - head % kPageSize;
    *len = count < in_page ? count : in_page;
    return pages[head / kPageSize] + head % kPageSize;
}

void Pipe::consume(uint32_t n) {
    head = (head + n) % kCapacity;
    count -= n;
    // Empty: start over at offset 0, so small messages keep to the first page.
    if (count == 0) head = 0;
    gen++;
}

uint8_t* Pipe::write_span(uint32_t* len) {
    if (count == kCapacity) {
        *len = 0;
        return nullptr;
    }
    uint32_t tail = (head + count) % kCapacity;
    uint32_t in_page = kPageSize - tail % kPageSize;
    *len = space() < in_page ? space() : in_page;
    uint8_t*& page = pages[tail / kPageSize];
    if (page == nullptr) page = static_cast<uint8_t*>(src.alloc(src.ctx));
    if (page == nullptr) return nullptr;
    return page + tail % kPageSize;
}

void Pipe::commit(uint32_t n) {
    count += n;
    gen++;
}

Pipe* create(fs::PageSource src, uint64_t ino) {
    void* page = src.alloc(src.ctx);
    if (page == nullptr) return nullptr;
    Pipe* p = static_cast<Pipe*>(page);
    *p = Pipe{};
    p->src = src;
    p->readers = 1;
    p->writers = 1;
    p->ino = ino;
    return p;
}

bool close_end(Pipe* p, bool write_end) {
    if (write_end) {
        p->writers--;
    } else {
        p->readers--;
    }
    p->gen++;
    if (p->readers != 0 || p->writers != 0) return false;
    fs::PageSource src = p->src;
    for (uint8_t* page : p->pages) {
        if (page != nullptr) src.free(src.ctx, page);
    }
    src.free(src.ctx, p);
    return true;
}

}  // namespace uk::pipe
