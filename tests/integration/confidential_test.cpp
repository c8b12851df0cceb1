// Confidential launch end to end in the test VM (docs/sev.md, docs/attestation.md "Expected
// measurement"): `--confidential sim` launches through the software PSP (sev/sim/, a test
// double: no SEV exists here), the guest asks it for an SNP report over its real encrypted
// MSG_REPORT_REQ, `enclave-attest measure` predicts the report's MEASUREMENT and every log entry
// from the same inputs, and `verify --trust-root` says TRUSTED (SIMULATED) for exactly that
// enclave and names what is wrong with every other.  Also: the named modes this host lacks are
// one line before any VM, auto falls back with a warning, and the ASID budget holds (a SIGKILLed
// launcher's slot comes back).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "attestation/evidence.hpp"
#include "attestation/report.hpp"
#include "harness.hpp"

namespace {

using er::test::app;
using er::test::enclave;
using er::test::expect_one_error_line;
using er::test::kScratch;
using er::test::read_file;
using er::test::Result;

const std::string kEnclaveAttest = ER_ENCLAVE_ATTEST;
const std::string kKernel = ER_UNIKERNEL_ELF;
const std::string kNonce = "5eed0000000000000000000000000000000000000000000000000000000000aa";

class Confidential : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ::mkdir(kScratch.c_str(), 0755);
        // The software PSP's keys persist in the build tree (RSA-4096 is generated once); the
        // ASID slots go in a private directory of this run.
        ::setenv("ENCLAVE_RUN_SIM_DIR", (kScratch + "/sim-psp").c_str(), 1);
        char dir[] = "/tmp/er-cc-state-XXXXXX";
        ASSERT_NE(::mkdtemp(dir), nullptr);
        state_dir() = dir;
        ::setenv("ENCLAVE_RUN_STATE_DIR", dir, 1);
    }
    static void TearDownTestSuite() {
        ::unsetenv("ENCLAVE_RUN_SIM_DIR");
        ::unsetenv("ENCLAVE_RUN_STATE_DIR");
    }
    static std::string& state_dir() {
        static std::string d;
        return d;
    }
    static std::string ark() { return kScratch + "/sim-psp/ark.pem"; }
};

struct Measured {
    std::string digest;
    nlohmann::json json;
};

Measured measure(std::vector<std::string> enclave_args, const std::string& policy_out) {
    std::vector<std::string> argv{kEnclaveAttest, "measure",      "--kernel", kKernel,
                                  "--json",       "--policy-out", policy_out};
    argv.insert(argv.end(), enclave_args.begin(), enclave_args.end());
    Result r = er::test::run(argv);
    EXPECT_EQ(r.status, 0) << r.err;
    Measured m;
    m.json = nlohmann::json::parse(r.out, nullptr, false);
    if (!m.json.is_discarded()) m.digest = m.json.value("snp_launch_digest", "");
    return m;
}

er::attest::Evidence read_evidence(const std::string& path) {
    std::string cbor = read_file(path);
    auto ev = er::attest::decode_evidence(
        er::attest::ByteView(reinterpret_cast<const uint8_t*>(cbor.data()), cbor.size()));
    EXPECT_TRUE(ev) << (ev ? "" : ev.error().message());
    return ev ? *ev : er::attest::Evidence{};
}

std::string report_measurement(const er::attest::Evidence& ev) {
    if (!ev.report) return "";
    auto report = er::attest::parse_report(*ev.report);
    return report ? er::attest::to_hex(report->measurement) : "";
}

Result verify(const std::string& bundle, const std::string& nonce, const std::string& digest,
              const std::string& policy, bool trust_root = true) {
    std::vector<std::string> argv{kEnclaveAttest,  "verify", "--evidence", bundle, "--nonce", nonce,
                                  "--measurement", digest,   "--policy",   policy};
    if (trust_root) {
        argv.push_back("--trust-root");
        argv.push_back(kScratch + "/sim-psp/ark.pem");
    }
    return er::test::run(argv);
}

// Runs a sim enclave with --attest; returns the bundle's path.
std::string run_sim(const std::string& name, std::vector<std::string> enclave_args) {
    std::string bundle = kScratch + "/cc-" + name + ".cbor";
    std::vector<std::string> args{"run",     "--confidential", "sim",        "--attest",
                                  "--nonce", kNonce,           "--evidence", bundle};
    args.insert(args.end(), enclave_args.begin(), enclave_args.end());
    Result r = enclave(args);
    EXPECT_FALSE(r.signaled);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("the evidence is signed by the software PSP (simulated, not hardware)"),
              std::string::npos)
        << r.err;
    return bundle;
}

