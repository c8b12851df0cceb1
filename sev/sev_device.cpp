#include "sev/sev_device.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "launcher/common/unique_fd.hpp"
#include "sev/uapi.hpp"

namespace er::sev {
namespace {

// Issues one SEV_ISSUE_CMD whose parameter struct is `out`; nullopt on success.
template <typename T>
std::optional<SevCommandFailure> issue(int fd, uint32_t cmd, T& out) {
    uapi::SevIssueCmd arg{};
    arg.cmd = cmd;
    arg.data = reinterpret_cast<uintptr_t>(&out);
    arg.error = 0;
    int r;
    do {
        r = ::ioctl(fd, uapi::kSevIssueCmd, &arg);
    } while (r < 0 && errno == EINTR);
    if (r == 0) return std::nullopt;
    return SevCommandFailure{errno, arg.error};
}

}  // namespace

SevDeviceFacts probe_sev_device(const std::string& path) {
    SevDeviceFacts f;
    f.path = path;
    struct stat st {};
    f.present = ::stat(path.c_str(), &st) == 0;
    if (!f.present) return f;
    // Read-write as a launch needs it: a read-only fd would answer the status commands and
    // then fail the first LAUNCH_START.
    launcher::UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd.valid()) {
        f.open_err = errno;
        return f;
    }

    uapi::SevUserDataStatus st_out{};
    f.status_failure = issue(fd.get(), uapi::kSevPlatformStatus, st_out);
    if (!f.status_failure) {
        f.status = SevPlatformStatus{st_out.api_major, st_out.api_minor, st_out.state,
                                     st_out.flags,     st_out.build,     st_out.guest_count};
    }

    uapi::SevUserDataSnpStatus snp_out{};
    f.snp_status_failure = issue(fd.get(), uapi::kSnpPlatformStatus, snp_out);
    if (!f.snp_status_failure) {
        SnpPlatformStatus s;
        s.api_major = snp_out.api_major;
        s.api_minor = snp_out.api_minor;
        s.state = snp_out.state;
        s.rmp_initialized = snp_out.rmp_bits & 1;
        s.build_id = snp_out.build_id;
        s.flags = snp_out.flags;
        s.guest_count = snp_out.guest_count;
        s.current_tcb = snp_out.current_tcb_version;
        s.reported_tcb = snp_out.reported_tcb_version;
        f.snp_status = s;
    }
    return f;
}

std::string failure_text(const SevCommandFailure& f) {
    std::string text = std::strerror(f.err);
    if (f.fw_error != 0 && f.fw_error != uapi::kSevRetNoFwCall) {
        char buf[48];
        std::snprintf(buf, sizeof buf, " (firmware status 0x%x)", f.fw_error);
        text += buf;
    }
    return text;
}

const char* sev_state_name(uint8_t state) {
    switch (state) {
        case 0:
            return "UNINIT";
        case 1:
            return "INIT";
        case 2:
            return "WORKING";
        default:
            return "unknown";
    }
}

const char* snp_state_name(uint8_t state) {
    switch (state) {
        case 0:
            return "UNINIT";
        case 1:
            return "INIT";
        default:
            return "unknown";
    }
}

}  // namespace er::sev
