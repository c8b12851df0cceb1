#include "launcher/common/error.hpp"

#include <cerrno>
#include <cstring>

#include "launcher/common/escape.hpp"

namespace er::launcher {
namespace {

std::string compose(const std::string& what, const std::string& which, int err) {
    std::string line = which.empty() ? what : which + ": " + what;
    if (err != 0) {
        line += ": ";
        line += std::strerror(err);
    }
    return line;
}

}  // namespace

Error::Error(std::string what, std::string which, int err)
    : std::runtime_error(escape_text(compose(what, which, err))),
      which_(std::move(which)),
      err_(err),
      text_(compose(what, which_, err)) {}

void throw_errno(std::string what, std::string which) {
    int err = errno;
    throw Error(std::move(what), std::move(which), err);
}

}  // namespace er::launcher
