#include "launcher/vm/domain_images.hpp"

#include <algorithm>
#include <cstring>

#include "launcher/common/error.hpp"
#include "launcher/common/hex.hpp"
#include "launcher/common/size.hpp"
#include "launcher/vm/layout.hpp"

namespace er::launcher {

static_assert(ER_GPA_DOMAINS + ER_MAX_DOMAINS * sizeof(er_domain_desc) <= ER_GPA_BOOT_PT,
              "the largest domain table must fit below the boot page tables");

static_assert(layout::kBootMappedBytes == uint64_t{1} << 30, "place_domains' default window");

void place_domains(DomainLayout& l, uint64_t mem_size, uint64_t boot_window, bool persistent) {
    if ((l.domains.empty() && !persistent) || l.domains.size() > ER_MAX_DOMAINS) {
        throw Error("an enclave holds 1 to " + std::to_string(ER_MAX_DOMAINS) + " apps, not " +
                    std::to_string(l.domains.size()) +
                    (l.domains.empty() ? " (only a persistent enclave boots with none)" : ""));
    }
    if (ER_GPA_DOMAINS + l.domains.size() * sizeof(er_domain_desc) > ER_GPA_BOOT_PT) {
        throw Error("the domain table does not fit below the boot page tables");
    }
    // Every size is bounded (max_app_size, ErFsLimits, ER_ARGS_MAX) and there are at most
    // ER_MAX_DOMAINS, so this sum cannot wrap.
    uint64_t next = ER_GPA_IMAGES;
    auto place = [&](uint64_t size) {
        uint64_t gpa = next;
        next = layout::page_align_up(next + size);
        return gpa;
    };
    for (DomainImage& d : l.domains) {
        d.app_gpa = place(d.app_size());
        d.args_gpa = place(d.args.bytes.size());
        d.fs_gpa = d.fs_size() == 0 ? 0 : place(d.fs_size());
    }
    l.free_start = next;
    if (next > mem_size) {
        throw Error("the apps' images (" + format_size(next - ER_GPA_IMAGES) + " from GPA " +
                    hex(ER_GPA_IMAGES) + ") do not fit in " + format_size(mem_size) +
                    " of guest memory; use --memory");
    }
    if (next > boot_window) {
        throw Error("the apps' images end at GPA " + hex(next) +
                    ", beyond the guest's boot window of " + format_size(boot_window) +
                    "; use smaller apps or trees");
    }
}

std::vector<er_domain_desc> domain_table(const DomainLayout& l) {
    std::vector<er_domain_desc> table;
    for (const DomainImage& d : l.domains) {
        er_domain_desc desc{};
        std::memcpy(desc.name, d.name.data(), std::min(d.name.size(), sizeof desc.name - 1));
        desc.app_gpa = d.app_gpa;
        desc.app_size = d.app_size();
        desc.args_gpa = d.args_gpa;
        desc.args_size = d.args.bytes.size();
        desc.argc = d.args.argc;
        desc.envc = d.args.envc;
        desc.fs_gpa = d.fs_gpa;
        desc.fs_size = d.fs_size();
        desc.mem_limit = d.mem_limit;
        desc.isolation = d.isolation;
        table.push_back(desc);
    }
    return table;
}

void load_domains(const DomainLayout& l, GuestMemory& memory) {
    for (const DomainImage& d : l.domains) {
        if (d.app) d.app->write_to(memory.view_mut(d.app_gpa, d.app->size(), "application image"));
        memory.copy_in(d.args_gpa, d.args.bytes, "argument blob");
        if (d.fs_size() != 0)
            d.fs->write_to(memory.view_mut(d.fs_gpa, d.fs->size(), "er-fs image"));
    }
    std::vector<er_domain_desc> table = domain_table(l);
    memory.copy_in(ER_GPA_DOMAINS,
                   std::span(reinterpret_cast<const uint8_t*>(table.data()),
                             table.size() * sizeof(er_domain_desc)),
                   "domain table");
}

}  // namespace er::launcher
