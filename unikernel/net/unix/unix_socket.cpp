// Placeholder until the guest's AF_UNIX sockets land (net/unix/unix_socket.hpp): every call says
// the family is not supported, so the tree builds and links.
#include "net/unix/unix_socket.hpp"

#include "sys/errno.hpp"

namespace uk::net {

int64_t unix_socket(uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_socketpair(uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_bind(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_listen(fs::OpenFile*, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_accept(fs::OpenFile*, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_connect(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_sendto(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_recvfrom(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_sendmsg(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_recvmsg(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_shutdown(fs::OpenFile*, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_getsockname(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_getpeername(fs::OpenFile*, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_setsockopt(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_getsockopt(fs::OpenFile*, uint64_t, uint64_t, uint64_t, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_recv(fs::OpenFile*, const UserMsg&, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_send(fs::OpenFile*, const UserMsg&, uint64_t) {
    return -kEAFNOSUPPORT;
}
int64_t unix_fionread(fs::OpenFile*) {
    return -kEAFNOSUPPORT;
}
uint32_t unix_ready_mask(fs::DomainFiles&, fs::OpenFile*, uint32_t* gen) {
    *gen = 0;
    return 0;
}
void unix_release(fs::DomainFiles&, fs::OpenFile*) {}

}  // namespace uk::net
