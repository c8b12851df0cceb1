#include "launcher/enclave/manifest.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "launcher/cli/run_options.hpp"
#include "launcher/common/error.hpp"
#include "launcher/common/file.hpp"
#include "launcher/common/size.hpp"

namespace er::launcher {
namespace {

using nlohmann::json;

// Manifests are small; this only stops a wrong file (an app binary, a disk image) being parsed.
constexpr uint64_t kMaxManifest = 1 << 20;

class Parser {
  public:
    Parser(std::string label, std::filesystem::path base)
        : label_(std::move(label)), base_(std::move(base)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw Error(path + ": " + what, label_);
    }

    // A value as the user wrote it, cut short.  A string is shown raw between quotes: the error
    // line escapes odd bytes once (escape.hpp), where JSON's own escapes would be escaped again.
    static std::string shown(const json& value) {
        std::string text = value.is_string()
                               ? "\"" + value.get<std::string>() + "\""
                               : value.dump(-1, ' ', true, json::error_handler_t::replace);
        if (text.size() > 40) text = text.substr(0, 37) + "...";
        return text;
    }

    void keys(const json& object, const std::string& path,
              std::initializer_list<const char*> allowed) const {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key().find('\0') != std::string::npos)
                fail(path + "." + it.key(), "a key must not contain a NUL byte");
            bool known = false;
            for (const char* key : allowed) known = known || it.key() == key;
            if (known) continue;
            std::string list;
            for (const char* key : allowed) list += (list.empty() ? "" : ", ") + std::string(key);
            fail(path + "." + it.key(), "unknown key (expected one of " + list + ")");
        }
    }

    std::string string(const json& value, const std::string& path, const char* like) const {
        if (!value.is_string())
            fail(path, std::string("expected ") + like + ", got " + shown(value));
        // Every string ends up as a C string somewhere (a file name, argv, environ): a NUL would
        // silently cut it there.
        if (value.get_ref<const std::string&>().find('\0') != std::string::npos)
            fail(path, "must not contain a NUL byte");
        return value.get<std::string>();
    }

    uint64_t size(const json& value, const std::string& path, const char* example) const {
        std::optional<uint64_t> bytes;
        if (value.is_string()) bytes = parse_size(value.get<std::string>());
        if (value.is_number_unsigned()) bytes = value.get<uint64_t>();
        if (!bytes)
            fail(path,
                 std::string("expected a size like \"") + example + "\", got " + shown(value));
        return *bytes;
    }

