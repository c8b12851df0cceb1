// "#!" scripts (Linux fs/binfmt_script.c): a file whose first line is "#!interpreter [arg]" runs
// as `interpreter [arg] path argv[1...]`.  Shells rely on it for every script they start with
// exec.  Pure, unit-tested on the host.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace uk::exec {

// Linux reads this much of the file (BINPRM_BUF_SIZE); the "#!" line must end within it.
constexpr size_t kScriptHeadMax = 256;
// Scripts whose interpreter is a script, and so on: Linux allows 4 levels (-ELOOP beyond).
constexpr int kScriptDepthMax = 4;

struct Shebang {
    const char* interp;  // points into the head given to parse_shebang; not NUL-terminated
    size_t interp_len;
    const char* arg;  // the one optional argument (everything after the interpreter, trimmed)
    size_t arg_len;   // 0: none
};

// Whether a file starting with these bytes is a script (begins with "#!").
bool is_script(const uint8_t* head, size_t len);

// Parses the "#!" line of `head` (the file's first min(size, kScriptHeadMax) bytes): 0, or
// -ENOEXEC when there is no interpreter or its name does not end within the head (a line cut
// short there would run the wrong program; a file shorter than the head ends where it ends).  An argument cut short is kept cut, as Linux does.
int parse_shebang(const uint8_t* head, size_t len, Shebang* out);

}  // namespace uk::exec
