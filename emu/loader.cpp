#include "emu/loader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "isa/hex.hpp"

namespace emu {

namespace {

// ELF constants (System V gABI, RISC-V psABI).
constexpr size_t kEhdrSize = 64, kPhdrSize = 56, kShdrSize = 64, kSymSize = 24;
constexpr uint8_t kClass32 = 1, kClass64 = 2, kDataLsb = 1, kDataMsb = 2;
constexpr uint16_t kTypeRel = 1, kTypeExec = 2, kTypeDyn = 3, kTypeCore = 4;
constexpr uint16_t kMachineRiscv = 243;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kShtSymtab = 2, kShtStrtab = 3;
constexpr uint8_t kSttNotype = 0, kSttObject = 1, kSttFunc = 2;
constexpr uint8_t kStbLocal = 0;
constexpr uint16_t kShnUndef = 0, kPnXnum = 0xffff;

[[noreturn]] void fail(const std::string& what, const std::string& problem) {
    throw LoadError(what + ": " + problem);
}

std::string_view machine_name(uint16_t m) {
    switch (m) {
    case 0: return "no-machine";
    case 2: return "SPARC";
    case 3: return "x86 (i386)";
    case 8: return "MIPS";
    case 20: return "PowerPC";
    case 21: return "PowerPC64";
    case 22: return "S/390";
    case 40: return "ARM";
    case 43: return "SPARC V9";
    case 62: return "x86-64";
    case 183: return "AArch64";
    case 247: return "BPF";
    case 258: return "LoongArch";
    default: return {};
    }
}

std::string larger_than(uint64_t n, const std::string& room, uint64_t max_bytes) {
    return std::to_string(n) + " bytes, larger than " + room + " (" + std::to_string(max_bytes) + " bytes)";
}

// What a file that is not a regular one is ("a FIFO (named pipe)"); null for a regular file.
const char* kind_of(mode_t mode) {
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO (named pipe)"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
           : S_ISREG(mode)  ? nullptr
                            : "not a regular file";
}

// An input file opened without blocking and known to be a regular file of a
// known size before a byte of it is read.
class InputFile {
public:
    InputFile(const std::string& path, const std::string& what) : path_(path) {
        // O_NONBLOCK: opening a FIFO nobody writes to returns at once (and is refused below).
        fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd_, &st) != 0) fail(path, std::string("cannot stat: ") + std::strerror(errno));
        const char* kind = kind_of(st.st_mode);
        if (kind) fail(path, std::string("is ") + kind + ", not " + what);
        size_ = uint64_t(st.st_size);
        if (size_ == 0) fail(path, "empty file");
    }
    ~InputFile() {
        if (map_ != MAP_FAILED) ::munmap(map_, size_t(size_));
        if (fd_ >= 0) ::close(fd_);
    }
    InputFile(const InputFile&) = delete;
    InputFile& operator=(const InputFile&) = delete;

    uint64_t size() const { return size_; }
    // The whole file, mapped read-only: pages are read only when touched.
    std::span<const uint8_t> map() {
        if (map_ == MAP_FAILED) map_ = ::mmap(nullptr, size_t(size_), PROT_READ, MAP_PRIVATE, fd_, 0);
        if (map_ == MAP_FAILED) fail(path_, std::string("cannot map: ") + std::strerror(errno));
        return {static_cast<const uint8_t*>(map_), size_t(size_)};
    }
    std::vector<uint8_t> read(uint64_t at, uint64_t n) {
        std::vector<uint8_t> out(static_cast<size_t>(n));
        for (uint64_t done = 0; done < n;) {
            ssize_t got = ::pread(fd_, out.data() + done, size_t(n - done), off_t(at + done));
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(path_, std::string("read error: ") + std::strerror(errno));
            if (got == 0) fail(path_, "shrank while being read");
            done += uint64_t(got);
        }
        return out;
    }

private:
    std::string path_;
    int fd_ = -1;
    uint64_t size_ = 0;
    void* map_ = MAP_FAILED;
};

