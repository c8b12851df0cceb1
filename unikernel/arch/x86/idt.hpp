// The IDT: every vector goes through exception_stubs.S to uk_trap_dispatch (traps.cpp).
#pragma once

namespace uk::x86 {

void init_idt();

}  // namespace uk::x86
