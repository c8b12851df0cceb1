// libFuzzer target for the enclave.json parser (launcher/enclave/manifest.cpp): any text is either
// a manifest or refused with er::launcher::Error, one line (docs/manifest.md).  Any other
// exception (a json.exception escaping as "internal error"), a crash, or an accepted manifest that
// breaks what the launcher relies on later is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "launcher/common/error.hpp"
#include "launcher/enclave/manifest.hpp"
#include "libos-abi/enclave_abi.h"

namespace {

void require(bool condition) {
    if (!condition) std::abort();  // libFuzzer reports the input
}

bool has_nul(const std::string& s) {
    return s.find('\0') != std::string::npos;
}

void check_accepted(const er::launcher::Manifest& m) {
    require(!m.apps.empty() && m.apps.size() <= ER_MAX_DOMAINS);
    if (m.timeout_s) require(*m.timeout_s > 0 && *m.timeout_s <= 1e7 && m.timeout_text);
    std::set<std::string> names;
    for (const er::launcher::AppSpec& a : m.apps) {
        require(!a.path.empty() && !a.argv0.empty());
        require(er::launcher::valid_domain_name(a.name) && names.insert(a.name).second);
        // Strings reach the guest NUL-terminated: an embedded NUL must have been refused.
        require(!has_nul(a.path) && !has_nul(a.argv0));
        for (const std::string& arg : a.args) require(!has_nul(arg));
        for (const std::string& e : a.env) {
            size_t eq = e.find('=');
            require(eq != std::string::npos && eq > 0 && !has_nul(e));
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        // A base directory that does not exist: "root" keys are refused, never walked.
        check_accepted(er::launcher::parse_manifest(text, "fuzz.json", "/nonexistent-fuzz-base"));
    } catch (const er::launcher::Error& e) {
        std::string_view what = e.what();
        // One line, and never the JSON library's own text (issue 15 item 7).
        require(!what.empty() && what.find('\n') == std::string_view::npos);
        require(what.find("json.exception") == std::string_view::npos ||
                text.find("json.exception") != std::string_view::npos);  // quoting the input
    }
    return 0;
}
