#include "launcher/oci/hooks.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "launcher/common/error.hpp"
#include "launcher/common/unique_fd.hpp"

namespace er::launcher::oci {
namespace {

using nlohmann::json;

constexpr size_t kMaxHookOutput = 4096;  // what of a failing hook's output goes into the error

[[noreturn]] void refuse(const std::string& kind, const std::string& why) {
    throw Error("config.json: hooks." + kind + " " + why);
}

std::vector<std::string> strings(const json& obj, const char* key, const std::string& kind) {
    std::vector<std::string> out;
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return out;
    if (!it->is_array()) refuse(kind, std::string(key) + " must be an array of strings");
    for (const json& s : *it) {
        if (!s.is_string()) refuse(kind, std::string(key) + " must be an array of strings");
        out.push_back(s.get<std::string>());
    }
    return out;
}

// The hook's exit: 0 = success; otherwise why, for the error line.
std::string wait_hook(pid_t pid, std::optional<int> timeout_s, int out_fd, std::string& output) {
    timespec start{};
    ::clock_gettime(CLOCK_MONOTONIC, &start);
    bool open = true;
    for (;;) {
        int st = 0;
        pid_t r = ::waitpid(pid, &st, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return "";
            if (WIFEXITED(st)) return "exit status " + std::to_string(WEXITSTATUS(st));
            return "killed by signal " + std::to_string(WTERMSIG(st));
        }
        if (timeout_s) {
            timespec now{};
            ::clock_gettime(CLOCK_MONOTONIC, &now);
            int64_t elapsed_ms =
                (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
            if (elapsed_ms >= int64_t{*timeout_s} * 1000) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, nullptr, 0);
                return "timed out after " + std::to_string(*timeout_s) + " s";
            }
        }
        if (open) {
            pollfd p{out_fd, POLLIN, 0};
            if (::poll(&p, 1, 10) > 0) {
                char buf[512];
                ssize_t n = ::read(out_fd, buf, sizeof buf);
                if (n > 0 && output.size() < kMaxHookOutput) output.append(buf, size_t(n));
                if (n == 0) open = false;
            }
        } else {
            timespec ms{0, 10000000};
            ::nanosleep(&ms, nullptr);
        }
    }
}

void run_hook(const Hook& h, const std::string& kind, const std::string& state_json) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) throw_errno("pipe failed");
    UniqueFd in_r(in[0]), in_w(in[1]), out_r(out[0]), out_w(out[1]);
    std::vector<std::string> args = h.args.empty() ? std::vector<std::string>{h.path} : h.args;
    std::vector<char*> argv, envp;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const std::string& e : h.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork failed");
    if (pid == 0) {
        ::dup2(in_r.get(), 0);
        ::dup2(out_w.get(), 1);
        ::dup2(out_w.get(), 2);
        ::execve(h.path.c_str(), argv.data(), envp.data());
        ::_exit(127);
    }
    in_r.reset();
    out_w.reset();
    // The state is small (well under a pipe's buffer); a hook that never reads it still runs.
    signal(SIGPIPE, SIG_IGN);
    (void)!::write(in_w.get(), state_json.data(), state_json.size());
    in_w.reset();
    std::string output;
    std::string why = wait_hook(pid, h.timeout_s, out_r.get(), output);
    if (why.empty()) return;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    throw Error(kind + " hook " + h.path + ": " + why + (output.empty() ? "" : ": " + output));
}

}  // namespace

std::vector<Hook> parse_hooks(const json& list, const std::string& kind) {
    std::vector<Hook> hooks;
    if (list.is_null()) return hooks;
    if (!list.is_array()) refuse(kind, "must be an array");
    for (const json& h : list) {
        if (!h.is_object() || !h.contains("path") || !h["path"].is_string()) {
            refuse(kind, "entry without a path");
        }
        Hook hook;
        hook.path = h["path"].get<std::string>();
        if (hook.path.empty() || hook.path[0] != '/')
            refuse(kind, "path " + hook.path + " is not absolute");
        hook.args = strings(h, "args", kind);
        hook.env = strings(h, "env", kind);
        if (h.contains("timeout") && !h["timeout"].is_null()) {
            if (!h["timeout"].is_number_integer() || h["timeout"].get<int64_t>() <= 0) {
                refuse(kind, "timeout must be a positive integer");
            }
            hook.timeout_s =
                static_cast<int>(std::min<int64_t>(h["timeout"].get<int64_t>(), 1 << 30));
        }
        hooks.push_back(std::move(hook));
    }
    return hooks;
}

json hooks_to_json(const std::vector<Hook>& hooks) {
    json out = json::array();
    for (const Hook& h : hooks) {
        json j = {{"path", h.path}, {"args", h.args}, {"env", h.env}};
        if (h.timeout_s) j["timeout"] = *h.timeout_s;
        out.push_back(j);
    }
    return out;
}

void run_hooks(const std::vector<Hook>& hooks, const std::string& kind,
               const std::string& state_json) {
    for (const Hook& h : hooks) run_hook(h, kind, state_json);
}

}  // namespace er::launcher::oci
