// A recording test double of the launch's ioctl layer (sev/launch/ioctl_port.hpp).  It keeps
// every call as (fd role, request, the bytes of the argument struct and, for
// KVM_MEMORY_ENCRYPT_OP, of the command struct `data` points to), with the values that change from
// run to run replaced by symbols so a record can be compared byte for byte with a table:
//   - user pointers: into a range named with name_memory() -> that range's symbol + offset; any
//     other non-null pointer -> kUnknownPointer + n (n-th distinct one, from 1); kvm_sev_cmd.data
//     -> kCommandData (its bytes are recorded beside);
//   - fds inside structs (kvm_sev_cmd.sev_fd, guest_memfd): the symbol the fd was named with.
// The pointer and fd fields are listed here from the kernel uapi with literal offsets, on
// purpose independent of sev/uapi.hpp.
//
// Its answers, a small model of KVM: KVM_CREATE_VM and KVM_CREATE_GUEST_MEMFD return a new real
// fd (of /dev/null, so closing it is harmless) named "vm" (symbol 0x20) and "gmemN" (0x30 + N);
// LAUNCH_MEASURE with len 0 writes len 48 and fails with EIO and SEV_RET_INVALID_LEN, as KVM
// passes on the firmware's answer; with len 48 it writes the bytes 0x00..0x2f; SNP_LAUNCH_UPDATE
// does the whole range (gfn_start, uaddr and len advanced past it); everything else answers 0.
// fail_call() makes one call fail with an errno and a firmware status; `script` can answer (and
// change the argument) before the model does.
#pragma once

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sev/launch/ioctl_port.hpp"

namespace er::sev::test {

struct IoctlRecord {
    std::string fd;  // the role the fd was named with, or its number
    unsigned long request = 0;
    std::vector<std::uint8_t> arg;
    std::vector<std::uint8_t> data;  // KVM_MEMORY_ENCRYPT_OP only
};

class RecordingIoctlPort : public IoctlPort {
  public:
    static constexpr std::uint64_t kCommandData = 0xDA7A;
    static constexpr std::uint64_t kUnknownPointer = 0xEEEE000000000000ull;
    static constexpr std::uint32_t kVmSymbol = 0x20;
    static constexpr std::uint32_t kGmemSymbol = 0x30;

    // The request numbers, literal (notes §1.2): what the tables are written in.
    static constexpr unsigned long kCreateVm = 0xAE01;
    static constexpr unsigned long kEnableCap = 0x4068AEA3;
    static constexpr unsigned long kSetUserMemoryRegion = 0x4020AE46;
    static constexpr unsigned long kSetUserMemoryRegion2 = 0x40A0AE49;
    static constexpr unsigned long kMemoryEncryptOp = 0xC008AEBA;
    static constexpr unsigned long kMemoryEncryptRegRegion = 0x8010AEBB;
    static constexpr unsigned long kCreateGuestMemfd = 0xC040AED4;
    static constexpr unsigned long kSetMemoryAttributes = 0x4020AED2;
    static constexpr unsigned long kGetDeviceAttr = 0x4018AEE2;

    std::vector<IoctlRecord> records;
    // Called before the model, with the call's index and raw argument; an answer replaces the
    // model's (set errno for -1).
    std::function<std::optional<int>(std::size_t, unsigned long, void*)> script;

    ~RecordingIoctlPort() override = default;

    void name_fd(int fd, std::string role, std::uint32_t symbol) {
        fds_[fd] = Named{std::move(role), symbol};
    }
    void name_memory(const void* base, std::size_t size, std::uint64_t symbol) {
        ranges_.push_back({reinterpret_cast<std::uintptr_t>(base), size, symbol});
    }
    void fail_call(std::size_t index, int err, std::uint32_t fw_error = 0) {
        fail_ = Failure{index, err, fw_error};
    }

