#include "attestation/openssl_ptr.hpp"

#include <openssl/err.h>

namespace er::attest {

std::string openssl_last_error() {
    unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code == 0) return "no OpenSSL error recorded";
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

}  // namespace er::attest
