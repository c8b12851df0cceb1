// Sockets for real (issue 19, docs/network.md): real programs and real traffic, on loopback only
// (127.0.0.1 and ::1; the test VM has no other interface).  busybox httpd in a domain fetched by
// curl on the host side, busybox wget and nc in a domain against a native busybox httpd, a Go
// HTTP server in a domain under a checked load of 10,000 requests from a native Go client, UDP
// echo both ways, two domains of one enclave over loopback TCP, `--network none`, and a
// manifest's per-app network namespaces.
// The programs come from tests/integration/net/build.sh (Debian's busybox-static and Go).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "background.hpp"
#include "harness.hpp"

namespace {

namespace fs = std::filesystem;
using er::test::app;
using er::test::Background;
using er::test::kEnclaveRun;
using er::test::kScratch;
using er::test::read_file;
using er::test::Result;
using er::test::run;

const std::string kNetBin = ER_NET_PROGRAMS_DIR;  // busybox, go-httpd, go-loadgen

// The busybox applets the domains' shell lines use.
const char* const kApplets[] = {"sh",    "httpd", "wget", "nc",  "printf", "echo",
                                "sleep", "kill",  "cat",  "seq", "true",   "false"};

// Deterministic text of `size` bytes: numbered lines, so a difference shows where it is.
std::string text(size_t size, const std::string& tag) {
    std::string s;
    for (int i = 0; s.size() < size; i++) s += tag + " line " + std::to_string(i) + "\n";
    s.resize(size);
    return s;
}

// Deterministic binary bytes (every byte value, no line structure).
std::string binary(size_t size, unsigned seed) {
    std::string s(size, '\0');
    unsigned x = seed * 2654435761u + 1;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 23);
    }
    return s;
}

void write(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A domain tree kScratch/NAME: bin/busybox with the applets as links, bin/go-httpd, and `files`
// (path relative to the tree => bytes).
std::string make_tree(const std::string& name, const std::map<std::string, std::string>& files) {
    std::string tree = kScratch + "/" + name;
    fs::remove_all(tree);
    fs::create_directories(tree + "/bin");
    fs::copy_file(kNetBin + "/busybox", tree + "/bin/busybox");
    fs::copy_file(kNetBin + "/go-httpd", tree + "/bin/go-httpd");
    for (const char* a : kApplets) fs::create_symlink("busybox", tree + "/bin/" + a);
    for (const auto& [path, bytes] : files) write(tree + "/" + path, bytes);
    return tree;
}

// A port free on 127.0.0.1 right now (the kernel's choice for a bind to port 0).
int free_port(int type = SOCK_STREAM) {
    int fd = socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0) close(fd);
    return port;
}

// Whether /proc/net/FILE lists a socket bound to local `port` (in `state`, hex, when given).
bool proc_net_has(const std::string& file, int port, const std::string& state) {
    std::ifstream f("/proc/net/" + file);
    std::string line;
    char want[8];
    snprintf(want, sizeof want, ":%04X", port);
    std::getline(f, line);  // header
    while (std::getline(f, line)) {
        std::istringstream ss(line);
        std::string slot, local, remote, st;
        ss >> slot >> local >> remote >> st;
        if (local.size() > 5 && local.compare(local.size() - 5, 5, want) == 0 &&
            (state.empty() || st == state))
            return true;
    }
    return false;
}

// Waits until something listens on TCP `port` (or is bound to UDP `port`) in this network
// namespace, without connecting (a probe would be a connection the server under test sees).
// False when `server` ended first or after timeout_s.
bool wait_bound(int port, Background& server, int timeout_s = 120, bool udp = false) {
    for (int i = 0; i < timeout_s * 10; i++) {
        if (udp ? proc_net_has("udp", port, "") || proc_net_has("udp6", port, "")
                : proc_net_has("tcp", port, "0A") || proc_net_has("tcp6", port, "0A"))
            return true;
        if (!server.running()) return false;
        usleep(100 * 1000);
    }
    return false;
}

// enclave-run run ARGS in a tree: PATH=/bin HOME=/ as the compat suite runs its programs.
std::vector<std::string> in_tree(const std::string& tree, const std::string& program,
                                 std::vector<std::string> args,
                                 std::vector<std::string> options = {}) {
    std::vector<std::string> v{kEnclaveRun, "run", "--timeout", "600", "--memory", "256M"};
    v.insert(v.end(), options.begin(), options.end());
    for (const char* o : {"--root", tree.c_str(), "-e", "PATH=/bin", "-e", "HOME=/"})
        v.push_back(o);
    v.push_back(tree + "/bin/" + program);
    v.push_back("--");
    v.insert(v.end(), args.begin(), args.end());
    return v;
}

