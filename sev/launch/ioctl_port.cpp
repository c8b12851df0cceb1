#include "sev/launch/ioctl_port.hpp"

#include <sys/ioctl.h>

namespace er::sev {

int SystemIoctlPort::ioctl(int fd, unsigned long request, void* arg) {
    return ::ioctl(fd, request, arg);
}

}  // namespace er::sev
