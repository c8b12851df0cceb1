#include "domain/args_blob.hpp"

namespace uk::domain {

bool args_blob_valid(const ArgBlob& args) {
    uint64_t strings = uint64_t(args.argc) + args.envc;
    uint64_t at = 0;
    for (uint64_t i = 0; i < strings; i++) {
        while (at < args.size && args.data[at] != '\0') at++;
        if (at >= args.size) return false;
        at++;
    }
    return at == args.size;
}

}  // namespace uk::domain
