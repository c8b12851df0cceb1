// The kernel launches' exact ioctl sequences (sev/launch/kernel_launch.hpp), recorded by the test
// double and compared byte for byte with the tables below, which docs/sev.md "Launch sequences"
// repeats: each struct is written field by field as little-endian values (u8/u16/u32/u64:HEX),
// z:N for N zero bytes and b:HEX for raw bytes.  Symbols (recording_ioctl_port.hpp): the kvm fd
// is "kvm", /dev/sev is 0x5e, the VM is "vm", guest RAM's mapping is 0x7f0000000000,
// kvm_sev_cmd.data is 0xda7a, the launch's own measurement buffer is 0xeeee000000000001.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "recording_ioctl_port.hpp"
#include "sev/launch/kernel_launch.hpp"

namespace er::sev {
namespace {

using test::IoctlRecord;
using test::RecordingIoctlPort;
using P = RecordingIoctlPort;

constexpr int kKvmFd = 100;  // never used as real fds: the double answers everything
constexpr int kSevFd = 101;
constexpr std::uint64_t kRamSize = 2 << 20;
constexpr std::uint64_t kRamSymbol = 0x7f0000000000;

// ---- the table notation ----

std::vector<std::uint8_t> bytes(std::string_view spec) {
    std::vector<std::uint8_t> out;
    std::istringstream in{std::string(spec)};
    std::string tok;
    while (in >> tok) {
        auto colon = tok.find(':');
        if (colon == std::string::npos) throw std::logic_error("bad token " + tok);
        std::string kind = tok.substr(0, colon), val = tok.substr(colon + 1);
        if (kind == "z") {
            out.insert(out.end(), std::stoul(val), 0);
        } else if (kind == "b") {
            for (std::size_t i = 0; i + 1 < val.size(); i += 2) {
                out.push_back(static_cast<std::uint8_t>(std::stoul(val.substr(i, 2), nullptr, 16)));
            }
        } else {
            int width = kind == "u8" ? 1 : kind == "u16" ? 2 : kind == "u32" ? 4 : 8;
            std::uint64_t v = std::stoull(val, nullptr, 16);
            for (int i = 0; i < width; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
        }
    }
    return out;
}

struct Step {
    const char* fd;
    unsigned long request;
    std::string arg;
    std::string data = "";
};

// kvm_sev_cmd for command `id` (decimal, as the uapi enum writes it) with and without a
// parameter struct: sev_fd is always set.
std::string cmd(std::uint32_t id, bool with_data = true) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "u32:%x u32:0 u64:%s u32:0 u32:5e", id,
                  with_data ? "da7a" : "0");
    return buf;
}
std::string cmd_nodata(std::uint32_t id) {
    return cmd(id, false);
}

std::string hexdump(const std::vector<std::uint8_t>& b) {
    std::string s;
    char buf[4];
    for (std::size_t i = 0; i < b.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", b[i]);
        s += buf;
        if (i % 8 == 7 && i + 1 < b.size()) s += ' ';
    }
    return s;
}

std::string describe(const IoctlRecord& r) {
    std::ostringstream o;
    o << r.fd << " 0x" << std::hex << r.request << " arg[" << hexdump(r.arg) << "]";
    if (!r.data.empty()) o << " data[" << hexdump(r.data) << "]";
    return o.str();
}

void expect_sequence(const std::vector<IoctlRecord>& got, const std::vector<Step>& want) {
    std::string got_text, want_text;
    for (const auto& r : got) got_text += describe(r) + "\n";
    for (const auto& s : want) {
        want_text += describe({s.fd, s.request, bytes(s.arg), bytes(s.data)}) + "\n";
    }
    EXPECT_EQ(got_text, want_text);
    // And field by field, so a failure says which call.
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        SCOPED_TRACE("call " + std::to_string(i));
        EXPECT_EQ(got[i].fd, want[i].fd);
        EXPECT_EQ(got[i].request, want[i].request);
        EXPECT_EQ(got[i].arg, bytes(want[i].arg));
        EXPECT_EQ(got[i].data, bytes(want[i].data));
    }
}

