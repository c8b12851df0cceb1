/*
 * enclave-run host <-> guest ABI.  The one contract between the launcher (host, C++20 hosted)
 * and the unikernel (guest, freestanding C++20).  Included by both sides and nothing else.
 *
 * Rules (docs/abi.md):
 *  - Fields are appended, never reordered or resized.  ER_ABI_VERSION is bumped on every change
 *    and checked by the guest at boot (it refuses a mismatch with an ER_HC_EXIT reason PANIC).
 *  - Every structure is plain data with fixed-width fields and explicit padding, so both sides
 *    (and a future 32-bit-free verifier) agree on layout; static_asserts below pin the sizes.
 *  - Guest addresses are guest-physical (GPA) integers.  The host bounds- and overflow-checks every
 *    one before use; a bad one ends the VM, never the host.
 *
 * Hypercall mechanism: the guest executes `outl %eax, %dx` with dx = ER_HC_PORT_BASE + number and
 * eax = the GPA of the request struct (below 4 GiB, naturally aligned).  The host reads the
 * request, serves it, writes results back into the same struct and resumes the vCPU.  Exactly one
 * exit per hypercall.
 */
#ifndef ENCLAVE_ABI_H
#define ENCLAVE_ABI_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

#define ER_ABI_VERSION 5u
#define ER_BOOT_MAGIC 0x544f4f42524e4c45ull /* "ELNRBOOT" little-endian */

/* The layout is a table aligned by hand: */
/* clang-format off */
/* ---- Guest-physical memory layout set up by the launcher ---------------------------------- */
/* [0, 0x1000)            never mapped by the guest (null guard)                                 */
#define ER_GPA_BOOT_INFO 0x1000ull      /* struct er_boot_info, one page                       */
#define ER_GPA_ARGS 0x2000ull           /* argv/envp strings blob, up to ER_ARGS_MAX bytes      */
#define ER_ARGS_MAX 0xE000ull           /* 56 KiB: [0x2000, 0x10000)                            */
#define ER_GPA_BOOT_PT 0x10000ull       /* launcher's boot page tables + GDT, 16 pages          */
#define ER_GPA_BOOT_PT_END 0x20000ull
#define ER_GPA_BOOT_STACK_TOP 0x80000ull /* boot stack grows down from here, [0x20000, 0x80000) */
/* ABI 4: [0x80000, 0x89000) confidential-computing pages (docs/sev.md "Guest memory")           */
#define ER_GPA_HOST_HINTS 0x80000ull    /* struct er_host_hints: shared, never measured, untrusted */
#define ER_GPA_SNP_SECRETS 0x81000ull   /* SNP secrets page (PSP or software PSP), snp/sim only  */
#define ER_GPA_SNP_CPUID 0x82000ull     /* SNP CPUID page, snp and sim (sim: measured by type only)*/
#define ER_GPA_GUEST_REQ 0x83000ull     /* shared: SNP guest request message (er_snp_msg_hdr+)    */
#define ER_GPA_GUEST_RESP 0x84000ull    /* shared: SNP guest response message                     */
#define ER_GPA_EVIDENCE 0x85000ull      /* shared: struct er_evidence, ER_EVIDENCE_PAGES pages    */
#define ER_EVIDENCE_PAGES 4u
#define ER_GPA_CC_END 0x89000ull
#define ER_GPA_KERNEL 0x100000ull       /* unikernel PT_LOAD segments (by p_paddr) start here   */
#define ER_GPA_KERNEL_MAX 0x800000ull   /* ... and must end below this (7 MiB)                  */
#define ER_GPA_APP 0x800000ull          /* ABI 1: raw app ELF file bytes, page aligned          */
#define ER_GPA_IMAGES 0x800000ull       /* ABI 2: per-domain app ELF, args blob and er-fs image,
                                           each page aligned, back to back; free_start after  */
#define ER_GPA_DOMAINS 0x2000ull        /* ABI 2: the domain table (er_domain_desc[]) lives in
                                           the old args area                                  */

/* Guest virtual layout: the launcher's boot page tables map the first 1 GiB twice, identity and
 * at ER_KERNEL_VBASE (the kernel's link address, -mcmodel=kernel).  The guest replaces them. */
#define ER_KERNEL_VBASE 0xFFFFFFFF80000000ull
#define ER_DIRECT_MAP_VBASE 0xFFFF800000000000ull /* guest's own map of all RAM (guest's choice) */
/* clang-format on */

