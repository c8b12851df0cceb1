// /tmp files past the node's own page table: data through index and double index pages, sparse
// regions, truncation giving back every data and index page, and a page source that runs dry.
#include <gtest/gtest.h>

#include <cstdlib>

#include "fs/tmpfs.hpp"
#include "sys/errno.hpp"

namespace {

using namespace uk::fs;

struct Pool {
    int live = 0;
    int budget = 1 << 30;
};
void* pool_alloc(void* ctx) {
    auto* p = static_cast<Pool*>(ctx);
    if (p->budget == 0) return nullptr;
    p->budget--, p->live++;
    return std::calloc(1, kTmpPageSize);
}
void pool_free(void* ctx, void* page) {
    static_cast<Pool*>(ctx)->live--;
    std::free(page);
}

class TmpLarge : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(fs_.init(PageSource{pool_alloc, pool_free, &pool_}));
        ASSERT_EQ(fs_.create(fs_.root(), "big", 3, kIfreg() | 0644, 0, &f_), 0);
    }
    void TearDown() override {
        fs_.release();
        EXPECT_EQ(pool_.live, 0);
    }
    static uint32_t kIfreg() { return 0100000; }
    // Writes one byte at off (the file grows to cover it).
    bool put(uint64_t off, uint8_t v) {
        uint64_t len;
        uint8_t* p = fs_.write_span(f_, off, &len);
        if (p == nullptr) return false;
        *p = v;
        if (off + 1 > f_->size) f_->size = off + 1;
        return true;
    }
    int get(uint64_t off) {
        uint64_t len;
        const uint8_t* p = fs_.read_span(f_, off, &len);
        if (len == 0) return -1;
        return p == nullptr ? 0 : *p;
    }

    Pool pool_;
    Tmpfs fs_;
    TmpNode* f_ = nullptr;
};

TEST_F(TmpLarge, PastTheOldCapThroughIndexPages) {
    const uint64_t direct_end = kTmpDirectPages * kTmpPageSize;  // the old 1 888 KiB cap
    const uint64_t single_end = direct_end + kTmpSingle * kTmpPtrsPerPage * kTmpPageSize;
    ASSERT_GT(kTmpMaxFileSize, uint64_t(3) << 30);
    int base = pool_.live;  // root and the file's node
    ASSERT_TRUE(put(direct_end - 1, 1));
    EXPECT_EQ(pool_.live, base + 1);
    ASSERT_TRUE(put(direct_end, 2));  // first byte past the node's own table: index page + data
    EXPECT_EQ(pool_.live, base + 3);
    ASSERT_TRUE(put(single_end + 5 * kTmpPageSize, 3));  // double index, index, data
    EXPECT_EQ(pool_.live, base + 6);
    ASSERT_TRUE(put(kTmpMaxFileSize - 1, 4));
    EXPECT_EQ(get(direct_end - 1), 1);
    EXPECT_EQ(get(direct_end), 2);
    EXPECT_EQ(get(single_end + 5 * kTmpPageSize), 3);
    EXPECT_EQ(get(kTmpMaxFileSize - 1), 4);
    EXPECT_EQ(get(direct_end + 100 * kTmpPageSize), 0);  // a hole reads as zeros
    uint64_t len;
    EXPECT_EQ(fs_.write_span(f_, kTmpMaxFileSize, &len), nullptr);
    EXPECT_EQ(len, 0u);
    EXPECT_EQ(fs_.truncate(f_, kTmpMaxFileSize + 1), -uk::kEFBIG);

    // Truncating back into the single range frees the double index pages and what they held.
    ASSERT_EQ(fs_.truncate(f_, direct_end + 1), 0);
    EXPECT_EQ(pool_.live, base + 3);
    EXPECT_EQ(get(direct_end), 2);
    EXPECT_EQ(get(direct_end + 1), -1);  // past the end
    ASSERT_EQ(fs_.truncate(f_, 0), 0);
    EXPECT_EQ(pool_.live, base);
}

TEST_F(TmpLarge, NoPageLeftIsReported) {
    pool_.budget = 1;  // room for the index page but not the data page under it
    uint64_t len;
    EXPECT_EQ(fs_.write_span(f_, kTmpDirectPages * kTmpPageSize, &len), nullptr);
    EXPECT_NE(len, 0u);  // -ENOSPC, not -EFBIG
    pool_.budget = 10;
    EXPECT_NE(fs_.write_span(f_, kTmpDirectPages * kTmpPageSize, &len), nullptr);
}

}  // namespace
