#include "launcher/vm/output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "launcher/common/error.hpp"
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

}  // namespace

LinePrefixer::LinePrefixer(const std::vector<std::string>& names) {
    size_t width = 0;
    for (const std::string& n : names) width = std::max(width, n.size());
    for (const std::string& n : names)
        prefixes_.push_back(n + std::string(width - n.size(), ' ') + " | ");
    held_[0].resize(names.size());
    held_[1].resize(names.size());
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
    for (const std::string& name : names) {
        for (const char* ext : {".stdout", ".stderr"}) {
            std::string path = dir + "/" + name + ext;
            UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
            if (!fd.valid()) throw_errno("cannot create", path);
            files_.push_back(std::move(fd));
        }
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
            return write_fully(files_[2 * domain + stream_index(stream)].get(), bytes.data(),
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
