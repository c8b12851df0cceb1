#include "net/unix/unix_names.hpp"

#include "lib/string.hpp"
#include "sys/errno.hpp"

namespace uk::net::un {

int parse(const SockAddr& a, bool for_bind, Addr* out) {
    if (a.len < 2) return -kEINVAL;
    if (a.family() != kAfUnix) return for_bind ? -kEAFNOSUPPORT : -kEINVAL;
    if (a.len > 2 + kSunPathMax) return -kEINVAL;
    uint32_t n = a.len - 2;
    const char* p = reinterpret_cast<const char*>(a.bytes + 2);
    if (n == 0) {
        if (!for_bind) return -kEINVAL;
        *out = Addr{Addr::Kind::autobind, 0, p};
        return 0;
    }
    if (p[0] == '\0') {
        *out = Addr{Addr::Kind::abstract, n - 1, p + 1};
        return 0;
    }
    // A path ends at its first NUL, or at the address's end (Linux accepts both).
    uint32_t len = 0;
    while (len < n && p[len] != '\0') len++;
    *out = Addr{Addr::Kind::path, len, p};
    return 0;
}

void abstract_key(const char* bytes, uint32_t len, Key* key, Name* name) {
    *key = Key{};
    key->kind = Key::Kind::abstract;
    key->len = uint8_t(len);
    memcpy(key->bytes, bytes, len);
    name->len = uint8_t(len + 1);
    name->path[0] = '\0';
    memcpy(name->path + 1, bytes, len);
}

bool path_key(fs::NodeRef dir, const char* last, uint32_t last_len, const Addr& a, Key* key,
              Name* name) {
    if (last_len > kSunPathMax) return false;
    *key = Key{};
    key->kind = Key::Kind::path;
    key->dir = dir;
    key->len = uint8_t(last_len);
    memcpy(key->bytes, last, last_len);
    // Linux shows sun_path as bound with its NUL (the +1 in unix_mkname_bsd).
    name->len = uint8_t(a.len + 1);
    memcpy(name->path, a.bytes, a.len);
    name->path[a.len] = '\0';
    return true;
}

UnixSocket* find_bound(fs::FilePool& pool, const Key& key) {
    if (key.kind == Key::Kind::none) return nullptr;
    for (int i = 0; i < fs::kMaxOpenFiles; i++) {
        fs::OpenFile* f = pool.at(i);
        if (f->kind != fs::FileKind::socket_unix || f->obj == nullptr) continue;
        auto* s = static_cast<UnixSocket*>(f->obj);
        if (s->key == key) return s;
    }
    return nullptr;
}

bool unbind(fs::FilePool& pool, const Key& key) {
    UnixSocket* s = find_bound(pool, key);
    if (s == nullptr) return false;
    s->key.kind = Key::Kind::none;
    return true;
}

bool autobind_name(fs::FilePool& pool, uint32_t* next, Key* key, Name* name) {
    static const char kHex[] = "0123456789abcdef";
    for (uint32_t tries = 0; tries < (1u << 20); tries++) {
        uint32_t v = (*next)++ & 0xFFFFF;
        char b[5];
        for (int i = 4; i >= 0; i--, v >>= 4) b[i] = kHex[v & 0xF];
        abstract_key(b, 5, key, name);
        if (find_bound(pool, *key) == nullptr) return true;
    }
    return false;
}

void to_sockaddr(const Name& n, SockAddr* out) {
    out->bytes[0] = uint8_t(kAfUnix);
    out->bytes[1] = 0;
    memcpy(out->bytes + 2, n.path, n.len);
    out->len = 2 + n.len;
}

}  // namespace uk::net::un
