#include "epoll/epoll_set.hpp"

#include "sys/errno.hpp"

namespace uk::epoll {

static_assert(sizeof(Epoll) <= fs::kTmpPageSize, "an epoll set is one page");

namespace {

// What of `ready` an item reports: what it asked for plus ERR/HUP, nothing while disabled, and
// under EPOLLET only after a change since the last report.
uint32_t reportable(const Item& it, uint32_t ready, uint32_t gen) {
    if (it.disabled) return 0;
    uint32_t mask = ready & ((it.events & ~(kEt | kOneshot | kExclusive | kWakeup)) | kAlways);
    if (mask == 0) return 0;
    if ((it.events & kEt) && !it.fresh && gen == it.seen_gen) return 0;
    return mask;
}

}  // namespace

Item* Epoll::find(const fs::OpenFile* f, int32_t fd) {
    for (uint32_t i = 0; i < kMaxItems; i++) {
        if (items[i].file == f && items[i].fd == fd) return &items[i];
    }
    return nullptr;
}

int Epoll::add(fs::OpenFile* f, int32_t fd, uint32_t events, uint64_t data) {
    if (find(f, fd) != nullptr) return -kEEXIST;
    for (Item& it : items) {
        if (it.file != nullptr) continue;
        it = Item{f, fd, events, data, 0, true, false};
        count++;
        return 0;
    }
    return -kENOSPC;
}

int Epoll::mod(fs::OpenFile* f, int32_t fd, uint32_t events, uint64_t data) {
    Item* it = find(f, fd);
    if (it == nullptr) return -kENOENT;
    *it = Item{f, fd, events, data, 0, true, false};
    return 0;
}

int Epoll::del(fs::OpenFile* f, int32_t fd) {
    Item* it = find(f, fd);
    if (it == nullptr) return -kENOENT;
    *it = Item{};
    count--;
    return 0;
}

void Epoll::forget(const fs::OpenFile* f) {
    for (Item& it : items) {
        if (it.file == f) it = Item{}, count--;
    }
}

uint32_t Epoll::collect(Event* out, uint32_t max, ReadyFn ready, void* ctx) {
    uint32_t n = 0;
    uint32_t start = next % kMaxItems;
    for (uint32_t k = 0; k < kMaxItems && n < max; k++) {
        uint32_t i = (start + k) % kMaxItems;
        Item& it = items[i];
        if (it.file == nullptr || it.disabled) continue;
        uint32_t gen = 0;
        uint32_t now = ready(ctx, it.file, &gen);  // sets gen: read it only after
        uint32_t mask = reportable(it, now, gen);
        if (mask == 0) continue;
        out[n++] = Event{mask, it.data};
        it.seen_gen = gen;
        it.fresh = false;
        if (it.events & kOneshot) it.disabled = true;
        next = i + 1;
    }
    return n;
}

bool Epoll::any_ready(ReadyFn ready, void* ctx) const {
    for (const Item& it : items) {
        if (it.file == nullptr || it.disabled) continue;
        uint32_t gen = 0;
        uint32_t now = ready(ctx, it.file, &gen);
        if (reportable(it, now, gen) != 0) return true;
    }
    return false;
}

Epoll* create(fs::PageSource src) {
    void* page = src.alloc(src.ctx);
    if (page == nullptr) return nullptr;
    Epoll* e = static_cast<Epoll*>(page);
    *e = Epoll{};
    return e;
}

void destroy(Epoll* e, fs::PageSource src) {
    src.free(src.ctx, e);
}

}  // namespace uk::epoll