// Bounds-checked little-endian reads from the file image.
class Reader {
public:
    Reader(std::span<const uint8_t> b) : b_(b) {}
    size_t size() const { return b_.size(); }
    // [off, off+len) lies in the file (no overflow).
    bool fits(uint64_t off, uint64_t len) const { return off <= b_.size() && len <= b_.size() - off; }
    uint64_t get(uint64_t off, unsigned n) const {  // caller checked fits(off, n)
        uint64_t v = 0;
        for (unsigned i = n; i-- > 0;) v = (v << 8) | b_[off + i];
        return v;
    }
    uint8_t u8(uint64_t off) const { return uint8_t(get(off, 1)); }
    uint16_t u16(uint64_t off) const { return uint16_t(get(off, 2)); }
    uint32_t u32(uint64_t off) const { return uint32_t(get(off, 4)); }
    uint64_t u64(uint64_t off) const { return get(off, 8); }
    const uint8_t* data() const { return b_.data(); }

private:
    std::span<const uint8_t> b_;
};

// a * b without overflow; false when it would overflow.
bool mul_ok(uint64_t a, uint64_t b, uint64_t& out) {
    if (a != 0 && b > UINT64_MAX / a) return false;
    out = a * b;
    return true;
}

void read_symbols(const Reader& r, const std::string& what, Image& img) {
    uint64_t shoff = r.u64(40);
    uint16_t shentsize = r.u16(58), shnum = r.u16(60);
    if (shoff == 0 || shnum == 0) return;  // stripped of section headers: no symbols
    if (shentsize != kShdrSize)
        fail(what, "bad section header size " + std::to_string(shentsize) + " (expected 64)");
    uint64_t table_len;
    if (!mul_ok(shnum, kShdrSize, table_len) || !r.fits(shoff, table_len))
        fail(what, "truncated: section headers at offset " + isa::hex(shoff) + " (" +
                       std::to_string(shnum) + " x 64 bytes) extend past end of file (" +
                       std::to_string(r.size()) + " bytes)");

    for (uint16_t i = 0; i < shnum; ++i) {
        uint64_t sh = shoff + uint64_t(i) * kShdrSize;
        if (r.u32(sh + 4) != kShtSymtab) continue;
        uint64_t sym_off = r.u64(sh + 24), sym_size = r.u64(sh + 32), entsize = r.u64(sh + 56);
        uint32_t link = r.u32(sh + 40);
        if (entsize != kSymSize && entsize != 0)
            fail(what, "bad symbol entry size " + std::to_string(entsize) + " in section " +
                           std::to_string(i) + " (expected 24)");
        if (!r.fits(sym_off, sym_size))
            fail(what, "truncated: symbol table at offset " + isa::hex(sym_off) + " (" +
                           std::to_string(sym_size) + " bytes) extends past end of file (" +
                           std::to_string(r.size()) + " bytes)");
        if (link == 0 || link >= shnum)
            fail(what, "symbol table (section " + std::to_string(i) +
                           ") links to missing string table section " + std::to_string(link));
        uint64_t st = shoff + uint64_t(link) * kShdrSize;
        if (r.u32(st + 4) != kShtStrtab)
            fail(what, "symbol table (section " + std::to_string(i) + ") links to section " +
                           std::to_string(link) + ", which is not a string table");
        uint64_t str_off = r.u64(st + 24), str_size = r.u64(st + 32);
        if (!r.fits(str_off, str_size))
            fail(what, "truncated: string table at offset " + isa::hex(str_off) + " (" +
                           std::to_string(str_size) + " bytes) extends past end of file (" +
                           std::to_string(r.size()) + " bytes)");
        const char* strtab = reinterpret_cast<const char*>(r.data() + str_off);

        std::unordered_map<std::string, bool> is_local;  // names seen, and their binding
        for (uint64_t s = 0; s + kSymSize <= sym_size; s += kSymSize) {
            uint64_t e = sym_off + s;
            uint32_t name = r.u32(e);
            uint8_t info = r.u8(e + 4);
            uint16_t shndx = r.u16(e + 6);
            uint64_t value = r.u64(e + 8);
            uint8_t type = info & 0xf, bind = info >> 4;
            if (type != kSttNotype && type != kSttObject && type != kSttFunc) continue;
            if (shndx == kShnUndef || name == 0 || name >= str_size) continue;
            const char* p = strtab + name;
            const void* nul = std::memchr(p, 0, size_t(str_size - name));
            if (!nul) continue;  // unterminated name: ignore the symbol
            std::string n(p, static_cast<const char*>(nul));
            if (n.empty()) continue;
            // RISC-V mapping symbols ($x, $d, $x<isa-string>) mark code/data
            // ranges for disassemblers; they are not names of anything.
            if (n[0] == '$' && n.size() >= 2 && (n[1] == 'x' || n[1] == 'd') &&
                (n.size() == 2 || n[1] == 'x'))
                continue;
            bool local = bind == kStbLocal;
            auto it = img.symbols.find(n);
            if (it == img.symbols.end()) {
                img.symbols.emplace(n, value);
                is_local[n] = local;
            } else if (is_local[n] && !local) {  // a global beats a same-named local
                it->second = value;
                is_local[n] = false;
            }
        }
    }
}

}  // namespace

