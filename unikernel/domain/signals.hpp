// Linux signal numbers used to report why a domain died.
#pragma once

#include <stdint.h>

namespace uk::domain {

constexpr uint32_t kSigIll = 4;
constexpr uint32_t kSigTrap = 5;
constexpr uint32_t kSigBus = 7;
constexpr uint32_t kSigFpe = 8;
constexpr uint32_t kSigKill = 9;
constexpr uint32_t kSigSegv = 11;

}  // namespace uk::domain
