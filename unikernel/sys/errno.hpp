// Linux errno values returned (negated) by syscalls.  The kernel's own internal errors reuse them
// so a failure can travel straight to the app.
#pragma once

namespace uk {

enum Errno : int {
    kEPERM = 1,
    kENOENT = 2,
    kESRCH = 3,
    kEINTR = 4,
    kEIO = 5,
    kEBADF = 9,
    kEAGAIN = 11,
    kENOMEM = 12,
    kEACCES = 13,
    kEFAULT = 14,
    kEEXIST = 17,
    kENODEV = 19,
    kEINVAL = 22,
    kENOTTY = 25,
    kESPIPE = 29,
    kERANGE = 34,
    kENOSYS = 38,
};

}  // namespace uk