std::string url(int port, const std::string& path, bool v6 = false) {
    return std::string("http://") + (v6 ? "[::1]" : "127.0.0.1") + ":" + std::to_string(port) +
           path;
}

// Fetches URL to `to` on the host side: curl where the machine has it, else busybox wget.
Result fetch(const std::string& u, const std::string& to) {
    if (access("/usr/bin/curl", X_OK) == 0)
        return run({"/usr/bin/curl", "-sS", "--fail", "--max-time", "120", "-o", to, u}, 150);
    return run({kNetBin + "/busybox", "wget", "-q", "-T", "120", "-O", to, u}, 150);
}

// busybox httpd in a domain serves files of the domain's tree; curl on the host side fetches
// them byte for byte: a small page, 300 KB of binary (many 64 KiB hypercalls' worth, through
// the forked child busybox serves each connection from) and a 404.
TEST(Net, BusyboxHttpdInADomainServesItsTreeToTheHost) {
    const std::string page = text(2000, "index"), big = binary(300000, 1);
    auto tree = make_tree("net-httpd", {{"www/index.html", page}, {"www/big.bin", big}});
    int port = free_port();
    Background server(
        in_tree(tree, "busybox",
                {"httpd", "-f", "-p", "127.0.0.1:" + std::to_string(port), "-h", "/www"}),
        "net-httpd");
    ASSERT_TRUE(wait_bound(port, server))
        << "httpd never listened: " << server.out() << server.err();

    for (const auto& [path, want] : {std::pair{"/index.html", page}, std::pair{"/big.bin", big}}) {
        auto got = kScratch + "/net-httpd-got";
        fs::remove(got);
        auto r = fetch(url(port, path), got);
        EXPECT_EQ(r.status, 0) << path << ": " << r.out << r.err << server.err();
        EXPECT_TRUE(read_file(got) == want)
            << path << ": " << read_file(got).size() << " bytes, " << want.size() << " expected";
    }
    if (access("/usr/bin/curl", X_OK) == 0) {
        auto r = run({"/usr/bin/curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                      "120", url(port, "/missing.html")},
                     150);
        EXPECT_EQ(r.out, "404") << r.err;
    }
    EXPECT_TRUE(server.running()) << "httpd ended: " << server.out() << server.err();
}

// busybox wget in a domain fetches from a native busybox httpd over IPv4 and IPv6.
TEST(Net, BusyboxWgetInADomainFetchesFromTheHost) {
    const std::string file = text(200000, "host");
    auto www = kScratch + "/net-host-www";
    write(www + "/file.txt", file);
    int port = free_port(), port6 = free_port();
    Background host4(
        {kNetBin + "/busybox", "httpd", "-f", "-p", "127.0.0.1:" + std::to_string(port), "-h", www},
        "net-wget-host4");
    Background host6(
        {kNetBin + "/busybox", "httpd", "-f", "-p", "[::1]:" + std::to_string(port6), "-h", www},
        "net-wget-host6");
    ASSERT_TRUE(wait_bound(port, host4, 30) && wait_bound(port6, host6, 30))
        << host4.err() << host6.err();
    auto tree = make_tree("net-wget", {});
    auto r = run(in_tree(tree, "busybox",
                         {"sh", "-c",
                          "wget -q -O - " + url(port, "/file.txt") + " && wget -q -O - " +
                              url(port6, "/file.txt", true)}),
                 300);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out == file + file)
        << r.out.size() << " bytes, " << 2 * file.size() << " expected; stderr: " << r.err;
}

