// A domain's AF_UNIX name space: which socket a sockaddr_un names.  A name belongs to the socket
// bound to it, and the bound sockets of a domain are exactly the socket_unix descriptions in its
// FilePool, so the pool is the name space: one per domain, shared by all its processes, never
// seen by another domain, and a name goes with its socket's last descriptor.  Pathnames make no
// inode in the tree: a bound path is not listed by getdents or stat, and unlink(path) only
// removes the binding (unbind).  Pure code, unit-tested on the host.
#pragma once

#include <stdint.h>

#include "fs/fd_table.hpp"
#include "net/unix/unix_obj.hpp"
#include "net/user_msg.hpp"

namespace uk::net::un {

constexpr uint16_t kAfUnix = 1;

// A sockaddr_un as the app gave it, checked.
struct Addr {
    enum class Kind : uint8_t { autobind, path, abstract } kind;
    uint32_t len;       // path: bytes before the NUL; abstract: bytes after the first NUL
    const char* bytes;  // into the SockAddr (path: its sun_path; abstract: after the NUL)
};

// Splits a sockaddr_un: 0, -EINVAL (too short for connect/sendto, an empty path, over
// sizeof(struct sockaddr_un)), -EAFNOSUPPORT (another family, as Linux's bind; connect gives
// EINVAL there too, as Linux).  A family-only address is `autobind` (bind picks an abstract name).
int parse(const SockAddr& a, bool for_bind, Addr* out);

// An abstract address's key and name (also for autobind's generated ones).
void abstract_key(const char* bytes, uint32_t len, Key* key, Name* name);
// A path's key: its directory and last component (the caller resolves it); name is the path as
// given, NUL-terminated, as getsockname shows it.  False when the last component is too long.
bool path_key(fs::NodeRef dir, const char* last, uint32_t last_len, const Addr& a, Key* key,
              Name* name);

// The socket bound to key in the domain's pool, or nullptr.
UnixSocket* find_bound(fs::FilePool& pool, const Key& key);
// unlink(2) of a pathname: drops the binding of the socket bound there.  True when one was.
bool unbind(fs::FilePool& pool, const Key& key);
// autobind's name: "\0" and five hex digits, the first of `*next` onwards not yet bound in pool
// (false when all 2^20 are).
bool autobind_name(fs::FilePool& pool, uint32_t* next, Key* key, Name* name);

// What getsockname/getpeername write: the family, then the name (nothing more when unnamed).
void to_sockaddr(const Name& n, SockAddr* out);

}  // namespace uk::net::un
