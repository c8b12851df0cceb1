#include "fs/tmp_pages.hpp"

#include "domain/domain.hpp"
#include "mm/charged_frames.hpp"
#include "mm/layout.hpp"

namespace uk::fs {
namespace {

// /tmp pages count against the domain's memory limit like its other pages, so a domain cannot
// fill RAM through /tmp and its death returns them.
void* alloc_page(void* ctx) {
    uint64_t pa = mm::alloc_charged(static_cast<mm::FrameAccount*>(ctx));
    return pa == 0 ? nullptr : mm::phys_to_virt(pa);
}

void free_page(void* ctx, void* page) {
    mm::free_charged(static_cast<mm::FrameAccount*>(ctx), mm::kernel_gpa(page));
}

}  // namespace

PageSource tmp_page_source(uint32_t domain_id) {
    domain::Domain* d = domain::get(domain_id);
    return PageSource{alloc_page, free_page, d != nullptr ? &d->account : nullptr};
}

}  // namespace uk::fs
