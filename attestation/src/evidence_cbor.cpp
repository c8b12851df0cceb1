#include <cbor.h>

#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "attestation/evidence.hpp"
#include "attestation/report.hpp"

namespace er::attest {

namespace {

struct CborDeleter {
    void operator()(cbor_item_t* item) const { cbor_decref(&item); }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborDeleter>;

// ---- encoding ----

cbor_item_t* text(std::string_view s) {
    return cbor_build_stringn(s.data(), s.size());
}
cbor_item_t* bytes(ByteView b) {
    return cbor_build_bytestring(b.data(), b.size());
}

void put(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
    cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)});
}

cbor_item_t* encode_entry(const DomainEntry& e) {
    cbor_item_t* m = cbor_new_definite_map(5);
    put(m, text("name"), text(e.name));
    put(m, text("image"), bytes(e.image));
    put(m, text("filesystem"), bytes(e.filesystem));
    put(m, text("arguments"), bytes(e.arguments));
    put(m, text("isolation"), text(e.isolation));
    return m;
}

// ---- decoding ----

Error malformed(const std::string& what) {
    return Error{Reason::evidence_malformed, what};
}

std::string key_name(const cbor_item_t* key) {
    // Integer keys (EAT claims) get a "#" so a text key "10" cannot stand in for claim 10.
    if (cbor_isa_uint(key)) return "#" + std::to_string(cbor_get_int(key));
    if (cbor_isa_string(key) && cbor_string_is_definite(key))
        return std::string(reinterpret_cast<const char*>(cbor_string_handle(key)),
                           cbor_string_length(key));
    return "<non-text key>";
}

// A definite map as key-name -> value, refusing duplicates and keys outside `allowed`.
Expected<std::vector<std::pair<std::string, cbor_item_t*>>> map_entries(
    const cbor_item_t* item, const char* where, const std::set<std::string>& allowed) {
    if (!cbor_isa_map(item)) return malformed(std::string(where) + " is not a CBOR map");
    if (!cbor_map_is_definite(item))
        return malformed(std::string(where) + " has an indefinite length");
    std::vector<std::pair<std::string, cbor_item_t*>> out;
    std::set<std::string> seen;
    cbor_pair* pairs = cbor_map_handle(item);
    for (std::size_t i = 0; i < cbor_map_size(item); ++i) {
        std::string name = key_name(pairs[i].key);
        if (!allowed.contains(name)) return malformed("unknown key '" + name + "' in " + where);
        if (!seen.insert(name).second) return malformed("duplicate key '" + name + "' in " + where);
        out.emplace_back(name, pairs[i].value);
    }
    return out;
}

cbor_item_t* find(const std::vector<std::pair<std::string, cbor_item_t*>>& entries,
                  std::string_view key) {
    for (const auto& [k, v] : entries)
        if (k == key) return v;
    return nullptr;
}

Expected<Bytes> get_bytes(const cbor_item_t* item, const std::string& what) {
    if (item == nullptr) return malformed("missing " + what);
    if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item))
        return malformed(what + " is not a definite byte string");
    const std::uint8_t* p = cbor_bytestring_handle(item);
    return Bytes(p, p + cbor_bytestring_length(item));
}

Expected<std::string> get_text(const cbor_item_t* item, const std::string& what) {
    if (item == nullptr) return malformed("missing " + what);
    if (!cbor_isa_string(item) || !cbor_string_is_definite(item))
        return malformed(what + " is not a definite text string");
    return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)),
                       cbor_string_length(item));
}

Expected<Digest384> get_digest(const cbor_item_t* item, const std::string& what) {
    auto b = get_bytes(item, what);
    if (!b) return b.error();
    if (b->size() != 48)
        return malformed(what + " is " + std::to_string(b->size()) +
                         " bytes, expected 48 (SHA-384)");
    Digest384 d{};
    std::copy(b->begin(), b->end(), d.begin());
    return d;
}

const cbor_item_t* get_array(const cbor_item_t* item, const std::string& what) {
    if (item == nullptr || !cbor_isa_array(item) || !cbor_array_is_definite(item)) return nullptr;
    (void)what;
    return item;
}

