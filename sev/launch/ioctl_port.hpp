// The one door the kernel launches (kernel_launch.hpp) use to the kernel: every ioctl of a launch
// goes through an IoctlPort, so a test double can record the exact sequence and every argument
// (tests/unit/sev/recording_ioctl_port.hpp) where no SEV hardware exists.
#pragma once

namespace er::sev {

class IoctlPort {
  public:
    virtual ~IoctlPort() = default;
    // Same contract as ioctl(2): the result, or -1 with errno set.  `arg` is the pointer (or, for
    // _IO requests such as KVM_CREATE_VM, the integer) the request takes.
    virtual int ioctl(int fd, unsigned long request, void* arg) = 0;
};

// The real kernel.
class SystemIoctlPort final : public IoctlPort {
  public:
    int ioctl(int fd, unsigned long request, void* arg) override;
};

}  // namespace er::sev