std::optional<uint64_t> Image::symbol(std::string_view name) const {
    auto it = symbols.find(std::string(name));
    if (it == symbols.end()) return std::nullopt;
    return it->second;
}

std::string elf_header_problem(std::span<const uint8_t> bytes) {
    Reader r(bytes);
    static constexpr uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    if (bytes.size() < 4 || !std::equal(magic, magic + 4, bytes.begin())) return "not an ELF file";
    if (bytes.size() < 6) return "truncated ELF header (" + std::to_string(bytes.size()) + " bytes, need 64)";
    uint8_t cls = r.u8(4), data = r.u8(5);
    if (cls == kClass32) return "32-bit ELF (ELFCLASS32), not a 64-bit RISC-V (RV64) executable";
    if (cls != kClass64) return "invalid ELF class " + std::to_string(cls);
    if (data == kDataMsb) return "big-endian ELF, not little-endian RISC-V";
    if (data != kDataLsb) return "invalid ELF data encoding " + std::to_string(data);
    if (bytes.size() < kEhdrSize) return "truncated ELF header (" + std::to_string(bytes.size()) + " bytes, need 64)";

    uint16_t type = r.u16(16), machine = r.u16(18);
    if (machine != kMachineRiscv) {
        std::string_view mn = machine_name(machine);
        return (mn.empty() ? "ELF for machine " + std::to_string(machine) : std::string(mn) + " ELF") + ", not RISC-V";
    }
    if (type != kTypeExec && type != kTypeDyn) {
        std::string kind = type == kTypeRel    ? "relocatable object file"
                           : type == kTypeCore ? "core dump"
                                               : "ELF of type " + std::to_string(type);
        return kind + ", not an executable";
    }
    return {};
}

