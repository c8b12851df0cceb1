// Opening and reading the launcher's input files (apps, the manifest, a --kernel, files of a
// --root tree) so that no file can hang it or make it hold more than the file's data:
//  - every open is O_NONBLOCK, so a FIFO (or a device) given as input cannot block the open;
//  - the type is checked with fstat on the open descriptor (no window between a check by name and
//    the open), and anything but a regular file is refused before a byte is read;
//  - reads skip holes (SEEK_DATA/SEEK_HOLE) into zeroed memory, so a sparse file costs the host
//    only the bytes it really holds.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/common/mapping.hpp"
#include "launcher/common/unique_fd.hpp"

namespace er::launcher {

// An open regular file and its size at open time.
struct InputFile {
    UniqueFd fd;
    uint64_t size = 0;
    std::string path;  // as given, for errors
};

enum class FollowLinks { yes, no };

// "a FIFO", "a directory", "a character device", ... for the file type in `mode`.
const char* file_kind(unsigned mode);

// Opens `path` read-only, O_NONBLOCK (cleared again once the type is known) and O_CLOEXEC;
// O_NOFOLLOW too with FollowLinks::no.  Throws Error naming `path` when it cannot be opened or is
// not a regular file: "PATH: is a FIFO, not a NOUN".
InputFile open_input(const std::string& path, const char* noun = "regular file",
                     FollowLinks follow = FollowLinks::yes);

// Reads all of `file` into `dest` (exactly file.size bytes, all zero beforehand: holes are left
// as they are).  Throws Error naming the file, with `changed` as the text, when the file's size is
// no longer what it was at open.
void read_input_into(const InputFile& file, std::span<uint8_t> dest,
                     const std::string& changed = "file changed size while being read");

// The whole of `file` in a private anonymous mapping (empty for an empty file): pages of its holes
// are never touched, so they cost nothing.
Mapping read_input_mapped(const InputFile& file);

// Reads the whole regular file at `path` (open_input), refusing files larger than `max_size`
// bytes before reading anything; `too_big` is the message used then.  For small inputs (the
// manifest).
std::vector<uint8_t> read_regular_file(const std::string& path, uint64_t max_size,
                                       const std::string& too_big,
                                       const char* noun = "regular file");

}  // namespace er::launcher
