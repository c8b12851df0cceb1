#include "sev/asid/asid_budget.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "sev/platform_probe.hpp"

namespace er::sev::asid {
namespace {

using launcher::UniqueFd;

constexpr uint32_t kMaxBudget = 1000000;
constexpr const char* kSlotPrefix = "slot-";

[[noreturn]] void os_error(const std::string& what, const std::string& path, int err) {
    throw AsidError(what + " " + path + ": " + std::strerror(err));
}

int flock_retry(int fd, int op) {
    int rc;
    do {
        rc = ::flock(fd, op);
    } while (rc != 0 && errno == EINTR);
    return rc;
}

// Holds the pool's lock file for one scope: exclusive while acquiring, shared while counting.
class PoolLock {
  public:
    PoolLock(int fd, int op, const std::string& path) : fd_(fd) {
        if (fd_ < 0) return;  // inspect() of a pool without a lock file: nothing to lock yet
        if (flock_retry(fd_, op) != 0) os_error("cannot lock", path, errno);
    }
    PoolLock(const PoolLock&) = delete;
    PoolLock& operator=(const PoolLock&) = delete;
    ~PoolLock() {
        if (fd_ >= 0) ::flock(fd_, LOCK_UN);
    }

  private:
    int fd_;
};

// "slot-N" with N in canonical decimal (no sign, no leading zero), else nullopt.
std::optional<uint32_t> slot_number(const char* name) {
    size_t prefix = std::strlen(kSlotPrefix);
    if (std::strncmp(name, kSlotPrefix, prefix) != 0) return std::nullopt;
    const char* digits = name + prefix;
    size_t n = std::strlen(digits);
    if (n == 0 || n > 7 || (n > 1 && digits[0] == '0')) return std::nullopt;
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (digits[i] < '0' || digits[i] > '9') return std::nullopt;
        v = v * 10 + static_cast<uint32_t>(digits[i] - '0');
    }
    return v;
}

std::string slot_name(uint32_t index) {
    return kSlotPrefix + std::to_string(index);
}

// The pid a holder wrote, if it reads as one.
std::optional<long> read_pid(int fd) {
    char buf[24];
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return std::nullopt;
    buf[n] = '\0';
    char* end = nullptr;
    errno = 0;
    long pid = std::strtol(buf, &end, 10);
    if (errno != 0 || end == buf || pid <= 0 || (*end != '\n' && *end != '\0')) return std::nullopt;
    return pid;
}

void check_regular(int fd, const std::string& path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) os_error("cannot stat ASID slot", path, errno);
    if (!S_ISREG(st.st_mode)) throw AsidError("ASID slot " + path + " is not a regular file");
}

UniqueFd open_lock_file(int dir, const std::string& pool_path, bool create) {
    std::string path = pool_path + "/lock";
    int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | (create ? O_CREAT : 0);
    UniqueFd fd(::openat(dir, "lock", flags, 0600));
    if (!fd.valid()) {
        if (!create && errno == ENOENT) return {};
        os_error("cannot open ASID pool lock", path, errno);
    }
    check_regular(fd.get(), path);
    return fd;
}

}  // namespace

const char* pool_name(Pool pool) {
    switch (pool) {
        case Pool::sev:
            return "sev";
        case Pool::es_snp:
            return "es-snp";
        case Pool::sim:
            return "sim";
    }
    return "?";
}

std::optional<uint32_t> hardware_asids(Pool pool, const SevCpuid& cpu) {
    switch (pool) {
        case Pool::sev:
            return cpu.sev ? cpu.sev_asids() : 0;
        case Pool::es_snp:
            return cpu.sev && cpu.sev_es ? cpu.es_snp_asids() : 0;
        case Pool::sim:
            return std::nullopt;
    }
    return 0;
}

BudgetChoice choose_budget(Pool pool, std::optional<uint32_t> hardware,
                           std::optional<uint32_t> configured) {
    BudgetChoice c;
    c.hardware = hardware;
    c.configured = configured;
    if (!hardware) {
        c.budget = configured.value_or(kSimDefaultBudget);
        return c;
    }
    c.budget = configured ? std::min(*configured, *hardware) : *hardware;
    if (configured && *configured > *hardware) {
        c.clamped = "ASID budget " + std::to_string(*configured) + " for " + pool_name(pool) +
                    " is above the " + std::to_string(*hardware) +
                    " ASIDs CPUID 0x8000001F gives it: using " + std::to_string(*hardware);
    }
    return c;
}

