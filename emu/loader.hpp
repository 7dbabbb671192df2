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
// The most a machine's RAM can hold (--mem's upper bound): the default limit on
// what an input file may bring into memory.
inline constexpr uint64_t kMaxLoadBytes = 64ull << 30;

// What keeps the ELF header at the start of `bytes` (its first 64 bytes
// suffice) from being an ELF64 little-endian RISC-V executable, in
// parse_elf's words ("not an ELF file", "x86-64 ELF, not RISC-V"); "" when
// nothing does.
std::string elf_header_problem(std::span<const uint8_t> bytes);

// Parses an ELF64 little-endian RISC-V executable (ET_EXEC, or ET_DYN as
// position-independent firmware such as OpenSBI is linked).
// `what` names the file in messages. The segments' file sizes may sum to at
// most max_bytes (the RAM they must fit in), checked before any is copied.
Image parse_elf(std::span<const uint8_t> bytes, const std::string& what, uint64_t max_bytes = kMaxLoadBytes,
                const std::string& room = "RAM");

// ELF when the file starts with "\x7fELF", otherwise a raw binary loaded at
// raw_load_addr (default 0x8000_0000) with entry = that address.
// Only a regular file is read (a FIFO, a device or /dev/zero is refused
// before anything blocks or grows), and nothing bigger than max_bytes: a raw
// image's size, or the sum of an ELF's segment file sizes, is checked before
// any of it is read into memory. The ELF itself is mapped, not read, so its
// symbols and debug sections cost no memory of their own.
// `room` names what max_bytes is in messages.
Image load_image_file(const std::string& path, std::optional<uint64_t> raw_load_addr = std::nullopt,
                      uint64_t max_bytes = kMaxLoadBytes, const std::string& room = "RAM");

// The contents of a regular file of at most max_bytes, with the same checks;
// `what` says what the file is (an "initrd"), `room` what it must fit in
// ("RAM"), both for messages.
std::vector<uint8_t> read_input_file(const std::string& path, uint64_t max_bytes, const std::string& what,
                                     const std::string& room);
// What is at path when it is there and not a regular file ("a character
// device"); "" otherwise. For outputs that replace a file.
std::string special_file_kind(const std::string& path);
// A script (debugger commands, a GUI script) as lines of text, at most
// kMaxScriptBytes of it.
inline constexpr uint64_t kMaxScriptBytes = 16ull << 20;
std::vector<std::string> read_input_lines(const std::string& path, const std::string& what);

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