TEST_F(Confidential, SimFlowIsTrustedForThatEnclaveAndEveryTamperingIsNamed) {
    std::vector<std::string> apps{"-e",  "MODE=cc", app("echo-args"), "one",
                                  "two", "---",     app("hello-pie")};
    std::vector<std::string> with{"--confidential", "sim"};
    with.insert(with.end(), apps.begin(), apps.end());
    std::string bundle = run_sim("flow", apps);
    Measured m = measure(with, kScratch + "/cc-flow-policy.json");
    er::attest::Evidence ev = read_evidence(bundle);
    ASSERT_TRUE(ev.hardware_backed);
    EXPECT_EQ(report_measurement(ev), m.digest);
    ASSERT_EQ(ev.log.size(), 2u);
    ASSERT_EQ(m.json["log"].size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(er::attest::to_hex(ev.log[i].image), m.json["log"][i]["image"]);
        EXPECT_EQ(er::attest::to_hex(ev.log[i].filesystem), m.json["log"][i]["filesystem"]);
        EXPECT_EQ(er::attest::to_hex(ev.log[i].arguments), m.json["log"][i]["arguments"]);
        EXPECT_EQ(ev.log[i].isolation, m.json["log"][i]["isolation"]);
    }

    Result ok = verify(bundle, kNonce, m.digest, kScratch + "/cc-flow-policy.json");
    EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
    EXPECT_NE(ok.out.find("TRUSTED (SIMULATED"), std::string::npos) << ok.out;

    struct Tamper {
        const char* what;
        std::vector<std::string> enclave;
        std::vector<const char*> reasons;
    };
    std::vector<Tamper> cases{
        {"another app",
         {app("echo-args"), "one", "two", "---", app("hello")},
         {"policy_measurement", "policy_domain"}},
        {"other arguments",
         {app("echo-args"), "one", "three", "---", app("hello-pie")},
         {"policy_measurement", "policy_domain"}},
        {"a domain dropped",
         {app("echo-args"), "one", "two"},
         {"policy_measurement", "policy_domain"}},
    };
    for (const Tamper& t : cases) {
        std::vector<std::string> args{"--confidential", "sim", "-e", "MODE=cc"};
        args.insert(args.end(), t.enclave.begin(), t.enclave.end());
        std::string policy = kScratch + "/cc-tamper-policy.json";
        Measured other = measure(args, policy);
        EXPECT_NE(other.digest, m.digest) << t.what;
        Result v = verify(bundle, kNonce, other.digest, policy);
        EXPECT_EQ(v.status, 1) << t.what << ": " << v.out;
        for (const char* reason : t.reasons)
            EXPECT_NE(v.out.find(reason), std::string::npos) << t.what << ": " << v.out;
    }
    std::string other_nonce = "5eed0000000000000000000000000000000000000000000000000000000000ab";
    Result nonce = verify(bundle, other_nonce, m.digest, kScratch + "/cc-flow-policy.json");
    EXPECT_EQ(nonce.status, 1);
    EXPECT_NE(nonce.out.find("evidence_nonce"), std::string::npos) << nonce.out;
    Result untrusted = verify(bundle, kNonce, m.digest, kScratch + "/cc-flow-policy.json", false);
    EXPECT_NE(untrusted.status, 0);
    EXPECT_NE((untrusted.out + untrusted.err).find("chain_untrusted_root"), std::string::npos)
        << untrusted.out << untrusted.err;
}

// The launcher's recorded launch (the report's MEASUREMENT, which the software PSP computed
// from the SNP_LAUNCH_UPDATE pages the launcher gave it) equals `measure`'s prediction for
// configurations that touch every measured region: a tree, a manifest, memory, tick and stats.
TEST_F(Confidential, MeasureEqualsTheLaunchForSeveralConfigurations) {
    std::string manifest = er::test::write_file(
        "cc-manifest.json",
        R"({"memory": "96M", "tick_ms": 5, "apps": [{"path": ")" + app("hello") +
            R"("}, {"path": ")" + app("echo-args-pie") +
            R"(", "args": ["x"], "env": {"K": "V"}, "isolation": "pagetable"}]})");
    std::vector<std::vector<std::string>> configs{
        {app("hello")},
        {"--root", std::string(ER_TESTDATA_DIR) + "/fs/basic", app("hello-pie")},
        {"-f", manifest},
        {"--stats", "-m", "48M", "--isolation", "pagetable", app("echo-args-pie"), "a"},
    };
    for (size_t i = 0; i < configs.size(); ++i) {
        std::string bundle = run_sim("config" + std::to_string(i), configs[i]);
        std::vector<std::string> args{"--confidential", "sim"};
        args.insert(args.end(), configs[i].begin(), configs[i].end());
        Measured m = measure(args, kScratch + "/cc-config-policy.json");
        er::attest::Evidence ev = read_evidence(bundle);
        EXPECT_EQ(report_measurement(ev), m.digest) << "config " << i;
        ASSERT_EQ(ev.log.size(), m.json["log"].size()) << "config " << i;
        for (size_t d = 0; d < ev.log.size(); ++d) {
            EXPECT_EQ(er::attest::to_hex(ev.log[d].image), m.json["log"][d]["image"]);
            EXPECT_EQ(er::attest::to_hex(ev.log[d].filesystem), m.json["log"][d]["filesystem"]);
            EXPECT_EQ(er::attest::to_hex(ev.log[d].arguments), m.json["log"][d]["arguments"]);
            EXPECT_EQ(ev.log[d].isolation, m.json["log"][d]["isolation"]);
        }
    }
}