// ---- a fixed small launch ----

struct GuestRam {
    GuestRam() : p(static_cast<std::uint8_t*>(std::aligned_alloc(4096, kRamSize))) {}
    ~GuestRam() { std::free(p); }
    std::span<std::uint8_t> at(std::uint64_t gpa, std::uint64_t len) { return {p + gpa, len}; }
    std::uint8_t* p;
};

constexpr std::uint64_t kKernelGpa = 0x100000, kKernelLen = 0x3000;
constexpr std::uint64_t kStackGpa = 0x20000, kStackLen = 0x2000;
constexpr std::uint64_t kSecretsGpa = 0x81000, kCpuidGpa = 0x82000;

HostData host_data() {
    HostData h{};
    for (std::size_t i = 0; i < h.size(); ++i) h[i] = static_cast<std::uint8_t>(0xa0 + i);
    return h;
}
constexpr const char* kHostDataHex =
    "b:a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

struct Fixture {
    RecordingIoctlPort port;
    GuestRam ram;
    std::unique_ptr<KernelLaunch> launch;
    launcher::UniqueFd vm;

    Fixture(LaunchMode mode, KernelLaunchOptions opts) {
        port.name_fd(kKvmFd, "kvm", 0x10);
        port.name_fd(kSevFd, "sev", 0x5e);
        port.name_memory(ram.p, kRamSize, kRamSymbol);
        launch = make_kernel_launch(mode, port, kKvmFd, kSevFd, opts);
    }
    void setup() {
        vm = launch->create_vm();
        launch->init();
        launch->set_memory(0, 0, kRamSize, ram.p);
        launch->start(GuestPolicy{});
    }
    void run(bool snp) {
        setup();
        launch->update({kKernelGpa, PageType::normal, ram.at(kKernelGpa, kKernelLen)});
        launch->update({kStackGpa, PageType::zero, ram.at(kStackGpa, kStackLen)});
        if (snp) {
            launch->update({kSecretsGpa, PageType::secrets, ram.at(kSecretsGpa, 0x1000)});
            launch->update({kCpuidGpa, PageType::cpuid, ram.at(kCpuidGpa, 0x1000)});
        }
        std::vector<VmsaPage> vmsas(1);  // one vCPU
        launch->finish(vmsas, host_data());
    }
};

KernelLaunchOptions init2_options() {
    KernelLaunchOptions o;
    o.init2 = true;
    o.vmsa_features = 0x20;  // DebugSwap
    o.ghcb_version = 2;
    return o;
}

KernelLaunchOptions legacy_options() {
    KernelLaunchOptions o;
    o.init2 = false;
    return o;
}

std::string snp_update(std::uint64_t gpa, std::uint64_t len, int type) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "u64:%llx u64:%llx u64:%llx u8:%x u8:0 u16:0 u32:0 z:32",
                  static_cast<unsigned long long>(gpa / 4096),
                  static_cast<unsigned long long>(kRamSymbol + gpa),
                  static_cast<unsigned long long>(len), type);
    return buf;
}
std::string private_attrs(std::uint64_t gpa, std::uint64_t len) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "u64:%llx u64:%llx u64:8 u64:0",
                  static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(len));
    return buf;
}