Image parse_elf(std::span<const uint8_t> bytes, const std::string& what, uint64_t max_bytes, const std::string& room) {
    std::string problem = elf_header_problem(bytes);
    if (!problem.empty()) fail(what, problem);
    Reader r(bytes);
    Image img;
    img.is_elf = true;
    uint64_t entry = r.u64(24), phoff = r.u64(32);
    uint16_t phentsize = r.u16(54), phnum = r.u16(56);
    if (phnum == 0) fail(what, "no program headers (nothing to load)");
    if (phnum == kPnXnum) fail(what, "extended program header numbering (PN_XNUM) not supported");
    if (phentsize != kPhdrSize)
        fail(what, "bad program header size " + std::to_string(phentsize) + " (expected 56)");
    uint64_t ph_len;
    if (!mul_ok(phnum, kPhdrSize, ph_len) || !r.fits(phoff, ph_len))
        fail(what, "truncated: program headers at offset " + isa::hex(phoff) + " (" + std::to_string(phnum) +
                       " x 56 bytes) extend past end of file (" + std::to_string(bytes.size()) + " bytes)");

    struct Placed { uint64_t vaddr; size_t index; unsigned ph; };
    std::vector<Placed> placed;
    bool entry_set = false;
    uint64_t file_bytes = 0;  // the segments' data, before any of it is copied
    for (unsigned i = 0; i < phnum; ++i) {
        uint64_t ph = phoff + uint64_t(i) * kPhdrSize;
        if (r.u32(ph) != kPtLoad || r.u64(ph + 40) == 0) continue;
        uint64_t filesz = std::min(r.u64(ph + 32), uint64_t(bytes.size()));
        file_bytes += filesz;
        if (file_bytes > max_bytes)
            fail(what, "loadable segments hold at least " + larger_than(file_bytes, room, max_bytes));
    }
    for (unsigned i = 0; i < phnum; ++i) {
        uint64_t ph = phoff + uint64_t(i) * kPhdrSize;
        if (r.u32(ph) != kPtLoad) continue;
        uint64_t off = r.u64(ph + 8), vaddr = r.u64(ph + 16), paddr = r.u64(ph + 24);
        uint64_t filesz = r.u64(ph + 32), memsz = r.u64(ph + 40);
        std::string seg = "segment " + std::to_string(i);
        if (filesz > memsz)
            fail(what, seg + ": file size " + isa::hex(filesz) + " > memory size " + isa::hex(memsz));
        if (memsz == 0) continue;
        if (!r.fits(off, filesz))
            fail(what, "truncated: " + seg + " data at offset " + isa::hex(off) + " (" + std::to_string(filesz) +
                           " bytes) extends past end of file (" + std::to_string(bytes.size()) + " bytes)");
        if (paddr + (memsz - 1) < paddr)
            fail(what, seg + ": address range " + isa::hex(paddr) + " + " + isa::hex(memsz) + " wraps around");
        if (!entry_set && vaddr <= entry && entry - vaddr < memsz) {
            entry = paddr + (entry - vaddr);
            entry_set = true;
        }
        Segment s;
        s.paddr = paddr;
        s.memsz = memsz;
        s.data.assign(bytes.begin() + off, bytes.begin() + off + filesz);
        placed.push_back({vaddr, img.segments.size(), i});
        img.segments.push_back(std::move(s));
    }
    if (img.segments.empty()) fail(what, "no loadable (PT_LOAD) segments");
    if (entry & 1) fail(what, "entry address " + isa::hex(entry) + " is odd (instructions start on 2-byte boundaries)");
    img.entry = entry;

    // Sort by physical address and reject overlaps.
    std::vector<size_t> order(img.segments.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return img.segments[a].paddr < img.segments[b].paddr; });
    for (size_t k = 1; k < order.size(); ++k) {
        const Segment& a = img.segments[order[k - 1]];
        const Segment& b = img.segments[order[k]];
        uint64_t a_last = a.paddr + (a.memsz - 1);
        if (b.paddr <= a_last)
            fail(what, "segments " + std::to_string(placed[order[k - 1]].ph) + " and " +
                           std::to_string(placed[order[k]].ph) + " overlap (" + isa::hex(a.paddr) + "-" +
                           isa::hex(a_last) + " and " + isa::hex(b.paddr) + "-" + isa::hex(b.paddr + (b.memsz - 1)) + ")");
    }
    std::vector<Segment> sorted;
    sorted.reserve(order.size());
    for (size_t i : order) sorted.push_back(std::move(img.segments[i]));
    img.segments = std::move(sorted);

    read_symbols(r, what, img);
    return img;
}

