// libFuzzer target for the launcher's er-fs packer (launcher/fs/er_fs_pack.cpp) against the
// guest's checker (unikernel/fs/erfs_image.cpp).  The input describes a directory tree (dirs,
// files with bytes and modes, symlinks with any target, FIFOs, mtimes, long names) and packing
// limits; the tree is made in a scratch directory and packed.  The packer must refuse exactly the
// trees it documents refusing (a FIFO, a file or image over the limits) with one line, and every
// image it makes must pass the guest's validate() and give back each name, mode, size, byte and
// target, and be the same bytes when packed again.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fuzzer/FuzzedDataProvider.h>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "fs/erfs_image.hpp"
#include "fs/path_walk.hpp"
#include "fs/tree.hpp"
#include "launcher/common/error.hpp"
#include "launcher/fs/er_fs_pack.hpp"

namespace {

namespace fs = std::filesystem;
using uk::fs::ErfsImage;
using uk::fs::ImageStatus;
using uk::fs::NodeRef;

void require(bool condition) {
    if (!condition) std::abort();
}

struct Made {
    std::string rel;  // path below the root, "/a/b"
    mode_t type;
    std::string bytes;  // file contents or symlink target
};

const std::string& scratch() {
    static const std::string dir = [] {
        std::string tmpl = (fs::temp_directory_path() / "er_fs_pack_fuzz.XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
        return tmpl;
    }();
    return dir;
}

std::string take_name(FuzzedDataProvider& in) {
    std::string name = in.ConsumeRandomLengthString(300);
    for (char& c : name) {
        if (c == '/' || c == '\0') c = '_';
    }
    return name;
}

bool write_all(const std::string& path, const std::string& bytes, mode_t mode) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = ::write(fd, bytes.data(), bytes.size()) == ssize_t(bytes.size());
    ::close(fd);
    return ok && ::chmod(path.c_str(), mode) == 0;
}

void check_image(const std::vector<uint8_t>& image, const std::string& root,
                 const std::vector<Made>& made) {
    ErfsImage img;
    require(img.validate(image.data(), image.size()) == ImageStatus::ok);
    require(img.count() == made.size() + 1);
    uk::fs::Tree tree{&img, nullptr};
    for (const Made& m : made) {
        NodeRef n;
        int r = uk::fs::resolve(tree, tree.root(), m.rel.data(), m.rel.size(), false, &n);
        require(r == 0 && n.kind == uk::fs::NodeKind::ro);
        er_fs_entry e = img.entry(n.ro);
        struct stat st {};
        require(::lstat((root + m.rel).c_str(), &st) == 0);
        require(e.mode == uint32_t(st.st_mode & (S_IFMT | 07777)));
        require((e.mode & S_IFMT) == m.type);
        if (m.type != S_IFDIR) {
            require(e.size == m.bytes.size());
            require(e.size == 0 || std::memcmp(img.data(e), m.bytes.data(), e.size) == 0);
        }
    }
}

// The tree changes between the walk (plan_er_fs) and the copy (write_to), as a hostile user of
// --root could make it: files grow, shrink, vanish or become a FIFO, a symlink or a directory.
// The copy must then fail with one line naming the file, or give an image the guest accepts; it
// must never hang (a FIFO is opened without blocking) or write outside the planned size.
struct Change {
    uint8_t which;  // index into the made entries, modulo their count
    uint8_t what;   // what % 5: gone, rewritten (what / 5 bytes), FIFO, symlink, directory
};

void race(const std::vector<Change>& changes, const std::string& root,
          const er::launcher::ErFsLimits& limits, const std::vector<Made>& made) {
    er::launcher::ErFsImage plan = er::launcher::plan_er_fs(root, limits);
    for (const Change& c : changes) {
        const Made& m = made[c.which % made.size()];
        std::string path = root + m.rel;
        if (m.type == S_IFDIR) continue;  // removing a directory would need its whole subtree
        ::unlink(path.c_str());
        switch (c.what % 5) {
            case 0:
                break;  // gone
            case 1:
                write_all(path, std::string(c.what / 5, 'z'), 0600);  // another size, maybe
                break;
            case 2:
                ::mkfifo(path.c_str(), 0600);
                break;
            case 3:
                ::symlink("elsewhere", path.c_str());
                break;
            default:
                ::mkdir(path.c_str(), 0700);
                break;
        }
    }
    std::vector<uint8_t> image(plan.size() + 1, 0);  // one byte more, to see it stay untouched
    image.back() = 0xA5;
    try {
        plan.write_to(std::span<uint8_t>(image.data(), plan.size()));
        ErfsImage img;
        require(img.validate(image.data(), plan.size()) == ImageStatus::ok);
    } catch (const er::launcher::Error& e) {
        std::string what = e.what();
        require(!what.empty() && what.find('\n') == std::string::npos);
    }
    require(image.back() == 0xA5);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    FuzzedDataProvider in(data, size);
    er::launcher::ErFsLimits limits;
    if (in.ConsumeBool()) limits.max_file = in.ConsumeIntegralInRange<uint64_t>(0, 4096);
    if (in.ConsumeBool()) limits.max_image = in.ConsumeIntegralInRange<uint64_t>(0, 16384);

    // Changes made to the tree between its walk and its copy (race()), chosen first so that
    // every input has some.
    std::vector<Change> changes(in.ConsumeIntegralInRange(0, 3));
    for (Change& c : changes)
        c = Change{in.ConsumeIntegral<uint8_t>(), in.ConsumeIntegral<uint8_t>()};

    const std::string root = scratch() + "/t";
    std::error_code ec;
    fs::remove_all(root, ec);
    if (::mkdir(root.c_str(), 0755) != 0) std::abort();

    std::vector<Made> made;
    std::vector<std::string> cwd{""};  // directory stack, relative to root
    bool has_fifo = false, over_file = false;
    uint64_t data_bytes = 0, name_bytes = 0;
    for (int op = 0; op < 48 && in.remaining_bytes() > 0; op++) {
        int kind = in.ConsumeIntegralInRange(0, 5);
        if (kind == 3) {
            if (cwd.size() > 1) cwd.pop_back();
            continue;
        }
        if (kind == 5) {
            if (made.empty()) continue;
            timespec times[2] = {{0, UTIME_OMIT}, {}};
            times[1].tv_sec = in.ConsumeIntegralInRange<time_t>(-100000, 4'000'000'000);
            times[1].tv_nsec = in.ConsumeIntegralInRange<long>(0, 999'999'999);
            ::utimensat(AT_FDCWD, (root + made.back().rel).c_str(), times, AT_SYMLINK_NOFOLLOW);
            continue;
        }
        std::string name = take_name(in);
        std::string rel = cwd.back() + "/" + name;
        std::string path = root + rel;
        Made m{rel, 0, {}};
        bool ok = false;
        if (kind == 0) {
            m.type = S_IFDIR;
            ok = ::mkdir(path.c_str(), 0700 | (in.ConsumeIntegral<mode_t>() & 07077)) == 0;
        } else if (kind == 1) {
            m.type = S_IFREG;
            m.bytes = in.ConsumeRandomLengthString(2048);
            ok = write_all(path, m.bytes, 0400 | (in.ConsumeIntegral<mode_t>() & 07777));
        } else if (kind == 2) {
            m.type = S_IFLNK;
            m.bytes = in.ConsumeRandomLengthString(600);
            for (char& c : m.bytes) c = c == '\0' ? 'x' : c;  // symlink(2) stops at a NUL
            ok = !m.bytes.empty() && ::symlink(m.bytes.c_str(), path.c_str()) == 0;
        } else {
            m.type = S_IFIFO;
            ok = ::mkfifo(path.c_str(), 0600) == 0;
        }
        if (!ok) continue;  // a name the host refuses ("", ".", too long, taken)
        if (m.type == S_IFIFO) {
            has_fifo = true;
            continue;
        }
        if (m.type == S_IFDIR) cwd.push_back(rel);
        if (m.type != S_IFDIR) {
            over_file = over_file || m.bytes.size() > limits.max_file;
            data_bytes += m.bytes.size();
        }
        name_bytes += name.size();
        made.push_back(std::move(m));
    }

    uint64_t total = sizeof(er_fs_header) + (made.size() + 1) * sizeof(er_fs_entry);
    total = ((total + name_bytes + 7) & ~7ull) + data_bytes;
    bool must_refuse = has_fifo || over_file || data_bytes + name_bytes > limits.max_image ||
                       total > limits.max_image;
    try {
        std::vector<uint8_t> image = er::launcher::pack_er_fs(root, limits);
        require(!must_refuse);
        require(image.size() == total);
        check_image(image, root, made);
        require(er::launcher::pack_er_fs(root + "/", limits) == image);  // deterministic
    } catch (const er::launcher::Error& e) {
        require(must_refuse);
        std::string what = e.what();
        require(!what.empty() && what.find('\n') == std::string::npos);
    }
    if (!must_refuse && !made.empty()) race(changes, root, limits, made);
    return 0;
}
