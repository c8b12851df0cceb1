// The grouping rule (docs/oci.md, "Shared enclaves") on the annotations each engine writes, and
// the names of a group's host folders.
#include "launcher/oci/enclave_group.hpp"

#include <gtest/gtest.h>

#include "launcher/common/error.hpp"

namespace er::launcher::oci {
namespace {

TEST(EnclaveGroup, DockerWithoutAnnotationsJoinsTheDefaultGroup) {
    EXPECT_EQ(group_of({}), "default");
    EXPECT_EQ(group_of({{"org.opencontainers.image.title", "x"}}), "default");
}

TEST(EnclaveGroup, KubernetesPodsAreGroupsBySandboxId) {
    std::map<std::string, std::string> cri{{"io.kubernetes.cri.container-type", "container"},
                                           {"io.kubernetes.cri.sandbox-id", "abc123"},
                                           {"run.enclave.group", "ignored"}};
    EXPECT_EQ(group_of(cri), "abc123");
    EXPECT_EQ(group_of({{"io.kubernetes.cri-o.SandboxID", "pod9"}}), "pod9");
    // containerd's key wins over CRI-O's when both are there.
    EXPECT_EQ(
        group_of({{"io.kubernetes.cri-o.SandboxID", "b"}, {"io.kubernetes.cri.sandbox-id", "a"}}),
        "a");
}

TEST(EnclaveGroup, TheGroupAnnotationOtherwiseAndEmptyValuesCountAsAbsent) {
    EXPECT_EQ(group_of({{"run.enclave.group", "web"}}), "web");
    EXPECT_EQ(group_of({{"io.kubernetes.cri.sandbox-id", ""}, {"run.enclave.group", "web"}}),
              "web");
    EXPECT_EQ(group_of({{"run.enclave.group", ""}}), "default");
}

TEST(EnclaveGroup, IsolatedVmIsAnExplicitOptOut) {
    EXPECT_FALSE(isolated_vm_requested({}));
    EXPECT_FALSE(isolated_vm_requested({{"run.enclave.isolated-vm", "false"}}));
    EXPECT_TRUE(isolated_vm_requested({{"run.enclave.isolated-vm", "true"}}));
    EXPECT_THROW(isolated_vm_requested({{"run.enclave.isolated-vm", "yes"}}), Error);
}

TEST(EnclaveGroup, SafeNamesAreKeptOthersHashed) {
    EXPECT_EQ(host_dir_name("default", 0), "default.0");
    EXPECT_EQ(host_dir_name("web-1_a.b", 12), "web-1_a.b.12");
    std::string sandbox(64, 'f');  // a CRI sandbox id: 64 hex digits
    EXPECT_EQ(group_stem(sandbox), sandbox);
    for (const std::string& bad :
         {std::string("a/b"), std::string(".."), std::string(".hidden"), std::string(65, 'x'),
          std::string("sp ace"), std::string("\xff")}) {
        std::string stem = group_stem(bad);
        EXPECT_EQ(stem.size(), 18u) << bad;
        EXPECT_EQ(stem.rfind("g-", 0), 0u) << bad;
        EXPECT_EQ(stem.find_first_not_of("g-0123456789abcdef"), std::string::npos) << stem;
    }
    EXPECT_NE(group_stem("a/b"), group_stem("a/c"));
    EXPECT_EQ(group_stem("a/b"), group_stem("a/b"));  // stable: every create finds the same hosts
}

TEST(EnclaveGroup, HostDirIndexParsesOnlyTheGroupsOwnFolders) {
    EXPECT_EQ(host_dir_index("default.0", "default"), 0u);
    EXPECT_EQ(host_dir_index("default.17", "default"), 17u);
    EXPECT_EQ(host_dir_index("a.b.3", "a.b"), 3u);
    EXPECT_FALSE(host_dir_index("a.b.3", "a"));  // group "a"'s folders are a.N
    EXPECT_FALSE(host_dir_index("default.", "default"));
    EXPECT_FALSE(host_dir_index("default.01", "default"));
    EXPECT_FALSE(host_dir_index("default.x", "default"));
    EXPECT_FALSE(host_dir_index("defaults.1", "default"));
    EXPECT_FALSE(host_dir_index(".lock", "default"));
}

}  // namespace
}  // namespace er::launcher::oci
