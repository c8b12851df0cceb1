#include "sev/asid/asid_report.hpp"

namespace er::sev::asid {
namespace {

using nlohmann::json;

std::string source_text(const BudgetChoice& c) {
    if (!c.hardware)
        return c.configured ? "configured; software PSP, tests only"
                            : "default; software PSP, tests only";
    if (!c.configured) return "CPUID 0x8000001F";
    return "configured; CPUID 0x8000001F gives " + std::to_string(*c.hardware);
}

std::string pids_text(const Usage& u) {
    std::string text;
    for (size_t i = 0; i < u.holders.size(); ++i) {
        if (i != 0) text += ", ";
        text += u.holders[i].pid ? std::to_string(*u.holders[i].pid) : "?";
    }
    return text;
}

std::string holders_text(const Usage& u) {
    if (u.holders.empty()) return {};
    return (u.holders.size() == 1 ? ", held by pid " : ", held by pids ") + pids_text(u);
}

}  // namespace

Pool pool_for_mode(Mode mode) {
    return mode == Mode::sev ? Pool::sev : Pool::es_snp;
}

std::string exhausted_reason(Pool pool, const Usage& usage) {
    std::string text = "all " + std::to_string(usage.budget) + " ASIDs of the " + pool_name(pool) +
                       " budget are in use";
    if (usage.budget == 0) text = std::string("the ") + pool_name(pool) + " ASID budget is 0";
    if (!usage.holders.empty())
        text += std::string(" (held by pid") + (usage.holders.size() == 1 ? " " : "s ") +
                pids_text(usage) + ")";
    return text;
}

AsidReport inspect_asids(const SevCpuid& cpu, const std::string& state_dir) {
    AsidReport r;
    r.state_dir = state_dir.empty() ? default_state_dir() : state_dir;
    try {
        BudgetOptions options{r.state_dir, cpu};
        for (Pool p : {Pool::sev, Pool::es_snp, Pool::sim}) {
            AsidBudget b = AsidBudget::inspect(p, std::nullopt, options);
            r.pools.push_back({p, b.choice(), b.usage()});
        }
    } catch (const AsidError& e) {
        r.error = e.what();
        r.pools.clear();
    }
    return r;
}

std::vector<std::string> asid_text(const AsidReport& report) {
    if (report.error) return {"ASIDs: " + *report.error};
    std::vector<std::string> lines{"ASID slots: " + report.state_dir + "/asid"};
    for (const PoolReport& p : report.pools) {
        lines.push_back(std::string("ASIDs ") + pool_name(p.pool) + ": " +
                        std::to_string(p.usage.in_use) + " in use, " +
                        std::to_string(p.usage.left()) + " left, budget " +
                        std::to_string(p.usage.budget) + " (" + source_text(p.choice) + ")" +
                        holders_text(p.usage));
        if (p.choice.clamped) lines.push_back("  - " + *p.choice.clamped);
    }
    return lines;
}

nlohmann::json asid_json(const AsidReport& report) {
    json j{{"state_dir", report.state_dir},
           {"error", report.error ? json(*report.error) : json(nullptr)}};
    json pools = json::object();
    for (const PoolReport& p : report.pools) {
        json holders = json::array();
        for (const SlotHolder& h : p.usage.holders)
            holders.push_back({{"slot", h.slot}, {"pid", h.pid ? json(*h.pid) : json(nullptr)}});
        pools[pool_name(p.pool)] = {
            {"in_use", p.usage.in_use},
            {"left", p.usage.left()},
            {"budget", p.usage.budget},
            {"hardware", p.choice.hardware ? json(*p.choice.hardware) : json(nullptr)},
            {"configured", p.choice.configured ? json(*p.choice.configured) : json(nullptr)},
            {"clamped", p.choice.clamped ? json(*p.choice.clamped) : json(nullptr)},
            {"holders", holders}};
    }
    j["pools"] = pools;
    return j;
}

}  // namespace er::sev::asid