const std::vector<Step>& snp_sequence() {
    static const std::vector<Step> s = {
        {"kvm", P::kCreateVm, "u64:4"},  // KVM_X86_SNP_VM
        // KVM_CAP_EXIT_HYPERCALL (201), args[0] = 1 << KVM_HC_MAP_GPA_RANGE
        {"vm", P::kEnableCap, "u32:c9 u32:0 u64:1000 z:24 z:64"},
        // INIT2: vmsa_features 0x20, flags 0, ghcb_version 2
        {"vm", P::kMemoryEncryptOp, cmd(22), "u64:20 u32:0 u16:2 u16:0 z:32"},
        {"vm", P::kCreateGuestMemfd, "u64:200000 u64:0 z:48"},
        // slot 0, KVM_MEM_GUEST_MEMFD, GPA 0, 2 MiB, RAM, gmem offset 0, gmem fd
        {"vm", P::kSetUserMemoryRegion2,
         "u32:0 u32:4 u64:0 u64:200000 u64:7f0000000000 u64:0 u32:30 u32:0 z:112"},
        // SNP_LAUNCH_START: policy 0x30000, gosvw 0, flags 0
        {"vm", P::kMemoryEncryptOp, cmd(100), "u64:30000 z:16 u16:0 z:6 z:32"},
        {"vm", P::kSetMemoryAttributes, private_attrs(kKernelGpa, kKernelLen)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kKernelGpa, kKernelLen, 1)},
        {"vm", P::kSetMemoryAttributes, private_attrs(kStackGpa, kStackLen)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kStackGpa, kStackLen, 3)},
        {"vm", P::kSetMemoryAttributes, private_attrs(kSecretsGpa, 0x1000)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kSecretsGpa, 0x1000, 5)},
        {"vm", P::kSetMemoryAttributes, private_attrs(kCpuidGpa, 0x1000)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kCpuidGpa, 0x1000, 6)},
        // SNP_LAUNCH_FINISH: no ID block, host_data, flags 0
        {"vm", P::kMemoryEncryptOp, cmd(102),
         std::string("u64:0 u64:0 u8:0 u8:0 u8:0 ") + kHostDataHex + " z:3 u16:0 z:32"},
    };
    return s;
}

// SEV and SEV-ES after the VM's creation and initialisation.
std::vector<Step> sev_tail(std::uint32_t policy, bool es) {
    char start[96];
    std::snprintf(start, sizeof start, "u32:0 u32:%x u64:0 u32:0 u32:0 u64:0 u32:0 u32:0", policy);
    std::vector<Step> s = {
        {"vm", P::kSetUserMemoryRegion, "u32:0 u32:0 u64:0 u64:200000 u64:7f0000000000"},
        {"vm", P::kMemoryEncryptRegRegion, "u64:7f0000000000 u64:200000"},
        {"vm", P::kMemoryEncryptOp, cmd(2), start},
        // only the normal range: the zero range is not measured under SEV
        {"vm", P::kMemoryEncryptOp, cmd(3), "u64:7f0000100000 u32:3000 u32:0"},
    };
    if (es) s.push_back({"vm", P::kMemoryEncryptOp, cmd_nodata(4)});
    s.push_back({"vm", P::kMemoryEncryptOp, cmd(6), "u64:0 u32:0 u32:0"});
    s.push_back({"vm", P::kMemoryEncryptOp, cmd(6), "u64:eeee000000000001 u32:30 u32:0"});
    s.push_back({"vm", P::kMemoryEncryptOp, cmd_nodata(7)});
    return s;
}

TEST(LaunchSequence, SnpRecordedSequenceIsTheDocumentedOne) {
    Fixture f(LaunchMode::snp, init2_options());
    f.run(true);
    expect_sequence(f.port.records, snp_sequence());
    EXPECT_FALSE(f.launch->launch_measurement());
}

TEST(LaunchSequence, SevEsRecordedSequenceIsTheDocumentedOne) {
    Fixture f(LaunchMode::sev_es, init2_options());
    f.run(false);
    std::vector<Step> want = {
        {"kvm", P::kCreateVm, "u64:3"},  // KVM_X86_SEV_ES_VM
        {"vm", P::kMemoryEncryptOp, cmd(22), "u64:20 u32:0 u16:2 u16:0 z:32"},
    };
    for (auto& s : sev_tail(0xf, true)) want.push_back(s);  // NODBG|NOKS|ES|NOSEND
    expect_sequence(f.port.records, want);
    auto m = f.launch->launch_measurement();
    ASSERT_TRUE(m);
    for (std::size_t i = 0; i < m->size(); ++i) EXPECT_EQ((*m)[i], i);
}

