// The pipe's ring buffer: bytes come out in order across page and ring boundaries, it holds
// exactly 64 KiB, pages are taken only as data needs them, running out of pages is reported, and
// the last end closed gives every page back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "pipe/pipe.hpp"

namespace {

using namespace uk::pipe;

struct Pages {
    int live = 0;
    int budget = 1 << 20;  // pages it may still hand out
};

void* page_alloc(void* ctx) {
    auto* p = static_cast<Pages*>(ctx);
    if (p->budget == 0) return nullptr;
    p->budget--;
    p->live++;
    return std::calloc(1, kPageSize);
}
void page_free(void* ctx, void* page) {
    static_cast<Pages*>(ctx)->live--;
    std::free(page);
}

uk::fs::PageSource source(Pages* p) {
    return uk::fs::PageSource{page_alloc, page_free, p};
}

// Writes n bytes of pattern starting at *seq; returns bytes written.
uint32_t put(Pipe* p, uint32_t n, uint8_t* seq) {
    uint32_t done = 0;
    while (done < n) {
        uint32_t len;
        uint8_t* dst = p->write_span(&len);
        if (dst == nullptr) break;
        if (len > n - done) len = n - done;
        for (uint32_t i = 0; i < len; i++) dst[i] = (*seq)++;
        p->commit(len);
        done += len;
    }
    return done;
}

// Reads up to n bytes, checking they continue the pattern at *seq.
uint32_t get(Pipe* p, uint32_t n, uint8_t* seq) {
    uint32_t done = 0;
    while (done < n) {
        uint32_t len;
        const uint8_t* src = p->read_span(&len);
        if (len == 0) break;
        if (len > n - done) len = n - done;
        for (uint32_t i = 0; i < len; i++) EXPECT_EQ(src[i], (*seq)++);
        p->consume(len);
        done += len;
    }
    return done;
}

TEST(PipeRing, HoldsExactly64KiBInOrderAcrossTheWrap) {
    Pages pages;
    Pipe* p = create(source(&pages), 7);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(pages.live, 1);  // the header only: no data page before data
    uint8_t wseq = 0, rseq = 0;
    EXPECT_EQ(put(p, 100000, &wseq), kCapacity);
    EXPECT_EQ(p->space(), 0u);
    uint32_t len;
    EXPECT_EQ(p->write_span(&len), nullptr);
    EXPECT_EQ(len, 0u);
    EXPECT_EQ(pages.live, 1 + int(kPages));
    // Odd sizes so reads and writes straddle pages and the ring's end many times.
    for (int round = 0; round < 50; round++) {
        EXPECT_EQ(get(p, 5000 + round, &rseq), 5000u + round);
        EXPECT_EQ(put(p, 5000 + round, &wseq), 5000u + round);
    }
    EXPECT_EQ(get(p, 100000, &rseq), kCapacity);
    EXPECT_EQ(p->count, 0u);
    EXPECT_FALSE(close_end(p, true));
    EXPECT_TRUE(close_end(p, false));
    EXPECT_EQ(pages.live, 0);
}

TEST(PipeRing, SmallMessagesStayInTheFirstPage) {
    Pages pages;
    Pipe* p = create(source(&pages), 1);
    uint8_t wseq = 0, rseq = 0;
    for (int i = 0; i < 1000; i++) {
        ASSERT_EQ(put(p, 100, &wseq), 100u);
        ASSERT_EQ(get(p, 100, &rseq), 100u);
    }
    EXPECT_EQ(pages.live, 2);  // header and one data page
    close_end(p, false);
    close_end(p, true);
    EXPECT_EQ(pages.live, 0);
}

TEST(PipeRing, NoPageLeftIsReportedNotFull) {
    Pages pages;
    pages.budget = 2;  // header and one data page
    Pipe* p = create(source(&pages), 1);
    uint8_t wseq = 0;
    EXPECT_EQ(put(p, 10000, &wseq), kPageSize);
    uint32_t len;
    EXPECT_EQ(p->write_span(&len), nullptr);
    EXPECT_GT(len, 0u);  // room, but no page for it
    close_end(p, true);
    EXPECT_EQ(p->writers, 0);
    EXPECT_EQ(p->readers, 1);
    close_end(p, false);
    EXPECT_EQ(pages.live, 0);
}

TEST(PipeRing, EveryChangeMovesTheGeneration) {
    Pages pages;
    Pipe* p = create(source(&pages), 1);
    uint32_t g = p->gen;
    uint8_t seq = 0;
    put(p, 1, &seq);
    EXPECT_NE(p->gen, g);
    g = p->gen;
    uint8_t rseq = 0;
    get(p, 1, &rseq);
    EXPECT_NE(p->gen, g);
    g = p->gen;
    close_end(p, true);
    EXPECT_NE(p->gen, g);
    close_end(p, false);
}

}  // namespace
