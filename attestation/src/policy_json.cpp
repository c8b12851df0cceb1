#include <nlohmann/json.hpp>

#include <set>

#include "attestation/policy.hpp"

namespace er::attest {

using nlohmann::json;

Expected<Digest384> digest_hex(std::string_view hex, const char* what) {
    auto bytes = from_hex(hex);
    if (!bytes || bytes->size() != 48) {
        return Error{Reason::policy_invalid,
                     std::string(what) + " must be 48 bytes (96 hex digits)"};
    }
    Digest384 out{};
    std::copy(bytes->begin(), bytes->end(), out.begin());
    return out;
}

namespace {

Status refuse_unknown_keys(const json& object, const std::set<std::string>& known,
                           const std::string& where) {
    for (const auto& [key, value] : object.items()) {
        if (!known.contains(key))
            return Error{Reason::policy_invalid, "unknown key '" + key + "' in " + where};
    }
    return ok_status();
}

std::uint8_t spl(const json& j, const char* key) {
    if (!j.contains(key)) return 0;
    auto v = j.at(key).get<int>();
    if (v < 0 || v > 255) throw std::out_of_range(std::string(key) + " must be 0..255");
    return static_cast<std::uint8_t>(v);
}

Expected<Policy> parse(const json& j) {
    if (!j.is_object()) return Error{Reason::policy_invalid, "policy must be a JSON object"};
    if (Status s = refuse_unknown_keys(
            j,
            {"measurements", "min_tcb", "allow_debug", "allow_smt", "allow_migration_agent",
             "report_data", "host_data", "vmpl", "min_guest_svn", "nonce", "domains"},
            "policy");
        !s)
        return s.error();
    Policy p;
    if (j.contains("measurements")) {
        for (const auto& m : j.at("measurements")) {
            auto d = digest_hex(m.get<std::string>(), "measurement");
            if (!d) return d.error();
            p.measurements.push_back(*d);
        }
    }
    if (j.contains("min_tcb")) {
        const json& t = j.at("min_tcb");
        if (Status s =
                refuse_unknown_keys(t, {"fmc", "bootloader", "tee", "snp", "microcode"}, "min_tcb");
            !s)
            return s.error();
        p.min_tcb = MinimumTcb{spl(t, "fmc"), spl(t, "bootloader"), spl(t, "tee"), spl(t, "snp"),
                               spl(t, "microcode")};
    }
    if (j.contains("allow_debug")) p.allow_debug = j.at("allow_debug").get<bool>();
    if (j.contains("allow_smt")) p.allow_smt = j.at("allow_smt").get<bool>();
    if (j.contains("allow_migration_agent"))
        p.allow_migration_agent = j.at("allow_migration_agent").get<bool>();
    if (j.contains("report_data")) {
        auto v = padded_hex<64>(j.at("report_data").get<std::string>(), "report_data");
        if (!v) return v.error();
        p.report_data = *v;
    }
    if (j.contains("host_data")) {
        auto v = padded_hex<32>(j.at("host_data").get<std::string>(), "host_data");
        if (!v) return v.error();
        p.host_data = *v;
    }
    if (j.contains("vmpl")) {
        if (j.at("vmpl").is_null()) {
            p.vmpl.reset();
        } else {
            p.vmpl = j.at("vmpl").get<std::uint32_t>();
        }
    }
    if (j.contains("min_guest_svn")) p.min_guest_svn = j.at("min_guest_svn").get<std::uint32_t>();
    if (j.contains("nonce")) {
        auto v = from_hex(j.at("nonce").get<std::string>());
        if (!v || v->empty()) return Error{Reason::policy_invalid, "nonce must be non-empty hex"};
        p.nonce = *v;
    }
    if (j.contains("domains")) {
        for (const auto& d : j.at("domains")) {
            if (Status s = refuse_unknown_keys(
                    d, {"name", "image", "filesystem", "arguments", "isolation"}, "domain");
                !s)
                return s.error();
            ExpectedDomain e;
            e.name = d.at("name").get<std::string>();
            struct Field {
                const char* key;
                std::optional<Digest384>* out;
            };
            for (Field f : {Field{"image", &e.image}, Field{"filesystem", &e.filesystem},
                            Field{"arguments", &e.arguments}}) {
                if (!d.contains(f.key)) continue;
                auto v = digest_hex(d.at(f.key).get<std::string>(), f.key);
                if (!v) return v.error();
                *f.out = *v;
            }
            if (d.contains("isolation")) e.isolation = d.at("isolation").get<std::string>();
            p.domains.push_back(std::move(e));
        }
    }
    return p;
}

}  // namespace

Expected<Policy> parse_policy_json(std::string_view text) {
    try {
        return parse(json::parse(text));
    } catch (const json::exception& e) {
        return Error{Reason::policy_invalid, std::string("policy JSON: ") + e.what()};
    } catch (const std::out_of_range& e) {
        return Error{Reason::policy_invalid, std::string("policy JSON: ") + e.what()};
    }
}

Expected<Policy> load_policy_file(const std::filesystem::path& path) {
    auto data = read_file(path);
    if (!data) return data.error();
    auto policy = parse_policy_json(
        std::string_view(reinterpret_cast<const char*>(data->data()), data->size()));
    if (!policy) return Error{policy.error().reason, path.string() + ": " + policy.error().detail};
    return policy;
}

}  // namespace er::attest