/* ---- Boot information (at ER_GPA_BOOT_INFO, pointer also in %rdi at entry) ----------------- */
#define ER_BOOT_F_TSC_STABLE (1u << 0) /* tsc_khz is valid: the guest may derive time from TSC */
#define ER_BOOT_F_DEBUG (1u << 1)      /* verbose guest log (ER_HC_LOG) requested               */
#define ER_BOOT_F_STATS (1u << 2)      /* --stats: log free frames before and after the domains */
#define ER_BOOT_F_ATTEST (1u << 3)     /* ABI 4, --attest: measure the domains, issue ER_HC_EVIDENCE */
#define ER_BOOT_F_PERSISTENT (1u << 4) /* ABI 5: the enclave outlives its domains: when idle the
                                          guest asks for work (ER_HC_DOMAIN_POLL) instead of ending;
                                          staging_gpa/staging_size are set; needs a timer */

/* ABI 4: the confidential-computing mode the launcher started the guest in (boot info, measured).
 * The guest trusts it only as far as the hardware confirms it (SEV_STATUS MSR under SEV). */
enum er_confidential {
    ER_CC_OFF = 0,    /* plain KVM: no memory encryption, evidence not hardware-backed */
    ER_CC_SEV = 1,    /* SEV: encrypted memory */
    ER_CC_SEV_ES = 2, /* SEV-ES: encrypted memory and register state, GHCB */
    ER_CC_SNP = 3,    /* SEV-SNP: plus integrity (RMP), PVALIDATE, guest requests to the PSP */
    ER_CC_SIM = 4     /* plain KVM with the software PSP (sev/sim/, tests only): SNP guest
                         requests travel over ER_HC_GUEST_REQUEST instead of the GHCB */
};

struct er_boot_info {
    uint64_t magic;        /* ER_BOOT_MAGIC */
    uint32_t abi_version;  /* ER_ABI_VERSION */
    uint32_t size;         /* sizeof(struct er_boot_info) as the host knows it */
    uint64_t mem_size;     /* guest RAM is [0, mem_size) in GPA, one contiguous range */
    uint64_t free_start;   /* first page-aligned GPA the guest may allocate (after the app image) */
    uint64_t kernel_start; /* GPA range the launcher loaded the unikernel into */
    uint64_t kernel_end;
    /* ABI 1 only (zero from ABI 2 on; the domain table below describes every app): */
    uint64_t app_gpa; /* raw ELF bytes of the application, as read from the file */
    uint64_t app_size;
    uint64_t args_gpa;  /* argc strings then envc strings, each NUL-terminated, back to back */
    uint64_t args_size; /* bytes used in the blob */
    uint32_t argc;      /* argv[0] is the app name as given to the launcher */
    uint32_t envc;
    uint64_t tsc_khz;          /* ABI <= 3; zero since ABI 4 (er_host_hints) */
    uint64_t boot_realtime_ns; /* ABI <= 3; zero since ABI 4 */
    uint32_t flags;            /* ER_BOOT_F_* */
    uint32_t timer_period_us;  /* preemption tick for the guest scheduler; 0 = no timer */
    uint8_t entropy[32];       /* ABI <= 3; zero since ABI 4 */
    uint64_t reserved[8];      /* zero; future fields are appended after this */
    /* ABI 2: */
    uint64_t domains_gpa;  /* er_domain_desc[domain_count], at ER_GPA_DOMAINS */
    uint32_t domain_count; /* 1 .. ER_MAX_DOMAINS */
    uint32_t pad0;
    /* ABI 4: this page is measured under SEV, so it holds only what the configuration decides.
     * tsc_khz, boot_realtime_ns, entropy and ER_BOOT_F_TSC_STABLE above are zero: what changes
     * from run to run is in the (unmeasured, untrusted) hints page. */
    uint64_t hints_gpa;    /* ER_GPA_HOST_HINTS */
    uint32_t confidential; /* er_confidential */
    uint32_t pad1;
    /* ABI 5, ER_BOOT_F_PERSISTENT only (else zero): the staging area, page aligned, at the top
     * of RAM ([staging_gpa, mem_size)).  The host writes each new domain's app ELF and args blob
     * there before answering ER_HC_DOMAIN_POLL with ER_POLL_ADD; the guest copies them into its
     * own memory once, then checks and measures only its copy.  Under SEV the area is shared. */
    uint64_t staging_gpa;
    uint64_t staging_size;
};

