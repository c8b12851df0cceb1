#include "elf_test_support.hpp"

#include <fstream>
#include <iterator>
#include <ostream>
#include <stdexcept>

namespace er::elf::test {

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace er::elf::test

namespace er::elf {
void PrintTo(Status s, std::ostream* os) {
    *os << "Status(" << static_cast<int>(s) << ": " << describe(s) << ")";
}
}  // namespace er::elf
