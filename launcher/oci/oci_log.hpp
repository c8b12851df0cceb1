// How the runtime reports (docs/oci.md, "Errors"): like runc, every error is one line on stderr
// (the shim matches its wording: "does not exist", "container not running") and, with --log,
// one entry appended to that file in --log-format: a logrus-style JSON object
// {"level":"error","msg":"...","time":"..."} for json (containerd reads the last error-level
// entry of <bundle>/log.json into "OCI runtime create failed: MSG"), time="..." level=... msg="..."
// for text.
#pragma once

#include <string>

#include "launcher/oci/oci_args.hpp"

namespace er::launcher::oci {

// One log entry, newline-terminated, in `format` ("json" or "text").  `time` is RFC 3339.
std::string format_log_entry(const std::string& format, const std::string& level,
                             const std::string& msg, const std::string& time);

// Now, UTC, RFC 3339 with nanoseconds ("2026-12-07T07:30:01.123456789Z"), as runc writes
// "created" and log times.
std::string rfc3339_now();

class OciLog {
  public:
    explicit OciLog(const GlobalOptions& options) : options_(options) {}
    // stderr gets MSG; the --log file, if any, gets the entry.  Never throws.
    void error(const std::string& msg) const;
    // Only to the --log file (a warning must not become the shim's error text); --debug adds
    // debug entries.
    void warning(const std::string& msg) const;
    void debug(const std::string& msg) const;

  private:
    void append(const std::string& level, const std::string& msg) const;
    GlobalOptions options_;
};

}  // namespace er::launcher::oci
