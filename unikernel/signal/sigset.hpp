// Linux x86-64 signal numbers, sigaction flags and si_code values, and the bit-set helpers every
// part of signal/ shares.  Values are the Linux ABI (asm-generic/signal.h, siginfo.h).
#pragma once

#include <stdint.h>

namespace uk::signal {

constexpr uint32_t kNsig = 64;

enum Sig : uint32_t {
    kSigHup = 1,
    kSigInt = 2,
    kSigQuit = 3,
    kSigIll = 4,
    kSigTrap = 5,
    kSigAbrt = 6,
    kSigBus = 7,
    kSigFpe = 8,
    kSigKill = 9,
    kSigUsr1 = 10,
    kSigSegv = 11,
    kSigUsr2 = 12,
    kSigPipe = 13,
    kSigAlrm = 14,
    kSigTerm = 15,
    kSigChld = 17,
    kSigCont = 18,
    kSigStop = 19,
    kSigTstp = 20,
    kSigTtin = 21,
    kSigTtou = 22,
    kSigUrg = 23,
    kSigWinch = 28,
    kSigSys = 31,
};

constexpr uint64_t bit(uint32_t sig) {
    return 1ull << (sig - 1);
}

// SIGKILL and SIGSTOP can never be blocked, caught or ignored; Linux drops them from masks.
constexpr uint64_t kUnblockable = bit(kSigKill) | bit(kSigStop);
// Signals raised by the instruction that just ran: delivered before any other (as Linux's
// SYNCHRONOUS_MASK), so a fault's handler sees its own frame.
constexpr uint64_t kSynchronous =
    bit(kSigSegv) | bit(kSigBus) | bit(kSigIll) | bit(kSigTrap) | bit(kSigFpe) | bit(kSigSys);

// sa_handler values and sa_flags.
constexpr uint64_t kSigDfl = 0;
constexpr uint64_t kSigIgn = 1;
constexpr uint64_t kSaSiginfo = 0x4;
constexpr uint64_t kSaRestorer = 0x04000000;
constexpr uint64_t kSaOnstack = 0x08000000;
constexpr uint64_t kSaRestart = 0x10000000;
constexpr uint64_t kSaNodefer = 0x40000000;
constexpr uint64_t kSaResethand = 0x80000000;

// si_code values.
constexpr int32_t kSiUser = 0;       // kill
constexpr int32_t kSiKernel = 0x80;  // raised by the kernel (alarm, #GP, int3)
constexpr int32_t kSiTkill = -6;     // tkill, tgkill
constexpr int32_t kSegvMaperr = 1, kSegvAccerr = 2, kSegvPkuerr = 4;
constexpr int32_t kBusAdraln = 1;
constexpr int32_t kFpeIntdiv = 1, kFpeFltinv = 7;
constexpr int32_t kIllIllopn = 2;
constexpr int32_t kTrapTrace = 2;
constexpr int32_t kCldExited = 1, kCldKilled = 2, kCldDumped = 3;

// sigaltstack ss_flags.
constexpr int32_t kSsOnstack = 1;
constexpr int32_t kSsDisable = 2;
constexpr uint32_t kSsAutodisarm = 1u << 31;
constexpr uint64_t kMinSigstksz = 2048;

// What SIG_DFL does with a signal.
enum class Default : uint8_t { terminate, ignore, stop, cont };
constexpr Default default_action(uint32_t sig) {
    switch (sig) {
        case kSigChld:
        case kSigUrg:
        case kSigWinch:
            return Default::ignore;
        case kSigCont:
            return Default::cont;
        case kSigStop:
        case kSigTstp:
        case kSigTtin:
        case kSigTtou:
            return Default::stop;
        default:
            return Default::terminate;  // core-dumping signals too: no core is written
    }
}

// "SIGTERM", or "signal 40" for the others (kill messages to the host).
const char* name(uint32_t sig);

}  // namespace uk::signal
