// The directory where enclave-run keeps host-wide state shared between launchers (today: the ASID
// slots, sev/asid/asid_budget.hpp).  Other users must not be able to plant or swap anything in
// it, so it is refused, in one line naming it, when it is a symlink, not a directory, owned by
// another user, or writable by group or others.  Everything below it is opened relative to its fd
// with O_NOFOLLOW, so checking the one directory checks the whole tree.
#pragma once

#include <sys/types.h>

#include <stdexcept>
#include <string>

#include "launcher/common/unique_fd.hpp"

namespace er::sev::asid {

// Raised for a state directory or slot that cannot be used: one line naming the path and, where
// the OS said why, the errno text.
class AsidError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

inline constexpr const char* kStateDirEnv = "ENCLAVE_RUN_STATE_DIR";

// The state directory by the rule in docs/sev.md "ASID accounting": `configured`
// ($ENCLAVE_RUN_STATE_DIR) when set, else /run/enclave-run for root, else
// $XDG_RUNTIME_DIR/enclave-run (when that is an absolute path), else /tmp/enclave-run-UID.
// Null or empty strings count as unset.  Pure, for the tests.
std::string choose_state_dir(const char* configured, uid_t euid, const char* xdg_runtime_dir);
// The same for this process: its environment and effective uid.
std::string default_state_dir();

// Opens `name` under `parent_fd` (AT_FDCWD for a path) as a private directory, after creating it
// with mode 0700 when `create` and it is missing.  Without `create`, a missing directory gives an
// invalid fd (nothing to look at yet).  `shown` is the full path, for the error line.  Throws
// AsidError for an unsafe directory or any other failure.
launcher::UniqueFd open_private_dir(int parent_fd, const std::string& name,
                                    const std::string& shown, bool create);

}  // namespace er::sev::asid
