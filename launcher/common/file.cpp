#include "launcher/common/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "launcher/common/error.hpp"
#include "launcher/common/unique_fd.hpp"

namespace er::launcher {
namespace {

UniqueFd open_regular(const std::string& path, struct stat* st) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw_errno("cannot open", path);
    if (::fstat(fd.get(), st) != 0) throw_errno("cannot stat", path);
    if (S_ISDIR(st->st_mode)) throw Error("is a directory, not a program file", path);
    if (!S_ISREG(st->st_mode)) throw Error("not a regular file", path);
    return fd;
}

}  // namespace

uint64_t regular_file_size(const std::string& path) {
    struct stat st {};
    open_regular(path, &st);
    return static_cast<uint64_t>(st.st_size);
}

std::vector<uint8_t> read_regular_file(const std::string& path, uint64_t max_size,
                                       const std::string& too_big) {
    struct stat st {};
    UniqueFd fd = open_regular(path, &st);
    auto size = static_cast<uint64_t>(st.st_size);
    if (size > max_size) throw Error(too_big);
    return read_exact(fd.get(), size, path, "file shrank while being read");
}

std::vector<uint8_t> read_exact(int fd, uint64_t size, const std::string& path,
                                const std::string& shrank) {
    std::vector<uint8_t> bytes(size);
    uint64_t done = 0;
    while (done < size) {
        ssize_t n = ::read(fd, bytes.data() + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read", path);
        if (n == 0) throw Error(shrank, path);
        done += static_cast<uint64_t>(n);
    }
    return bytes;
}

}  // namespace er::launcher
