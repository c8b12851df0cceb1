// The evidence bundle of `enclave-run run --attest` (docs/attestation.md §1): what the guest sent
// with ER_HC_EVIDENCE (its own measurement log, REPORT_DATA and, under SNP or the software PSP,
// the report), plus the verifier's nonce and the certificates, in the CBOR that `enclave-attest
// verify` reads.  The launcher only packs: it cannot change the log unnoticed, because
// REPORT_DATA binds it.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "attestation/evidence.hpp"
#include "launcher/common/unique_fd.hpp"
#include "libos-abi/enclave_abi.h"

namespace er::launcher {

// The bundle for `guest` (already checked: check_evidence).  Without a report: platform "none",
// not hardware-backed.  With one: platform "sev-snp", hardware-backed, the report and `certs`
// (DER, VCEK or VLEK first).
attest::Evidence make_evidence(const er_evidence& guest, std::span<const uint8_t> nonce,
                               const std::vector<std::vector<uint8_t>>& certs);

// The --evidence file, replaced atomically: its directory and a temporary file in it are opened
// now, before the run loop is confined (seccomp_filter.hpp), and commit() writes the temporary
// file, fsyncs it and renames it over the final name, so a reader sees either the old file or the
// whole new one.  A temporary file never committed is removed by the destructor.
class EvidenceFile {
  public:
    // Throws Error naming the path when the directory cannot be opened, the final name is a
    // directory, or the temporary file cannot be created.
    explicit EvidenceFile(const std::string& path);
    ~EvidenceFile();
    EvidenceFile(const EvidenceFile&) = delete;
    EvidenceFile& operator=(const EvidenceFile&) = delete;

    // Once only; throws Error naming the path (and errno) on failure.
    void commit(std::span<const uint8_t> bytes);
    bool committed() const { return committed_; }
    const std::string& path() const { return path_; }
    // What the confined run loop needs: fsync on file_fd, renameat/unlinkat in dir_fd.
    int dir_fd() const { return dir_.get(); }
    int file_fd() const { return file_.get(); }

  private:
    std::string path_;
    std::string name_, temp_name_;  // relative to dir_
    UniqueFd dir_, file_;
    bool committed_ = false;
};

// Everything --attest needs while the VM runs: the nonce for the hints page, and on
// ER_HC_EVIDENCE the bundle built and written at once (a long-running app still yields it).
class EvidenceWriter {
  public:
    // `nonce`: ER_NONCE_MIN..ER_NONCE_MAX bytes (Error otherwise).
    EvidenceWriter(const std::string& path, std::vector<uint8_t> nonce);

    // The certificate chain to put beside a report (the software PSP's or the host's VCEK).
    void set_certs(std::vector<std::vector<uint8_t>> certs) { certs_ = std::move(certs); }
    // The report comes from the software PSP (sev/sim/): the summary line says so.
    void set_simulated(bool simulated) { simulated_ = simulated; }
    const std::vector<uint8_t>& nonce() const { return nonce_; }

    // Builds, encodes and commits the bundle for `guest`.
    void take(const er_evidence& guest);

    bool written() const { return file_.committed(); }
    uint32_t domains() const { return domains_; }
    bool hardware_backed() const { return hardware_backed_; }
    const EvidenceFile& file() const { return file_; }
    // "evidence: FILE (2 domains, not hardware-backed)"
    std::string summary_line() const;

  private:
    EvidenceFile file_;
    std::vector<uint8_t> nonce_;
    std::vector<std::vector<uint8_t>> certs_;
    uint32_t domains_ = 0;
    bool hardware_backed_ = false;
    bool simulated_ = false;
};

// --nonce: 8..64 bytes of hex (either case).  Throws Error with one line otherwise.
std::vector<uint8_t> nonce_from_hex(const std::string& text);
// 32 bytes from getrandom(), for --attest without --nonce.
std::vector<uint8_t> random_nonce();

}  // namespace er::launcher
