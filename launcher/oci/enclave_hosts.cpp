#include "launcher/oci/enclave_hosts.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "launcher/common/dir_names.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/size.hpp"
#include "launcher/oci/container_state.hpp"
#include "launcher/oci/enclave_group.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {
namespace {

constexpr uint64_t kMaxRecord = 64 * 1024;

std::optional<std::string> env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

void make_dirs(const std::string& dir) {
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
        if (pos != dir.size() && dir[pos] != '/') continue;
        std::string prefix = dir.substr(0, pos);
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
            throw_errno("cannot create the state directory", prefix);
        }
    }
}

bool only_lock_left(const std::string& dir) {
    try {
        return dir_names(dir, "the enclave hosts' folder",
                         [](const std::string& name) { return name != ".lock"; })
            .empty();
    } catch (const Error&) {
        return false;  // unreadable: leave it alone
    }
}

}  // namespace

HostSettings host_settings_from_env() {
    HostSettings s;
    if (auto v = env("ENCLAVE_RUN_OCI_CAPACITY")) {
        char* end = nullptr;
        long n = std::strtol(v->c_str(), &end, 10);
        if (*end || n < 1 || n > 4096) {
            throw Error("ENCLAVE_RUN_OCI_CAPACITY must be a count of 1 to 4096, not \"" + *v +
                        "\"");
        }
        s.capacity = static_cast<uint32_t>(n);
    }
    if (auto v = env("ENCLAVE_RUN_OCI_IDLE")) {
        char* end = nullptr;
        double d = std::strtod(v->c_str(), &end);
        if (*end || !(d >= 0) || d > 86400 * 365) {
            throw Error("ENCLAVE_RUN_OCI_IDLE must be seconds (0 or more), not \"" + *v + "\"");
        }
        s.idle_s = d;
    }
    if (auto v = env("ENCLAVE_RUN_OCI_MEMORY")) {
        auto size = parse_size(*v);
        if (!size || *size == 0) {
            throw Error("ENCLAVE_RUN_OCI_MEMORY must be a size such as 512M, not \"" + *v + "\"");
        }
        s.memory = *size;
    }
    return s;
}

std::string enclaves_dir(const std::string& root) {
    return root + "/enclaves";
}

std::string host_record_to_json(const HostRecord& r) {
    nlohmann::json j{{"pid", r.pid},
                     {"pid_start_time", r.pid_start_time},
                     {"group", r.group},
                     {"created", r.created}};
    return j.dump() + "\n";
}

std::optional<HostRecord> read_host_record(const std::string& host_dir) {
    std::string file = host_dir + "/host.json";
    try {
        std::vector<uint8_t> bytes = read_regular_file(file, kMaxRecord, file + " is too large");
        nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end());
        HostRecord r;
        r.pid = j.at("pid").get<pid_t>();
        r.pid_start_time = j.at("pid_start_time").get<uint64_t>();
        r.group = j.at("group").get<std::string>();
        r.created = j.value("created", "");
        return r;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void write_host_record(const std::string& host_dir, const HostRecord& r) {
    write_file_atomically(host_dir + "/host.json", host_record_to_json(r), 0600);
}

bool host_process_alive(const HostRecord& r) {
    auto start = process_start_time(r.pid);
    return r.pid > 0 && start && *start == r.pid_start_time;
}

EnclavesLock EnclavesLock::take(const std::string& enclaves) {
    std::string path = enclaves + "/.lock";
    for (;;) {
        make_dirs(enclaves);
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
        if (!fd.valid()) {
            if (errno == ENOENT) continue;  // the folder went between mkdir and open
            throw_errno("cannot open the lock", path);
        }
        while (::flock(fd.get(), LOCK_EX) != 0) {
            if (errno != EINTR) throw_errno("cannot lock", path);
        }
        struct stat held {
        }, now{};
        if (::fstat(fd.get(), &held) != 0) throw_errno("cannot stat", path);
        if (::stat(path.c_str(), &now) == 0 && now.st_ino == held.st_ino &&
            now.st_dev == held.st_dev) {
            return EnclavesLock(enclaves, std::move(fd));
        }
        // The last host removed the lock while this waited for it: take the new one.
    }
}

EnclavesLock::~EnclavesLock() {
    if (!fd_.valid()) return;
    if (only_lock_left(dir_)) {
        ::unlink((dir_ + "/.lock").c_str());
        ::rmdir(dir_.c_str());
    }
}

std::vector<std::string> host_dir_names(const std::string& enclaves) {
    return dir_names(enclaves, "the enclave hosts' folder", [&](const std::string& name) {
        struct stat st {};
        return name[0] != '.' && ::lstat((enclaves + "/" + name).c_str(), &st) == 0 &&
               S_ISDIR(st.st_mode);
    });
}

void remove_host_dir(const std::string& host_dir) {
    for (const char* name :
         {"/control.sock", "/evidence.cbor", "/host.json", "/.host.json", "/host.log"}) {
        std::string file = host_dir + name;
        if (::unlink(file.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", file);
    }
    if (::rmdir(host_dir.c_str()) != 0 && errno != ENOENT) throw_errno("cannot remove", host_dir);
}

JoinedHost join_group(const std::string& root, const std::string& group, const std::string& member,
                      const HostSettings& settings) {
    std::string enclaves = enclaves_dir(root);
    EnclavesLock lock = EnclavesLock::take(enclaves);
    std::string stem = group_stem(group);
    std::vector<std::pair<unsigned, std::string>> hosts;
    for (const std::string& name : host_dir_names(enclaves)) {
        if (auto n = host_dir_index(name, stem)) hosts.emplace_back(*n, name);
    }
    std::sort(hosts.begin(), hosts.end());
    std::vector<unsigned> taken;
    for (const auto& [n, name] : hosts) {
        std::string dir = enclaves + "/" + name;
        auto record = read_host_record(dir);
        // Under the lock no host is half-started (a spawn holds it until the host listens, and the
        // host writes host.json first): without a record, or with its process gone, it is dead.
        if (!record || !host_process_alive(*record)) {
            remove_host_dir(dir);
            continue;
        }
        taken.push_back(n);
        if (record->group != group) continue;  // another group's stem hash
        try {
            return JoinedHost{host::HostConnection::attach(dir + "/control.sock", member), dir};
        } catch (const Error&) {
            // Full, or ending after its idle time: the next one, or a new one.
        }
    }
    unsigned n = 0;
    while (std::find(taken.begin(), taken.end(), n) != taken.end()) ++n;
    std::string dir = enclaves + "/" + host_dir_name(group, n);
    if (::mkdir(dir.c_str(), 0700) != 0) throw_errno("cannot create the enclave host folder", dir);
    try {
        spawn_host(dir, group, settings);
        return JoinedHost{host::HostConnection::attach(dir + "/control.sock", member), dir};
    } catch (...) {
        if (auto record = read_host_record(dir); record && host_process_alive(*record)) throw;
        try {
            remove_host_dir(dir);
        } catch (...) {
        }
        throw;
    }
}

}  // namespace er::launcher::oci
