// One escaping rule for every text the launcher prints that it did not write itself: guest log
// and exit messages, and host-side strings in error lines (paths, names found in a --root tree,
// manifest keys).  A byte outside printable ASCII, or a backslash, becomes \xNN, so no such
// string can move the cursor, recolour the terminal, forge a second "enclave-run:" line, or be
// mistaken for an escape it did not contain.
#pragma once

#include <string>
#include <string_view>

namespace er::launcher {

std::string escape_text(std::string_view text);

}  // namespace er::launcher