// busybox nc in a domain speaks HTTP by hand to a native busybox httpd: both directions of one
// connection (the request from a pipe in the domain, the answer to stdout until the server
// closes).
TEST(Net, BusyboxNcInADomainTalksToTheHost) {
    const std::string file = text(100000, "nc");
    auto www = kScratch + "/net-nc-www";
    write(www + "/file.txt", file);
    int port = free_port();
    Background host(
        {kNetBin + "/busybox", "httpd", "-f", "-p", "127.0.0.1:" + std::to_string(port), "-h", www},
        "net-nc-host");
    ASSERT_TRUE(wait_bound(port, host, 30)) << host.err();
    auto tree = make_tree("net-nc", {});
    auto r =
        run(in_tree(tree, "busybox",
                    {"sh", "-c",
                     "printf 'GET /file.txt HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' | nc 127.0.0.1 " +
                         std::to_string(port)}),
            300);
    EXPECT_EQ(r.status, 0) << r.err;
    // busybox httpd answers an HTTP/1.0 request as HTTP/1.1 and closes the connection.
    EXPECT_EQ(r.out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r.out.substr(0, 200) << r.err;
    auto body = r.out.find("\r\n\r\n");
    ASSERT_NE(body, std::string::npos) << r.out.substr(0, 200);
    EXPECT_TRUE(r.out.substr(body + 4) == file)
        << r.out.size() - body - 4 << " body bytes, " << file.size() << " expected";
}

// The number of requests of the Go load test: 10,000 (issue 19); ER_NET_REQUESTS overrides it
// for a quick look.
int load_requests() {
    const char* n = getenv("ER_NET_REQUESTS");
    return n && atoi(n) > 0 ? atoi(n) : 10000;
}

// A Go HTTP server in a domain under a bounded load from a native Go client: every request over
// 8 keep-alive connections, half a static file and half a body generated for that request, each
// checked; then /quit ends the server cleanly.
TEST(Net, GoHttpServerInADomainServesACheckedLoad) {
    const int n = load_requests();
    const std::string page = text(4096, "page");
    auto tree = make_tree("net-go", {{"www/page.html", page}});
    auto expected = kScratch + "/net-go-page.html";
    write(expected, page);
    int port = free_port();
    Background server(
        in_tree(tree, "go-httpd", {"-addr", "127.0.0.1:" + std::to_string(port), "-dir", "/www"}),
        "net-go");
    ASSERT_TRUE(wait_bound(port, server))
        << "go-httpd never listened: " << server.out() << server.err();
    auto r = run({kNetBin + "/go-loadgen", "-url", url(port, ""), "-n", std::to_string(n), "-c",
                  "8", "-static", "/page.html=" + expected, "-gen", "-quit"},
                 1200);
    std::cout << r.out;  // the summary line: counts, time, rate, latency percentiles
    EXPECT_EQ(r.status, 0) << r.out << r.err << server.err();
    auto counts = "requests=" + std::to_string(n) + " ok=" + std::to_string(n) + " bad=0 errors=0";
    EXPECT_NE(r.out.find(counts), std::string::npos) << r.out << r.err;
    EXPECT_EQ(server.wait(120), 0) << server.out() << server.err();
    EXPECT_NE(server.out().find("go-httpd: served " + std::to_string(n) + " requests"),
              std::string::npos)
        << server.out();
}

// UDP echo: the server in a domain over IPv4, then the client in a domain against a native
// server over IPv6; datagrams of 1 to 65507 bytes, each echo checked by the client.
TEST(Net, UdpEchoServerInADomain) {
    int port = free_port(SOCK_DGRAM);
    Background server({kEnclaveRun, "run", "--timeout", "300", app("udp-echo"), "--", "server",
                       "127.0.0.1", std::to_string(port)},
                      "net-udp-server");
    ASSERT_TRUE(wait_bound(port, server, 120, true)) << server.out() << server.err();
    auto r = run({app("udp-echo"), "client", "127.0.0.1", std::to_string(port), "100"}, 300);
    EXPECT_EQ(r.status, 0) << r.out << r.err << server.err();
    EXPECT_NE(r.out.find("udp-echo: 100 of 100 echoed\n"), std::string::npos) << r.out << r.err;
    EXPECT_EQ(server.wait(60), 0) << server.out() << server.err();
    EXPECT_NE(server.out().find("udp-echo: echoed 100 datagrams"), std::string::npos)
        << server.out();
}

TEST(Net, UdpEchoClientInADomainOverIpv6) {
    int port = free_port(SOCK_DGRAM);
    Background server({app("udp-echo"), "server", "::1", std::to_string(port)}, "net-udp-native");
    ASSERT_TRUE(wait_bound(port, server, 30, true)) << server.err();
    auto r = er::test::enclave({"run", "--timeout", "300", app("udp-echo"), "--", "client", "::1",
                                std::to_string(port), "100"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("udp-echo: 100 of 100 echoed\n"), std::string::npos) << r.out << r.err;
    EXPECT_EQ(server.wait(30), 0) << server.err();
}

// JSON string literal of s.
std::string json_string(const std::string& s) {
    std::string o = "\"";
    for (char c : s) o += c == '"' || c == '\\' ? std::string("\\") + c : std::string(1, c);
    return o + "\"";
}

// Two domains of one enclave from one tree: "server" (go-httpd on 127.0.0.1:PORT serving /www)
// and "client" (busybox sh running `then` once the page came, retrying wget until the server
// listens).  The client prints the page, then what `then` prints, then "bye" from /quit, which
// it asks for even when the page never came, so a failure ends the enclave instead of waiting
// out its timeout.
er::test::Result two_domains(const std::string& tree, int port, const std::string& then,
                             std::vector<std::string> options, const std::string& out) {
    std::string client = "i=0; until wget -q -O - " + url(port, "/page.html") +
                         "; do i=$((i+1)); [ $i -lt 150 ] || break; sleep 0.2; done; " + then +
                         "wget -q -O - " + url(port, "/quit");
    std::string manifest =
        "{\"memory\": \"512M\", \"timeout\": 240, \"apps\": [\n {\"name\": "
        "\"server\", \"path\": " +
        json_string(tree + "/bin/go-httpd") + ", \"root\": " + json_string(tree) +
        ", \"args\": [\"-addr\", \"127.0.0.1:" + std::to_string(port) +
        "\", \"-dir\", \"/www\"]},\n {\"name\": \"client\", \"path\": " +
        json_string(tree + "/bin/busybox") + ", \"root\": " + json_string(tree) +
        ", \"env\": {\"PATH\": \"/bin\"}, \"args\": [\"sh\", \"-c\", " + json_string(client) +
        "]}]}\n";
    auto file = er::test::write_file(fs::path(out).filename().string() + ".json", manifest);
    fs::remove_all(out);
    std::vector<std::string> args{"run", "--output", out};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"-f", file});
    return er::test::enclave(args, 300);
}

