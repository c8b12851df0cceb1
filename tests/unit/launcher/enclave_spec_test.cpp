#include "launcher/enclave/enclave_spec.hpp"

#include <gtest/gtest.h>

namespace er::launcher {
namespace {

std::vector<std::string> names_of(const std::vector<std::string>& paths,
                                  const std::vector<std::string>& given = {}) {
    std::vector<AppSpec> apps;
    for (size_t i = 0; i < paths.size(); ++i) {
        AppSpec a;
        a.path = paths[i];
        if (i < given.size()) a.name = given[i];
        apps.push_back(a);
    }
    assign_domain_names(apps);
    std::vector<std::string> out;
    for (const AppSpec& a : apps) out.push_back(a.name);
    return out;
}

TEST(DomainNames, Validity) {
    EXPECT_TRUE(valid_domain_name("web"));
    EXPECT_TRUE(valid_domain_name("a.b_c-9"));
    EXPECT_TRUE(valid_domain_name(std::string(31, 'x')));
    EXPECT_FALSE(valid_domain_name(std::string(32, 'x')));
    EXPECT_FALSE(valid_domain_name(""));
    EXPECT_FALSE(valid_domain_name("a b"));
    EXPECT_FALSE(valid_domain_name("a/b"));
    EXPECT_FALSE(valid_domain_name("caf\xc3\xa9"));
}

TEST(AppNetwork, Validity) {
    EXPECT_TRUE(valid_app_network("host"));
    EXPECT_TRUE(valid_app_network("none"));
    EXPECT_TRUE(valid_app_network("none:lan"));
    EXPECT_TRUE(valid_app_network("none:" + std::string(31, 'x')));
    EXPECT_FALSE(valid_app_network("none:" + std::string(32, 'x')));
    EXPECT_FALSE(valid_app_network("none:"));
    EXPECT_FALSE(valid_app_network("none:a:b"));
    EXPECT_FALSE(valid_app_network("none:*app1"));  // enclave_networks.cpp's own keys
    EXPECT_FALSE(valid_app_network("host:lan"));
    EXPECT_FALSE(valid_app_network("NONE"));
    EXPECT_FALSE(valid_app_network(""));
}

TEST(DomainNames, DefaultIsTheBasenameMadeValid) {
    EXPECT_EQ(default_domain_name("build/apps/hello"), "hello");
    EXPECT_EQ(default_domain_name("hello"), "hello");
    EXPECT_EQ(default_domain_name("/x/my app!"), "my_app_");
    EXPECT_EQ(default_domain_name("dir/"), "dir");
    EXPECT_EQ(default_domain_name("/"), "app");
    EXPECT_EQ(default_domain_name(".."), "app");
    EXPECT_EQ(default_domain_name(std::string(40, 'y')), std::string(31, 'y'));
}

TEST(DomainNames, DuplicatesGetNumberedSuffixes) {
    EXPECT_EQ(names_of({"a/hello", "b/hello", "hello", "spin"}),
              (std::vector<std::string>{"hello", "hello-2", "hello-3", "spin"}));
    // A given name is kept and a default one steps around it.
    EXPECT_EQ(names_of({"x/web", "web", "web"}, {"web-2"}),
              (std::vector<std::string>{"web-2", "web", "web-3"}));
    // Long names are cut to leave room for the suffix.
    auto long_names = names_of({std::string(40, 'z'), std::string(40, 'z')});
    EXPECT_EQ(long_names[0], std::string(31, 'z'));
    EXPECT_EQ(long_names[1], std::string(29, 'z') + "-2");
}

TEST(DomainNames, MergeEnvLetsTheCommandLineWin) {
    std::vector<std::string> env{"A=1", "B=2"};
    merge_env(env, {"B=cli", "C=3"});
    EXPECT_EQ(env, (std::vector<std::string>{"A=1", "B=cli", "C=3"}));
}

}  // namespace
}  // namespace er::launcher