    Manifest parse(const json& root) {
        if (!root.is_object()) fail("$", "expected an object, got " + shown(root));
        keys(root, "$", {"memory", "timeout", "tick_ms", "confidential", "apps"});
        Manifest m;
        if (root.contains("memory")) {
            const json& v = root["memory"];
            size(v, "$.memory", "256M");  // the type and syntax; then the limits of --memory
            std::string text =
                v.is_string() ? v.get<std::string>() : std::to_string(v.get<uint64_t>());
            try {
                m.memory = memory_size_from(text);
            } catch (const Error& e) {
                // memory_size_from speaks of "--memory"; here the culprit is the key.
                std::string what = e.text();
                const std::string flag = "--memory ";
                if (what.rfind(flag, 0) == 0) what = what.substr(flag.size());
                fail("$.memory", what);
            }
        }
        if (root.contains("timeout")) {
            const json& v = root["timeout"];
            if (!v.is_number() || !(v.get<double>() > 0) || v.get<double>() > 1e7) {
                fail("$.timeout", "expected seconds in (0, 10000000], got " + shown(v));
            }
            m.timeout_s = v.get<double>();
            m.timeout_text = shown(v);
        }
        if (root.contains("tick_ms")) {
            const json& v = root["tick_ms"];
            if (!v.is_number_unsigned() || v.get<uint64_t>() > kMaxTickMs) {
                fail("$.tick_ms", "expected whole milliseconds in [0, " +
                                      std::to_string(kMaxTickMs) + "], got " + shown(v));
            }
            m.tick_ms = static_cast<uint32_t>(v.get<uint64_t>());
        }
        if (root.contains("confidential")) {
            // The same names as --confidential; which are usable is decided at run time.
            const json& v = root["confidential"];
            static constexpr const char* kModes[] = {"auto", "snp", "es", "sev", "off", "sim"};
            bool ok = v.is_string();
            bool known = false;
            for (const char* mode : kModes) known = known || (ok && v.get<std::string>() == mode);
            if (!known) {
                fail("$.confidential",
                     "expected \"auto\", \"snp\", \"es\", \"sev\", \"off\" or \"sim\", got " +
                         shown(v));
            }
            m.confidential = v.get<std::string>();
        }
        if (!root.contains("apps")) fail("$.apps", "missing (the list of apps is required)");
        const json& apps = root["apps"];
        if (!apps.is_array()) fail("$.apps", "expected a list of apps, got " + shown(apps));
        if (apps.empty() || apps.size() > ER_MAX_DOMAINS) {
            fail("$.apps", "expected 1 to " + std::to_string(ER_MAX_DOMAINS) + " apps, got " +
                               std::to_string(apps.size()));
        }
        std::map<std::string, size_t> names;
        for (size_t i = 0; i < apps.size(); ++i) {
            std::string path = "$.apps[" + std::to_string(i) + "]";
            m.apps.push_back(app(apps[i], path));
            const std::string& name = m.apps.back().name;
            if (name.empty()) continue;
            auto [it, fresh] = names.emplace(name, i);
            if (!fresh) {
                fail(path + ".name", "\"" + name + "\" is already the name of $.apps[" +
                                         std::to_string(it->second) + "]");
            }
        }
        assign_domain_names(m.apps);
        return m;
    }

  private:
    std::string resolve(const std::string& p) const {
        std::filesystem::path path(p);
        if (path.is_absolute()) return p;
        return (base_ / path).lexically_normal().string();
    }

    AppSpec app(const json& v, const std::string& path) {
        if (!v.is_object()) fail(path, "expected an app object, got " + shown(v));
        keys(v, path, {"name", "path", "args", "env", "memory", "root", "isolation", "network"});
        AppSpec a;
        if (v.contains("name")) {
            a.name = string(v["name"], path + ".name", "a name");
            if (!valid_domain_name(a.name)) {
                fail(path + ".name", "\"" + a.name + "\" is not a domain name (1 to " +
                                         std::to_string(ER_DOMAIN_NAME_MAX - 1) +
                                         " of A-Z a-z 0-9 _ . -)");
            }
        }
        if (!v.contains("path"))
            fail(path + ".path", "missing (the app's program file is required)");
        std::string file = string(v["path"], path + ".path", "a file path");
        if (file.empty()) fail(path + ".path", "is empty");
        a.argv0 = file;
        a.path = resolve(file);
        if (v.contains("args")) {
            const json& args = v["args"];
            if (!args.is_array())
                fail(path + ".args", "expected a list of strings, got " + shown(args));
            for (size_t i = 0; i < args.size(); ++i) {
                a.args.push_back(
                    string(args[i], path + ".args[" + std::to_string(i) + "]", "a string"));
            }
        }
        if (v.contains("env")) {
            const json& env = v["env"];
            if (!env.is_object())
                fail(path + ".env", "expected an object of strings, got " + shown(env));
            for (auto it = env.begin(); it != env.end(); ++it) {
                std::string key_path = path + ".env." + it.key();
                if (it.key().find('\0') != std::string::npos)
                    fail(key_path, "an environment variable name must not contain a NUL byte");
                if (it.key().empty() || it.key().find('=') != std::string::npos) {
                    fail(key_path, "is not an environment variable name");
                }
                a.env.push_back(it.key() + "=" + string(it.value(), key_path, "a string"));
            }
        }
        if (v.contains("memory")) {
            a.mem_limit = size(v["memory"], path + ".memory", "32M");
            if (a.mem_limit == 0) fail(path + ".memory", "must not be 0");
        }
        if (v.contains("root")) {
            std::string root = string(v["root"], path + ".root", "a directory path");
            std::string resolved = resolve(root);
            std::error_code ec;
            if (!std::filesystem::is_directory(resolved, ec)) {
                fail(path + ".root", resolved + " is not a directory");
            }
            a.root = resolved;
        }
        if (v.contains("isolation")) {
            std::string iso =
                string(v["isolation"], path + ".isolation", "\"auto\", \"pagetable\" or \"mpk\"");
            if (iso == "auto") {
                a.isolation = ER_ISO_AUTO;
            } else if (iso == "pagetable") {
                a.isolation = ER_ISO_PAGETABLE;
            } else if (iso == "mpk") {
                a.isolation = ER_ISO_MPK;
            } else {
                fail(path + ".isolation",
                     "expected \"auto\", \"pagetable\" or \"mpk\", got " + shown(v["isolation"]));
            }
        }
        if (v.contains("network")) {
            static const char* const kExpected =
                "\"host\", \"none\" or \"none:NAME\" (NAME: 1 to 31 of A-Z a-z 0-9 _ . -)";
            std::string net = string(v["network"], path + ".network", kExpected);
            if (!valid_app_network(net))
                fail(path + ".network",
                     std::string("expected ") + kExpected + ", got " + shown(v["network"]));
            a.network = net;
        }
        return a;
    }

