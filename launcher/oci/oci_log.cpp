#include "launcher/oci/oci_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "launcher/common/full_write.hpp"
#include "launcher/common/unique_fd.hpp"

namespace er::launcher::oci {

std::string format_log_entry(const std::string& format, const std::string& level,
                             const std::string& msg, const std::string& time) {
    if (format == "json") {
        nlohmann::ordered_json j;
        j["level"] = level;
        j["msg"] = msg;
        j["time"] = time;
        // Invalid UTF-8 in a path must not make the whole entry unreadable to the shim.
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    }
    nlohmann::json quoted = msg;
    return "time=\"" + time + "\" level=" + level +
           " msg=" + quoted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string rfc3339_now() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    tm utc{};
    ::gmtime_r(&ts.tv_sec, &utc);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09ldZ", static_cast<long>(ts.tv_nsec));
    return std::string(buf, n) + frac;
}

void OciLog::append(const std::string& level, const std::string& msg) const {
    if (!options_.log) return;
    UniqueFd fd(::open(options_.log->c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.valid()) return;  // nowhere left to say it; stderr has the error already
    std::string entry = format_log_entry(options_.log_format, level, msg, rfc3339_now());
    try {
        write_fully(fd.get(), reinterpret_cast<const uint8_t*>(entry.data()), entry.size());
    } catch (...) {
    }
}

void OciLog::error(const std::string& msg) const {
    std::string line = "enclave-run-oci: " + msg + "\n";
    try {
        write_fully(STDERR_FILENO, reinterpret_cast<const uint8_t*>(line.data()), line.size());
    } catch (...) {
    }
    append("error", msg);
}

void OciLog::warning(const std::string& msg) const {
    append("warning", msg);
}

void OciLog::debug(const std::string& msg) const {
    if (options_.debug) append("debug", msg);
}

}  // namespace er::launcher::oci
