// The launcher's one error type.  Every failure the user can see is one line: which thing failed
// (a file, an ioctl, a guest address), what went wrong, and the errno text when the OS said why.
#pragma once

#include <stdexcept>
#include <string>

namespace er::launcher {

class Error : public std::runtime_error {
  public:
    // `which` names the subject (a path, "KVM_CREATE_VM", "APP"); empty when there is none.
    // `err` is an errno value, 0 when the failure did not come from the OS.
    // what() is the line escaped (escape.hpp): paths and names come from the user's files and
    // may hold any byte, but the line printed must stay one harmless line.
    Error(std::string what, std::string which = {}, int err = 0);

    const std::string& which() const { return which_; }
    int err() const { return err_; }
    // The line before escaping, for a caller that words it into an Error of its own (so it is
    // escaped once, not twice).
    const std::string& text() const { return text_; }

  private:
    std::string which_;
    int err_;
    std::string text_;
};

// A guest broke the hypercall protocol or the VM stopped in a way the launcher cannot serve.
// Caught by the vCPU loop, which adds the guest rip and ends the VM (never the host).
class GuestError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Throws Error(what, which, errno) for the current errno.
[[noreturn]] void throw_errno(std::string what, std::string which = {});

}  // namespace er::launcher
