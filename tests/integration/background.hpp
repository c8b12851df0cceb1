// A program that runs while a test talks to it (a server in a domain, a native server for a
// domain's client): its stdout and stderr go to files in the scratch directory, and it is killed
// with its whole process group when the test is done with it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace er::test {

class Background {
  public:
    // Starts argv in a process group of its own; `name` names kScratch/NAME.out and NAME.err.
    Background(const std::vector<std::string>& argv, const std::string& name);
    ~Background();  // SIGKILL to the group if it still runs
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    bool running();
    // Waits up to timeout_s for the exit: the status as Result.status gives it (128+N for a
    // signal), or -1 after killing it when the time ran out.
    int wait(int timeout_s);
    void kill_now();
    std::string out() const;
    std::string err() const;

  private:
    pid_t pid_ = -1;
    int status_ = -1;
    std::string out_path_, err_path_;
};

}  // namespace er::test
