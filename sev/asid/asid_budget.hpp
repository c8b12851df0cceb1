// ASID accounting: how many confidential enclaves this host may run at once.
//
// Every SEV, SEV-ES or SNP guest holds one ASID (address space ID) for its lifetime, and a host
// has few: CPUID 0x8000001F ECX is the highest, EDX the first plain-SEV one (ASIDs 1..EDX-1 are
// shared by SEV-ES and SNP guests, EDX..ECX are for SEV guests; notes/sev.md §1.1).  Launchers
// on one host share that budget through slots in a state directory (state_dir.hpp):
// <state>/asid/<pool>/slot-N.  A launcher owns slot N while it holds flock(LOCK_EX) on that file.
//
// Why flock and not a counter file: a counter must be decremented by the launcher on its way
// out, which a SIGKILLed, OOM-killed or crashed launcher never does, so the count would leak for
// good.  A flock lock belongs to the open file description, and the kernel drops it when the
// last descriptor closes, which process death always does: the lock itself is the liveness, and
// a killed launcher's slot is free the moment it is gone.  (POSIX fcntl locks would do too, but
// any close() of the file anywhere in the process drops them.)  The pid written in a held slot
// is only for `enclave-run platform` to show; liveness is never read from it.
//
//   AsidBudget budget = AsidBudget::open(Pool::es_snp, configured_budget);
//   std::optional<AsidSlot> slot = budget.try_acquire();   // nullopt: budget used up
//   ... launch, run; the slot is held while `slot` (or the process) lives ...
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "sev/asid/state_dir.hpp"
#include "sev/sev_cpuid.hpp"

namespace er::sev::asid {

// SEV-ES and SNP guests draw on the same ASIDs, so they share one pool.  `sim` is the software
// PSP's (sev/sim/, tests only): it has no hardware behind it.
enum class Pool { sev, es_snp, sim };

const char* pool_name(Pool pool);  // "sev", "es-snp", "sim": also the pool's directory name

inline constexpr const char* kBudgetEnv = "ENCLAVE_RUN_ASID_BUDGET";
inline constexpr uint32_t kSimDefaultBudget = 16;

// The ASIDs the hardware gives a pool: 0 when the CPU lacks the mode, nullopt for `sim`.
std::optional<uint32_t> hardware_asids(Pool pool, const SevCpuid& cpu);

// The budget a pool gets, and why.
struct BudgetChoice {
    uint32_t budget = 0;
    std::optional<uint32_t> hardware;    // nullopt for sim
    std::optional<uint32_t> configured;  // what the caller or ENCLAVE_RUN_ASID_BUDGET asked for
    // Set when `configured` was above the hardware's count and was lowered to it: the line to
    // print.
    std::optional<std::string> clamped;
};

// budget = configured, capped at hardware; hardware when nothing is configured; for sim (no
// hardware) configured, default kSimDefaultBudget.  Pure.
BudgetChoice choose_budget(Pool pool, std::optional<uint32_t> hardware,
                           std::optional<uint32_t> configured);

// A budget given as text: decimal digits only, at most 1000000 (far above any CPU's ASIDs).
// `origin` names where it came from, for the error line.  Throws AsidError.
uint32_t parse_budget(const std::string& text, const std::string& origin);
// ENCLAVE_RUN_ASID_BUDGET: nullopt when unset or empty; throws AsidError when it is not a count.
std::optional<uint32_t> budget_from_env();

struct SlotHolder {
    uint32_t slot = 0;
    std::optional<long> pid;  // as the holder wrote it: display only
};

struct Usage {
    uint32_t in_use = 0;  // slots locked now (also any above the budget, held under a larger one)
    uint32_t budget = 0;
    std::vector<SlotHolder> holders;  // by slot number
    uint32_t left() const { return in_use >= budget ? 0 : budget - in_use; }
};

// One held ASID slot (RAII): released when destroyed, by release(), or when the process dies.
// A forked child shares the lock (the same open file description) until both have closed it;
// the descriptor is O_CLOEXEC, so an exec'd program does not keep it.
class AsidSlot {
  public:
    AsidSlot(AsidSlot&&) noexcept = default;
    AsidSlot& operator=(AsidSlot&&) noexcept = default;

    Pool pool() const { return pool_; }
    uint32_t index() const { return index_; }  // N in slot-N
    bool held() const { return fd_.valid(); }
    void release() { fd_.reset(); }

  private:
    friend class AsidBudget;
    AsidSlot(Pool pool, uint32_t index, launcher::UniqueFd fd)
        : pool_(pool), index_(index), fd_(std::move(fd)) {}

    Pool pool_;
    uint32_t index_;
    launcher::UniqueFd fd_;
};

// Where a budget lives and what the hardware offers; the defaults are this host's.
struct BudgetOptions {
    std::string state_dir;        // empty: default_state_dir()
    std::optional<SevCpuid> cpu;  // nullopt: this host's CPUID 0x8000001F
};

// One per process (and per thread): flock locks belong to the open file description, so two
// threads sharing one AsidBudget, or a child acquiring through its parent's, would not exclude
// each other on the pool lock.
class AsidBudget {
  public:
    // For launching: creates the state directory and <state>/asid/<pool>/ (0700) when missing.
    // `configured_budget`: an explicit budget (a flag); nullopt: ENCLAVE_RUN_ASID_BUDGET, else the
    // hardware's count.  Throws AsidError (unsafe state directory, bad budget text, I/O).
    static AsidBudget open(Pool pool, std::optional<uint32_t> configured_budget,
                           const BudgetOptions& options = {});
    // For looking only (`enclave-run platform`): creates nothing; a pool whose directory does not
    // exist yet has nothing in use.  try_acquire() on it throws.
    static AsidBudget inspect(Pool pool, std::optional<uint32_t> configured_budget,
                              const BudgetOptions& options = {});

    AsidBudget(AsidBudget&&) noexcept = default;
    AsidBudget& operator=(AsidBudget&&) noexcept = default;

    // One more slot, or nullopt when `budget()` slots are in use (whoever holds them, under
    // whatever budget).  Acquisitions are serialised by the pool's lock file, so a budget is never
    // exceeded, however many launchers race.  Throws AsidError for I/O failures.
    std::optional<AsidSlot> try_acquire();
    // Probes every slot with a non-blocking lock: a snapshot, stale as soon as it returns.
    Usage usage() const;

    Pool pool() const { return pool_; }
    uint32_t budget() const { return choice_.budget; }
    const BudgetChoice& choice() const { return choice_; }
    const std::string& path() const { return path_; }  // <state>/asid/<pool>

  private:
    AsidBudget(Pool pool, BudgetChoice choice, std::string path, launcher::UniqueFd dir,
               launcher::UniqueFd lock)
        : pool_(pool),
          choice_(std::move(choice)),
          path_(std::move(path)),
          dir_(std::move(dir)),
          lock_(std::move(lock)) {}
    static AsidBudget make(Pool pool, std::optional<uint32_t> configured_budget,
                           const BudgetOptions& options, bool create);
    Usage scan() const;  // with the pool lock held

    Pool pool_;
    BudgetChoice choice_;
    std::string path_;
    launcher::UniqueFd dir_;   // invalid: inspect() of a pool not created yet
    launcher::UniqueFd lock_;  // <pool>/lock
};

}  // namespace er::sev::asid
