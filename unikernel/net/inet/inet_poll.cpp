#include "net/inet/inet_poll.hpp"

#include "hv/hypercall.hpp"
#include "libos-abi/enclave_abi.h"
#include "net/inet/host_net.hpp"
#include "poll/wait.hpp"

namespace uk::net {
namespace {

// What a waiter can be waiting for; POLLERR and POLLHUP come whether asked or not.
constexpr uint16_t kAsk = kPollIn | kPollPri | kPollOut | kPollRdhup;
// With more sockets than one ER_NET_POLL takes, the earlier batches are polled with timeout 0 and
// the last one waits at most this long, so none of them waits long unseen.
constexpr uint64_t kSplitWaitNs = 10'000'000;

InetSocket* g_sockets[ER_MAX_DOMAINS][ER_NET_MAX_SOCKETS];
uint32_t g_count[ER_MAX_DOMAINS];
// Caches stamped with another epoch are stale.  Starts at 1: a stamp of 0 is always stale.
uint32_t g_epoch = 1;

bool stale(const InetSocket* s) {
    return s->fresh_epoch != g_epoch;
}

// What the host should be asked for s while a task waits: everything when stale; else the bits
// the cache lacks (nothing once ERR or HUP is cached: those stay until an operation).
uint16_t ask_for(const InetSocket* s) {
    if (stale(s)) return kAsk;
    if (s->mask & (kPollErr | kPollHup)) return 0;
    return kAsk & ~s->mask;
}

// The entries of one ER_NET_POLL and the sockets they stand for (the host's copy of the entries
// is not trusted to keep naming them).
// One at a time (one vCPU, never nested), so it lives in .bss rather than on a kernel stack.
struct Batch {
    InetSocket* sock[ER_NET_POLL_MAX];
    uint16_t asked[ER_NET_POLL_MAX];
    uint32_t n;
};
Batch g_batch;

void add(Batch& b, InetSocket* s, uint16_t events) {
    er_net_pollfd& p = hv::net_pollfds()[b.n];
    p = er_net_pollfd{};
    p.domain = s->domain;
    p.handle = s->handle;
    p.events = events;
    b.asked[b.n] = events;
    b.sock[b.n++] = s;
}

// Folds the host's answer into the caches; returns the domains (bit mask) of sockets that gained
// a ready bit.
uint64_t apply(Batch& b, int64_t ret) {
    uint64_t gained = 0;
    const er_net_pollfd* p = hv::net_pollfds();
    for (uint32_t i = 0; i < b.n; i++) {
        InetSocket* s = b.sock[i];
        uint16_t asked = b.asked[i];
        uint16_t got = ret < 0 ? 0 : p[i].revents;
        // A handle the host does not know (POLLNVAL) reads as a dead connection.
        if (got & kPollNval) got = kPollErr | kPollHup;
        uint16_t keep = stale(s) ? 0 : uint16_t(s->mask & ~(asked | kPollErr | kPollHup));
        uint16_t m = uint16_t(keep | (got & (asked | kPollErr | kPollHup)));
        if (ret < 0) continue;  // the host failed the call: leave the caches as they were
        if (m & ~s->mask) gained |= 1ull << s->domain;
        if (m != s->mask) s->gen++;
        s->mask = m;
        s->fresh_epoch = g_epoch;
    }
    return gained;
}

void wake(uint64_t domains) {
    for (uint32_t d = 0; domains != 0; d++, domains >>= 1) {
        if (domains & 1) poll::notify_domain(d);
    }
}

// Set when the host failed an ER_NET_POLL (a host without networking): the idle loop then HLTs
// rather than ask again at once, which would spin.
bool g_poll_failed;

// One ER_NET_POLL over the batch, then its results.
uint64_t run(Batch& b, uint64_t timeout_ns) {
    if (b.n == 0) return 0;
    int64_t ret = host::poll(b.n, timeout_ns);
    if (ret < 0) g_poll_failed = true;
    uint64_t gained = apply(b, ret);
    b.n = 0;
    return gained;
}

// Refreshes every stale socket of the domain (s among them) with timeout 0.
void refresh_domain(uint32_t domain) {
    Batch& b = g_batch;
    b.n = 0;
    for (InetSocket* s : g_sockets[domain]) {
        if (s != nullptr && stale(s)) add(b, s, kAsk);
    }
    wake(run(b, 0));
}

// Sockets of the waiting domains, in batches of ER_NET_POLL_MAX.
uint64_t poll_domains(uint64_t domains, uint64_t timeout_ns, bool* asked) {
    Batch& b = g_batch;
    b.n = 0;
    uint64_t gained = 0;
    *asked = false;
    bool split = false;
    for (uint32_t d = 0; d < ER_MAX_DOMAINS; d++) {
        if (!((domains >> d) & 1) || g_count[d] == 0) continue;
        for (InetSocket* s : g_sockets[d]) {
            if (s == nullptr) continue;
            uint16_t ask = ask_for(s);
            if (ask == 0) continue;
            if (b.n == ER_NET_POLL_MAX) {
                gained |= run(b, 0);
                split = true;
            }
            add(b, s, ask);
        }
    }
    if (b.n == 0 && !split) return gained;
    *asked = true;
    if (gained != 0) timeout_ns = 0;  // someone is ready already: do not wait for more
    if (split && timeout_ns > kSplitWaitNs) timeout_ns = kSplitWaitNs;
    return gained | run(b, timeout_ns);
}

uint64_t waiting_domains() {
    uint64_t with_sockets = 0;
    for (uint32_t d = 0; d < ER_MAX_DOMAINS; d++) {
        if (g_count[d] != 0) with_sockets |= 1ull << d;
    }
    return with_sockets == 0 ? 0 : with_sockets & poll::domains_waiting();
}

}  // namespace

bool claim(InetSocket* s) {
    if (s->domain >= ER_MAX_DOMAINS || s->handle < 0 || uint32_t(s->handle) >= ER_NET_MAX_SOCKETS)
        return false;
    InetSocket*& slot = g_sockets[s->domain][s->handle];
    if (slot != nullptr) return false;
    slot = s;
    g_count[s->domain]++;
    return true;
}

void forget(InetSocket* s) {
    if (s->domain >= ER_MAX_DOMAINS || s->handle < 0 || uint32_t(s->handle) >= ER_NET_MAX_SOCKETS)
        return;
    InetSocket*& slot = g_sockets[s->domain][s->handle];
    if (slot != s) return;
    slot = nullptr;
    g_count[s->domain]--;
}

uint32_t socket_count(uint32_t domain) {
    return domain < ER_MAX_DOMAINS ? g_count[domain] : 0;
}

uint16_t host_mask(InetSocket* s) {
    if (stale(s)) refresh_domain(s->domain);
    return s->mask;
}

void mark_stale(InetSocket* s) {
    s->fresh_epoch = 0;
    s->gen++;
}

void learn_not_ready(InetSocket* s, uint16_t bits) {
    s->mask &= uint16_t(~bits);
    s->fresh_epoch = g_epoch;
}

bool waiting() {
    return waiting_domains() != 0;
}

bool poll_waiting(uint64_t timeout_ns) {
    uint64_t domains = waiting_domains();
    if (domains == 0) return false;
    bool asked;
    g_poll_failed = false;
    wake(poll_domains(domains, timeout_ns, &asked));
    return asked && !g_poll_failed;
}

void on_tick(bool apps_running) {
    g_epoch++;
    if (g_epoch == 0) g_epoch = 1;
    if (apps_running) poll_waiting(0);
}

}  // namespace uk::net