TEST(LaunchSequence, SevRecordedSequenceIsTheDocumentedOne) {
    // The legacy path: a default VM and KVM_SEV_INIT (no parameters).
    Fixture f(LaunchMode::sev, legacy_options());
    f.run(false);
    std::vector<Step> want = {
        {"kvm", P::kCreateVm, "u64:0"},
        {"vm", P::kMemoryEncryptOp, cmd_nodata(0)},
    };
    for (auto& s : sev_tail(0xb, false)) want.push_back(s);  // NODBG|NOKS|NOSEND
    expect_sequence(f.port.records, want);
    EXPECT_TRUE(f.launch->launch_measurement());
}

TEST(LaunchSequence, SevWithInit2UsesItsVmTypeAndZeroFeatures) {
    Fixture f(LaunchMode::sev, init2_options());
    f.vm = f.launch->create_vm();
    f.launch->init();
    expect_sequence(f.port.records,
                    {{"kvm", P::kCreateVm, "u64:2"},
                     {"vm", P::kMemoryEncryptOp, cmd(22), "u64:0 u32:0 u16:0 u16:0 z:32"}});
}

TEST(LaunchSequence, SevEsWithoutInit2UsesLegacyEsInit) {
    Fixture f(LaunchMode::sev_es, legacy_options());
    f.vm = f.launch->create_vm();
    f.launch->init();
    expect_sequence(f.port.records,
                    {{"kvm", P::kCreateVm, "u64:0"}, {"vm", P::kMemoryEncryptOp, cmd_nodata(1)}});
}

// ---- failures ----

std::string error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const LaunchError& e) {
        return e.what();
    }
    return "(no LaunchError)";
}

TEST(LaunchErrors, FirmwareErrorNamesCommandAddressAndStatus) {
    Fixture f(LaunchMode::snp, init2_options());
    f.port.fail_call(7, EIO, 0x16);  // the first SNP_LAUNCH_UPDATE
    std::string msg = error_of([&] { f.run(true); });
    EXPECT_EQ(msg,
              "SNP_LAUNCH_UPDATE(NORMAL) at GPA 0x100000 failed: Input/output error, firmware "
              "status SEV_RET_INVALID_PARAM (0x16)");
    EXPECT_EQ(msg.find('\n'), std::string::npos);
    EXPECT_EQ(f.port.records.size(), 8u);  // nothing after the failure
}

TEST(LaunchErrors, SevLaunchStartPolicyFailure) {
    Fixture f(LaunchMode::sev, legacy_options());
    f.port.fail_call(4, EIO, 7);
    EXPECT_EQ(error_of([&] { f.run(false); }),
              "LAUNCH_START failed: Input/output error, firmware status SEV_RET_POLICY_FAILURE "
              "(0x7)");
}

TEST(LaunchErrors, KernelErrorWithoutFirmwareHasNoStatus) {
    Fixture f(LaunchMode::snp, init2_options());
    f.port.fail_call(0, EINVAL);
    EXPECT_EQ(error_of([&] { f.vm = f.launch->create_vm(); }),
              "KVM_CREATE_VM(type 4) failed: Invalid argument");
}

TEST(LaunchErrors, SevRetNames) {
    EXPECT_EQ(sev_ret_name(0x03), "SEV_RET_INVALID_CONFIG");
    EXPECT_EQ(sev_ret_name(0x16), "SEV_RET_INVALID_PARAM");
    EXPECT_EQ(sev_ret_name(0x18), "SEV_RET_SECURE_DATA_INVALID");
    EXPECT_EQ(sev_ret_name(0x19), "SEV_RET_INVALID_PAGE_SIZE");
    EXPECT_EQ(sev_ret_name(0x1f), "SEV_RET_EXIT_RING_BUFFER");
    EXPECT_EQ(sev_ret_name(0x27), "SEV_RET_INVALID_KEY");
    EXPECT_EQ(sev_ret_name(0x1e), "SEV_RET_0x1e");
    EXPECT_EQ(sev_ret_name(0xffffffff), "SEV_RET_NO_FW_CALL");
}

