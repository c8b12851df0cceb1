// Name resolution files (docs/oci.md "Name resolution files"): docker bind-mounts
// /etc/resolv.conf, /etc/hosts and /etc/hostname from files outside the rootfs; the packed er-fs
// tree has their bytes at those paths, replacing what the image had there (a file or a symlink),
// with /etc made when the image has none, and the rootfs on the host left as it was.  Sources
// that are not regular files, and a directory in the tree where a file goes, are refused.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "launcher/common/error.hpp"
#include "launcher/oci/oci_config.hpp"
#include "launcher/oci/rootfs_image.hpp"
#include "libos-abi/er_fs.h"

namespace er::launcher::oci {
namespace {

namespace fs = std::filesystem;

struct TempDir {
    TempDir() {
        std::string tmpl = fs::temp_directory_path().string() + "/er-resolv-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() { fs::remove_all(path); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories(fs::path(path + "/" + rel).parent_path());
        std::ofstream(path + "/" + rel, std::ios::binary) << text;
    }
    std::string path;
};

// One entry of the packed tree: its mode and, for a file or symlink, its bytes.
struct Entry {
    uint32_t mode = 0;
    std::string bytes;
};

std::map<std::string, Entry> unpack(int memfd) {
    struct stat st {};
    EXPECT_EQ(::fstat(memfd, &st), 0);
    std::string img(static_cast<size_t>(st.st_size), '\0');
    EXPECT_EQ(::pread(memfd, img.data(), img.size(), 0), st.st_size);
    er_fs_header h;
    std::memcpy(&h, img.data(), sizeof h);
    std::map<std::string, Entry> out;
    std::vector<std::string> paths;
    for (uint32_t i = 0; i < h.entry_count; ++i) {
        er_fs_entry e;
        std::memcpy(&e, img.data() + h.entries_off + i * sizeof e, sizeof e);
        std::string name = img.substr(h.strtab_off + e.name_off, e.name_len);
        std::string path = i == 0 ? "" : (e.parent == 0 ? "" : paths[e.parent] + "/") + name;
        paths.push_back(path);
        Entry entry{e.mode, ""};
        if ((e.mode & ER_FS_IFMT) != ER_FS_IFDIR)
            entry.bytes = img.substr(h.data_off + e.data_off, e.size);
        out[path] = entry;
    }
    return out;
}

// docker's three bind mounts, their sources in `files` (outside the rootfs).
nlohmann::json spec_with_files(const std::string& files) {
    nlohmann::json mounts = nlohmann::json::array();
    for (const char* name : {"resolv.conf", "hostname", "hosts"}) {
        mounts.push_back({{"destination", std::string("/etc/") + name},
                          {"type", "bind"},
                          {"source", files + "/" + name},
                          {"options", {"rbind", "rprivate"}}});
    }
    mounts.push_back({{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}});
    return {{"ociVersion", "1.0.2-dev"},
            {"process", {{"args", {"/app"}}, {"cwd", "/"}}},
            {"root", {{"path", "rootfs"}}},
            {"mounts", mounts}};
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(ResolutionFiles, DockersBindMountsArePackedAtTheirDestinations) {
    TempDir bundle, files;
    bundle.write("rootfs/app", "x");
    bundle.write("rootfs/etc/hosts", "127.0.0.1 image-hosts\n");
    bundle.write("rootfs/etc/passwd", "root:x:0:0::/:/bin/sh\n");
    ASSERT_EQ(::symlink("../run/systemd/resolve/stub-resolv.conf",
                        (bundle.path + "/rootfs/etc/resolv.conf").c_str()),
              0);
    files.write("resolv.conf", "nameserver 127.0.0.11\noptions ndots:0\n");
    files.write("hostname", "c0ffee\n");
    files.write("hosts", "127.0.0.1 localhost\n172.18.0.2 c0ffee\n");
    ::chmod((files.path + "/hosts").c_str(), 04644);  // a set-id bit is not carried over

    ContainerConfig c = parse_config(spec_with_files(files.path).dump(), bundle.path);
    ASSERT_EQ(c.files.size(), 3u);
    EXPECT_EQ(c.files[0].path, "/etc/resolv.conf");
    EXPECT_EQ(c.files[0].source, files.path + "/resolv.conf");
    UniqueFd image = pack_rootfs_image(c.rootfs, c.tmpfs, c.files);
    std::map<std::string, Entry> tree = unpack(image.get());

    EXPECT_EQ(tree.at("etc/resolv.conf").mode, ER_FS_IFREG | 0644u);  // the symlink is replaced
    EXPECT_EQ(tree.at("etc/resolv.conf").bytes, "nameserver 127.0.0.11\noptions ndots:0\n");
    EXPECT_EQ(tree.at("etc/hostname").bytes, "c0ffee\n");
    EXPECT_EQ(tree.at("etc/hosts").bytes, "127.0.0.1 localhost\n172.18.0.2 c0ffee\n");
    EXPECT_EQ(tree.at("etc/hosts").mode, ER_FS_IFREG | 0644u);
    EXPECT_EQ(tree.at("etc/passwd").bytes, "root:x:0:0::/:/bin/sh\n");  // the rest as it was
    EXPECT_EQ(tree.at("app").bytes, "x");
    // The bundle's rootfs itself is not touched.
    std::ifstream old(bundle.path + "/rootfs/etc/hosts");
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(old), {}), "127.0.0.1 image-hosts\n");
    EXPECT_TRUE(fs::is_symlink(bundle.path + "/rootfs/etc/resolv.conf"));
}

TEST(ResolutionFiles, AnImageWithoutEtcGetsOne) {
    TempDir bundle, files;
    bundle.write("rootfs/app", "x");  // like the e2e images: static apps at /, nothing else
    for (const char* name : {"resolv.conf", "hostname", "hosts"}) files.write(name, name);
    ContainerConfig c = parse_config(spec_with_files(files.path).dump(), bundle.path);
    std::map<std::string, Entry> tree = unpack(pack_rootfs_image(c.rootfs, c.tmpfs, c.files).get());
    EXPECT_EQ(tree.at("etc").mode, ER_FS_IFDIR | 0755u);
    EXPECT_EQ(tree.at("etc/hosts").bytes, "hosts");
    EXPECT_EQ(tree.size(), 6u);  // "", app, etc and its three files
}

TEST(ResolutionFiles, WhatCannotBePackedIsRefusedWithTheMount) {
    TempDir bundle, files;
    bundle.write("rootfs/app", "x");
    for (const char* name : {"resolv.conf", "hostname"}) files.write(name, name);
    fs::create_directories(files.path + "/hosts");  // a directory as the source
    ContainerConfig c = parse_config(spec_with_files(files.path).dump(), bundle.path);
    EXPECT_EQ(error_of([&] { pack_rootfs_image(c.rootfs, c.tmpfs, c.files); }),
              files.path +
                  "/hosts: the source of file mount /etc/hosts is a directory, not a regular file");
    fs::remove(files.path + "/hosts");
    EXPECT_EQ(error_of([&] { pack_rootfs_image(c.rootfs, c.tmpfs, c.files); }),
              files.path +
                  "/hosts: cannot resolve the source of file mount /etc/hosts: No such file or "
                  "directory");
    files.write("hosts", "h");
    fs::create_directories(bundle.path + "/rootfs/etc/hostname");  // a directory in the tree
    EXPECT_NE(error_of([&] { pack_rootfs_image(c.rootfs, c.tmpfs, c.files); })
                  .find("file mount /etc/hostname: " + bundle.path +
                        "/rootfs/etc/hostname is a directory in the tree"),
              std::string::npos);
    fs::remove(bundle.path + "/rootfs/etc/hostname");
    fs::remove_all(bundle.path + "/rootfs/etc");
    ASSERT_EQ(::symlink("/elsewhere", (bundle.path + "/rootfs/etc").c_str()), 0);  // /etc a link
    EXPECT_NE(error_of([&] {
                  pack_rootfs_image(c.rootfs, c.tmpfs, c.files);
              }).find("file mount /etc: " + bundle.path + "/rootfs/etc is a symlink in the tree"),
              std::string::npos);
}

}  // namespace
}  // namespace er::launcher::oci
