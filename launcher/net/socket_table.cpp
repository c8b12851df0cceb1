#include "launcher/net/socket_table.hpp"

#include <cerrno>

namespace er::launcher {

int SocketTable::insert(UniqueFd fd, int family, int type) {
    for (uint32_t h = 0; h < slots_.size(); ++h) {
        if (slots_[h].fd.valid()) continue;
        slots_[h] = HostSocket{std::move(fd), family, type};
        count_++;
        return static_cast<int>(h);
    }
    return -EMFILE;
}

HostSocket* SocketTable::find(int64_t handle) {
    if (handle < 0 || handle >= static_cast<int64_t>(slots_.size())) return nullptr;
    HostSocket& s = slots_[static_cast<size_t>(handle)];
    return s.fd.valid() ? &s : nullptr;
}

bool SocketTable::erase(int64_t handle) {
    HostSocket* s = find(handle);
    if (s == nullptr) return false;
    *s = HostSocket{};
    count_--;
    return true;
}

void SocketTable::clear() {
    for (HostSocket& s : slots_) s = HostSocket{};
    count_ = 0;
}

}  // namespace er::launcher
