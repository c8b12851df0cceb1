// The enclaves folder of a root without a host process: settings from the environment, the host
// record, the lock that removes itself with the last host folder, and dead hosts' folders.
#include "launcher/oci/enclave_hosts.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "launcher/common/error.hpp"
#include "launcher/oci/container_state.hpp"

namespace er::launcher::oci {
namespace {

namespace fs = std::filesystem;

struct TempRoot {
    std::string path;
    TempRoot() {
        char tmpl[] = "/tmp/er-oci-hosts-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempRoot() { fs::remove_all(path); }
};

TEST(EnclaveHosts, SettingsComeFromTheEnvironmentAndBadOnesAreNamed) {
    ::unsetenv("ENCLAVE_RUN_OCI_CAPACITY");
    ::unsetenv("ENCLAVE_RUN_OCI_IDLE");
    ::unsetenv("ENCLAVE_RUN_OCI_MEMORY");
    HostSettings none = host_settings_from_env();
    EXPECT_FALSE(none.capacity || none.idle_s || none.memory);  // the host's own defaults
    ::setenv("ENCLAVE_RUN_OCI_CAPACITY", "6", 1);
    ::setenv("ENCLAVE_RUN_OCI_IDLE", "2.5", 1);
    ::setenv("ENCLAVE_RUN_OCI_MEMORY", "512M", 1);
    HostSettings s = host_settings_from_env();
    EXPECT_EQ(s.capacity, 6u);
    EXPECT_EQ(s.idle_s, 2.5);
    EXPECT_EQ(s.memory, 512ull << 20);
    for (auto [name, value] :
         {std::pair{"ENCLAVE_RUN_OCI_CAPACITY", "0"}, std::pair{"ENCLAVE_RUN_OCI_IDLE", "-1"},
          std::pair{"ENCLAVE_RUN_OCI_MEMORY", "lots"}}) {
        ::setenv(name, value, 1);
        try {
            host_settings_from_env();
            ADD_FAILURE() << name << "=" << value << " accepted";
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what();
        }
        ::unsetenv(name);
    }
    ::unsetenv("ENCLAVE_RUN_OCI_CAPACITY");
    ::unsetenv("ENCLAVE_RUN_OCI_IDLE");
    ::unsetenv("ENCLAVE_RUN_OCI_MEMORY");
}

TEST(EnclaveHosts, TheRecordRoundTripsAndADeadPidIsDead) {
    TempRoot root;
    HostRecord r{::getpid(), process_start_time(::getpid()).value_or(0), "web",
                 "2026-12-07T10:00:00Z"};
    write_host_record(root.path, r);
    auto back = read_host_record(root.path);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->pid, r.pid);
    EXPECT_EQ(back->group, "web");
    EXPECT_TRUE(host_process_alive(*back));
    back->pid_start_time += 1;  // the pid reused by another process
    EXPECT_FALSE(host_process_alive(*back));
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    EXPECT_FALSE(host_process_alive(HostRecord{child, 1, "web", ""}));
    std::ofstream(root.path + "/host.json") << "{not json";
    EXPECT_FALSE(read_host_record(root.path));
}

// The lock leaves nothing when no host folder is left (the e2e leftovers check needs an empty
// root), and keeps the folder while one is.
TEST(EnclaveHosts, TheLockRemovesTheEnclavesFolderWithTheLastHost) {
    TempRoot root;
    std::string enclaves = enclaves_dir(root.path);
    { EnclavesLock lock = EnclavesLock::take(enclaves); }
    EXPECT_FALSE(fs::exists(enclaves));
    {
        EnclavesLock lock = EnclavesLock::take(enclaves);
        fs::create_directory(enclaves + "/default.0");
    }
    EXPECT_TRUE(fs::exists(enclaves + "/.lock"));
    EXPECT_EQ(host_dir_names(enclaves), std::vector<std::string>{"default.0"});
    {
        EnclavesLock lock = EnclavesLock::take(enclaves);
        remove_host_dir(enclaves + "/default.0");
    }
    EXPECT_TRUE(fs::is_empty(root.path));
}

}  // namespace
}  // namespace er::launcher::oci
