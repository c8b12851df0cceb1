// The names in a directory, for the state folders the launcher keeps (OCI containers, enclave
// hosts).  One place that opens, reads and closes a directory, so no caller leaks a DIR or forgets
// "." and "..".
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace er::launcher {

// The names in `dir` other than "." and ".." for which keep(name) is true, sorted.  An absent
// directory has none; any other failure to read it throws Error "cannot read WHAT: DIR: errno".
std::vector<std::string> dir_names(const std::string& dir, const char* what,
                                   const std::function<bool(const std::string&)>& keep);

}  // namespace er::launcher
