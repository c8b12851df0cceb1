#include "hv/hypercall.hpp"

#include "arch/x86/cpu.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"

namespace uk::hv {
namespace {

// Requests live in kernel .bss: its GPA is below 8 MiB (so below 4 GiB as the ABI needs), and
// with one vCPU there is never more than one hypercall in flight.
alignas(64) er_hc_console_write g_console_req;
alignas(64) er_hc_exit g_exit_req;
alignas(64) er_hc_time g_time_req;
alignas(64) er_hc_domain_exit g_domain_exit_req;
alignas(64) er_hc_log g_log_req;
alignas(64) er_hc_evidence g_evidence_req;
alignas(64) er_hc_guest_request g_guest_req;
alignas(64) er_hc_domain_poll g_poll_req;
alignas(64) er_hc_net g_net_req;
// The bounce buffers of ER_HC_NET: app data is copied through them, so the host only ever sees
// these pages of the guest (and, under SEV, they are the ones to share).
alignas(4096) uint8_t g_net_io[ER_NET_IO_MAX];
alignas(4096) er_net_pollfd g_net_pollfds[ER_NET_POLL_MAX];
alignas(64) uint8_t g_net_addr[ER_NET_ADDR_MAX];

inline void call(er_hypercall nr, const void* request) {
    x86::outl(uint16_t(ER_HC_PORT_BASE + nr), uint32_t(mm::kernel_gpa(request)));
}

}  // namespace

int64_t console_write(uint32_t domain, er_stream stream, const void* buf, uint64_t len) {
    g_console_req = er_hc_console_write{};
    g_console_req.stream = stream;
    g_console_req.domain = domain;
    g_console_req.gpa = mm::kernel_gpa(buf);
    g_console_req.len = len;
    call(ER_HC_CONSOLE_WRITE, &g_console_req);
    return g_console_req.ret;
}

void exit(const er_hc_exit& request) {
    g_exit_req = request;
    if (g_exit_req.message_len > ER_MESSAGE_MAX) g_exit_req.message_len = ER_MESSAGE_MAX;
    call(ER_HC_EXIT, &g_exit_req);
    // The host never resumes us after EXIT; if it does, stop here rather than run on.
    x86::halt_forever();
}

void domain_exit(const er_hc_domain_exit& request) {
    g_domain_exit_req = request;
    if (g_domain_exit_req.exit.message_len > ER_MESSAGE_MAX)
        g_domain_exit_req.exit.message_len = ER_MESSAGE_MAX;
    call(ER_HC_DOMAIN_EXIT, &g_domain_exit_req);
}

er_hc_time time() {
    g_time_req = er_hc_time{};
    call(ER_HC_TIME, &g_time_req);
    return g_time_req;
}

void log(const char* text, size_t len) {
    // Copied into .bss: the text is often on a task's kernel stack, which lies in the stack
    // window (task/kernel_stack.hpp), where kernel_gpa() cannot translate.
    static char g_log_text[ER_MESSAGE_MAX];
    g_log_req.len = len > ER_MESSAGE_MAX ? ER_MESSAGE_MAX : len;
    memcpy(g_log_text, text, g_log_req.len);
    g_log_req.gpa = mm::kernel_gpa(g_log_text);
    call(ER_HC_LOG, &g_log_req);
}

int64_t evidence(uint64_t gpa, uint64_t size) {
    g_evidence_req = er_hc_evidence{};
    g_evidence_req.gpa = gpa;
    g_evidence_req.size = size;
    call(ER_HC_EVIDENCE, &g_evidence_req);
    return g_evidence_req.ret;
}

uint64_t guest_request(uint64_t request_gpa, uint64_t response_gpa) {
    g_guest_req = er_hc_guest_request{};
    g_guest_req.request_gpa = request_gpa;
    g_guest_req.response_gpa = response_gpa;
    call(ER_HC_GUEST_REQUEST, &g_guest_req);
    return g_guest_req.fw_error;
}

er_hc_domain_poll domain_poll(uint32_t free_slot) {
    g_poll_req = er_hc_domain_poll{};
    g_poll_req.free_slot = free_slot;
    call(ER_HC_DOMAIN_POLL, &g_poll_req);
    er_hc_domain_poll answer;
    memcpy(&answer, &g_poll_req, sizeof answer);
    return answer;
}

void net(er_hc_net& req) {
    memcpy(&g_net_req, &req, sizeof req);
    call(ER_HC_NET, &g_net_req);
    memcpy(&req, &g_net_req, sizeof req);
}

uint8_t* net_io() {
    return g_net_io;
}

uint8_t* net_addr() {
    return g_net_addr;
}

er_net_pollfd* net_pollfds() {
    return g_net_pollfds;
}

}  // namespace uk::hv