/* ABI 4: what the host tells the guest per run.  Shared (C-bit clear) and never measured: under
 * SEV the host chooses all of it, so the guest uses it only where a lie costs the guest nothing
 * it relies on (clock, the verifier's nonce, entropy mixed with its own). */
#define ER_HINTS_MAGIC 0x53544e4948524e45ull /* "ENRHINTS" little-endian */
struct er_host_hints {
    uint64_t magic;       /* ER_HINTS_MAGIC */
    uint64_t tsc_khz;     /* guest TSC frequency, 0 if unknown */
    uint64_t realtime_ns; /* CLOCK_REALTIME when the launcher started the vCPU */
    uint32_t flags;       /* ER_BOOT_F_TSC_STABLE */
    uint32_t nonce_len;   /* 0, or ER_NONCE_MIN..ER_NONCE_MAX with --attest */
    uint8_t entropy[32];  /* seed from the host's getrandom(): AT_RANDOM, guest DRBG */
    uint8_t nonce[64];    /* the verifier's challenge, bound into REPORT_DATA */
};
#define ER_NONCE_MIN 8u
#define ER_NONCE_MAX 64u

/* ---- Domains (ABI 2): one per app, each its own protection domain --------------------------- */
#define ER_MAX_DOMAINS 64u
#define ER_DOMAIN_NAME_MAX 32u

/* Isolation backend: requested per domain by the launcher, reported back at domain exit. */
enum er_isolation {
    ER_ISO_AUTO = 0, /* MPK when the CPU has PKU and the app is relocatable, else page tables */
    ER_ISO_PAGETABLE = 1, /* its own address space */
    ER_ISO_MPK = 2        /* a protection key in a shared address space (issue #4) */
};

struct er_domain_desc {
    char name[ER_DOMAIN_NAME_MAX]; /* printable ASCII, NUL-padded; unique in the enclave */
    uint64_t app_gpa;              /* raw ELF bytes of the app */
    uint64_t app_size;
    uint64_t args_gpa;  /* argc strings then envc strings, each NUL-terminated, back to back */
    uint64_t args_size; /* bytes used in the blob */
    uint32_t argc;      /* argv[0] is the app's name or path as the user gave it */
    uint32_t envc;
    uint64_t fs_gpa; /* er-fs image (libos-abi/er_fs.h) of the domain's read-only tree, or 0 */
    uint64_t fs_size;
    uint64_t mem_limit; /* bytes of RAM the domain may hold (frames, incl. page tables), reserved
                           for it at boot; 0 = no limit: it shares what no limit reserved */
    uint32_t isolation; /* er_isolation requested */
    uint32_t flags;     /* zero */
    uint64_t reserved[4];
};

/* ---- Hypercalls ------------------------------------------------------------------------- */
#define ER_HC_PORT_BASE 0x500u
enum er_hypercall {
    ER_HC_CONSOLE_WRITE = 1, /* struct er_hc_console_write */
    ER_HC_EXIT = 2,          /* struct er_hc_exit; does not return */
    ER_HC_TIME = 3,          /* struct er_hc_time */
    ER_HC_LOG = 4,           /* struct er_hc_log: a line from the guest kernel for the host log */
    ER_HC_DOMAIN_EXIT = 5,   /* ABI 2: struct er_hc_domain_exit: one domain ended; the VM goes on */
    ER_HC_GUEST_REQUEST = 6, /* ABI 4, ER_CC_SIM only: struct er_hc_guest_request */
    ER_HC_EVIDENCE = 7,      /* ABI 4, --attest: struct er_hc_evidence */
    ER_HC_DOMAIN_POLL = 8,   /* ABI 5, ER_BOOT_F_PERSISTENT: struct er_hc_domain_poll */
    ER_HC_NET = 9,           /* ABI 5 amendment (issue 19): struct er_hc_net, a socket operation */
    ER_HC_MAX = 10
};

enum er_stream { ER_STREAM_STDOUT = 1, ER_STREAM_STDERR = 2 };

struct er_hc_console_write {
    uint32_t stream; /* er_stream */
    uint32_t domain; /* app/domain index, 0 for the first app */
    uint64_t gpa;    /* bytes to write */
    uint64_t len;
    int64_t ret; /* out: bytes written or -errno */
};

