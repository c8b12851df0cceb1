// Placeholder (replaced by the forwarding implementation).
#include "net/inet/inet_socket.hpp"
#include "sys/errno.hpp"
namespace uk::net {
int64_t inet_bind(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_listen(fs::OpenFile*, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_accept(fs::OpenFile*, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_connect(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_sendto(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_recvfrom(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_sendmsg(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_recvmsg(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_shutdown(fs::OpenFile*, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_getsockname(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_getpeername(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_setsockopt(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_getsockopt(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_recv(fs::OpenFile*, const UserMsg&, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_send(fs::OpenFile*, const UserMsg&, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t inet_fionread(fs::OpenFile*) {
    return -kEAFNOSUPPORT;
}
int64_t inet_socket(uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
uint32_t inet_ready_mask(fs::DomainFiles&, fs::OpenFile*, uint32_t* gen) {
    *gen = 0;
    return 0;
}
void inet_release(fs::DomainFiles&, fs::OpenFile*) {}
}  // namespace uk::net
