// Hypercalls to the launcher (libos-abi/enclave_abi.h): `outl` of the request's GPA to
// ER_HC_PORT_BASE + number.  One VM exit each, so callers batch (see console/).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "libos-abi/enclave_abi.h"

namespace uk::hv {

// Writes len bytes at buf (a kernel pointer) to the domain's stream.  Returns the host's result.
int64_t console_write(uint32_t domain, er_stream stream, const void* buf, uint64_t len);

// Ends the VM.  The request is copied into kernel memory first, so any er_hc_exit will do.
[[noreturn]] void exit(const er_hc_exit& request);

// One domain ended (ABI 2); the VM goes on.
void domain_exit(const er_hc_domain_exit& request);

// Reads the host clocks together with the guest TSC.
er_hc_time time();

// One line for the host's log (truncated to ER_MESSAGE_MAX).
void log(const char* text, size_t len);

// ABI 4, --attest: hands the host the evidence page at `gpa` (struct er_evidence, `size` bytes).
// Returns the host's result: 0, or -errno.
int64_t evidence(uint64_t gpa, uint64_t size);

// ABI 4, ER_CC_SIM: one SNP guest request through the software PSP (request and response pages
// at the two GPAs).  Returns the firmware status: 0, or SEV_RET_*.
uint64_t guest_request(uint64_t request_gpa, uint64_t response_gpa);

// ABI 5, ER_BOOT_F_PERSISTENT: asks the host for work, offering `free_slot`.  Returns the
// host's answer, copied once out of the request (the caller checks it).
er_hc_domain_poll domain_poll(uint32_t free_slot);

// ABI 5 amendment (issue 19): one socket operation (net/inet/host_net.cpp builds them).  `req`
// is copied into the kernel's one request and the host's answer copied back over it, once.  Its
// buf_gpa and addr_gpa must name the buffers below: kernel .bss, below 4 GiB, page aligned, and
// (one vCPU, a syscall is never preempted) never in use by two operations at once.
void net(er_hc_net& req);
// ER_NET_IO_MAX bytes of data or option value for one operation.
uint8_t* net_io();
// ER_NET_ADDR_MAX bytes: one socket address, in or out.
uint8_t* net_addr();
// ER_NET_POLL_MAX entries for ER_NET_POLL.
er_net_pollfd* net_pollfds();

}  // namespace uk::hv
