#include "launcher/oci/rootfs_image.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "launcher/common/error.hpp"
#include "launcher/fs/er_fs_pack.hpp"

namespace er::launcher::oci {

UniqueFd pack_rootfs_image(const std::string& rootfs, const std::vector<TmpfsMount>& tmpfs,
                           const std::vector<FileMount>& files) {
    ErFsImage image = plan_er_fs(rootfs, {}, tmpfs, files);
    UniqueFd fd(::memfd_create("er-fs-rootfs", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.valid()) throw_errno("memfd_create failed for the rootfs image");
    size_t size = image.size();
    if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) {
        throw_errno("cannot size the rootfs image", rootfs);
    }
    if (size > 0) {
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
        if (p == MAP_FAILED) throw_errno("cannot map the rootfs image", rootfs);
        try {
            image.write_to({static_cast<uint8_t*>(p), size});
        } catch (...) {
            ::munmap(p, size);
            throw;
        }
        ::munmap(p, size);
    }
    // Sealed: what the host reads is what was checked here, whoever else holds the memfd.
    if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) !=
        0) {
        throw_errno("cannot seal the rootfs image", rootfs);
    }
    return fd;
}

}  // namespace er::launcher::oci
