// A pipe's buffer and ends: a 64 KiB ring of up to 16 pages taken from the domain's PageSource
// only as data first needs them (so an idle pipe costs one page, the Pipe itself), and the
// counts of open read and write ends.  Pure logic over the PageSource, unit-tested on the host;
// the blocking reads and writes over it are pipe/pipe_io.cpp.
#pragma once

#include <stdint.h>

#include "fs/tmpfs.hpp"

namespace uk::pipe {

constexpr uint32_t kPageSize = 4096;
constexpr uint32_t kCapacity = 65536;  // Linux's default pipe size (F_GETPIPE_SZ)
constexpr uint32_t kPipeBuf = 4096;    // PIPE_BUF: writes up to this size are atomic
constexpr uint32_t kPages = kCapacity / kPageSize;

struct Pipe {
    fs::PageSource src;
    uint8_t* pages[kPages];  // nullptr until first written
    uint32_t head;           // ring offset of the oldest byte
    uint32_t count;          // bytes buffered
    uint16_t readers;        // open descriptions of each end
    uint16_t writers;
    uint32_t gen;  // bumped by every change a waiter or epoll's edge trigger could care about
    uint64_t ino;  // what fstat shows

    uint32_t space() const { return kCapacity - count; }
    // Contiguous bytes readable now (up to the page end): a pointer and *len (0 when empty).
    const uint8_t* read_span(uint32_t* len) const;
    void consume(uint32_t n);
    // Contiguous room at the tail (up to the page end), its page taken when missing: a pointer
    // and *len; nullptr when full (*len 0) or when no page is left (*len > 0).
    uint8_t* write_span(uint32_t* len);
    void commit(uint32_t n);
};

// A new pipe with one reader and one writer, in a page of src: nullptr when there is none.
Pipe* create(fs::PageSource src, uint64_t ino);
// One end closed: true when that was the last end of either kind and the pipe (and its pages)
// went back to the PageSource.
bool close_end(Pipe* p, bool write_end);

}  // namespace uk::pipe
