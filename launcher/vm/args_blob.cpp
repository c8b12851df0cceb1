#include "launcher/vm/args_blob.hpp"

#include "launcher/common/error.hpp"

namespace er::launcher {

ArgsBlob build_args_blob(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         uint64_t max_bytes) {
    ArgsBlob blob;
    auto append = [&](const std::string& s) {
        if (s.find('\0') != std::string::npos) throw Error("an argument contains a NUL byte");
        if (s.size() + 1 > max_bytes - blob.bytes.size()) {
            throw Error("arguments and environment are too long: more than " +
                        std::to_string(max_bytes) + " bytes");
        }
        blob.bytes.insert(blob.bytes.end(), s.begin(), s.end());
        blob.bytes.push_back(0);
    };
    for (const std::string& a : argv) append(a);
    for (const std::string& e : env) append(e);
    blob.argc = static_cast<uint32_t>(argv.size());
    blob.envc = static_cast<uint32_t>(env.size());
    return blob;
}

}  // namespace er::launcher