Expected<DomainEntry> decode_entry(const cbor_item_t* item, std::size_t index) {
    std::string where = "log entry " + std::to_string(index);
    auto entries =
        map_entries(item, where.c_str(), {"name", "image", "filesystem", "arguments", "isolation"});
    if (!entries) return entries.error();
    DomainEntry e;
    auto name = get_text(find(*entries, "name"), where + " name");
    if (!name) return name.error();
    e.name = *name;
    struct Field {
        const char* key;
        Digest384* out;
    };
    for (Field f : {Field{"image", &e.image}, Field{"filesystem", &e.filesystem},
                    Field{"arguments", &e.arguments}}) {
        auto d = get_digest(find(*entries, f.key), where + " " + f.key);
        if (!d) return d.error();
        *f.out = *d;
    }
    auto iso = get_text(find(*entries, "isolation"), where + " isolation");
    if (!iso) return iso.error();
    if (!is_known_isolation(*iso))
        return malformed(where + " isolation '" + *iso + "' is not mpk or page-table");
    e.isolation = *iso;
    return e;
}

Status decode_platform(const cbor_item_t* item, Evidence& ev) {
    auto entries = map_entries(item, "platform", {"type", "report", "certs"});
    if (!entries) return entries.error();
    auto type = get_text(find(*entries, "type"), "platform type");
    if (!type) return type.error();
    ev.platform = *type;
    if (ev.platform == "none") {
        if (find(*entries, "report") || find(*entries, "certs"))
            return malformed("platform 'none' must not carry a report or certificates");
        if (ev.hardware_backed)
            return malformed("hardware_backed is true but the platform is 'none'");
        return ok_status();
    }
    if (ev.platform != "sev-snp")
        return malformed("platform type '" + ev.platform + "' is not sev-snp or none");
    if (!ev.hardware_backed) return malformed("platform 'sev-snp' but hardware_backed is false");
    auto report = get_bytes(find(*entries, "report"), "platform report");
    if (!report) return report.error();
    if (report->size() != report_layout::kSize) {
        return malformed("platform report is " + std::to_string(report->size()) +
                         " bytes, expected " + std::to_string(report_layout::kSize));
    }
    ev.report = std::move(*report);
    const cbor_item_t* certs = get_array(find(*entries, "certs"), "certs");
    if (certs == nullptr) return malformed("platform certs is missing or not a definite array");
    for (std::size_t i = 0; i < cbor_array_size(certs); ++i) {
        auto der = get_bytes(cbor_array_handle(certs)[i], "certificate " + std::to_string(i));
        if (!der) return der.error();
        ev.certs.push_back(std::move(*der));
    }
    return ok_status();
}

// libcbor allocates containers by their declared size before reading them, so a few bytes
// claiming a huge array would allocate gigabytes (found by the fuzzer). Walk the heads first:
// every declared length must fit in the bytes that remain, nesting is bounded, and
// indefinite lengths (never produced by us) are refused.
constexpr std::size_t kMaxDepth = 16;

Status check_cbor_shape(ByteView data) {
    std::vector<std::uint64_t> pending{1};  // items still to read at each nesting level
    std::size_t pos = 0;
    while (!pending.empty()) {
        if (pending.back() == 0) {
            pending.pop_back();
            continue;
        }
        --pending.back();
        if (pos >= data.size()) return malformed("truncated CBOR at byte " + std::to_string(pos));
        const std::size_t head = pos;
        const std::uint8_t major = data[pos] >> 5, info = data[pos] & 0x1F;
        ++pos;
        std::uint64_t value = info;
        if (info >= 24 && info <= 27) {
            std::size_t n = std::size_t{1} << (info - 24);
            if (data.size() - pos < n)
                return malformed("truncated CBOR at byte " + std::to_string(pos));
            value = 0;
            for (std::size_t i = 0; i < n; ++i) value = value << 8 | data[pos + i];
            pos += n;
        } else if (info == 31) {
            return malformed("indefinite-length CBOR item at byte " + std::to_string(head) +
                             " is not allowed");
        } else if (info > 27) {
            return malformed("reserved CBOR additional information at byte " +
                             std::to_string(head));
        }
        const std::uint64_t left = data.size() - pos;
        auto too_long = [&] {
            return malformed("CBOR length at byte " + std::to_string(head) + " exceeds the input");
        };
        switch (major) {
            case 2:
            case 3:
                if (value > left) return too_long();
                pos += value;
                break;
            case 4:  // every element takes at least one byte
            case 5:  // every pair at least two
                if (value > (major == 4 ? left : left / 2)) return too_long();
                if (value > 0) {
                    if (pending.size() >= kMaxDepth)
                        return malformed("CBOR nested deeper than 16 levels");
                    pending.push_back(major == 4 ? value : 2 * value);
                }
                break;
            case 6:  // a tag wraps one item
                if (pending.size() >= kMaxDepth)
                    return malformed("CBOR nested deeper than 16 levels");
                pending.push_back(1);
                break;
            default:  // integers, simple values, floats: the head is the whole item
                break;
        }
    }
    return ok_status();
}

}  // namespace

