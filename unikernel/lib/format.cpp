#include "lib/format.hpp"

namespace uk {

TextBuffer& TextBuffer::ch(char c) {
    if (len_ < cap_) {
        buf_[len_++] = c;
    } else {
        truncated_ = true;
    }
    return *this;
}

TextBuffer& TextBuffer::str(const char* s) {
    if (s == nullptr) return str("(null)");
    while (*s != '\0') ch(*s++);
    return *this;
}

TextBuffer& TextBuffer::str(const char* s, size_t n) {
    for (size_t i = 0; i < n; i++) ch(s[i]);
    return *this;
}

TextBuffer& TextBuffer::udec(uint64_t v) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = char('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) ch(digits[--n]);
    return *this;
}

TextBuffer& TextBuffer::dec(int64_t v) {
    if (v < 0) {
        ch('-');
        // Negate in unsigned arithmetic so INT64_MIN does not overflow.
        return udec(0 - uint64_t(v));
    }
    return udec(uint64_t(v));
}

TextBuffer& TextBuffer::hex(uint64_t v) {
    static const char kDigits[] = "0123456789abcdef";
    char digits[16];
    int n = 0;
    do {
        digits[n++] = kDigits[v & 0xF];
        v >>= 4;
    } while (v != 0);
    str("0x");
    while (n > 0) ch(digits[--n]);
    return *this;
}

}  // namespace uk
