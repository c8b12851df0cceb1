// ABI 5: the host side of a persistent enclave (docs/launcher.md "Hot add").  Other code (a
// control socket, later the OCI container processes) queues domains and kills from any thread;
// the HypercallServer consults the queue on each ER_HC_DOMAIN_POLL on the vCPU thread, stages the
// next domain's app and args in the guest's staging area and answers with its descriptor.
//
// The guest polls when it idles and on each tick that interrupts an app (one exit each:
// polls() counts them).  Per-domain stdio routing is not here yet: a hot-added domain's output
// goes through the enclave's console with its name as prefix, like any domain's.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "launcher/net/socket_factory.hpp"
#include "launcher/vm/args_blob.hpp"
#include "launcher/vm/domain_result.hpp"
#include "launcher/vm/enclave_log.hpp"
#include "launcher/vm/guest_memory.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

// One domain to add.  The caller has already run the launcher's app checks on `app` (as
// enclave_setup does for boot domains); the guest checks again on its own copy.
struct HotDomain {
    std::string name;  // valid under the table's rule and unique among live domains
    std::vector<uint8_t> app;
    ArgsBlob args;
    uint64_t mem_limit = 0;
    uint32_t isolation = ER_ISO_AUTO;
    // ABI 5 amendment: its read-only tree, an er-fs image (er_fs_pack.hpp), or empty for none.
    // The guest keeps a private copy for the domain's life, charged to its memory limit.
    std::vector<uint8_t> fs;
    // Where its sockets are made: the channel of a socket factory in its container's network
    // namespace (launcher/net/socket_factory.hpp), or null for none.  Handed to the NetServer
    // for its slot when the guest takes the domain (take_net), closed if it never is.
    std::shared_ptr<SocketFactory> net;
};

// Called on the vCPU thread when the domain has ended (or was refused, or killed before it was
// staged): keep it short; it must not block.
using DomainEndHandler = std::function<void(const DomainResult&)>;

// The staging area's default size (ER_BOOT_F_PERSISTENT): it bounds one domain's app + args.
constexpr uint64_t kDefaultStagingSize = uint64_t{8} << 20;

class DomainQueue {
  public:
    using Ticket = uint64_t;

    explicit DomainQueue(uint64_t staging_size = kDefaultStagingSize);

    // ---- any thread ----
    // Queues `d`; `on_end` hears how it ended.  Throws Error when its app and args cannot fit
    // the staging area, the queue has been shut down, or (--attest) the measurement log is full.
    Ticket add(HotDomain d, DomainEndHandler on_end);
    // Ends the domain of `ticket` with `signal` (SIGKILL semantics).  A domain not yet staged is
    // dropped and reported killed at once.  False for an unknown or finished ticket.
    bool kill(Ticket ticket, uint32_t signal = 9);
    // ABI 5 amendment (ER_POLL_SIGNAL): sends `signal` (1..64) to the running domain's init as
    // a signal, which its handler may catch (docker stop's SIGTERM).  False for a ticket that is
    // unknown, not staged yet or finished.
    bool signal(Ticket ticket, uint32_t signal);
    // No more domains: the guest ends once none is live (queued ones are still staged first).
    void shutdown();
    uint64_t polls() const;
    uint64_t staging_size() const { return staging_size_; }
    // ABI 5 amendment, --attest: the measurement log as of the guest's latest evidence (sent at
    // boot and again after each hot add), with each entry's digest and the log digest; empty
    // (evidence_count 0) before the first evidence or without --attest.  A copy, taken under
    // the queue's lock.
    EnclaveLog log() const;
    // The log holds ER_MAX_DOMAINS entries: the guest would refuse any further domain, so add()
    // does (stop accepting members).  A domain queued while the log still had room can still be
    // refused by the guest (DomainResult reason ER_EXIT_REFUSED) when others fill it first.
    bool log_full() const;

    // ---- the vCPU thread (HypercallServer) ----
    // The answer to one poll.  `free_slot` is what the guest offered (ER_POLL_NO_SLOT: none);
    // an ADD writes the app and args at staging_gpa in `memory` and binds the ticket to the slot.
    er_hc_domain_poll answer(uint32_t free_slot, GuestMemory& memory, uint64_t staging_gpa);
    // The name of the domain staged into `slot` by the latest ADD (for labels and checks).
    std::optional<HotDomain> staged(uint32_t slot) const;
    // The socket factory of the domain staged into `slot` by the latest ADD, once (then null):
    // its sockets are made there from now on.
    std::shared_ptr<SocketFactory> take_net(uint32_t slot);
    // Domain `slot` reported its end: calls its handler (if it was hot-added).
    void ended(uint32_t slot, const DomainResult& result);
    // The guest sent evidence (checked by the HypercallServer: a strict extension of the last).
    void evidence(const er_evidence& checked);

  private:
    struct Pending {
        Ticket ticket;
        HotDomain domain;
        DomainEndHandler on_end;
    };
    struct Live {
        Ticket ticket;
        HotDomain domain;  // app bytes dropped once staged
        DomainEndHandler on_end;
    };

    uint64_t staging_size_;
    mutable std::mutex mu_;
    Ticket next_ = 1;
    std::deque<Pending> pending_;
    std::map<uint32_t, Live> live_;                      // slot -> what runs there
    std::deque<std::pair<uint32_t, uint32_t>> kills_;    // (slot, signal)
    std::deque<std::pair<uint32_t, uint32_t>> signals_;  // (slot, signal): ER_POLL_SIGNAL
    // Staged apps and trees, freed by the next add() or signal() (another thread's), never by
    // answer() on the confined vCPU thread (domain_queue.cpp).
    std::vector<std::vector<uint8_t>> released_;
    bool shutdown_ = false;
    bool shutdown_sent_ = false;
    uint64_t polls_ = 0;
    EnclaveLog log_;
};

// The staged layout: the app at the area's start, the args blob at the next page, the er-fs
// image (if any) at the page after the args.
uint64_t staged_bytes(const HotDomain& d);

}  // namespace er::launcher
