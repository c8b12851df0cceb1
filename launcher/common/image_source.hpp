// The bytes of one guest image (an app file, an er-fs image) whose size is known before any of
// them is read.  The launcher sizes every input, checks that they fit, and only then has each
// source write itself straight into guest memory: nothing is read that cannot fit, and no file is
// held twice in host memory (docs/launcher.md, "Inputs").
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "launcher/common/file.hpp"

namespace er::launcher {

class ImageSource {
  public:
    virtual ~ImageSource() = default;
    virtual uint64_t size() const = 0;
    // Writes the size() bytes into `dest` (exactly size() bytes, all zero: fresh guest RAM).
    // Throws Error naming the input when it changed since it was sized.
    virtual void write_to(std::span<uint8_t> dest) const = 0;
};

// Bytes already in memory (tests, small generated images).
class BytesImage final : public ImageSource {
  public:
    explicit BytesImage(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
    uint64_t size() const override { return bytes_.size(); }
    void write_to(std::span<uint8_t> dest) const override;

  private:
    std::vector<uint8_t> bytes_;
};

// A regular file opened with open_input(): read at write_to(), holes skipped.
class FileImage final : public ImageSource {
  public:
    explicit FileImage(InputFile file) : file_(std::move(file)) {}
    uint64_t size() const override { return file_.size; }
    void write_to(std::span<uint8_t> dest) const override;
    const std::string& path() const { return file_.path; }

  private:
    InputFile file_;
};

}  // namespace er::launcher
