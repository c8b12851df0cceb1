#include "launcher/enclave/enclave_spec.hpp"

#include <algorithm>
#include <set>

namespace er::launcher {
namespace {

constexpr size_t kNameMax = ER_DOMAIN_NAME_MAX - 1;  // the descriptor keeps a NUL

bool name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

std::string env_key(const std::string& kv) {
    return kv.substr(0, kv.find('='));
}

}  // namespace

bool valid_domain_name(const std::string& name) {
    return !name.empty() && name.size() <= kNameMax &&
           std::all_of(name.begin(), name.end(), name_char);
}

bool valid_app_network(const std::string& text) {
    if (text == "host" || text == "none") return true;
    const std::string group = "none:";
    return text.rfind(group, 0) == 0 && valid_domain_name(text.substr(group.size()));
}

std::string default_domain_name(const std::string& path) {
    std::string base = path;
    while (base.size() > 1 && base.back() == '/') base.pop_back();
    if (auto slash = base.rfind('/'); slash != std::string::npos) base = base.substr(slash + 1);
    for (char& c : base) {
        if (!name_char(c)) c = '_';
    }
    if (base.size() > kNameMax) base.resize(kNameMax);
    if (base.empty() || base == "." || base == "..") base = "app";
    return base;
}

void assign_domain_names(std::vector<AppSpec>& apps) {
    std::set<std::string> taken;
    for (const AppSpec& app : apps) {
        if (!app.name.empty()) taken.insert(app.name);
    }
    for (AppSpec& app : apps) {
        if (!app.name.empty()) continue;
        std::string base = default_domain_name(app.path);
        std::string name = base;
        for (unsigned n = 2; taken.count(name) != 0; ++n) {
            std::string suffix = "-" + std::to_string(n);
            name = base.substr(0, std::min(base.size(), kNameMax - suffix.size())) + suffix;
        }
        taken.insert(name);
        app.name = name;
    }
}

void merge_env(std::vector<std::string>& env, const std::vector<std::string>& global) {
    for (const std::string& kv : global) {
        std::string key = env_key(kv);
        std::erase_if(env, [&](const std::string& e) { return env_key(e) == key; });
        env.push_back(kv);
    }
}

}  // namespace er::launcher
