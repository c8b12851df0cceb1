// Loads a static Linux ELF (ET_EXEC, or ET_DYN static-PIE at its address space's pie_bias) into a
// domain: VMAs with the segments' rights, file-backed pages copied into fresh frames, .bss and the
// heap demand-zero, then the SysV initial stack.  The caller parsed the file with er::elf::parse
// (loader/), the same checks the launcher ran before boot.
#pragma once

#include <stdint.h>

#include "domain/args_blob.hpp"
#include "domain/domain.hpp"
#include "elf/elf.hpp"

namespace uk::domain {

struct AppFile {
    const uint8_t* data;  // the ELF bytes (kernel pointer into the direct map)
    uint64_t size;
};

struct EntryState {
    uint64_t rip;
    uint64_t rsp;
};

// Loads the app `img` (parsed from `file`) into process d, which must be active: the stack is written
// through user_access.  Returns nullptr on success, else one line saying why the app cannot run.
const char* load_app(process::Process& d, const er::elf::Image& img, const AppFile& file, const ArgBlob& args,
                     const uint8_t entropy[16], EntryState* entry);

}  // namespace uk::domain
