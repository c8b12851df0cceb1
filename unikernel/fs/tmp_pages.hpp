// Where a domain's /tmp pages come from in the guest: the kernel's frame allocator, reached
// through the direct map.
#pragma once

#include <stdint.h>

#include "fs/tmpfs.hpp"

namespace uk::fs {

PageSource tmp_page_source(uint32_t domain_id);

}  // namespace uk::fs