/* Why the guest ended. */
enum er_exit_reason {
    ER_EXIT_NORMAL = 0,  /* the app called exit/exit_group: status is its exit code */
    ER_EXIT_SIGNAL = 1,  /* the app was killed: signal, fault_addr, rip, error_code say why */
    ER_EXIT_PANIC = 2,   /* the unikernel itself failed: message says why */
    ER_EXIT_REFUSED = 3, /* ABI 3, ER_HC_DOMAIN_EXIT only: the guest would not start this domain
                            (its app, limit or isolation): message says why; the others run */
};

struct er_hc_exit {
    uint32_t reason;      /* er_exit_reason */
    int32_t status;       /* exit code (NORMAL) */
    uint32_t signal;      /* Linux signal number (SIGNAL) */
    uint32_t vector;      /* x86 exception vector that caused it, or 0xFFFFFFFF */
    uint64_t fault_addr;  /* CR2 for page faults, else 0 */
    uint64_t rip;         /* faulting user rip */
    uint64_t error_code;  /* x86 exception error code */
    uint64_t message_gpa; /* optional NUL-free text, e.g. "page fault: write to unmapped page" */
    uint64_t message_len; /* at most ER_MESSAGE_MAX */
    uint32_t domain;
    uint32_t pad;
};
#define ER_MESSAGE_MAX 256u

/* ABI 2: a domain ended (exit, kill).  Its output is flushed before this call.  When every domain
 * has ended the guest issues ER_HC_EXIT (reason NORMAL, status 0); the launcher derives its own
 * exit status from the domains' (docs/launcher.md).  ER_HC_EXIT with reason PANIC still ends
 * everything at once. */
struct er_hc_domain_exit {
    struct er_hc_exit exit;  /* reason NORMAL, SIGNAL or REFUSED; exit.domain is its index */
    uint64_t run_ns;         /* time from the domain's first entry to its end (guest clock) */
    uint64_t peak_mem_bytes; /* most RAM the domain held at once */
    uint32_t isolation;      /* er_isolation the domain actually got (PAGETABLE or MPK) */
    uint32_t pkey;           /* its protection key under MPK (1..ER_MPK_KEYS), else 0 */
    uint32_t mpk_space;      /* under MPK: which shared address space (0, 1, ...), else 0 */
    uint32_t pad1;
    uint64_t reserved[2];
};
/* MPK (issue #4): keys 1..15 go to domains, key 0 to nothing (docs/mpk.md "Layout"). */
#define ER_MPK_KEYS 15u

struct er_hc_time {
    uint64_t monotonic_ns; /* out: CLOCK_MONOTONIC of the host */
    uint64_t realtime_ns;  /* out: CLOCK_REALTIME of the host */
    uint64_t tsc;          /* out: guest TSC value at the moment the host read the clocks */
};

struct er_hc_log {
    uint64_t gpa; /* text, no NUL needed */
    uint64_t len; /* at most ER_MESSAGE_MAX */
};

/* ABI 4: an SNP guest request (docs/sev.md "Guest requests").  On SNP hardware the guest sends
 * it with the GHCB (VMGEXIT, SW_EXITCODE 0x8000_0011, EXITINFO1/2 = the two GPAs); under
 * ER_CC_SIM the same two shared pages go to the software PSP through this hypercall.  The bytes
 * in them are the SNP firmware ABI's message format (libos-abi/snp_guest_msg.h). */
struct er_hc_guest_request {
    uint64_t request_gpa;  /* ER_GPA_GUEST_REQ */
    uint64_t response_gpa; /* ER_GPA_GUEST_RESP */
    uint64_t fw_error;     /* out: 0, or the firmware status (SEV_RET_*) */
};

/* ABI 4: the enclave's measurement log and (under SNP and sim) the report that binds it,
 * computed by the guest after it has loaded every domain and before any runs.  The host only
 * packs it into the evidence bundle (docs/attestation.md); it cannot change it unnoticed. */
#define ER_DIGEST384 48u
#define ER_SNP_REPORT_SIZE 1184u
struct er_evidence_entry {
    char name[ER_DOMAIN_NAME_MAX];  /* as in the domain table */
    uint8_t image[ER_DIGEST384];      /* SHA-384 of the app's ELF bytes */
    uint8_t filesystem[ER_DIGEST384]; /* SHA-384 of its er-fs image (of no bytes without one) */
    uint8_t arguments[ER_DIGEST384];  /* SHA-384 of le32 argc, le32 envc, the args blob */
    uint32_t isolation;               /* er_isolation it got: PAGETABLE or MPK */
    uint32_t pad;
};
struct er_evidence {
    uint32_t count;       /* log entries, in launch order */
    uint32_t report_size; /* 0 (plain KVM) or ER_SNP_REPORT_SIZE */
    uint8_t report_data[64];
    uint8_t report[ER_SNP_REPORT_SIZE];
    struct er_evidence_entry entries[ER_MAX_DOMAINS];
};
struct er_hc_evidence {
    uint64_t gpa;  /* ER_GPA_EVIDENCE */
    uint64_t size; /* sizeof(struct er_evidence) */
    int64_t ret;   /* out: 0, or -errno when the host could not take it */
};