uint32_t parse_budget(const std::string& text, const std::string& origin) {
    bool digits =
        !text.empty() && text.size() <= 7 &&
        std::all_of(text.begin(), text.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    uint32_t v = digits ? static_cast<uint32_t>(std::stoul(text)) : kMaxBudget + 1;
    if (v > kMaxBudget)
        throw AsidError(origin + " \"" + text + "\" is not an ASID count (0 to " +
                        std::to_string(kMaxBudget) + ")");
    return v;
}

std::optional<uint32_t> budget_from_env() {
    const char* text = std::getenv(kBudgetEnv);
    if (text == nullptr || text[0] == '\0') return std::nullopt;
    return parse_budget(text, kBudgetEnv);
}

AsidBudget AsidBudget::make(Pool pool, std::optional<uint32_t> configured_budget,
                            const BudgetOptions& options, bool create) {
    if (!configured_budget) configured_budget = budget_from_env();
    std::optional<uint32_t> hardware;
    if (pool != Pool::sim) {
        SevCpuid cpu = options.cpu ? *options.cpu : decode_sev_cpuid(HostProbe().cpuid_8000001f());
        hardware = hardware_asids(pool, cpu);
    }
    BudgetChoice choice = choose_budget(pool, hardware, configured_budget);

    std::string state = options.state_dir.empty() ? default_state_dir() : options.state_dir;
    std::string asid_path = state + "/asid";
    std::string pool_path = asid_path + "/" + pool_name(pool);
    UniqueFd state_fd = open_private_dir(AT_FDCWD, state, state, create);
    UniqueFd asid_fd, pool_fd, lock_fd;
    if (state_fd.valid()) asid_fd = open_private_dir(state_fd.get(), "asid", asid_path, create);
    if (asid_fd.valid())
        pool_fd = open_private_dir(asid_fd.get(), pool_name(pool), pool_path, create);
    if (pool_fd.valid()) lock_fd = open_lock_file(pool_fd.get(), pool_path, create);
    return AsidBudget(pool, std::move(choice), pool_path, std::move(pool_fd), std::move(lock_fd));
}

AsidBudget AsidBudget::open(Pool pool, std::optional<uint32_t> configured_budget,
                            const BudgetOptions& options) {
    return make(pool, configured_budget, options, true);
}

AsidBudget AsidBudget::inspect(Pool pool, std::optional<uint32_t> configured_budget,
                               const BudgetOptions& options) {
    return make(pool, configured_budget, options, false);
}

Usage AsidBudget::scan() const {
    Usage u;
    u.budget = choice_.budget;
    if (!dir_.valid()) return u;
    // fdopendir takes ownership of its fd, so it gets its own description of the directory.
    UniqueFd listing(::openat(dir_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing.valid()) os_error("cannot list ASID pool", path_, errno);
    DIR* d = ::fdopendir(listing.get());
    if (d == nullptr) os_error("cannot list ASID pool", path_, errno);
    (void)listing.release();
    std::vector<uint32_t> slots;
    errno = 0;
    while (const dirent* e = ::readdir(d)) {
        if (std::optional<uint32_t> n = slot_number(e->d_name)) slots.push_back(*n);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) os_error("cannot list ASID pool", path_, err);
    std::sort(slots.begin(), slots.end());

    for (uint32_t n : slots) {
        std::string name = slot_name(n);
        UniqueFd fd(
            ::openat(dir_.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (!fd.valid()) {
            if (errno == ENOENT) continue;  // removed by hand since the listing
            os_error("cannot open ASID slot", path_ + "/" + name, errno);
        }
        // A shared lock taken and dropped (by the close) is a free slot; a refusal is a holder.
        // Acquirers hold the pool lock exclusively, so this probe never makes one of them fail.
        if (flock_retry(fd.get(), LOCK_SH | LOCK_NB) == 0) continue;
        if (errno != EWOULDBLOCK) os_error("cannot probe ASID slot", path_ + "/" + name, errno);
        ++u.in_use;
        u.holders.push_back({n, read_pid(fd.get())});
    }
    return u;
}

Usage AsidBudget::usage() const {
    PoolLock guard(lock_.get(), LOCK_SH, path_ + "/lock");
    return scan();
}

std::optional<AsidSlot> AsidBudget::try_acquire() {
    if (!dir_.valid() || !lock_.valid())
        throw AsidError("ASID pool " + path_ + " was opened for inspection only");
    PoolLock guard(lock_.get(), LOCK_EX, path_ + "/lock");
    // Counted under the exclusive lock: no other acquirer can slip in between count and take.
    // Slots above our budget count too (a launcher configured with a larger budget holds them).
    Usage u = scan();
    if (u.in_use >= choice_.budget) return std::nullopt;
    for (uint32_t i = 0; i < choice_.budget; ++i) {
        std::string name = slot_name(i);
        std::string path = path_ + "/" + name;
        UniqueFd fd(::openat(dir_.get(), name.c_str(),
                             O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0600));
        if (!fd.valid()) os_error("cannot open ASID slot", path, errno);
        check_regular(fd.get(), path);
        if (flock_retry(fd.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno == EWOULDBLOCK) continue;
            os_error("cannot lock ASID slot", path, errno);
        }
        // The pid is for `platform` to show.  A write that fails (a full tmpfs) costs only that
        // display, so it does not refuse the launch.
        std::string pid = std::to_string(::getpid()) + "\n";
        if (::ftruncate(fd.get(), 0) == 0) (void)!::pwrite(fd.get(), pid.data(), pid.size(), 0);
        return AsidSlot(pool_, i, std::move(fd));
    }
    // in_use < budget, yet every slot below the budget is held: cannot happen while every
    // launcher serialises on the pool lock.
    return std::nullopt;
}

}  // namespace er::sev::asid
