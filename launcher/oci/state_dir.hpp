// A container's directory under --root: <root>/<id>/ holds `lock` (flock'd by every command that
// changes the container, so concurrent creates, starts, kills and deletes of one id are
// serialised), `state.json` (written to a temporary name, fsync'd and renamed: a reader sees
// the old or the new record, never half of one) and `exec.fifo`, the start gate (present from
// create to start).  delete removes all three and the directory.
#pragma once

#include <string>
#include <vector>

#include "launcher/common/unique_fd.hpp"
#include "launcher/oci/container_state.hpp"

namespace er::launcher::oci {

class ContainerDir {
  public:
    // Creates <root> (0700, parents too) and <root>/<id> and takes its lock.  Throws Error
    // "container with id exists: ID" when the id is taken.
    static ContainerDir create(const std::string& root, const std::string& id);
    // Takes the lock of an existing container.  Throws Error "container does not exist: ID"
    // (the shim matches "does not exist") when there is none, or it was deleted while this
    // waited for the lock.
    static ContainerDir open(const std::string& root, const std::string& id);

    const std::string& path() const { return path_; }
    std::string fifo_path() const { return path_ + "/exec.fifo"; }
    bool gate_exists() const;

    void write_state(const ContainerState& s) const;
    ContainerState read_state() const;
    // Status of the recorded container process (container_state.hpp).
    Status status(const ContainerState& s) const;
    // Removes every file and the directory; the lock is released when this object goes.
    void remove() const;
    // The lock's descriptor, so a forked child can close it (it must not hold the lock).
    int lock_fd() const { return lock_.get(); }

  private:
    ContainerDir(std::string path, UniqueFd lock)
        : path_(std::move(path)), lock_(std::move(lock)) {}
    std::string path_;
    UniqueFd lock_;
};

// The ids under `root` (directories holding a state.json), sorted; empty if `root` is missing.
std::vector<std::string> list_container_ids(const std::string& root);

// Writes `text` to `path` atomically: ".NAME" in the same directory, fsync, rename.
void write_file_atomically(const std::string& path, const std::string& text, unsigned mode);

}  // namespace er::launcher::oci