Image load_image_file(const std::string& path, std::optional<uint64_t> raw_load_addr, uint64_t max_bytes,
                      const std::string& room) {
    InputFile file(path, "an image file");
    static constexpr uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
    std::span<const uint8_t> mapped = file.map();
    if (mapped.size() >= 4 && std::equal(magic, magic + 4, mapped.begin())) return parse_elf(mapped, path, max_bytes, room);
    if (file.size() > max_bytes) fail(path, "raw image of " + larger_than(file.size(), room, max_bytes));
    std::vector<uint8_t> bytes = file.read(0, file.size());

    Image img;
    std::optional<LinuxImageHeader> linux = linux_image_header(bytes);
    uint64_t addr = raw_load_addr.value_or(linux ? kDefaultRawLoadAddr + linux->text_offset : kDefaultRawLoadAddr);
    if (addr & 1) fail(path, "load address " + isa::hex(addr) + " is odd (instructions start on 2-byte boundaries)");
    if (addr + (bytes.size() - 1) < addr) fail(path, "raw image at " + isa::hex(addr) + " wraps around the address space");
    img.entry = addr;
    Segment s;
    s.paddr = addr;
    s.memsz = bytes.size();
    if (linux) {
        img.is_linux_image = true;
        s.memsz = std::max<uint64_t>(s.memsz, linux->image_size);
        if (addr + (s.memsz - 1) < addr) fail(path, "Linux image at " + isa::hex(addr) + " wraps around the address space");
    }
    s.data = std::move(bytes);
    img.segments.push_back(std::move(s));
    return img;
}

std::string special_file_kind(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    const char* kind = kind_of(st.st_mode);
    return kind ? kind : "";
}

std::vector<uint8_t> read_input_file(const std::string& path, uint64_t max_bytes, const std::string& what,
                                     const std::string& room) {
    InputFile file(path, (std::string("aeiou").find(what[0]) == std::string::npos ? "a " : "an ") + what);
    if (file.size() > max_bytes)
        fail(path, what + " of " + larger_than(file.size(), room, max_bytes));
    return file.read(0, file.size());
}

std::vector<std::string> read_input_lines(const std::string& path, const std::string& what) {
    std::vector<uint8_t> bytes = read_input_file(path, kMaxScriptBytes, what, "a script's limit");
    std::vector<std::string> lines;
    for (size_t at = 0; at < bytes.size();) {
        size_t nl = at;
        while (nl < bytes.size() && bytes[nl] != '\n') ++nl;
        lines.emplace_back(bytes.begin() + ptrdiff_t(at), bytes.begin() + ptrdiff_t(nl));
        if (!lines.back().empty() && lines.back().back() == '\r') lines.back().pop_back();
        at = nl + 1;
    }
    return lines;
}

std::optional<LinuxImageHeader> linux_image_header(std::span<const uint8_t> b) {
    if (b.size() < 64) return std::nullopt;
    static constexpr uint8_t magic[8] = {'R', 'I', 'S', 'C', 'V', 0, 0, 0}, magic2[4] = {'R', 'S', 'C', 0x05};
    if (!std::equal(magic, magic + 8, b.begin() + 0x30) || !std::equal(magic2, magic2 + 4, b.begin() + 0x38))
        return std::nullopt;
    auto le64 = [&](size_t at) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; --i) v = v << 8 | b[at + size_t(i)];
        return v;
    };
    return LinuxImageHeader{le64(8), le64(16)};
}

void check_fits(const Image& image, uint64_t ram_base, uint64_t ram_size, const std::string& what) {
    uint64_t ram_last = ram_size ? ram_base + (ram_size - 1) : ram_base;
    for (const Segment& s : image.segments) {
        if (s.memsz == 0) continue;
        uint64_t last = s.paddr + (s.memsz - 1);
        bool inside = ram_size != 0 && s.paddr >= ram_base && last >= s.paddr && last <= ram_last;
        if (!inside)
            fail(what, "segment at " + isa::hex(s.paddr) + " (" + std::to_string(s.memsz) +
                           " bytes) lies outside RAM " + isa::hex(ram_base) + "-" + isa::hex(ram_last));
    }
}

}  // namespace emu