TEST(LaunchErrors, CallsOutOfOrderAreRefusedWithoutAnIoctl) {
    Fixture f(LaunchMode::snp, init2_options());
    f.vm = f.launch->create_vm();
    f.launch->init();
    EXPECT_NE(error_of([&] {
                  f.launch->update({kKernelGpa, PageType::normal, f.ram.at(kKernelGpa, 0x1000)});
              }).find("out of order"),
              std::string::npos);
    EXPECT_EQ(f.port.records.size(), 3u);
}

TEST(LaunchErrors, SevRefusesSnpOnlyPageTypes) {
    Fixture f(LaunchMode::sev_es, init2_options());
    f.setup();
    std::size_t before = f.port.records.size();
    EXPECT_NE(error_of([&] {
                  f.launch->update({kSecretsGpa, PageType::secrets, f.ram.at(kSecretsGpa, 0x1000)});
              }).find("SNP-only"),
              std::string::npos);
    EXPECT_EQ(f.port.records.size(), before);
}

// ---- SNP_LAUNCH_UPDATE: partial progress and EAGAIN ----

bool is_snp_update(unsigned long request, void* arg) {
    return request == P::kMemoryEncryptOp && P::load(arg, 0, 4) == 101;
}

TEST(SnpLaunchUpdate, PartialProgressIsLoopedUntilTheRangeIsDone) {
    Fixture f(LaunchMode::snp, init2_options());
    // KVM does one page per call and answers success with the rest.
    f.port.script = [](std::size_t, unsigned long request, void* arg) -> std::optional<int> {
        if (!is_snp_update(request, arg)) return std::nullopt;
        auto* up = reinterpret_cast<std::uint8_t*>(P::load(arg, 8, 8));
        std::uint64_t gfn = P::load(up, 0, 8) + 1, uaddr = P::load(up, 8, 8) + 4096,
                      len = P::load(up, 16, 8) - 4096;
        std::memcpy(up, &gfn, 8);
        std::memcpy(up + 8, &uaddr, 8);
        std::memcpy(up + 16, &len, 8);
        return 0;
    };
    f.setup();
    std::size_t first = f.port.records.size();
    f.launch->update({kKernelGpa, PageType::normal, f.ram.at(kKernelGpa, kKernelLen)});
    std::vector<Step> want = {
        {"vm", P::kSetMemoryAttributes, private_attrs(kKernelGpa, kKernelLen)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kKernelGpa, 0x3000, 1)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kKernelGpa + 0x1000, 0x2000, 1)},
        {"vm", P::kMemoryEncryptOp, cmd(101), snp_update(kKernelGpa + 0x2000, 0x1000, 1)},
    };
    expect_sequence(
        {f.port.records.begin() + static_cast<std::ptrdiff_t>(first), f.port.records.end()}, want);
}

TEST(SnpLaunchUpdate, SuccessWithoutProgressIsAnError) {
    Fixture f(LaunchMode::snp, init2_options());
    f.port.script = [](std::size_t, unsigned long request, void* arg) -> std::optional<int> {
        if (is_snp_update(request, arg)) return 0;  // len unchanged
        return std::nullopt;
    };
    f.setup();
    EXPECT_NE(error_of([&] {
                  f.launch->update({kKernelGpa, PageType::normal, f.ram.at(kKernelGpa, 0x1000)});
              }).find("without progress"),
              std::string::npos);
}

TEST(SnpLaunchUpdate, EagainIsRetriedThenSucceeds) {
    Fixture f(LaunchMode::snp, init2_options());
    int eagains = 2;
    f.port.script = [&](std::size_t, unsigned long request, void* arg) -> std::optional<int> {
        if (!is_snp_update(request, arg) || eagains == 0) return std::nullopt;  // the model
        --eagains;
        errno = EAGAIN;
        return -1;
    };
    f.setup();
    std::size_t first = f.port.records.size();
    f.launch->update({kKernelGpa, PageType::normal, f.ram.at(kKernelGpa, 0x1000)});
    EXPECT_EQ(f.port.records.size() - first, 1u + 3u);  // attributes, then 2 EAGAIN + 1 success
}