    std::string label_;
    std::filesystem::path base_;
};

// Follows the parser through the document (nlohmann's parse callback), so an error the parser
// throws mid-value can name the value's JSON path.  Keeps every value (returns true).
class JsonPathTracker {
  public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                stack_.push_back(Level{true, {}, 0});
                break;
            case json::parse_event_t::array_start:
                stack_.push_back(Level{false, {}, 0});
                break;
            case json::parse_event_t::key:
                if (!stack_.empty()) stack_.back().key = parsed.get<std::string>();
                break;
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                if (!stack_.empty()) stack_.pop_back();
                next_element();
                break;
            case json::parse_event_t::value:
                next_element();
                break;
        }
        return true;
    }

    // "$.apps[1].memory": where the value being parsed now goes.
    std::string path() const {
        std::string p = "$";
        for (const Level& l : stack_) {
            p += l.object ? "." + l.key : "[" + std::to_string(l.index) + "]";
        }
        return p;
    }

  private:
    struct Level {
        bool object;
        std::string key;  // objects: the key of the value being parsed
        size_t index;     // arrays: the index of the element being parsed
    };

    void next_element() {
        if (!stack_.empty() && !stack_.back().object) stack_.back().index++;
    }

    std::vector<Level> stack_;
};

}  // namespace

Manifest parse_manifest(std::string_view text, const std::string& label,
                        const std::filesystem::path& base_dir) {
    json root;
    JsonPathTracker where;
    try {
        root = json::parse(text, std::ref(where));
    } catch (const json::out_of_range&) {
        // A number too large for a double ("1e400"): the parser says only "number overflow";
        // the tracker knows which value it was reading.
        throw Error(where.path() + ": the number is too large", label);
    } catch (const json::parse_error& e) {
        // The parser's own text starts "[json.exception.parse_error.101] parse error at line L,
        // column C: ..."; keep from "line".
        std::string what = e.what();
        auto at = what.find("line ");
        throw Error(at == std::string::npos ? what : what.substr(at), label);
    }
    return Parser(label, base_dir).parse(root);
}

Manifest read_manifest(const std::string& path) {
    std::vector<uint8_t> bytes =
        read_regular_file(path, kMaxManifest, path + " is too big to be a manifest (over 1 MiB)");
    std::filesystem::path base = std::filesystem::path(path).parent_path();
    return parse_manifest(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path, base);
}

}  // namespace er::launcher
