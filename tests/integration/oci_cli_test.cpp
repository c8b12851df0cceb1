// enclave-run-oci driven as containerd's runc shim drives it (docs/oci.md): the exact global
// flags (--root, --log FILE --log-format json), create with a bundle and a pid file, start,
// state, kill, delete.  As the shim does, this process is a child subreaper, so the container
// process (left behind by create) is its to wait for, and create's stdout/stderr (the
// container's) are files here where the shim has pipes.
//   HostOnly.Oci*: no VM is started (features, errors, refusals at create, a created container
//   deleted: those containers take the isolated-VM opt-out, whose create loads without KVM; a
//   shared host that cannot start; `enclave-run list` and a dead host's folder); Oci.*: the
//   containers run as domains of a shared enclave host, in the test VM.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace er::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kOci = fs::path(kEnclaveRun).parent_path().string() + "/enclave-run-oci";

// A fresh --root, a bundle and its log under the scratch directory, removed at the end; this
// process is a subreaper meanwhile.
class OciFixture {
  public:
    explicit OciFixture(const std::string& name)
        : dir_(kScratch + "/oci-" + name),
          root_("/tmp/er-oci-test-" + std::to_string(::getpid()) + "-" + name) {
        fs::remove_all(dir_);
        fs::remove_all(root_);
        fs::create_directories(bundle() + "/rootfs/bin");
        ::prctl(PR_SET_CHILD_SUBREAPER, 1);
        // A shared host ends 1 s after its last member left (not 0: a new host has no member
        // until its spawner attaches).  A test sets more where it needs the host to stay.
        ::setenv("ENCLAVE_RUN_OCI_IDLE", "1", 1);
    }
    ~OciFixture() {
        ::prctl(PR_SET_CHILD_SUBREAPER, 0);
        ::unsetenv("ENCLAVE_RUN_OCI_IDLE");
        // A host still idling in the root (a failed test) ends by itself; its folder goes now.
        // Hosts are orphans this subreaper adopted: reap those that ended.
        while (::waitpid(-1, nullptr, WNOHANG) > 0) {
        }
        fs::remove_all(dir_);
        fs::remove_all(root_);
    }
    // In /tmp, not the scratch directory: the test VM shares the build tree over 9p, which
    // cannot hold the start gate (a FIFO); docker's own --root is on a tmpfs too.
    std::string root() const { return root_; }
    std::string bundle() const { return dir_ + "/bundle"; }
    std::string log() const { return bundle() + "/log.json"; }
    // The containers of this fixture take the one-VM-each opt-out (run.enclave.isolated-vm).
    bool isolated = false;