/* ABI 5: a persistent enclave asks the host for work when it idles and on each timer tick that
 * interrupts an app (polling: the guest has no interrupt path from the host; one exit per poll).
 * The host answers with one action; a new domain's images are already in the staging area. */
enum er_poll_action {
    ER_POLL_NONE = 0,     /* nothing to do */
    ER_POLL_ADD = 1,      /* desc describes a new domain, staged; it becomes domain free_slot */
    ER_POLL_KILL = 2,     /* end domain `domain` with `signal` (SIGKILL semantics: no handler) */
    ER_POLL_SHUTDOWN = 3, /* take no more domains: the guest ends (ER_HC_EXIT) once none is live */
    ER_POLL_SIGNAL = 4    /* amendment: send `signal` to domain `domain`'s init as a signal from
                             the host (its handler runs; docs/abi.md "ABI 5 amendments") */
};
#define ER_POLL_NO_SLOT 0xFFFFFFFFu
struct er_hc_domain_poll {
    uint32_t free_slot; /* in: the domain index a new domain would get (the lowest one that is
                           not live), or ER_POLL_NO_SLOT: the host must not answer ADD then */
    uint32_t action;    /* out: er_poll_action */
    uint32_t domain;    /* out: KILL: the domain to end; ADD: free_slot again */
    uint32_t signal;    /* out: KILL: the Linux signal to report (9); SIGNAL: the one to send */
    struct er_domain_desc desc; /* out: ADD: app, args (and an er-fs image, or fs 0) inside
                                   the staging area (docs/abi.md "ABI 5 amendments") */
    uint64_t reserved[2];
};

/* ABI 5 amendment (issue 19, docs/network.md): sockets.  A domain's AF_INET and AF_INET6 sockets
 * are host sockets in the domain's network namespace; the host names them to the guest by small
 * per-domain handles (0 .. ER_NET_MAX_SOCKETS-1) and never shows a host descriptor.  Host sockets
 * never block: the guest blocks its own task and waits for readiness with ER_NET_POLL.  AF_UNIX
 * sockets never reach the host (the guest keeps them).
 *
 * One struct er_hc_net per call.  Addresses are Linux's struct sockaddr_in / sockaddr_in6 bytes,
 * at most ER_NET_ADDR_MAX; data moves through one guest kernel buffer of at most ER_NET_IO_MAX
 * bytes.  `domain` is the calling domain; a handle that is not that domain's gets -EBADF.  ret is
 * the result or -errno (Linux's numbers).  A request that breaks the rules below (unknown op,
 * buf_len or addr_len over the limit, a GPA outside RAM or in the null page, a domain index that
 * is not live) is a guest error: the VM ends, the host is not harmed. */