// Two domains of one enclave, in the launcher's network namespace: the client (busybox wget)
// fetches a page from the Go server in the other domain over loopback TCP.
TEST(Net, TwoDomainsOfOneEnclaveTalkOverLoopbackTcp) {
    const std::string page = text(30000, "neighbour");
    auto tree = make_tree("net-two", {{"www/page.html", page}});
    auto out = kScratch + "/net-two-out";
    auto r = two_domains(tree, free_port(), "", {}, out);
    EXPECT_EQ(r.status, 0) << r.err << read_file(out + "/client.stderr")
                           << read_file(out + "/server.stderr");
    EXPECT_TRUE(read_file(out + "/client.stdout") == page + "bye\n")
        << read_file(out + "/client.stdout").size() << " bytes, " << page.size() + 4 << " expected";
    EXPECT_NE(read_file(out + "/server.stdout").find("go-httpd: served"), std::string::npos)
        << read_file(out + "/server.stdout");
}

// `--network none`: the enclave's domains get a fresh namespace with loopback only, shared by
// both.  The server binds the very port a native busybox httpd holds in the launcher's namespace,
// and the client gets the server's page, not the native one; a second native server, on a port
// no domain uses, is out of the client's reach.
TEST(Net, NetworkNoneGivesTheEnclaveItsOwnLoopback) {
    auto www = kScratch + "/net-none-host";
    write(www + "/page.html", "the launcher's namespace\n");
    int port = free_port(), other = free_port();
    Background host(
        {kNetBin + "/busybox", "httpd", "-f", "-p", "127.0.0.1:" + std::to_string(port), "-h", www},
        "net-none-host");
    Background host2({kNetBin + "/busybox", "httpd", "-f", "-p",
                      "127.0.0.1:" + std::to_string(other), "-h", www},
                     "net-none-host2");
    ASSERT_TRUE(wait_bound(port, host, 30) && wait_bound(other, host2, 30))
        << host.err() << host2.err();
    const std::string page = text(5000, "own namespace");
    auto tree = make_tree("net-none", {{"www/page.html", page}});
    auto out = kScratch + "/net-none-out";
    auto r = two_domains(tree, port,
                         "if wget -q -O - " + url(other, "/page.html") +
                             "; then echo REACHED; else echo unreachable; fi; ",
                         {"--network", "none"}, out);
    EXPECT_EQ(r.status, 0) << r.err << read_file(out + "/client.stderr")
                           << read_file(out + "/server.stderr");
    EXPECT_TRUE(read_file(out + "/client.stdout") == page + "unreachable\nbye\n")
        << read_file(out + "/client.stdout").substr(0, 300)
        << "\nclient stderr: " << read_file(out + "/client.stderr");
    EXPECT_TRUE(host.running() && host2.running()) << host.err() << host2.err();
}

// Whether the file at `path` (a domain's --output file, written as the enclave runs) holds
// `needle`.
bool file_has(const std::string& path, const std::string& needle) {
    return read_file(path).find(needle) != std::string::npos;
}

