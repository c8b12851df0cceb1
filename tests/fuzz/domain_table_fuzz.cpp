// libFuzzer target for the guest's checks of what the launcher hands it at boot (compiled for the
// host as tests/unit/guest does): the domain table (unikernel/domain/domain_table.cpp), each
// domain's argument blob (args_blob.cpp) and the initial stack built from it
// (initial_stack.cpp).  Under SEV the launcher is untrusted, so the input is a hostile table over
// a small guest RAM: the check must refuse it with one reason, or every accepted domain must have
// a printable unique name, images inside RAM below free_start, and arguments that lay out as a
// SysV entry stack (exactly er_initial_stack_bytes long, every argv/envp pointer at its string),
// or are refused as too large exactly when they do not fit.
#include <fuzzer/FuzzedDataProvider.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "domain/args_blob.hpp"
#include "domain/domain_table.hpp"
#include "domain/initial_stack.hpp"
#include "lib/format.hpp"
#include "libos-abi/enclave_abi.h"
#include "libos-abi/user_layout.h"

namespace {

using namespace uk::domain;

void require(bool condition) {
    if (!condition) std::abort();
}

// Guest RAM is [0, kMemSize); only the images window [ER_GPA_IMAGES, kMemSize) exists here, in an
// exact-size heap block, so ASan flags any read the checks let through outside it.
constexpr uint64_t kWindow = 16 * 1024;
constexpr uint64_t kMemSize = ER_GPA_IMAGES + kWindow;
uint8_t* g_window = nullptr;

const void* to_virt(uint64_t gpa) {
    require(gpa >= ER_GPA_IMAGES && gpa <= kMemSize);  // only checked ranges are reached
    return g_window + (gpa - ER_GPA_IMAGES);
}

uint64_t pick_gpa(FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange(0, 7) == 0) return in.ConsumeIntegral<uint64_t>();
    return ER_GPA_IMAGES + in.ConsumeIntegralInRange<uint64_t>(0, kWindow + 16) - 8;
}

uint64_t pick_size(FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange(0, 7) == 0) return in.ConsumeIntegral<uint64_t>();
    return in.ConsumeIntegralInRange<uint64_t>(0, kWindow);
}

// A well-formed domain i (its blob "prog\0-x\0K=V\0" is put in the window by the caller), with a
// few fields then changed: most inputs start from something the check accepts.
constexpr uint64_t kBlobBase = 4096, kBlobStride = 128;
constexpr char kBlob[] = "prog\0-x\0K=V";  // and its final NUL: 12 bytes

er_domain_desc from_template(FuzzedDataProvider& in, uint32_t i) {
    er_domain_desc d{};
    std::snprintf(d.name, sizeof d.name, "d%u", i);
    d.app_gpa = ER_GPA_IMAGES;
    d.app_size = 64;
    d.args_gpa = ER_GPA_IMAGES + kBlobBase + i * kBlobStride;
    d.args_size = sizeof kBlob;
    d.argc = 2;
    d.envc = 1;
    d.isolation = i % 3;
    for (int k = in.ConsumeIntegralInRange(0, 3); k > 0; k--) {
        uint64_t v = in.ConsumeBool() ? in.ConsumeIntegralInRange<uint64_t>(0, 300)
                                      : in.ConsumeIntegral<uint64_t>();
        switch (in.ConsumeIntegralInRange(0, 9)) {
            case 0:
                d.app_gpa += v;
                break;
            case 1:
                d.app_size = v;
                break;
            case 2:
                d.args_gpa += v;
                break;
            case 3:
                d.args_size = v;
                break;
            case 4:
                d.argc = uint32_t(v);
                break;
            case 5:
                d.envc = uint32_t(v);
                break;
            case 6:
                d.fs_gpa = ER_GPA_IMAGES + v, d.fs_size = v;
                break;
            case 7:
                d.isolation = uint32_t(v);
                break;
            case 8:
                d.flags = uint32_t(v);
                break;
            default:
                d.name[v % sizeof d.name] = char(v >> 8);
                break;
        }
    }
    return d;
}

er_domain_desc pick_desc(FuzzedDataProvider& in, uint32_t i) {
    er_domain_desc d{};
    if (in.ConsumeIntegralInRange(0, 3) != 3) return from_template(in, i);
    if (in.ConsumeBool()) {  // raw bytes
        std::vector<uint8_t> raw = in.ConsumeBytes<uint8_t>(sizeof d);
        if (!raw.empty()) std::memcpy(&d, raw.data(), raw.size());
        return d;
    }
    std::string name = in.ConsumeRandomLengthString(ER_DOMAIN_NAME_MAX + 2);
    std::memcpy(d.name, name.data(), name.size() < sizeof d.name ? name.size() : sizeof d.name);
    d.app_gpa = pick_gpa(in);
    d.app_size = pick_size(in);
    d.args_gpa = pick_gpa(in);
    d.args_size = pick_size(in);
    d.argc = in.ConsumeIntegralInRange<uint32_t>(0, 40);
    d.envc = in.ConsumeIntegralInRange<uint32_t>(0, 40);
    if (in.ConsumeBool()) {
        d.fs_gpa = pick_gpa(in);
        d.fs_size = pick_size(in);
    }
    d.isolation = in.ConsumeIntegralInRange<uint32_t>(0, 3);
    d.flags = in.ConsumeIntegralInRange<uint32_t>(0, 7) == 0;
    return d;
}