enum er_net_op {
    ER_NET_SOCKET = 1,   /* a0 family (AF_INET, AF_INET6), a1 type (SOCK_STREAM, SOCK_DGRAM, no
                            flag bits), a2 protocol; ret: the new handle.  Other families:
                            -EAFNOSUPPORT; other types: -EINVAL; over the cap: -EMFILE */
    ER_NET_CLOSE = 2,    /* ret 0 */
    ER_NET_BIND = 3,     /* addr in */
    ER_NET_LISTEN = 4,   /* a0 backlog */
    ER_NET_ACCEPT = 5,   /* ret: the new handle, or -EAGAIN; addr out: the peer's */
    ER_NET_CONNECT = 6,  /* addr in; ret 0 or -EINPROGRESS (then poll for POLLOUT, read SO_ERROR) */
    ER_NET_SEND = 7,     /* buf in, a0 MSG_* flags (the host adds MSG_DONTWAIT|MSG_NOSIGNAL and
                            honours MSG_MORE, MSG_OOB, MSG_EOR only); addr in, or addr_len 0 */
    ER_NET_RECV = 8,     /* buf out, a0 MSG_* flags (MSG_PEEK, MSG_TRUNC, MSG_OOB honoured); ret:
                            bytes; addr out: the sender (addr_len 0 when none); a1 out: msg_flags */
    ER_NET_SHUTDOWN = 9, /* a0 how (SHUT_RD, SHUT_WR, SHUT_RDWR) */
    ER_NET_SOCKNAME = 10, /* addr out */
    ER_NET_PEERNAME = 11, /* addr out */
    ER_NET_SETOPT = 12,  /* a0 level, a1 name, buf in (the value, buf_len bytes); options the host
                            does not list (docs/network.md) get -ENOPROTOOPT */
    ER_NET_GETOPT = 13,  /* a0 level, a1 name, buf out (buf_len room); ret: the value's length */
    ER_NET_POLL = 14,    /* buf: er_net_pollfd[a0] (a0 <= ER_NET_POLL_MAX, any domains'), in
                            events, out revents (POLLIN, POLLOUT, POLLPRI, POLLERR, POLLHUP,
                            POLLRDHUP); waits up to timeout_ns (0: not at all) for one to be
                            ready; ret: how many have revents.  An entry whose handle is not its
                            domain's gets POLLNVAL */
    ER_NET_FIONREAD = 15 /* ret: bytes readable now (ioctl FIONREAD) */
};
#define ER_NET_ADDR_MAX 128u     /* sizeof(struct sockaddr_storage) */
#define ER_NET_IO_MAX 65536u     /* bytes per SEND/RECV, option bytes per SETOPT/GETOPT */
#define ER_NET_POLL_MAX 256u     /* entries per POLL */
#define ER_NET_MAX_SOCKETS 128u  /* host sockets per domain at once */
struct er_net_pollfd {
    uint32_t domain;
    int32_t handle;
    uint16_t events;  /* in: POLL* bits */
    uint16_t revents; /* out */
    uint32_t pad;
};
struct er_hc_net {
    uint32_t op;     /* er_net_op */
    uint32_t domain; /* the calling domain (POLL: ignored, each entry names its own) */
    int32_t handle;  /* the domain's socket, or -1 (SOCKET, POLL) */
    uint32_t pad0;
    int64_t a0, a1, a2;  /* per op, above */
    uint64_t buf_gpa;    /* data, option value or pollfd array */
    uint64_t buf_len;    /* <= ER_NET_IO_MAX (POLL: ignored, a0 entries) */
    uint64_t addr_gpa;   /* a sockaddr of ER_NET_ADDR_MAX bytes of room */
    uint32_t addr_len;   /* in: the address's bytes (0: none); out: its length */
    uint32_t pad1;
    uint64_t timeout_ns; /* POLL: the longest the host may wait; it may return sooner */
    int64_t ret;         /* out: result or -errno */
    uint64_t reserved[2];
};

#ifdef __cplusplus
static_assert(sizeof(er_hc_domain_poll) == 168, "er_hc_domain_poll layout is ABI");
static_assert(sizeof(er_hc_net) == 104, "er_hc_net layout is ABI");
static_assert(sizeof(er_net_pollfd) == 16, "er_net_pollfd layout is ABI");
static_assert(sizeof(er_host_hints) == 128, "er_host_hints layout is ABI");
static_assert(sizeof(er_hc_guest_request) == 24, "er_hc_guest_request layout is ABI");
static_assert(sizeof(er_evidence_entry) == 184, "er_evidence_entry layout is ABI");
static_assert(sizeof(er_evidence) <= ER_EVIDENCE_PAGES * 4096ull, "er_evidence fits its pages");
static_assert(sizeof(er_hc_evidence) == 24, "er_hc_evidence layout is ABI");
static_assert(sizeof(er_boot_info) == 256, "er_boot_info layout is ABI");
static_assert(sizeof(er_domain_desc) == 136, "er_domain_desc layout is ABI");
static_assert(sizeof(er_hc_domain_exit) == 112, "er_hc_domain_exit layout is ABI");
static_assert(sizeof(er_hc_console_write) == 32, "er_hc_console_write layout is ABI");
static_assert(sizeof(er_hc_exit) == 64, "er_hc_exit layout is ABI");
static_assert(sizeof(er_hc_time) == 24, "er_hc_time layout is ABI");
static_assert(sizeof(er_hc_log) == 16, "er_hc_log layout is ABI");
#endif

#endif /* ENCLAVE_ABI_H */
