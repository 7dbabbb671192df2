// Program images: ELF64 RISC-V executables (PT_LOAD segments placed at their
// physical addresses, symbols from .symtab) or raw binaries.
// Every problem with the input is a LoadError whose message is one line,
// "FILE: what is wrong". A hostile file can never make the parser read out of
// bounds: every offset and size is checked with overflow-safe arithmetic.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace emu {

struct LoadError : std::runtime_error {
    using runtime_error::runtime_error;
};

struct Segment {
    uint64_t paddr = 0;
    std::vector<uint8_t> data;  // the file bytes (p_filesz)
    uint64_t memsz = 0;         // >= data.size(); the rest is zero-filled
};

struct Image {
    // Physical entry address. When e_entry is a virtual address inside a
    // PT_LOAD segment whose p_vaddr differs from p_paddr (e.g. vmlinux), it
    // is translated through that segment, since harts start with paging off.
    uint64_t entry = 0;
    std::vector<Segment> segments;  // sorted by paddr, non-overlapping
    std::unordered_map<std::string, uint64_t> symbols;
    bool is_elf = false;
    // A raw image with the RISC-V Linux `Image` header (Documentation/riscv/
    // boot-image-header.rst): placed at RAM base + its text_offset when no
    // load address is given, with memsz its image_size (the kernel's .bss).
    bool is_linux_image = false;

    std::optional<uint64_t> symbol(std::string_view name) const;
};

inline constexpr uint64_t kDefaultRawLoadAddr = 0x8000'0000;

// Parses an ELF64 little-endian RISC-V executable (ET_EXEC, or ET_DYN as
// position-independent firmware such as OpenSBI is linked).
// `what` names the file in messages.
Image parse_elf(std::span<const uint8_t> bytes, const std::string& what);

// ELF when the file starts with "\x7fELF", otherwise a raw binary loaded at
// raw_load_addr (default 0x8000_0000) with entry = that address.
Image load_image_file(const std::string& path, std::optional<uint64_t> raw_load_addr = std::nullopt);

// The RISC-V Linux Image header of a raw image: text_offset and image_size
// (little-endian at offsets 8 and 16), when the magics "RISCV\0\0\0" (offset
// 0x30) and "RSC\x05" (offset 0x38) are there.
struct LinuxImageHeader {
    uint64_t text_offset = 0, image_size = 0;
};
std::optional<LinuxImageHeader> linux_image_header(std::span<const uint8_t> bytes);

// Throws LoadError "what: segment at 0x... (N bytes) lies outside RAM
// 0x80000000-0x..." unless every segment lies within [ram_base, ram_base+ram_size).
void check_fits(const Image& image, uint64_t ram_base, uint64_t ram_size, const std::string& what);

}  // namespace emu