    // Puts `host_file` at /bin/NAME in the rootfs and writes config.json running it with `args`.
    void make_bundle(const std::string& host_file, const std::string& name,
                     std::vector<std::string> args, json edit = json::object()) const {
        fs::copy_file(host_file, bundle() + "/rootfs/bin/" + name,
                      fs::copy_options::overwrite_existing);
        args.insert(args.begin(), name);
        json spec = {
            {"ociVersion", "1.0.2-dev"},
            {"process",
             {{"args", args},
              {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
              {"cwd", "/"},
              {"user", {{"uid", 0}, {"gid", 0}}}}},
            {"root", {{"path", "rootfs"}}},
            {"mounts", {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}}}},
            {"linux", json::object()},
        };
        if (isolated) spec["annotations"] = {{"run.enclave.isolated-vm", "true"}};
        spec.merge_patch(edit);
        std::ofstream(bundle() + "/config.json") << spec.dump(2);
    }

    // One runtime call with the shim's global flags.
    Result oci(std::vector<std::string> args) const {
        std::vector<std::string> argv{kOci,  "--root",       root(), "--log",
                                      log(), "--log-format", "json"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv, 60);
    }

    // create, with fds 1 and 2 on files (the container keeps them); returns create's status.
    int create(const std::string& id, const std::string& console_socket = "") const {
        pid_t pid = ::fork();
        if (pid == 0) {
            int out = ::open((dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int err = ::open((dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int in = ::open("/dev/null", O_RDONLY);
            ::dup2(in, 0), ::dup2(out, 1), ::dup2(err, 2);
            std::string b = bundle(), pidf = bundle() + "/init.pid";
            std::string r = root(), l = log();
            if (console_socket.empty()) {
                ::execl(kOci.c_str(), kOci.c_str(), "--root", r.c_str(), "--log", l.c_str(),
                        "--log-format", "json", "create", "--bundle", b.c_str(), "--pid-file",
                        pidf.c_str(), id.c_str(), nullptr);
            }
            ::execl(kOci.c_str(), kOci.c_str(), "--root", r.c_str(), "--log", l.c_str(),
                    "--log-format", "json", "create", "--bundle", b.c_str(), "--pid-file",
                    pidf.c_str(), "--console-socket", console_socket.c_str(), id.c_str(), nullptr);
            ::_exit(127);
        }
        int st = 0;
        ::waitpid(pid, &st, 0);
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
    // Starts `enclave-run-oci ARGS` (the shim's global flags first) without waiting; its stdout
    // and stderr go to the files NAME.out and NAME.err here (a create's are its container's).
    pid_t spawn(const std::string& name, const std::vector<std::string>& args) const {
        std::vector<std::string> argv{kOci,  "--root",       root(), "--log",
                                      log(), "--log-format", "json"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::string out = dir_ + "/" + name + ".out", err = dir_ + "/" + name + ".err";
        pid_t pid = ::fork();
        if (pid == 0) {
            int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int in = ::open("/dev/null", O_RDONLY);
            ::dup2(in, 0), ::dup2(o, 1), ::dup2(e, 2);
            std::vector<char*> v;
            for (std::string& a : argv) v.push_back(a.data());
            v.push_back(nullptr);
            ::execv(kOci.c_str(), v.data());
            ::_exit(127);
        }
        return pid;
    }
    std::string out_of(const std::string& name) const {
        return read_file(dir_ + "/" + name + ".out");
    }
    std::string err_of(const std::string& name) const {
        return read_file(dir_ + "/" + name + ".err");
    }
    pid_t pid_from_file() const { return std::stoi(read_file(bundle() + "/init.pid")); }
    std::string out() const { return read_file(dir_ + "/stdout"); }
    std::string err() const { return read_file(dir_ + "/stderr"); }

    // The last error entry of log.json, as containerd's getLastRuntimeError reads it.
    std::string last_error() const {
        std::ifstream in(log());
        std::string line, msg;
        while (std::getline(in, line)) {
            json j = json::parse(line);  // every line must be one JSON object
            if (j["level"] == "error") msg = j["msg"];
        }
        return msg;
    }
    json state(const std::string& id) const {
        Result r = oci({"state", id});
        EXPECT_EQ(r.status, 0) << r.err;
        return json::parse(r.out);
    }

  private:
    std::string dir_;
    std::string root_;
};

// Sets an environment variable for one test (the runtime reads its settings from there).
struct ScopedEnv {
    std::string name;
    ScopedEnv(const char* n, const char* value) : name(n) { ::setenv(n, value, 1); }
    ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

// `enclave-run list --root ROOT --json`.
json enclave_list(const std::string& root) {
    Result r = run({kEnclaveRun, "list", "--root", root, "--json"});
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

// Whether `dir` is empty within `seconds` (an enclave host removes its folder when it ends).
bool empty_within(const std::string& dir, int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
        if (fs::is_empty(dir)) return true;
        ::usleep(100000);
    }
    return fs::is_empty(dir);
}

// `pid`'s wait status (exit code, or 128+signal) once it ends within `seconds`; else it is
// killed and -1 returned (a hang fails the test instead of stalling the suite).
int wait_within(pid_t pid, int seconds) {
    int st = 0;
    for (int i = 0; i < seconds * 20; ++i) {
        if (::waitpid(pid, &st, WNOHANG) == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        ::usleep(50000);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &st, 0);
    return -1;
}

// The container process's wait status as the shim computes it: exit code, or 128+signal.
int wait_container(pid_t pid) {
    int st = 0;
    EXPECT_EQ(::waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST(HostOnly, OciFeaturesJson) {
    OciFixture f("features");
    Result r = f.oci({"features"});
    ASSERT_EQ(r.status, 0) << r.err;
    json j = json::parse(r.out);
    EXPECT_EQ(j["ociVersionMin"], "1.0.0");
    EXPECT_EQ(j["ociVersionMax"], "1.2.0");
    EXPECT_EQ(j["mountOptions"], json::array());  // no "rro": docker must not ask for it
    EXPECT_EQ(j["linux"]["namespaces"], json::array({"network"}));
    // `enclave-run run` is untouched by the second name.
    Result v = run({kEnclaveRun, "--version"});
    EXPECT_EQ(v.status, 0);
    EXPECT_EQ(v.out.rfind("enclave-run ", 0), 0u) << v.out;
}

TEST(HostOnly, OciUnsupportedCommandFailsInTheShimsLogFormat) {
    OciFixture f("unsupported");
    for (const char* cmd : {"exec", "pause", "update", "checkpoint", "events"}) {
        Result r = f.oci({cmd, "x"});
        EXPECT_EQ(r.status, 1) << cmd;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        std::string expect = std::string(cmd) + " is not supported by enclave-run";
        EXPECT_NE(r.err.find(expect), std::string::npos) << r.err;
        EXPECT_NE(f.last_error().find(expect), std::string::npos) << f.last_error();
    }
    Result r = f.oci({"frobnicate"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("unknown command frobnicate"), std::string::npos) << r.err;
}

TEST(HostOnly, OciUnknownIdDoesNotExist) {
    OciFixture f("unknown");
    // The shim matches "does not exist" (kill, delete) to mean the container is already gone.
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"state", "nope"}, {"kill", "nope", "9"}, {"delete", "nope"}, {"start", "nope"}}) {
        Result r = f.oci(args);
        EXPECT_EQ(r.status, 1) << args[0];
        EXPECT_NE(r.err.find("container does not exist: nope"), std::string::npos) << r.err;
        EXPECT_EQ(f.last_error(), "container does not exist: nope");
    }
    Result list = f.oci({"list", "--format", "json"});
    EXPECT_EQ(list.status, 0);
    EXPECT_EQ(list.out, "[]\n");
}

TEST(HostOnly, OciCreateRefusesADynamicBinaryWithTheReason) {
    OciFixture f("dynamic");
    f.make_bundle("/proc/self/exe", "dyn", {});  // this test binary: dynamically linked
    EXPECT_EQ(f.create("c1"), 1);
    EXPECT_NE(f.last_error().find("process.args[0] dyn (/bin/dyn in the rootfs): dynamically "
                                  "linked"),
              std::string::npos)
        << f.last_error();
    EXPECT_FALSE(fs::exists(f.root() + "/c1"));  // a failed create leaves nothing
    EXPECT_FALSE(fs::exists(f.bundle() + "/init.pid"));
    // A mount it cannot provide: refused, with the mount named.
    f.make_bundle(app("hello"), "hello", {},
                  {{"mounts", {{{"destination", "/data"}, {"type", "bind"}, {"source", "/srv"}}}}});
    EXPECT_EQ(f.create("c1"), 1);
    EXPECT_NE(f.last_error().find("mount on /data (type bind, source /srv) cannot be provided"),
              std::string::npos)
        << f.last_error();
    EXPECT_FALSE(fs::exists(f.root() + "/c1"));
}

// Create loads the enclave and waits at the gate without a VM, so this runs anywhere: the pid
// file, created state, a second create of the id refused, delete killing the waiting process
// and leaving nothing.
TEST(HostOnly, OciCreatedContainerWaitsAndDeleteLeavesNothing) {
    OciFixture f("created");
    f.isolated = true;  // created and deleted without a VM
    // Host hooks with the state on stdin (docker 20.10-27's network hook reads the pid there).
    std::string rec = f.bundle() + "/";
    auto recorder = [&](const std::string& file) {
        return json::array({{{"path", "/bin/sh"}, {"args", {"sh", "-c", "cat > " + rec + file}}}});
    };
    f.make_bundle(
        app("hello"), "hello", {},
        {{"annotations", {{"a.b", "c"}}},
         {"hooks",
          {{"prestart", recorder("prestart.json")}, {"poststop", recorder("poststop.json")}}}});
    ASSERT_EQ(f.create("c1"), 0) << f.last_error();
    std::string pid_text = read_file(f.bundle() + "/init.pid");
    ASSERT_FALSE(pid_text.empty());
    EXPECT_EQ(pid_text.find_first_not_of("0123456789"), std::string::npos) << pid_text;
    pid_t pid = f.pid_from_file();
    json s = f.state("c1");
    EXPECT_EQ(s["status"], "created");
    EXPECT_EQ(s["pid"], pid);
    EXPECT_EQ(s["id"], "c1");
    EXPECT_EQ(s["bundle"], fs::canonical(f.bundle()).string());
    EXPECT_EQ(s["annotations"]["a.b"], "c");
    EXPECT_EQ(::kill(pid, 0), 0);
    json pre = json::parse(read_file(rec + "prestart.json"));
    EXPECT_EQ(pre["pid"], pid);
    EXPECT_EQ(pre["status"], "created");
    EXPECT_FALSE(fs::exists(rec + "poststop.json"));
    EXPECT_EQ(f.oci({"ps", "--format", "json", "c1"}).out, "[" + std::to_string(pid) + "]\n");
    EXPECT_EQ(f.create("c1"), 1);
    EXPECT_EQ(f.last_error(), "container with id exists: c1");

    Result d = f.oci({"delete", "c1"});
    EXPECT_EQ(d.status, 0) << d.err;
    EXPECT_EQ(wait_container(pid), 128 + SIGKILL);
    EXPECT_FALSE(fs::exists(f.root() + "/c1"));
    EXPECT_TRUE(fs::is_empty(f.root()));
    EXPECT_EQ(f.oci({"delete", "c1"}).status, 1);  // twice: "does not exist"
    EXPECT_EQ(json::parse(read_file(rec + "poststop.json"))["status"], "stopped");
    EXPECT_EQ(f.out(), "");
    // c1's socket factory (launcher/net/) dies with its container process (PR_SET_PDEATHSIG) and,
    // an orphan, is reaped by the subreaper: this test, as the shim in production.  Reap it, so
    // the check below sees only what c2's create leaves.
    int st = 0;
    for (int i = 0; i < 200; ++i) {
        pid_t r = ::waitpid(-1, &st, WNOHANG);
        if (r < 0) break;             // no child left
        if (r == 0) ::usleep(10000);  // one still dying
    }

    // A failing prestart hook fails create and undoes it: no state, no process.
    f.make_bundle(
        app("hello"), "hello", {},
        {{"hooks",
          {{"prestart", json::array({{{"path", "/bin/sh"}, {"args", {"sh", "-c", "exit 4"}}}})}}}});
    EXPECT_EQ(f.create("c2"), 1);
    EXPECT_EQ(f.last_error(), "prestart hook /bin/sh: exit status 4");
    EXPECT_TRUE(fs::is_empty(f.root()));
    EXPECT_EQ(::waitpid(-1, &st, WNOHANG), -1);  // create killed and reaped its child itself
}

// Concurrent creates of one id: exactly one wins (the others: "container with id exists");
// concurrent deletes: exactly one deletes, the other is told it does not exist; nothing is left.
TEST(HostOnly, OciConcurrentCreatesAndDeletesOfOneId) {
    OciFixture f("concurrent");
    f.isolated = true;  // created and deleted without a VM
    f.make_bundle(app("hello"), "hello", {});
    std::vector<pid_t> racers;
    for (int i = 0; i < 4; ++i) {
        pid_t p = ::fork();
        if (p == 0) ::_exit(f.create("same"));
        racers.push_back(p);
    }
    int won = 0;
    for (pid_t p : racers) won += wait_container(p) == 0;
    EXPECT_EQ(won, 1);
    pid_t pid = f.pid_from_file();
    racers.clear();
    for (int i = 0; i < 2; ++i) {
        pid_t p = ::fork();
        if (p == 0) ::_exit(f.oci({"delete", "--force", "same"}).status);
        racers.push_back(p);
    }
    int deleted = 0;
    for (pid_t p : racers) deleted += wait_container(p) == 0;
    EXPECT_EQ(deleted, 1);
    EXPECT_EQ(wait_container(pid), 128 + SIGKILL);
    EXPECT_TRUE(fs::is_empty(f.root()));
}

// terminal: true: create sends a pty master through --console-socket (one SCM_RIGHTS fd, the
// pty's name as payload) before it returns, as go-runc's console socket expects; without a
// socket it refuses instead of hanging the engine.
TEST(HostOnly, OciTerminalSendsThePtyThroughTheConsoleSocket) {
    OciFixture f("tty");
    f.isolated = true;  // created and deleted without a VM
    f.make_bundle(app("hello"), "hello", {}, {{"process", {{"terminal", true}}}});
    EXPECT_EQ(f.create("t"), 1);
    EXPECT_EQ(f.last_error(), "process.terminal is true but no --console-socket was given");

    std::string sock_path = f.root() + "-pty.sock";
    int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock_path.c_str());
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener, 1), 0);
    ASSERT_EQ(f.create("t", sock_path), 0) << f.last_error();  // sent before create returned
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    ASSERT_GE(conn, 0);
    char name[256] = {};
    iovec iov{name, sizeof name - 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ASSERT_GT(::recvmsg(conn, &msg, MSG_CMSG_CLOEXEC), 0);
    EXPECT_EQ(std::string(name).rfind("/dev/pts/", 0), 0u) << name;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->cmsg_type, SCM_RIGHTS);
    EXPECT_EQ(msg.msg_controllen, CMSG_SPACE(sizeof(int)));  // exactly one fd
    int master = -1;
    std::memcpy(&master, CMSG_DATA(c), sizeof master);
    char pts[128];
    ASSERT_EQ(::ptsname_r(master, pts, sizeof pts), 0);  // a pty master
    EXPECT_STREQ(pts, name);
    ::close(conn), ::close(listener), ::unlink(sock_path.c_str());
    pid_t pid = f.pid_from_file();
    EXPECT_EQ(f.state("t")["status"], "created");
    EXPECT_EQ(f.oci({"delete", "--force", "t"}).status, 0);
    EXPECT_EQ(wait_container(pid), 128 + SIGKILL);
    ::close(master);  // held till here, as the engine holds it: its close hangs the terminal up
    EXPECT_TRUE(fs::is_empty(f.root()));
}

// A shared host that cannot start (no enclave fits in 4 KiB; without KVM none starts at all)
// fails create with the host's own reason and leaves nothing: no state, no host folder or
// process.  A malformed setting fails create before anything exists.
TEST(HostOnly, OciSharedHostThatCannotStartFailsCreateWithItsReason) {
    OciFixture f("nohost");
    f.make_bundle(app("hello"), "hello", {});
    {
        ScopedEnv memory("ENCLAVE_RUN_OCI_MEMORY", "4K");
        EXPECT_EQ(f.create("c1"), 1);
    }
    EXPECT_NE(f.last_error().find("the enclave host for group default could not start: "),
              std::string::npos)
        << f.last_error();
    int st = 0;
    while (::waitpid(-1, &st, 0) > 0) {  // the host that failed (this subreaper adopted it)
    }
    EXPECT_TRUE(fs::is_empty(f.root())) << "the host did not clean up";
    EXPECT_FALSE(fs::exists(f.bundle() + "/init.pid"));
    {
        ScopedEnv capacity("ENCLAVE_RUN_OCI_CAPACITY", "0");
        EXPECT_EQ(f.create("c1"), 1);
    }
    EXPECT_NE(f.last_error().find("ENCLAVE_RUN_OCI_CAPACITY must be a count"), std::string::npos)
        << f.last_error();
    EXPECT_TRUE(fs::is_empty(f.root()));
}

// `enclave-run list`: nothing under a fresh root; a host that died (its pid gone, its socket
// refusing) is shown as dead and its folder removed, so the root is empty again.
TEST(HostOnly, EnclaveRunListShowsADeadHostAndRemovesIt) {
    OciFixture f("list");
    fs::create_directories(f.root());
    EXPECT_EQ(enclave_list(f.root())["enclaves"], json::array());
    Result text = run({kEnclaveRun, "list", "--root", f.root()});
    EXPECT_EQ(text.status, 0);
    EXPECT_NE(text.out.find("no enclave hosts under"), std::string::npos) << text.out;

    std::string dir = f.root() + "/enclaves/default.0";
    fs::create_directories(dir);
    pid_t dead = ::fork();
    if (dead == 0) ::_exit(0);
    ::waitpid(dead, nullptr, 0);
    std::ofstream(dir + "/host.json") << json{
        {"pid", dead},
        {"pid_start_time", 1},
        {"group", "default"},
        {"created", "x"}}.dump();
    int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s/control.sock", dir.c_str());
    ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(sock);  // bound, never listening: connect is refused, as after a host's SIGKILL
    json l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    EXPECT_EQ(l["enclaves"][0]["state"], "dead");
    EXPECT_EQ(l["enclaves"][0]["removed"], true);
    EXPECT_EQ(l["enclaves"][0]["pid"], dead);
    EXPECT_EQ(l["enclaves"][0]["group"], "default");
    EXPECT_TRUE(fs::is_empty(f.root()));
}

// The container runs: create, start, state running, the process exits with the app's status and
// its output on the container's stdout, state stopped, delete leaves nothing.
TEST(Oci, HelloCreateStartWaitDelete) {
    OciFixture f("hello");
    f.make_bundle(app("hello"), "hello", {});
    ASSERT_EQ(f.create("hello"), 0) << f.last_error();
    pid_t pid = f.pid_from_file();
    Result st = f.oci({"start", "hello"});
    ASSERT_EQ(st.status, 0) << st.err;
    EXPECT_EQ(f.oci({"start", "hello"}).status, 1);  // not twice
    EXPECT_EQ(wait_container(pid), 0) << f.err();
    EXPECT_EQ(f.out(), "Hello from enclave-run!\n");
    EXPECT_EQ(f.err(), "");
    json s = f.state("hello");
    EXPECT_EQ(s["status"], "stopped");
    EXPECT_EQ(s["pid"], 0);
    Result k = f.oci({"kill", "hello", "15"});
    EXPECT_EQ(k.status, 1);
    EXPECT_NE(k.err.find("container not running"), std::string::npos) << k.err;
    EXPECT_EQ(f.oci({"delete", "hello"}).status, 0);
    EXPECT_TRUE(empty_within(f.root(), 30));  // the host ends: idle 1 s here
}

// Exit codes propagate; docker stop's SIGTERM reaches an init's handler, which exits with its own
// status; an init without one ignores SIGTERM (as a container's pid 1 does) until SIGKILL (137).
TEST(Oci, ExitCodeAndStop) {
    OciFixture f("exit");
    f.make_bundle(app("exit-code"), "exit-code", {"7"});
    ASSERT_EQ(f.create("e"), 0) << f.last_error();
    pid_t pid = f.pid_from_file();
    ASSERT_EQ(f.oci({"start", "e"}).status, 0);
    EXPECT_EQ(wait_container(pid), 7) << f.err();
    EXPECT_EQ(f.oci({"delete", "e"}).status, 0);

    f.make_bundle(app("spin"), "spin", {});
    ASSERT_EQ(f.create("s"), 0) << f.last_error();
    pid = f.pid_from_file();
    ASSERT_EQ(f.oci({"start", "s"}).status, 0);
    EXPECT_EQ(f.state("s")["status"], "running");
    Result d = f.oci({"delete", "s"});
    EXPECT_EQ(d.status, 1);
    EXPECT_NE(d.err.find("cannot delete container s that is not stopped: running"),
              std::string::npos)
        << d.err;
    EXPECT_EQ(f.oci({"kill", "s", "TERM"}).status, 0);
    ::usleep(800000);
    int st = 0;
    EXPECT_EQ(::waitpid(pid, &st, WNOHANG), 0) << "SIGTERM ended an init without a handler";
    EXPECT_EQ(f.state("s")["status"], "running");
    EXPECT_EQ(f.oci({"kill", "--all", "s", "KILL"}).status, 0);
    EXPECT_EQ(wait_container(pid), 128 + SIGKILL);
    EXPECT_EQ(f.oci({"delete", "s"}).status, 0);

    // The handler: sent until the container ends (before the handler is installed the init
    // ignores it).
    f.make_bundle(kChecks + "/signal-check", "signal-check", {"wait-term", "42"});
    ASSERT_EQ(f.create("t"), 0) << f.last_error();
    pid = f.pid_from_file();
    ASSERT_EQ(f.oci({"start", "t"}).status, 0);
    int ended = -1;
    for (int i = 0; i < 300 && ended < 0; i++) {
        if (f.oci({"kill", "t", "TERM"}).status != 0) break;  // not running any more
        if (::waitpid(pid, &st, WNOHANG) == pid) ended = WIFEXITED(st) ? WEXITSTATUS(st) : -2;
        if (ended < 0) ::usleep(100000);
    }
    if (ended == -1) ended = wait_container(pid);
    std::string host_log = read_file(f.root() + "/enclaves/default.0/host.log");
    EXPECT_EQ(ended, 42) << f.err() << "host.log:\n" << host_log;
    EXPECT_EQ(f.out(), "signal-check: SIGTERM from pid 0 code 0\n");
    EXPECT_EQ(f.oci({"delete", "t"}).status, 0);
    EXPECT_TRUE(empty_within(f.root(), 30));  // the host ends: idle 1 s here
}

// Two containers are two domains of one shared enclave host: `enclave-run list` shows one host
// (not a container process) with both as members; each exits with its own status; after both
// are deleted the host ends once its idle time passed and leaves the root empty.
TEST(Oci, ContainersShareOneEnclaveHost) {
    OciFixture f("shared");
    ScopedEnv idle("ENCLAVE_RUN_OCI_IDLE", "5");
    f.make_bundle(app("hello"), "hello", {});
    ASSERT_EQ(f.create("a"), 0) << f.last_error();
    pid_t a = f.pid_from_file();
    f.make_bundle(app("exit-code"), "exit-code", {"7"});
    ASSERT_EQ(f.create("b"), 0) << f.last_error();
    pid_t b = f.pid_from_file();
    json l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    const json& e = l["enclaves"][0];
    EXPECT_EQ(e["group"], "default");
    EXPECT_EQ(e["members"], 2) << e.dump();
    EXPECT_EQ(e["state"], "accepting");
    pid_t host = e["pid"].get<pid_t>();
    EXPECT_NE(host, a);
    EXPECT_NE(host, b);
    ASSERT_EQ(f.oci({"start", "a"}).status, 0);
    ASSERT_EQ(f.oci({"start", "b"}).status, 0);
    EXPECT_EQ(wait_container(a), 0) << f.err();
    EXPECT_EQ(wait_container(b), 7) << f.err();
    EXPECT_EQ(f.out(), "Hello from enclave-run!\n");
    EXPECT_EQ(f.state("a")["status"], "stopped");
    l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    EXPECT_EQ(l["enclaves"][0]["pid"], host);  // the same host ran both
    EXPECT_GE(l["enclaves"][0]["added"], 2) << l.dump();
    EXPECT_EQ(f.oci({"delete", "a"}).status, 0);
    EXPECT_EQ(f.oci({"delete", "b"}).status, 0);
    EXPECT_TRUE(empty_within(f.root(), 30)) << enclave_list(f.root()).dump();
    EXPECT_EQ(wait_container(host), 0);  // an orderly end (this subreaper adopted it)
}

// Five creates at once into a group with no host yet (as `docker run -d` five times at once):
// one host is spawned and all five join it; five starts at once; each container exits with its
// status and output; after the deletes the host ends and leaves the root empty.
TEST(Oci, ParallelCreatesShareOneHost) {
    OciFixture f("parallel");
    f.make_bundle(app("exit-code"), "exit-code", {"7"});
    constexpr int kCount = 5;
    std::vector<std::string> ids;
    std::vector<pid_t> calls;
    for (int i = 0; i < kCount; ++i) {
        ids.push_back("p" + std::to_string(i));
        calls.push_back(f.spawn(ids[i], {"create", "--bundle", f.bundle(), "--pid-file",
                                         f.bundle() + "/" + ids[i] + ".pid", ids[i]}));
    }
    for (int i = 0; i < kCount; ++i)
        EXPECT_EQ(wait_within(calls[i], 60), 0) << ids[i] << ": " << f.last_error();
    json l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    EXPECT_EQ(l["enclaves"][0]["members"], kCount) << l.dump();
    pid_t host = l["enclaves"][0]["pid"].get<pid_t>();
    std::vector<pid_t> containers;
    for (const std::string& id : ids)
        containers.push_back(std::stoi(read_file(f.bundle() + "/" + id + ".pid")));
    calls.clear();
    for (const std::string& id : ids) calls.push_back(f.spawn("start-" + id, {"start", id}));
    for (int i = 0; i < kCount; ++i)
        EXPECT_EQ(wait_within(calls[i], 60), 0) << ids[i] << ": " << f.err_of("start-" + ids[i]);
    for (int i = 0; i < kCount; ++i) {
        EXPECT_EQ(wait_within(containers[i], 60), 7) << ids[i] << ": " << f.err_of(ids[i]);
        EXPECT_EQ(f.state(ids[i])["status"], "stopped");
        EXPECT_EQ(f.oci({"delete", ids[i]}).status, 0);
    }
    EXPECT_TRUE(empty_within(f.root(), 30)) << enclave_list(f.root()).dump();
    EXPECT_EQ(wait_within(host, 10), 0);  // an orderly end (this subreaper adopted it)
}

// The enclave host dies (SIGKILL) under a running container: the container process says so in
// one line and exits non-zero, its state is stopped, delete works, and `enclave-run list` shows
// the host dead and removes its folder.
TEST(Oci, EnclaveHostDeathStopsItsContainers) {
    OciFixture f("hostdeath");
    f.make_bundle(app("spin"), "spin", {});
    ASSERT_EQ(f.create("s"), 0) << f.last_error();
    pid_t pid = f.pid_from_file();
    ASSERT_EQ(f.oci({"start", "s"}).status, 0);
    json l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    pid_t host = l["enclaves"][0]["pid"].get<pid_t>();
    ASSERT_EQ(::kill(host, SIGKILL), 0);
    int status = wait_container(pid);
    EXPECT_NE(status, 0);
    EXPECT_NE(status, 128 + SIGKILL);
    EXPECT_EQ(count_lines(f.err()), 1) << f.err();
    EXPECT_EQ(f.err().rfind("enclave-run: ", 0), 0u) << f.err();
    EXPECT_NE(f.err().find("control.sock: the enclave host closed the connection"),
              std::string::npos)
        << f.err();
    EXPECT_EQ(f.state("s")["status"], "stopped");
    EXPECT_EQ(f.oci({"delete", "s"}).status, 0);
    EXPECT_EQ(wait_container(host), 128 + SIGKILL);  // adopted by this subreaper
    l = enclave_list(f.root());
    ASSERT_EQ(l["enclaves"].size(), 1u) << l.dump();
    EXPECT_EQ(l["enclaves"][0]["state"], "dead");
    EXPECT_TRUE(fs::is_empty(f.root()));
}

// A listening TCP socket on 127.0.0.1 of the caller's network namespace (any port); its port.
int listen_loopback(int* port) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 8) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        return -1;
    *port = ntohs(a.sin_port);
    return s;
}

// A process in a network namespace of its own (lo up) listening on 127.0.0.1; its pid and port.
// It ends when the pipe it reads closes (or at SIGKILL).
pid_t netns_holder(int* port, int* stop_fd) {
    int ready[2], stop[2];
    if (::pipe(ready) != 0 || ::pipe(stop) != 0) return -1;
    pid_t pid = ::fork();
    if (pid == 0) {
        int p = 0;
        ::close(ready[0]);
        ::close(stop[1]);
        int s = ::unshare(CLONE_NEWNET) == 0 ? ::socket(AF_INET, SOCK_DGRAM, 0) : -1;
        ifreq ifr{};
        std::strcpy(ifr.ifr_name, "lo");
        if (s < 0 || ::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) ::_exit(1);
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0 || listen_loopback(&p) < 0) ::_exit(1);
        (void)!::write(ready[1], &p, sizeof p);
        char c;
        (void)!::read(stop[0], &c, 1);
        ::_exit(0);
    }
    ::close(ready[1]);
    ::close(stop[0]);
    *stop_fd = stop[1];
    bool ok = ::read(ready[0], port, sizeof *port) == sizeof *port;
    ::close(ready[0]);
    return ok ? pid : -1;
}

// The domain's sockets live in the container's network namespace, chosen as runc chooses it
// (docs/oci.md "Networking"): a new one (loopback only: this process's listener on 127.0.0.1 is
// not there), the runtime's own without a network entry (it is), the one at a path (another
// process's namespace, whose listener is); the bind-mounted /etc/hostname is in the domain's
// tree.  A shared host serves all three; an isolated VM gets the same factory.
TEST(Oci, NetworkNamespacesAsRunc) {
    OciFixture f("netns");
    int here_port = 0, there_port = 0, stop = -1;
    int here = listen_loopback(&here_port);
    ASSERT_GE(here, 0);
    pid_t holder = netns_holder(&there_port, &stop);
    ASSERT_GT(holder, 0);
    std::ofstream(f.bundle() + "/hostname") << "netns-test\n";
    json new_netns = {
        {"linux", {{"namespaces", {{{"type", "network"}}}}}},
        {"mounts",
         {{{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
          {{"destination", "/etc/hostname"}, {"type", "bind"}, {"source", "hostname"}}}}};
    auto run_one = [&](const std::string& id) {
        EXPECT_EQ(f.create(id), 0) << f.last_error();
        pid_t pid = f.pid_from_file();
        EXPECT_EQ(f.oci({"start", id}).status, 0);
        int status = wait_container(pid);
        EXPECT_EQ(f.oci({"delete", id}).status, 0);
        return status;
    };
    std::string lo_only =
        "hostname: netns-test\nloopback: ok\nconnect 127.0.0.1:" + std::to_string(here_port) +
        ": ECONNREFUSED\n";
    for (bool isolated : {false, true}) {
        SCOPED_TRACE(isolated ? "isolated VM" : "shared host");
        f.isolated = isolated;
        f.make_bundle(app("netns-check"), "netns-check",
                      {"lo-only", "127.0.0.1:" + std::to_string(here_port)}, new_netns);
        EXPECT_EQ(run_one(isolated ? "new-iso" : "new"), 0) << f.out() << f.err();
        EXPECT_EQ(f.out(), lo_only);
    }
    f.isolated = false;
    f.make_bundle(app("netns-check"), "netns-check",
                  {"connect", "127.0.0.1", std::to_string(here_port)});
    EXPECT_EQ(run_one("runtime"), 0) << f.out() << f.err();
    EXPECT_EQ(f.out(), "connect 127.0.0.1:" + std::to_string(here_port) + ": ok\n");
    std::string path = "/proc/" + std::to_string(holder) + "/ns/net";
    f.make_bundle(app("netns-check"), "netns-check",
                  {"connect", "127.0.0.1", std::to_string(there_port)},
                  {{"linux", {{"namespaces", {{{"type", "network"}, {"path", path}}}}}}});
    EXPECT_EQ(run_one("path"), 0) << f.out() << f.err();
    EXPECT_EQ(f.out(), "connect 127.0.0.1:" + std::to_string(there_port) + ": ok\n");
    ::close(stop);
    ::close(here);
    EXPECT_EQ(wait_within(holder, 10), 0);
    EXPECT_TRUE(empty_within(f.root(), 30));
}

}  // namespace
}  // namespace er::test
