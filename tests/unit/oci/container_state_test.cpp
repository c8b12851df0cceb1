// The state record round trip, the OCI state printed, status derivation from the process, and
// the state directory: atomic writes, the lock, one id once, delete leaving nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "launcher/common/error.hpp"
#include "launcher/oci/container_state.hpp"
#include "launcher/oci/state_dir.hpp"

namespace er::launcher::oci {
namespace {

namespace fs = std::filesystem;

struct TempRoot {
    TempRoot() {
        std::string templ = (fs::temp_directory_path() / "oci-state-XXXXXX").string();
        path = ::mkdtemp(templ.data());
    }
    ~TempRoot() { fs::remove_all(path); }
    std::string path;
};

ContainerState sample(pid_t pid) {
    ContainerState s;
    s.id = "c1";
    s.bundle = "/b";
    s.rootfs = "/b/rootfs";
    s.pid = pid;
    s.pid_start_time = process_start_time(pid).value_or(0);
    s.created = "2026-12-07T07:00:00.000000000Z";
    s.annotations = {{"k", "v"}};
    return s;
}

TEST(OciState, RecordRoundTrip) {
    ContainerState s = sample(::getpid());
    ContainerState back = state_from_json(state_to_json(s));
    EXPECT_EQ(back.id, s.id);
    EXPECT_EQ(back.bundle, s.bundle);
    EXPECT_EQ(back.rootfs, s.rootfs);
    EXPECT_EQ(back.pid, s.pid);
    EXPECT_EQ(back.pid_start_time, s.pid_start_time);
    EXPECT_EQ(back.created, s.created);
    EXPECT_EQ(back.annotations, s.annotations);
    EXPECT_THROW(state_from_json("{}"), Error);
    EXPECT_THROW(state_from_json("nope"), Error);
}

TEST(OciState, OciStateJsonHasTheSpecFields) {
    ContainerState s = sample(1234);
    nlohmann::json j = nlohmann::json::parse(oci_state_json(s, Status::running));
    EXPECT_EQ(j["ociVersion"], "1.2.0");
    EXPECT_EQ(j["id"], "c1");
    EXPECT_EQ(j["status"], "running");
    EXPECT_EQ(j["pid"], 1234);
    EXPECT_EQ(j["bundle"], "/b");
    EXPECT_EQ(j["annotations"]["k"], "v");
    nlohmann::json stopped = nlohmann::json::parse(oci_state_json(s, Status::stopped));
    EXPECT_EQ(stopped["pid"], 0);
    EXPECT_EQ(stopped["status"], "stopped");
    s.annotations.clear();
    EXPECT_FALSE(nlohmann::json::parse(oci_state_json(s, Status::created)).contains("annotations"));
}

TEST(OciState, ADeadOrReusedProcessIsNotAlive) {
    EXPECT_TRUE(container_process_alive(sample(::getpid())));
    ContainerState reused = sample(::getpid());
    reused.pid_start_time += 1;  // same pid, another process
    EXPECT_FALSE(container_process_alive(reused));
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ContainerState s = sample(child);  // start time read before it is reaped (maybe a zombie)
    int st;
    ::waitpid(child, &st, 0);
    EXPECT_FALSE(container_process_alive(s));
    EXPECT_FALSE(process_start_time(child));
}

TEST(OciStateDir, CreateWriteReadStatusRemove) {
    TempRoot root;
    std::string sub = root.path + "/deep/root";
    {
        ContainerDir dir = ContainerDir::create(sub, "c1");
        ContainerState s = sample(::getpid());
        dir.write_state(s);
        EXPECT_FALSE(fs::exists(dir.path() + "/.state.json"));  // renamed into place
        EXPECT_EQ(dir.read_state().pid, ::getpid());
        EXPECT_EQ(dir.status(s), Status::running);
        ASSERT_EQ(::mkfifo(dir.fifo_path().c_str(), 0622), 0);
        EXPECT_EQ(dir.status(s), Status::created);
        EXPECT_EQ(fs::status(sub).permissions() & fs::perms::others_all, fs::perms::none);
    }
    EXPECT_EQ(list_container_ids(sub), std::vector<std::string>{"c1"});
    try {
        ContainerDir::create(sub, "c1");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "container with id exists: c1");
    }
    {
        ContainerDir dir = ContainerDir::open(sub, "c1");
        dir.remove();
    }
    EXPECT_FALSE(fs::exists(sub + "/c1"));
    EXPECT_TRUE(list_container_ids(sub).empty());
    try {
        ContainerDir::open(sub, "c1");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "container does not exist: c1");  // the shim matches this
    }
    EXPECT_TRUE(list_container_ids(root.path + "/missing").empty());
}

// A second opener waits for the lock; after the holder deleted the container it is told the
// container does not exist (not handed a half-removed directory).
TEST(OciStateDir, LockSerialisesDeleteAgainstOpen) {
    TempRoot root;
    {
        ContainerDir dir = ContainerDir::create(root.path, "c2");
        dir.write_state(sample(::getpid()));
    }
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    // Forked first: a child forked later would inherit the held lock's descriptor (flock
    // locks belong to the open file, which is why the container process closes it).
    pid_t child = ::fork();
    if (child == 0) {
        char b;
        (void)::read(go[0], &b, 1);
        try {
            ContainerDir::open(root.path, "c2");
        } catch (const Error& e) {
            ::_exit(std::string(e.what()) == "container does not exist: c2" ? 0 : 2);
        }
        ::_exit(1);
    }
    std::optional<ContainerDir> held(ContainerDir::open(root.path, "c2"));
    ASSERT_EQ(::write(go[1], "x", 1), 1);
    ::usleep(50000);  // let the child block on the lock (the outcome is the same if it has not)
    held->remove();
    held.reset();  // the lock goes with the descriptor, as when delete exits
    int st = 0;
    ::waitpid(child, &st, 0);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST(OciStateDir, AtomicWriteReplacesWhole) {
    TempRoot root;
    std::string f = root.path + "/init.pid";
    write_file_atomically(f, "123", 0644);
    write_file_atomically(f, "45", 0644);
    std::ifstream in(f);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(text, "45");  // digits only, no newline: the shim's Atoi reads it
    EXPECT_FALSE(fs::exists(root.path + "/.init.pid"));
}

}  // namespace
}  // namespace er::launcher::oci
