// The real /dev/sev and /dev/kvm probes, pointed at paths that are not those devices: what they
// report must be the honest failure, with its errno, and never a capability.
#include <gtest/gtest.h>

#include <cerrno>

#include "sev/kvm_sev_caps.hpp"
#include "sev/sev_device.hpp"

namespace er::sev {
namespace {

TEST(SevDeviceProbe, AMissingDeviceIsAbsent) {
    SevDeviceFacts f = probe_sev_device("/nonexistent/sev");
    EXPECT_FALSE(f.present);
    EXPECT_FALSE(f.status);
    EXPECT_FALSE(f.status_failure);
}

TEST(SevDeviceProbe, ADeviceThatIsNotThePspFailsEachStatusWithItsErrno) {
    SevDeviceFacts f = probe_sev_device("/dev/null");
    EXPECT_TRUE(f.present);
    EXPECT_EQ(f.open_err, 0);
    EXPECT_FALSE(f.status);
    ASSERT_TRUE(f.status_failure);
    EXPECT_EQ(f.status_failure->err, ENOTTY);
    ASSERT_TRUE(f.snp_status_failure);
    EXPECT_EQ(f.snp_status_failure->err, ENOTTY);
    EXPECT_EQ(failure_text(*f.status_failure), "Inappropriate ioctl for device");
}

TEST(SevDeviceProbe, FirmwareStatusIsNamedOnlyWhenTheFirmwareWasReached) {
    EXPECT_EQ(failure_text({EIO, 0x16}), "Input/output error (firmware status 0x16)");
    EXPECT_EQ(failure_text({EIO, 0xFFFFFFFF}), "Input/output error");
    EXPECT_EQ(failure_text({EINVAL, 0}), "Invalid argument");
}

TEST(KvmProbe, AMissingDeviceIsAbsentAndNothingIsAsked) {
    KvmSevFacts f = probe_kvm_sev("/nonexistent/kvm");
    EXPECT_FALSE(f.present);
    EXPECT_FALSE(f.opened());
    EXPECT_FALSE(f.vm_types);
    EXPECT_FALSE(f.encrypt_op_err);
}

TEST(KvmProbe, ADeviceThatIsNotKvmAnswersNoCapabilityAndNoVm) {
    KvmSevFacts f = probe_kvm_sev("/dev/null");
    EXPECT_TRUE(f.opened());
    EXPECT_FALSE(f.vm_types);
    EXPECT_EQ(f.vm_types_err, ENOTTY);
    EXPECT_EQ(f.create_vm_err, ENOTTY);
    EXPECT_FALSE(f.encrypt_op_err);  // no VM, so never asked
}

}  // namespace
}  // namespace er::sev
