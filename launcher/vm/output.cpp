#include "launcher/vm/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/full_write.hpp"
#include "launcher/vm/run_timeout.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {
namespace {

int64_t write_text(int fd, const std::string& text) {
    return write_fully(fd, reinterpret_cast<const uint8_t*>(text.data()), text.size(),
                       RunTimeout::expired);
}

unsigned stream_index(uint32_t stream) {
    return stream == ER_STREAM_STDERR ? 1 : 0;
}

// DIR itself, opened as a directory and never through a symlink: the files are then created
// relative to this descriptor, so nothing can redirect them elsewhere after this check.
UniqueFd open_output_dir(std::string dir) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();  // "link/" would follow it
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (fd.valid()) return fd;
    int err = errno;
    // O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR (or ELOOP): say what it is.
    struct stat st {};
    if (::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
        throw Error("is a symlink; --output does not follow symlinks", dir);
    }
    throw Error("cannot open the output directory", dir, err);
}

// DIR/NAME, created if missing but never truncated here (DomainOutput::start does that once the
// enclave runs).  O_NOFOLLOW: an existing symlink is refused, not followed; O_NONBLOCK: an
// existing FIFO cannot hang the open; fstat: only a regular file is written to.
OutputFile open_output_file(int dir_fd, const std::string& dir, const std::string& name) {
    OutputFile f;
    f.path = dir + "/" + name;
    f.fd = UniqueFd(::openat(dir_fd, name.c_str(),
                             O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
                             0644));
    struct stat st {};
    if (!f.fd.valid()) {
        int err = errno;
        // ELOOP: a symlink; ENXIO: a FIFO without a reader (or a device): say which it is.
        if ((err == ELOOP || err == ENXIO) &&
            ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            !S_ISREG(st.st_mode)) {
            if (S_ISLNK(st.st_mode)) {
                throw Error("is a symlink; --output does not follow symlinks", f.path);
            }
            throw Error(std::string("is ") + file_kind(st.st_mode) + ", not a regular file",
                        f.path);
        }
        throw Error("cannot create", f.path, err);
    }
    if (::fstat(f.fd.get(), &st) != 0) throw_errno("cannot stat", f.path);
    if (!S_ISREG(st.st_mode)) {
        throw Error(std::string("is ") + file_kind(st.st_mode) + ", not a regular file", f.path);
    }
    int fl = ::fcntl(f.fd.get(), F_GETFL);
    if (fl < 0 || ::fcntl(f.fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) {
        throw_errno("cannot clear O_NONBLOCK", f.path);
    }
    return f;
}

}  // namespace

LinePrefixer::LinePrefixer(const std::vector<std::string>& names) {
    size_t width = 0;
    for (const std::string& n : names) width = std::max(width, n.size());
    width_ = width;
    for (const std::string& n : names)
        prefixes_.push_back(n + std::string(width - n.size(), ' ') + " | ");
    held_[0].resize(names.size());
    held_[1].resize(names.size());
}

void LinePrefixer::set(uint32_t domain, const std::string& name) {
    if (domain >= prefixes_.size()) {
        prefixes_.resize(domain + 1);
        held_[0].resize(domain + 1);
        held_[1].resize(domain + 1);
    }
    prefixes_[domain] = name + std::string(width_ > name.size() ? width_ - name.size() : 0, ' ') +
                        " | ";
    held_[0][domain].clear();
    held_[1][domain].clear();
}

std::string LinePrefixer::feed(uint32_t domain, unsigned stream, std::span<const uint8_t> bytes) {
    std::string& held = held_[stream][domain];
    std::string out;
    for (uint8_t c : bytes) {
        held += static_cast<char>(c);
        if (c == '\n') {
            out += prefixes_[domain];
            out += held;
            held.clear();
        } else if (held.size() >= kMaxHeldLine) {
            // A line without end must not grow the launcher without bound: break it here.
            out += prefixes_[domain];
            out += held;
            out += '\n';
            held.clear();
        }
    }
    return out;
}

std::string LinePrefixer::flush(uint32_t domain, unsigned stream) {
    std::string& held = held_[stream][domain];
    if (held.empty()) return {};
    std::string out = prefixes_[domain] + held + "\n";
    held.clear();
    return out;
}

DomainOutput::DomainOutput(const std::vector<std::string>& names, Mode mode, const std::string& dir)
    : mode_(mode), prefixer_(names) {
    if (mode_ != Mode::files) return;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw Error("cannot create the output directory", dir, ec.value());
    UniqueFd dir_fd = open_output_dir(dir);
    for (const std::string& name : names) {
        for (const char* ext : {".stdout", ".stderr"}) {
            files_.push_back(open_output_file(dir_fd.get(), dir, name + ext));
        }
    }
}

void DomainOutput::start() {
    for (OutputFile& f : files_) {
        if (::ftruncate(f.fd.get(), 0) != 0) throw_errno("cannot truncate", f.path);
    }
}

DomainOutput::~DomainOutput() {
    finish();
}

int64_t DomainOutput::write(uint32_t domain, uint32_t stream, std::span<const uint8_t> bytes) {
    int std_fd = stream == ER_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO;
    switch (mode_) {
        case Mode::direct:
            return write_fully(std_fd, bytes.data(), bytes.size(), RunTimeout::expired);
        case Mode::files:
            return write_fully(files_[2 * domain + stream_index(stream)].fd.get(), bytes.data(),
                               bytes.size(), RunTimeout::expired);
        case Mode::prefixed: {
            std::string lines = prefixer_.feed(domain, stream_index(stream), bytes);
            if (lines.empty()) return static_cast<int64_t>(bytes.size());
            int64_t n = write_text(std_fd, lines);
            if (n < 0) return n;
            // The guest's bytes count as written once their lines are out (a prefix is ours).
            return static_cast<int64_t>(bytes.size());
        }
    }
    return -EINVAL;
}

void DomainOutput::end_domain(uint32_t domain) {
    if (mode_ != Mode::prefixed) return;
    write_text(STDOUT_FILENO, prefixer_.flush(domain, 0));
    write_text(STDERR_FILENO, prefixer_.flush(domain, 1));
}

void DomainOutput::begin_domain(uint32_t domain, const std::string& name) {
    if (mode_ == Mode::files) {
        throw Error(name + ": a hot-added domain cannot write to per-domain output files yet");
    }
    if (mode_ == Mode::prefixed) prefixer_.set(domain, name);
}

void DomainOutput::finish() {
    if (mode_ != Mode::prefixed) return;
    for (uint32_t d = 0; d < prefixer_.size(); ++d) end_domain(d);
}

void DomainOutput::log(std::string_view line) {
    write_text(STDERR_FILENO, "enclave-run: guest: " + std::string(line) + "\n");
}

void DomainOutput::notice(std::string_view line) {
    write_text(STDERR_FILENO, "enclave-run: " + std::string(line) + "\n");
}

}  // namespace er::launcher
