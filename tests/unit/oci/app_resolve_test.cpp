// Finding process.args[0] in the rootfs: a path, a PATH search, symlinks that cannot leave the
// rootfs, and the refusals (missing, not executable, dynamic ELF) with their reasons.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "launcher/common/error.hpp"
#include "launcher/oci/app_resolve.hpp"

namespace er::launcher::oci {
namespace {

namespace fs = std::filesystem;

struct Rootfs {
    Rootfs() {
        std::string templ = (fs::temp_directory_path() / "oci-rootfs-XXXXXX").string();
        path = ::mkdtemp(templ.data());
        fs::create_directories(path + "/bin");
        fs::create_directories(path + "/usr/bin");
    }
    ~Rootfs() { fs::remove_all(path); }
    std::string path;
};

std::string refusal(const std::string& root, const std::string& arg0,
                    std::vector<std::string> env = {}) {
    try {
        resolve_app(root, arg0, env);
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << arg0 << " accepted";
    return "";
}

#ifdef ER_STATIC_APP
TEST(OciResolve, PathSearchAndConfinedSymlinks) {
    Rootfs r;
    fs::copy_file(ER_STATIC_APP, r.path + "/usr/bin/app");
    ResolvedApp a = resolve_app(r.path, "app", {"PATH=/bin:/usr/bin"});
    EXPECT_EQ(a.path_in_root, "/usr/bin/app");
    EXPECT_TRUE(a.fd.valid());
    EXPECT_EQ(resolve_app(r.path, "/usr/bin/app", {}).path_in_root, "/usr/bin/app");
    // Docker's default PATH when the config has none.
    EXPECT_EQ(resolve_app(r.path, "app", {"HOME=/"}).path_in_root, "/usr/bin/app");
    // An absolute symlink is resolved inside the rootfs, not on the host.
    fs::create_symlink("/usr/bin/app", r.path + "/bin/link");
    EXPECT_TRUE(resolve_app(r.path, "/bin/link", {}).fd.valid());
    fs::create_symlink("/../../../../usr/bin/env", r.path + "/bin/escape");
    EXPECT_NE(refusal(r.path, "/bin/escape").find("no such file in the rootfs"), std::string::npos);
}
#endif

TEST(OciResolve, RefusalsSayWhy) {
    Rootfs r;
    EXPECT_EQ(refusal(r.path, "hello", {"PATH=/bin"}),
              "process.args[0] hello: no such file in the rootfs (searched PATH)");
    // A dynamic ELF: this test binary itself.
    fs::copy_file("/proc/self/exe", r.path + "/bin/dyn");
    std::string line = refusal(r.path, "/bin/dyn");
    EXPECT_NE(line.find("process.args[0] /bin/dyn (/bin/dyn in the rootfs): dynamically linked"),
              std::string::npos)
        << line;
    fs::copy_file("/proc/self/exe", r.path + "/bin/noexec");
    ::chmod((r.path + "/bin/noexec").c_str(), 0644);
    EXPECT_NE(refusal(r.path, "/bin/noexec").find("is not executable"), std::string::npos);
    ::mkfifo((r.path + "/bin/fifo").c_str(), 0755);
    EXPECT_NE(refusal(r.path, "/bin/fifo").find("a FIFO, not a program"), std::string::npos);
    EXPECT_NE(refusal(r.path + "/missing", "x").find("root.path cannot be opened"),
              std::string::npos);
}

}  // namespace
}  // namespace er::launcher::oci
