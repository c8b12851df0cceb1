#include "exec/script.hpp"

#include "sys/errno.hpp"

namespace uk::exec {
namespace {

bool blank(uint8_t c) {
    return c == ' ' || c == '\t';
}

}  // namespace

bool is_script(const uint8_t* head, size_t len) {
    return len >= 2 && head[0] == '#' && head[1] == '!';
}

int parse_shebang(const uint8_t* head, size_t len, Shebang* out) {
    if (!is_script(head, len)) return -kENOEXEC;
    if (len > kScriptHeadMax) len = kScriptHeadMax;
    size_t end = 2;
    while (end < len && head[end] != '\n' && head[end] != '\0') end++;
    // A file shorter than the head ends the line too (Linux's buffer is zero-padded there).
    bool line_complete = end < len || len < kScriptHeadMax;
    size_t i = 2;
    while (i < end && blank(head[i])) i++;
    size_t interp = i;
    while (i < end && !blank(head[i])) i++;
    size_t interp_end = i;
    if (interp_end == interp) return -kENOEXEC;
    // The interpreter's name ran into the end of the head: it may be longer than we can see.
    if (!line_complete && interp_end == end) return -kENOEXEC;
    while (i < end && blank(head[i])) i++;
    size_t arg = i, arg_end = end;
    while (arg_end > arg && (blank(head[arg_end - 1]) || head[arg_end - 1] == '\r')) arg_end--;
    out->interp = reinterpret_cast<const char*>(head + interp);
    out->interp_len = interp_end - interp;
    out->arg = reinterpret_cast<const char*>(head + arg);
    out->arg_len = arg_end - arg;
    return 0;
}

}  // namespace uk::exec