Bytes encode_evidence(const Evidence& ev) {
    CborPtr root(cbor_new_definite_map(5));
    put(root.get(), cbor_build_uint16(static_cast<std::uint16_t>(kEatProfileKey)),
        text(kEvidenceProfile));
    put(root.get(), cbor_build_uint8(static_cast<std::uint8_t>(kEatNonceKey)), bytes(ev.nonce));
    put(root.get(), text("hardware_backed"), cbor_build_bool(ev.hardware_backed));

    bool has_report = ev.report.has_value();
    cbor_item_t* platform = cbor_new_definite_map(has_report ? 3 : 1);
    put(platform, text("type"), text(ev.platform));
    if (has_report) {
        put(platform, text("report"), bytes(*ev.report));
        cbor_item_t* certs = cbor_new_definite_array(ev.certs.size());
        for (const Bytes& der : ev.certs) cbor_array_push(certs, cbor_move(bytes(der)));
        put(platform, text("certs"), certs);
    }
    put(root.get(), text("platform"), platform);

    cbor_item_t* log = cbor_new_definite_array(ev.log.size());
    for (const DomainEntry& e : ev.log) cbor_array_push(log, cbor_move(encode_entry(e)));
    put(root.get(), text("log"), log);

    unsigned char* buffer = nullptr;
    std::size_t capacity = 0;
    std::size_t length = cbor_serialize_alloc(root.get(), &buffer, &capacity);
    Bytes out(buffer, buffer + length);
    std::free(buffer);
    return out;
}

Expected<Evidence> decode_evidence(ByteView data) {
    if (data.empty()) return malformed("evidence is empty");
    if (Status shape = check_cbor_shape(data); !shape) return shape.error();
    cbor_load_result result{};
    CborPtr root(cbor_load(data.data(), data.size(), &result));
    if (!root || result.error.code != CBOR_ERR_NONE) {
        const char* what = result.error.code == CBOR_ERR_NOTENOUGHDATA ? "truncated CBOR"
                           : result.error.code == CBOR_ERR_MEMERROR    ? "CBOR too large"
                                                                       : "malformed CBOR";
        return malformed(std::string(what) + " at byte " + std::to_string(result.error.position));
    }
    if (!cbor_isa_map(root.get())) return malformed("evidence is not a CBOR map");
    if (result.read != data.size()) {
        return malformed(std::to_string(data.size() - result.read) +
                         " trailing bytes after the CBOR document");
    }
    auto entries =
        map_entries(root.get(), "evidence", {"#10", "#265", "hardware_backed", "platform", "log"});
    if (!entries) return entries.error();

    auto profile = get_text(find(*entries, "#265"), "eat_profile (265)");
    if (!profile) return profile.error();
    if (*profile != kEvidenceProfile)
        return malformed("eat_profile '" + *profile + "' is not " + std::string(kEvidenceProfile));

    Evidence ev;
    auto nonce = get_bytes(find(*entries, "#10"), "eat_nonce (10)");
    if (!nonce) return nonce.error();
    if (nonce->size() < kMinNonce || nonce->size() > kMaxNonce)
        return malformed("eat_nonce is " + std::to_string(nonce->size()) +
                         " bytes, expected 8..64");
    ev.nonce = std::move(*nonce);

    const cbor_item_t* hw = find(*entries, "hardware_backed");
    if (hw == nullptr || !cbor_isa_float_ctrl(hw) || !cbor_float_ctrl_is_ctrl(hw) ||
        (cbor_ctrl_value(hw) != CBOR_CTRL_TRUE && cbor_ctrl_value(hw) != CBOR_CTRL_FALSE))
        return malformed("hardware_backed is missing or not a boolean");
    ev.hardware_backed = cbor_get_bool(hw);

    const cbor_item_t* platform = find(*entries, "platform");
    if (platform == nullptr) return malformed("missing platform");
    if (Status s = decode_platform(platform, ev); !s) return s.error();

    const cbor_item_t* log = get_array(find(*entries, "log"), "log");
    if (log == nullptr) return malformed("log is missing or not a definite array");
    std::set<std::string> names;
    for (std::size_t i = 0; i < cbor_array_size(log); ++i) {
        auto entry = decode_entry(cbor_array_handle(log)[i], i);
        if (!entry) return entry.error();
        if (!names.insert(entry->name).second)
            return malformed("duplicate domain name '" + entry->name + "' in log");
        ev.log.push_back(std::move(*entry));
    }
    return ev;
}

}  // namespace er::attest
