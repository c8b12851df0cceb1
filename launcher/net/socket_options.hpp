// Which socket options a domain may set and read on its host sockets (ER_NET_SETOPT/GETOPT), and
// the per-socket buffer cap that bounds a domain's buffered bytes (docs/network.md "Host side").
#pragma once

#include <cstdint>

namespace er::launcher {

// SO_RCVBUF and SO_SNDBUF: every host socket starts with this much (so the kernel's autotuning,
// which could grow a buffer to megabytes, is off) and a domain may ask for less, never more.  The
// kernel doubles the value for its bookkeeping, so one socket holds at most 2 x 2 x this many
// bytes queued (receive and send): with ER_NET_MAX_SOCKETS sockets, a domain's buffered bytes stay
// under 128 x 512 KiB = 64 MiB.
constexpr int kSocketBufferCap = 128 * 1024;

// The whitelist: SOL_SOCKET SO_REUSEADDR, SO_REUSEPORT, SO_KEEPALIVE, SO_RCVBUF, SO_SNDBUF,
// SO_ERROR, SO_TYPE, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, SO_LINGER, SO_BROADCAST,
// SO_OOBINLINE; IPPROTO_TCP TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_CORK,
// TCP_QUICKACK, TCP_INFO; IPPROTO_IPV6 IPV6_V6ONLY; IPPROTO_IP IP_TOS, IP_TTL.  Read-only ones
// (SO_ERROR, TCP_INFO, ...) are listed for both: the kernel refuses setting them itself.
bool socket_option_allowed(int level, int name);

// The value the host sets for a whitelisted option: SO_RCVBUF and SO_SNDBUF clamped to
// [0, kSocketBufferCap]; every other value unchanged.
int clamp_buffer_option(int level, int name, int value);

}  // namespace er::launcher