// Waits until `path` holds `needle`; false when `enclave` ended first or after timeout_s.
bool wait_for(const std::string& path, const std::string& needle, Background& enclave,
              int timeout_s = 120) {
    for (int i = 0; i < timeout_s * 10; i++) {
        if (file_has(path, needle)) return true;
        if (!enclave.running()) return file_has(path, needle);
        usleep(100 * 1000);
    }
    return false;
}

// A manifest's per-app "network" (docs/manifest.md): two domains of one enclave talk over
// loopback TCP if and only if they share a network namespace.  "listener" (netns-check listen)
// and "peer" share the fresh namespace "none:a"; "outsider" has the enclave's (--network host,
// the launcher's).  The peer connects; the outsider, told by the test when the peer got through
// (a native listener on a second port of the launcher's namespace, the only channel into it),
// then gets ECONNREFUSED while the listener still listens, and the listener accepted exactly one
// connection.  The listener's port is never bound in the launcher's namespace.
TEST(Net, AppsTalkOverLoopbackOnlyWhenTheyShareANetworkNamespace) {
    auto tree = make_tree("net-apps-ns", {});
    fs::copy_file(app("netns-check"), tree + "/bin/netns-check");
    int port = free_port(), go = free_port();
    ASSERT_NE(port, go);
    const std::string target = "127.0.0.1 " + std::to_string(port);
    const std::string peer = "i=0; until netns-check connect " + target +
                             "; do i=$((i+1)); [ $i -lt 300 ] || break; sleep 0.1; done";
    const std::string outsider = "i=0; until netns-check connect 127.0.0.1 " + std::to_string(go) +
                                 "; do i=$((i+1)); [ $i -lt 1200 ] || break; sleep 0.1; done; "
                                 "netns-check connect " +
                                 target + "; true";
    auto sh_app = [&](const std::string& name, const std::string& line, const std::string& net) {
        return "{\"name\": \"" + name + "\", \"path\": " + json_string(tree + "/bin/busybox") +
               ", \"root\": " + json_string(tree) +
               ", \"env\": {\"PATH\": \"/bin\"}, \"args\": [\"sh\", \"-c\", " + json_string(line) +
               "]" + (net.empty() ? "" : ", \"network\": \"" + net + "\"") + "}";
    };
    std::string manifest =
        "{\"memory\": \"256M\", \"timeout\": 120, \"apps\": [\n {\"name\": \"listener\", "
        "\"path\": " +
        json_string(app("netns-check")) + ", \"args\": [\"listen\", \"127.0.0.1\", \"" +
        std::to_string(port) + "\", \"10\"], \"network\": \"none:a\"},\n " +
        sh_app("peer", peer, "none:a") + ",\n " + sh_app("outsider", outsider, "") + "]}\n";
    auto file = er::test::write_file("net-apps-ns.json", manifest);
    auto out = kScratch + "/net-apps-ns-out";
    fs::remove_all(out);
    Background enclave({kEnclaveRun, "run", "--output", out, "-f", file}, "net-apps-ns");

    const std::string connected = "connect 127.0.0.1:" + std::to_string(port) + ": ";
    ASSERT_TRUE(wait_for(out + "/peer.stdout", connected + "ok\n", enclave))
        << "the peer never connected: " << read_file(out + "/peer.stdout").substr(0, 300)
        << read_file(out + "/listener.stdout") << enclave.err();
    EXPECT_FALSE(proc_net_has("tcp", port, "0A")) << "the listener is in the launcher's namespace";

    // Only now may the outsider try: the listener is known to listen.
    auto [go_listener, go_ok] = [go] {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<uint16_t>(go));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  listen(fd, 8) == 0;
        return std::pair{fd, ok};
    }();
    ASSERT_TRUE(go_ok) << "cannot listen on 127.0.0.1:" << go;
    bool tried = wait_for(out + "/outsider.stdout", connected, enclave);
    // The listener prints "accepted N" when it stops listening: not yet, or the refusal proves
    // nothing.
    bool still_listening = !file_has(out + "/listener.stdout", "accepted");
    close(go_listener);
    ASSERT_TRUE(tried) << "the outsider never tried: " << read_file(out + "/outsider.stdout")
                       << read_file(out + "/outsider.stderr");
    EXPECT_TRUE(still_listening) << "the listener stopped before the outsider tried (too slow?)";
    EXPECT_TRUE(file_has(out + "/outsider.stdout", connected + "ECONNREFUSED\n"))
        << read_file(out + "/outsider.stdout");

    EXPECT_EQ(enclave.wait(120), 0) << enclave.err() << read_file(out + "/listener.stderr");
    EXPECT_EQ(read_file(out + "/listener.stdout"), "listening\naccepted 1\n");
}

}  // namespace
