// A tiny bounded text builder for kernel messages ("page fault at 0x1000 rip 0x401000").  No
// varargs and no allocation: callers append pieces.  Output is silently truncated at capacity,
// which is what a diagnostic line wants.  Pure code, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk {

class TextBuffer {
  public:
    TextBuffer(char* storage, size_t capacity) : buf_(storage), cap_(capacity) {}

    TextBuffer& str(const char* s);
    TextBuffer& str(const char* s, size_t n);
    TextBuffer& dec(int64_t v);
    TextBuffer& udec(uint64_t v);
    TextBuffer& hex(uint64_t v);  // with a 0x prefix, no leading zeros
    TextBuffer& ch(char c);

    const char* data() const { return buf_; }
    size_t size() const { return len_; }
    bool truncated() const { return truncated_; }
    void clear() { len_ = 0, truncated_ = false; }

  private:
    char* buf_;
    size_t cap_;
    size_t len_ = 0;
    bool truncated_ = false;
};

// A TextBuffer with its own storage.
template <size_t N>
class FixedText : public TextBuffer {
  public:
    FixedText() : TextBuffer(storage_, N) {}
    FixedText(const FixedText&) = delete;
    FixedText& operator=(const FixedText&) = delete;

  private:
    char storage_[N];
};

}  // namespace uk