    int ioctl(int fd, unsigned long request, void* arg) override {
        const std::size_t index = records.size();
        records.push_back(record(fd, request, arg));
        if (fail_ && fail_->index == index) {
            if (request == kMemoryEncryptOp) store32(arg, 16, fail_->fw_error);
            errno = fail_->err;
            return -1;
        }
        if (script) {
            if (auto r = script(index, request, arg)) return *r;
        }
        return model(request, arg);
    }

    static std::uint64_t load(const void* base, std::size_t off, std::size_t width) {
        std::uint64_t v = 0;
        std::memcpy(&v, static_cast<const std::uint8_t*>(base) + off, width);
        return v;
    }
    static void store32(void* base, std::size_t off, std::uint32_t v) {
        std::memcpy(static_cast<std::uint8_t*>(base) + off, &v, 4);
    }

  private:
    struct Named {
        std::string role;
        std::uint32_t symbol;
    };
    struct Range {
        std::uintptr_t base;
        std::size_t size;
        std::uint64_t symbol;
    };
    struct Failure {
        std::size_t index;
        int err;
        std::uint32_t fw_error;
    };
    // Where a struct holds a user pointer (8 bytes) or an fd (4 bytes).
    struct Layout {
        std::size_t size;
        std::vector<std::size_t> pointers;
        std::vector<std::size_t> fds;
    };

    static std::optional<Layout> request_layout(unsigned long request) {
        switch (request) {
            case kCreateVm:
                return Layout{0, {}, {}};  // _IO: the argument is the VM type itself
            case kEnableCap:
                return Layout{104, {}, {}};
            case kSetUserMemoryRegion:
                return Layout{32, {24}, {}};
            case kSetUserMemoryRegion2:
                return Layout{160, {24}, {40}};
            case kMemoryEncryptOp:
                return Layout{24, {}, {20}};  // kvm_sev_cmd; data handled apart
            case kMemoryEncryptRegRegion:
                return Layout{16, {0}, {}};
            case kCreateGuestMemfd:
                return Layout{64, {}, {}};
            case kSetMemoryAttributes:
                return Layout{32, {}, {}};
            case kGetDeviceAttr:  // kvm_device_attr: addr
                return Layout{24, {16}, {}};
        }
        return std::nullopt;
    }
    // KVM_MEMORY_ENCRYPT_OP command structs by id; size 0: the command takes no data.
    static Layout command_layout(std::uint32_t id) {
        switch (id) {
            case 0:  // INIT
            case 1:  // ES_INIT
            case 4:  // LAUNCH_UPDATE_VMSA
            case 7:  // LAUNCH_FINISH
                return {0, {}, {}};
            case 2:
                return {40, {8, 24}, {}};  // LAUNCH_START: dh_uaddr, session_uaddr
            case 3:
                return {16, {0}, {}};  // LAUNCH_UPDATE_DATA
            case 6:
                return {16, {0}, {}};  // LAUNCH_MEASURE
            case 22:
                return {48, {}, {}};  // INIT2
            case 100:
                return {64, {}, {}};  // SNP_LAUNCH_START
            case 101:
                return {64, {8}, {}};  // SNP_LAUNCH_UPDATE: uaddr
            case 102:
                return {88, {0, 8}, {}};  // SNP_LAUNCH_FINISH: id_block, id_auth
        }
        throw std::logic_error("RecordingIoctlPort: unknown KVM_MEMORY_ENCRYPT_OP command " +
                               std::to_string(id));
    }

    std::uint64_t pointer_symbol(std::uint64_t p) {
        if (p == 0) return 0;
        for (const Range& r : ranges_) {
            if (p >= r.base && p - r.base < r.size) return r.symbol + (p - r.base);
        }
        for (std::size_t i = 0; i < unknown_.size(); ++i) {
            if (unknown_[i] == p) return kUnknownPointer + i + 1;
        }
        unknown_.push_back(p);
        return kUnknownPointer + unknown_.size();
    }

