#include "background.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "harness.hpp"

namespace er::test {
namespace {

int decode(int ws) {
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

}  // namespace

Background::Background(const std::vector<std::string>& argv, const std::string& name)
    : out_path_(kScratch + "/" + name + ".out"), err_path_(kScratch + "/" + name + ".err") {
    mkdir(kScratch.c_str(), 0755);
    std::vector<char*> cargv;
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    if (pid_ == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0) _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        for (int fd : {in, out, err})
            if (fd > 2) close(fd);
        execv(cargv[0], cargv.data());
        dprintf(2, "exec %s: %s\n", cargv[0], strerror(errno));
        _exit(127);
    }
    setpgid(pid_, pid_);  // no window where a kill of the group misses the child
}

Background::~Background() {
    kill_now();
}

void Background::kill_now() {
    if (pid_ < 0) return;
    kill(-pid_, SIGKILL);
    int ws = 0;
    if (waitpid(pid_, &ws, 0) == pid_) status_ = decode(ws);
    pid_ = -1;
}

bool Background::running() {
    if (pid_ < 0) return false;
    int ws = 0;
    if (waitpid(pid_, &ws, WNOHANG) != pid_) return true;
    status_ = decode(ws);
    kill(-pid_, SIGKILL);  // whatever it left behind in its group
    pid_ = -1;
    return false;
}

int Background::wait(int timeout_s) {
    for (int i = 0; i < timeout_s * 20 && running(); i++) {
        timespec ts{0, 50 * 1000 * 1000};
        nanosleep(&ts, nullptr);
    }
    if (!running()) return status_;
    kill_now();
    return -1;
}

std::string Background::out() const {
    return read_file(out_path_);
}

std::string Background::err() const {
    return read_file(err_path_);
}

}  // namespace er::test
