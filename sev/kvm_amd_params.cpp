#include "sev/kvm_amd_params.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "launcher/common/unique_fd.hpp"

namespace er::sev {
namespace {

ModuleParam read_param(const std::string& path) {
    ModuleParam p;
    launcher::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) {
        int err = errno;
        if (err == ENOENT) return p;  // absent
        p.state = ModuleParam::State::unreadable;
        p.text = std::strerror(err);
        return p;
    }
    char buf[64];
    ssize_t n;
    do {
        n = ::read(fd.get(), buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        p.state = ModuleParam::State::unreadable;
        p.text = std::strerror(errno);
        return p;
    }
    std::string text(buf, static_cast<size_t>(n));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    p.state = param_state(text);
    p.text = text;
    return p;
}

}  // namespace

ModuleParam::State param_state(const std::string& text) {
    if (text == "Y" || text == "y" || text == "1") return ModuleParam::State::on;
    if (text == "N" || text == "n" || text == "0") return ModuleParam::State::off;
    return ModuleParam::State::unreadable;
}

KvmAmdParams read_kvm_amd_params(const std::string& sysfs_root) {
    KvmAmdParams params;
    std::string module = sysfs_root + "/module/kvm_amd";
    struct stat st {};
    params.loaded = ::stat(module.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (!params.loaded) return params;
    params.sev = read_param(module + "/parameters/sev");
    params.sev_es = read_param(module + "/parameters/sev_es");
    params.sev_snp = read_param(module + "/parameters/sev_snp");
    return params;
}

}  // namespace er::sev