TEST_F(Confidential, NamedModesThisHostLacksAreOneLineAndAutoFallsBack) {
    for (const char* mode : {"snp", "es", "sev"}) {
        Result r = enclave({"run", "--confidential", mode, app("hello")});
        EXPECT_EQ(r.status, 125) << mode;
        expect_one_error_line(r, "this host cannot run");
        EXPECT_EQ(r.out, "") << mode;  // no VM, no app output
    }
    std::string bundle = kScratch + "/cc-auto.cbor";
    Result r = enclave({"run", "--confidential", "auto", "--attest", "--nonce", kNonce,
                        "--evidence", bundle, app("hello")});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("Hello"), std::string::npos);
    EXPECT_NE(r.err.find("enclave-run: warning: --confidential auto: no SEV on this host"),
              std::string::npos)
        << r.err;
    Result v = er::test::run({kEnclaveAttest, "verify", "--evidence", bundle, "--nonce", kNonce});
    EXPECT_EQ(v.status, 1);
    EXPECT_NE(v.out.find("evidence_not_hardware_backed"), std::string::npos) << v.out;
}

pid_t start_holder() {
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::string spin = app("hostile-spin");
        ::execl(er::test::kEnclaveRun.c_str(), "enclave-run", "run", "--confidential", "sim",
                "--asid-budget", "2", "--timeout", "120", spin.c_str(), nullptr);
        ::_exit(127);
    }
    return pid;
}

int sim_slots_in_use() {
    Result r = er::test::run({er::test::kEnclaveRun, "platform", "--json"});
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded()) return -1;
    return j["asids"]["pools"]["sim"].value("in_use", -1);
}

bool wait_for_slots(int n) {
    for (int i = 0; i < 600; ++i) {
        if (sim_slots_in_use() == n) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

TEST_F(Confidential, AsidBudgetOfTwoRefusesAThirdAndAKilledLaunchersSlotComesBack) {
    ASSERT_TRUE(wait_for_slots(0));
    pid_t a = start_holder();
    pid_t b = start_holder();
    ASSERT_TRUE(wait_for_slots(2)) << "two sim enclaves never held their ASID slots";
    Result third = enclave({"run", "--confidential", "sim", "--asid-budget", "2", app("hello")});
    EXPECT_EQ(third.status, 125);
    expect_one_error_line(third, "no ASID left");
    EXPECT_EQ(third.out, "");

    ::kill(a, SIGKILL);
    int status = 0;
    ::waitpid(a, &status, 0);
    ASSERT_TRUE(wait_for_slots(1)) << "the SIGKILLed launcher's slot was not reclaimed";
    Result fourth = enclave({"run", "--confidential", "sim", "--asid-budget", "2", app("hello")});
    EXPECT_EQ(fourth.status, 0) << fourth.err;
    EXPECT_NE(fourth.out.find("Hello"), std::string::npos);

    ::kill(b, SIGKILL);
    ::waitpid(b, &status, 0);
    EXPECT_TRUE(wait_for_slots(0));
}

}  // namespace

namespace {

// Wherever it runs (here: no /dev/kvm, no SEV), a named mode that cannot run is one line and
// status 125 before anything is read; a malformed mode or policy likewise.
TEST(HostOnly, ConfidentialRefusalsComeBeforeAnyInputIsRead) {
    for (const char* mode : {"snp", "es", "sev"}) {
        Result r = er::test::enclave({"run", "--confidential", mode, "/nonexistent/app"});
        EXPECT_EQ(r.status, 125) << mode;
        expect_one_error_line(r, std::string("--confidential ") + mode + ": ");
    }
    Result bad = er::test::enclave({"run", "--confidential", "tdx", app("hello")});
    EXPECT_EQ(bad.status, 125);
    expect_one_error_line(bad, "expected auto, snp, es, sev, off or sim");
    Result policy = er::test::enclave({"run", "--guest-policy", "debug,x", app("hello")});
    EXPECT_EQ(policy.status, 125);
    expect_one_error_line(policy, "--guest-policy: unknown item 'x'");
    Result budget =
        er::test::enclave({"run", "--confidential", "sim", "--asid-budget", "two", app("hello")});
    EXPECT_EQ(budget.status, 125);
    expect_one_error_line(budget, "--asid-budget");
}

}  // namespace