bool inside(uint64_t gpa, uint64_t size, uint64_t free_start) {
    return gpa >= ER_GPA_IMAGES && gpa + size >= gpa && gpa + size <= free_start &&
           gpa + size <= kMemSize;
}

// The accepted domain's entry stack: laid out at the size the launcher predicts (it refuses
// before boot what would not fit), argv and envp pointing at the blob's strings in order.
void check_stack(const er_domain_desc& d) {
    const char* blob = static_cast<const char*>(to_virt(d.args_gpa));
    StackImage s{};
    s.argc = d.argc;
    s.envc = d.envc;
    s.strings = blob;
    s.strings_size = d.args_size;
    s.phdr = 0x400040;
    s.phent = 56;
    s.phnum = 3;
    s.entry = 0x401000;
    constexpr uint64_t kTop = 0x7fff'ffff'e000ull;
    std::vector<uint8_t> out(ER_INITIAL_STACK_MAX);
    size_t used = 0;
    const char* err = layout_initial_stack(s, kTop, out.data(), out.size(), &used);
    uint64_t want = er_initial_stack_bytes(d.argc, d.envc, d.args_size);
    if (want > ER_INITIAL_STACK_MAX) {
        require(err != nullptr && err[0] != '\0');
        return;
    }
    require(err == nullptr && used == want && (kTop - used) % 16 == 0);
    auto word = [&](size_t i) {
        uint64_t w;
        std::memcpy(&w, out.data() + i * 8, 8);
        return w;
    };
    require(word(0) == d.argc);
    size_t at = 0;  // offset of the next string in the blob
    size_t w = 1;
    for (uint32_t list = 0; list < 2; list++) {
        uint32_t n = list == 0 ? d.argc : d.envc;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t p = word(w++);
            require(p >= kTop - used && p < kTop);
            const char* str = reinterpret_cast<const char*>(out.data() + (p - (kTop - used)));
            size_t len = std::strlen(blob + at);
            require(p + len < kTop && std::memcmp(str, blob + at, len + 1) == 0);
            at += len + 1;
        }
        require(word(w++) == 0);
    }
    require(at == d.args_size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<uint8_t> window(kWindow, 0);
    g_window = window.data();
    uint32_t count = in.ConsumeIntegralInRange<uint32_t>(0, ER_MAX_DOMAINS + 1);
    uint64_t free_start = in.ConsumeBool()
                              ? kMemSize
                              : ER_GPA_IMAGES + in.ConsumeIntegralInRange<uint64_t>(0, kWindow);
    std::vector<er_domain_desc> table;
    for (uint32_t i = 0; i < count; i++) {
        std::memcpy(&window[kBlobBase + i * kBlobStride], kBlob, sizeof kBlob);
        table.push_back(pick_desc(in, i));
    }
    // The rest fills the images window (the blobs' bytes), from a fuzzer-chosen offset.
    size_t off = in.ConsumeIntegralInRange<size_t>(0, kWindow - 1);
    std::vector<uint8_t> fill = in.ConsumeRemainingBytes<uint8_t>();
    for (size_t k = 0; k < fill.size() && off + k < kWindow; k++) window[off + k] = fill[k];

    TableBounds bounds{kMemSize, free_start, to_virt};
    uk::FixedText<ER_MESSAGE_MAX> why;
    uint32_t n = static_cast<uint32_t>(table.size());
    if (!check_domain_table(table.data(), n, bounds, why)) {
        require(why.size() > 0);
        return 0;
    }
    require(n >= 1 && n <= ER_MAX_DOMAINS);
    std::vector<std::string> names;
    for (const er_domain_desc& d : table) {
        char name[ER_DOMAIN_NAME_MAX + 1];
        domain_name(d, name);
        size_t len = std::strlen(name);
        require(len >= 1);
        for (size_t k = 0; k < len; k++) require(name[k] > 0x20 && name[k] < 0x7f);
        for (const std::string& other : names) require(other != name);
        names.emplace_back(name);
        require(d.app_size > 0 && inside(d.app_gpa, d.app_size, free_start));
        require(inside(d.args_gpa, d.args_size, free_start) && d.argc >= 1);
        require(d.fs_gpa == 0 ? d.fs_size == 0 : inside(d.fs_gpa, d.fs_size, free_start));
        require(d.isolation <= ER_ISO_MPK && d.flags == 0);
        ArgBlob args{static_cast<const char*>(to_virt(d.args_gpa)), d.args_size, d.argc, d.envc};
        require(args_blob_valid(args));
        check_stack(d);
    }
    return 0;
}
