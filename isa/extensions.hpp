// The extension registry (extensions.def) and ISA strings: parsing Spike-style
// strings and profile names into a set of extensions, and writing the set back
// as the device tree's riscv,isa.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isa {

// One id per registry row; the instruction table's extension column uses them.
enum class Ext : uint8_t {
#define EXT(id, name, implemented, profiles, implies, needs, summary) id,
#include "extensions.def"
#undef EXT
    Count,
    Priv = Count,  // instruction-table rows of the privileged architecture (always present)
    // Instruction-table rows in two extensions, present when either is.
    Zbb_or_Zbkb,
    Zbc_or_Zbkc,
    // Rows that need two extensions.
    Zfhmin_and_D,
    Zfa_and_D,
    Zfa_and_Zfh,
};

enum Profile : uint8_t { RVA22 = 1, RVA23 = 2 };

struct ExtInfo {
    Ext id;
    std::string_view name;
    bool implemented;
    uint8_t profiles;  // Profile bits
    std::string_view implies, needs;
    std::string_view summary;
};

std::span<const ExtInfo> extension_table();
const ExtInfo& info(Ext e);
const ExtInfo* find_extension(std::string_view name);

class ExtSet {
public:
    constexpr ExtSet() = default;
    // Every extension (the table's rows all present: what decoding for a
    // disassembler means).
    static constexpr ExtSet all() { ExtSet s; s.bits_ = ~0ull; return s; }
    bool has(Ext e) const {
        switch (e) {
        case Ext::Priv: return true;
        case Ext::Zbb_or_Zbkb: return has(Ext::Zbb) || has(Ext::Zbkb);
        case Ext::Zbc_or_Zbkc: return has(Ext::Zbc) || has(Ext::Zbkc);
        case Ext::Zfhmin_and_D: return has(Ext::Zfhmin) && has(Ext::D);
        case Ext::Zfa_and_D: return has(Ext::Zfa) && has(Ext::D);
        case Ext::Zfa_and_Zfh: return has(Ext::Zfa) && has(Ext::Zfh);
        default: return bits_ >> unsigned(e) & 1;
        }
    }
    void add(Ext e) { bits_ |= 1ull << unsigned(e); }
    void remove(Ext e) { bits_ &= ~(1ull << unsigned(e)); }
    bool operator==(const ExtSet&) const = default;
private:
    uint64_t bits_ = 0;
};
static_assert(unsigned(Ext::Count) <= 64);

// Everything implemented: the machine's default.
ExtSet default_extensions();
// zicsr, zifencei and zicntr: what every stepvisor hart has, whatever the string says.
ExtSet always_present();

// Parses "rv64gc", "rv64gch_zba_zicbom", "rv64imafdc_zicsr_zifencei", or a
// profile name ("rva22s64", "rva23s64", optionally followed by _extensions).
// Returns a one-line error naming the bad part, or empty. For a profile whose
// mandatory extensions are not all implemented, *note (when given) says which
// are left out.
std::string parse_isa_string(std::string_view text, ExtSet& out, std::string* note = nullptr);

// "rv64imafdch": the single-letter part, as riscv,isa begins.
std::string isa_base(const ExtSet& s);
// The enabled multi-letter extensions in canonical order ("zicsr", "sstc", ...).
std::vector<std::string> isa_multi_letter(const ExtSet& s);
// The whole string: base and "_"-joined multi-letter names.
std::string isa_string(const ExtSet& s);
// misa's extension bits (A..Z) for the single letters, with S and U.
uint64_t misa_extensions(const ExtSet& s);

// The text --help shows: profiles and every implemented extension with its summary.
std::string isa_help();

}  // namespace isa