TEST(SnpLaunchUpdate, EagainRetriesAreBounded) {
    Fixture f(LaunchMode::snp, init2_options());
    int updates = 0;
    f.port.script = [&](std::size_t, unsigned long request, void* arg) -> std::optional<int> {
        if (!is_snp_update(request, arg)) return std::nullopt;
        ++updates;
        errno = EAGAIN;
        return -1;
    };
    f.setup();
    std::string msg = error_of([&] {
        f.launch->update({kKernelGpa, PageType::normal, f.ram.at(kKernelGpa, 0x1000)});
    });
    EXPECT_EQ(updates, 8);
    EXPECT_EQ(msg,
              "SNP_LAUNCH_UPDATE(NORMAL) (EAGAIN 8 times) at GPA 0x100000 failed: Resource "
              "temporarily unavailable");
}

// ---- INIT2 probe ----

TEST(VmsaFeaturesProbe, AsksKvmForTheSevAttribute) {
    RecordingIoctlPort port;
    port.name_fd(kKvmFd, "kvm", 0x10);
    port.script = [](std::size_t, unsigned long request, void* arg) -> std::optional<int> {
        if (request != P::kGetDeviceAttr) return std::nullopt;
        std::uint64_t mask = 0x21;
        std::memcpy(reinterpret_cast<void*>(P::load(arg, 16, 8)), &mask, 8);
        return 0;
    };
    EXPECT_EQ(probe_vmsa_features(port, kKvmFd), std::optional<std::uint64_t>(0x21));
    // flags 0, group 1 KVM_X86_GRP_SEV, attr 0 KVM_X86_SEV_VMSA_FEATURES, addr: a local
    expect_sequence(port.records,
                    {{"kvm", P::kGetDeviceAttr, "u32:0 u32:1 u64:0 u64:eeee000000000001"}});
}

TEST(VmsaFeaturesProbe, NoAttributeMeansNoInit2) {
    RecordingIoctlPort port;
    port.fail_call(0, ENXIO);
    EXPECT_EQ(probe_vmsa_features(port, kKvmFd), std::nullopt);
}

// ---- guest policy ----

TEST(GuestPolicyBits, SnpDefaultsAndEachField) {
    EXPECT_EQ(GuestPolicy{}.snp_policy(), 0x30000u);  // SMT + reserved-must-be-one
    GuestPolicy dbg;
    dbg.debug = true;
    EXPECT_EQ(dbg.snp_policy(), 0xB0000u);
    GuestPolicy nosmt;
    nosmt.smt = false;
    EXPECT_EQ(nosmt.snp_policy(), 0x20000u);  // bit 17 stays set
    GuestPolicy abi;
    abi.abi_major = 1;
    abi.abi_minor = 55;
    EXPECT_EQ(abi.snp_policy(), 0x30137u);
    GuestPolicy ma;
    ma.migrate_ma = true;
    EXPECT_EQ(ma.snp_policy(), 0x70000u);
}

TEST(GuestPolicyBits, SevDefaultsAndEachField) {
    EXPECT_EQ(GuestPolicy{}.sev_policy(false), 0xBu);  // NODBG | NOKS | NOSEND
    EXPECT_EQ(GuestPolicy{}.sev_policy(true), 0xFu);   // + ES
    GuestPolicy dbg;
    dbg.debug = true;
    EXPECT_EQ(dbg.sev_policy(false), 0xAu);
    GuestPolicy abi;
    abi.abi_major = 0;
    abi.abi_minor = 17;
    EXPECT_EQ(abi.sev_policy(false), 0x1100000Bu);
    abi.abi_major = 1;
    EXPECT_EQ(abi.sev_policy(true), 0x1101000Fu);
}

}  // namespace
}  // namespace er::sev
