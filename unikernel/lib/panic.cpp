#include "lib/panic.hpp"

#include "arch/x86/cpu.hpp"
#include "console/console.hpp"
#include "hv/hypercall.hpp"
#include "lib/string.hpp"
#include "mm/layout.hpp"

namespace uk {
namespace {

char g_panic_text[ER_MESSAGE_MAX];
bool g_panicking = false;

}  // namespace

void panic(const char* message) {
    TextBuffer t(g_panic_text, sizeof g_panic_text);
    t.str(message);
    panic(t);
}

void panic(const TextBuffer& message) {
    x86::cli();
    size_t len = message.size() < sizeof g_panic_text ? message.size() : sizeof g_panic_text;
    // The exit request needs a GPA, so the text must sit in kernel .bss, not on some stack.
    if (message.data() != g_panic_text) memmove(g_panic_text, message.data(), len);
    // A panic inside the flush (a broken console) must not recurse: the second one just exits.
    if (!g_panicking) {
        g_panicking = true;
        console::flush_all();
    }
    er_hc_exit req{};
    req.reason = ER_EXIT_PANIC;
    req.vector = 0xFFFFFFFF;
    req.message_gpa = mm::kernel_gpa(g_panic_text);
    req.message_len = len;
    hv::exit(req);
}

void klog(const TextBuffer& line) {
    hv::log(line.data(), line.size());
}

void klog(const char* line) {
    hv::log(line, strlen(line));
}

}  // namespace uk
