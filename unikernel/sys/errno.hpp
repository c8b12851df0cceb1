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
    kENXIO = 6,
    kE2BIG = 7,
    kENOEXEC = 8,
    kEBADF = 9,
    kECHILD = 10,
    kEAGAIN = 11,
    kENOMEM = 12,
    kEACCES = 13,
    kEFAULT = 14,
    kEBUSY = 16,
    kEEXIST = 17,
    kEXDEV = 18,
    kENODEV = 19,
    kENOTDIR = 20,
    kEISDIR = 21,
    kEINVAL = 22,
    kENFILE = 23,
    kEMFILE = 24,
    kENOTTY = 25,
    kEFBIG = 27,
    kENOSPC = 28,
    kESPIPE = 29,
    kEROFS = 30,
    kEPIPE = 32,
    kERANGE = 34,
    kEDEADLK = 35,
    kENAMETOOLONG = 36,
    kENOLCK = 37,
    kENOSYS = 38,
    kENOTEMPTY = 39,
    kELOOP = 40,
    kEOVERFLOW = 75,
    kETIMEDOUT = 110,
};

}  // namespace uk