    std::vector<std::uint8_t> capture(const void* src, const Layout& layout) {
        std::vector<std::uint8_t> bytes(layout.size);
        std::memcpy(bytes.data(), src, layout.size);
        for (std::size_t off : layout.pointers) {
            std::uint64_t sym = pointer_symbol(load(bytes.data(), off, 8));
            std::memcpy(bytes.data() + off, &sym, 8);
        }
        for (std::size_t off : layout.fds) {
            auto it = fds_.find(static_cast<int>(load(bytes.data(), off, 4)));
            if (it != fds_.end()) store32(bytes.data(), off, it->second.symbol);
        }
        return bytes;
    }

    IoctlRecord record(int fd, unsigned long request, void* arg) {
        IoctlRecord rec;
        auto named = fds_.find(fd);
        rec.fd = named != fds_.end() ? named->second.role : std::to_string(fd);
        rec.request = request;
        auto layout = request_layout(request);
        if (!layout) {
            throw std::logic_error("RecordingIoctlPort: unexpected request " +
                                   std::to_string(request));
        }
        if (layout->size == 0) {
            auto v = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(arg));
            rec.arg.resize(8);
            std::memcpy(rec.arg.data(), &v, 8);
            return rec;
        }
        if (_IOC_SIZE(request) != layout->size && request != kMemoryEncryptOp) {
            throw std::logic_error("RecordingIoctlPort: _IOC_SIZE disagrees with the layout");
        }
        rec.arg = capture(arg, *layout);
        if (request == kMemoryEncryptOp) {
            const auto id = static_cast<std::uint32_t>(load(arg, 0, 4));
            const std::uint64_t data = load(arg, 8, 8);
            Layout cmd = command_layout(id);
            if ((cmd.size == 0) != (data == 0)) {
                throw std::logic_error("RecordingIoctlPort: command " + std::to_string(id) +
                                       (data ? " takes no data" : " needs data"));
            }
            if (data != 0) {
                std::uint64_t sym = kCommandData;
                std::memcpy(rec.arg.data() + 8, &sym, 8);
                rec.data = capture(reinterpret_cast<const void*>(data), cmd);
            }
        }
        return rec;
    }

    int new_fd(const char* role, std::uint32_t symbol) {
        int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw std::runtime_error("RecordingIoctlPort: cannot open /dev/null");
        name_fd(fd, role, symbol);
        return fd;
    }

    int model(unsigned long request, void* arg) {
        if (request == kCreateVm) return new_fd("vm", kVmSymbol);
        if (request == kCreateGuestMemfd) {
            std::string role = "gmem" + std::to_string(gmem_count_);
            return new_fd(role.c_str(), kGmemSymbol + gmem_count_++);
        }
        if (request == kMemoryEncryptOp && load(arg, 0, 4) == 101) {  // SNP_LAUNCH_UPDATE
            // The whole range at once: gfn_start, uaddr and len moved past it.
            auto* up = reinterpret_cast<std::uint8_t*>(load(arg, 8, 8));
            const std::uint64_t len = load(up, 16, 8);
            const std::uint64_t gfn = load(up, 0, 8) + len / 4096, uaddr = load(up, 8, 8) + len,
                                zero = 0;
            std::memcpy(up, &gfn, 8);
            std::memcpy(up + 8, &uaddr, 8);
            std::memcpy(up + 16, &zero, 8);
        }
        if (request == kMemoryEncryptOp && load(arg, 0, 4) == 6) {  // LAUNCH_MEASURE
            auto* m = reinterpret_cast<std::uint8_t*>(load(arg, 8, 8));
            if (load(m, 8, 4) == 0) {
                store32(m, 8, 48);
                store32(arg, 16, 4);  // SEV_RET_INVALID_LEN
                errno = EIO;
                return -1;
            }
            auto* out = reinterpret_cast<std::uint8_t*>(load(m, 0, 8));
            for (int i = 0; i < 48; ++i) out[i] = static_cast<std::uint8_t>(i);
        }
        return 0;
    }

    std::map<int, Named> fds_;
    std::vector<Range> ranges_;
    std::vector<std::uint64_t> unknown_;
    std::optional<Failure> fail_;
    std::uint32_t gmem_count_ = 0;
};

}  // namespace er::sev::test
