#include "launcher/net/socket_options.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>

namespace er::launcher {

bool socket_option_allowed(int level, int name) {
    switch (level) {
        case SOL_SOCKET:
            switch (name) {
                case SO_REUSEADDR:
                case SO_REUSEPORT:
                case SO_KEEPALIVE:
                case SO_RCVBUF:
                case SO_SNDBUF:
                case SO_ERROR:
                case SO_TYPE:
                case SO_DOMAIN:
                case SO_PROTOCOL:
                case SO_ACCEPTCONN:
                case SO_LINGER:
                case SO_BROADCAST:
                case SO_OOBINLINE:
                    return true;
                default:
                    return false;
            }
        case IPPROTO_TCP:
            switch (name) {
                case TCP_NODELAY:
                case TCP_KEEPIDLE:
                case TCP_KEEPINTVL:
                case TCP_KEEPCNT:
                case TCP_CORK:
                case TCP_QUICKACK:
                case TCP_INFO:
                    return true;
                default:
                    return false;
            }
        case IPPROTO_IPV6:
            return name == IPV6_V6ONLY;
        case IPPROTO_IP:
            return name == IP_TOS || name == IP_TTL;
        default:
            return false;
    }
}

int clamp_buffer_option(int level, int name, int value) {
    if (level == SOL_SOCKET && (name == SO_RCVBUF || name == SO_SNDBUF))
        return std::clamp(value, 0, kSocketBufferCap);
    return value;
}

}  // namespace er::launcher
