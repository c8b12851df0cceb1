// The kvm_amd parameters read from a temporary sysfs tree.
#include "sev/kvm_amd_params.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace er::sev {
namespace {

namespace fs = std::filesystem;

class FakeSysfs {
  public:
    FakeSysfs() {
        std::string tmpl = (fs::temp_directory_path() / "er-sysfs-XXXXXX").string();
        root_ = ::mkdtemp(tmpl.data());
    }
    ~FakeSysfs() { fs::remove_all(root_); }
    const std::string& root() const { return root_; }
    fs::path params() const { return fs::path(root_) / "module/kvm_amd/parameters"; }
    void param(const std::string& name, const std::string& text) const {
        fs::create_directories(params());
        std::ofstream(params() / name) << text;
    }

  private:
    std::string root_;
};

TEST(KvmAmdParams, NoModuleDirectoryMeansNotLoaded) {
    FakeSysfs sys;
    KvmAmdParams p = read_kvm_amd_params(sys.root());
    EXPECT_FALSE(p.loaded);
    EXPECT_EQ(p.sev.state, ModuleParam::State::absent);
}

TEST(KvmAmdParams, ReadsYAndNAsTheKernelPrintsThem) {
    FakeSysfs sys;
    sys.param("sev", "Y\n");
    sys.param("sev_es", "N\n");
    sys.param("sev_snp", "Y\n");
    KvmAmdParams p = read_kvm_amd_params(sys.root());
    ASSERT_TRUE(p.loaded);
    EXPECT_EQ(p.sev.state, ModuleParam::State::on);
    EXPECT_EQ(p.sev.text, "Y");
    EXPECT_EQ(p.sev_es.state, ModuleParam::State::off);
    EXPECT_EQ(p.sev_es.text, "N");
    EXPECT_EQ(p.sev_snp.state, ModuleParam::State::on);
}

// The test VM's 6.1 kernel: sev and sev_es exist, sev_snp does not.
TEST(KvmAmdParams, AMissingFileIsAbsentNotOff) {
    FakeSysfs sys;
    sys.param("sev", "N\n");
    sys.param("sev_es", "N\n");
    KvmAmdParams p = read_kvm_amd_params(sys.root());
    ASSERT_TRUE(p.loaded);
    EXPECT_EQ(p.sev.state, ModuleParam::State::off);
    EXPECT_EQ(p.sev_snp.state, ModuleParam::State::absent);
}

TEST(KvmAmdParams, AnUnreadableOrUnknownValueSaysSo) {
    FakeSysfs sys;
    sys.param("sev", "maybe\n");
    fs::create_directories(sys.params() / "sev_es");  // read() of a directory: EISDIR
    KvmAmdParams p = read_kvm_amd_params(sys.root());
    EXPECT_EQ(p.sev.state, ModuleParam::State::unreadable);
    EXPECT_EQ(p.sev.text, "maybe");
    EXPECT_EQ(p.sev_es.state, ModuleParam::State::unreadable);
    EXPECT_NE(p.sev_es.text.find("directory"), std::string::npos) << p.sev_es.text;
}

TEST(KvmAmdParams, NumericBoolsAreAccepted) {
    EXPECT_EQ(param_state("1"), ModuleParam::State::on);
    EXPECT_EQ(param_state("0"), ModuleParam::State::off);
    EXPECT_EQ(param_state(""), ModuleParam::State::unreadable);
}

}  // namespace
}  // namespace er::sev
