// An epoll instance's interest list: which (description, descriptor) pairs it watches, for which
// events, with what user data, and the edge-trigger and one-shot state of each.  One page from
// the domain's PageSource holds it.  Pure logic, unit-tested on the host: readiness comes from a
// callback, so the syscalls (epoll/epoll_sys.cpp) supply the real one.
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"
#include "fs/tmpfs.hpp"

namespace uk::epoll {

// Linux's EPOLL* bits (the POLL* ones share the low values).
constexpr uint32_t kIn = 0x001, kPri = 0x002, kOut = 0x004, kErr = 0x008, kHup = 0x010,
                   kRdnorm = 0x040, kRdband = 0x080, kWrnorm = 0x100, kWrband = 0x200, kMsg = 0x400,
                   kRdhup = 0x2000, kExclusive = 1u << 28, kWakeup = 1u << 29, kOneshot = 1u << 30,
                   kEt = 1u << 31;
// Reported whether asked for or not.
constexpr uint32_t kAlways = kErr | kHup;

struct Item {
    fs::OpenFile* file;  // nullptr: a free slot
    int32_t fd;
    uint32_t events;  // as given to EPOLL_CTL_ADD/MOD, flags included
    uint64_t data;
    uint32_t seen_gen;  // EPOLLET: the file's generation when last reported
    bool fresh;         // EPOLLET: not reported since ADD/MOD (report whatever is ready)
    bool disabled;      // EPOLLONESHOT: reported, waiting for a MOD
};

struct Event {
    uint32_t events;
    uint64_t data;
};

// What a file has ready now (EPOLL* bits) and its generation, which changes whenever its state
// may have (new data, room, an end closed).
using ReadyFn = uint32_t (*)(void* ctx, fs::OpenFile* f, uint32_t* gen);

constexpr uint32_t kMaxItems = 120;

struct Epoll {
    uint32_t count;
    uint32_t next;  // where the next scan starts, so no ready item starves the rest
    Item items[kMaxItems];

    // 0, -EEXIST, -ENOSPC.
    int add(fs::OpenFile* f, int32_t fd, uint32_t events, uint64_t data);
    // 0, -ENOENT.
    int mod(fs::OpenFile* f, int32_t fd, uint32_t events, uint64_t data);
    int del(fs::OpenFile* f, int32_t fd);
    // A description went away: every registration of it goes too (as Linux does once the last
    // descriptor of a watched file is closed).
    void forget(const fs::OpenFile* f);
    // Fills out[0..max) with ready items, applying EPOLLET and EPOLLONESHOT: how many.
    uint32_t collect(Event* out, uint32_t max, ReadyFn ready, void* ctx);
    // Whether collect would report anything (epoll's own readiness), without side effects.
    bool any_ready(ReadyFn ready, void* ctx) const;

  private:
    Item* find(const fs::OpenFile* f, int32_t fd);
};

// A new empty set in a page of src: nullptr when there is none.
Epoll* create(fs::PageSource src);
void destroy(Epoll* e, fs::PageSource src);

}  // namespace uk::epoll
