#include "extensions.hpp"

#include <cctype>

namespace isa {
namespace {

constexpr ExtInfo kExts[] = {
#define EXT(id, name, implemented, profiles, implies, needs, summary) \
    {Ext::id, name, implemented, profiles, implies, needs, summary},
#include "extensions.def"
#undef EXT
};

struct ProfileInfo {
    std::string_view name;
    Profile bit;
    std::string_view without;  // what the profile mandates and stepvisor never has
};
constexpr ProfileInfo kProfiles[] = {
    {"rva22s64", RVA22, ""},
    {"rva23s64", RVA23, "v zvfhmin zvbb zvkt supm ssnpm"},
};

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
        size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

// Adds e and, transitively, what it implies.
void add_with_implied(ExtSet& s, Ext e) {
    if (s.has(e)) return;
    s.add(e);
    for (auto w : words(info(e).implies))
        if (const ExtInfo* x = find_extension(w)) add_with_implied(s, x->id);
}

}  // namespace

std::span<const ExtInfo> extension_table() { return kExts; }
const ExtInfo& info(Ext e) {
    static constexpr ExtInfo kPriv{Ext::Priv, "priv", true, 0, "", "", "the privileged architecture"};
    return e < Ext::Count ? kExts[unsigned(e)] : kPriv;
}

const ExtInfo* find_extension(std::string_view name) {
    for (const auto& e : kExts)
        if (e.name == name) return &e;
    return nullptr;
}

ExtSet always_present() {
    ExtSet s;
    s.add(Ext::I);
    s.add(Ext::Zicsr);
    s.add(Ext::Zifencei);
    s.add(Ext::Zicntr);
    return s;
}

ExtSet default_extensions() {
    ExtSet s;
    for (const auto& e : kExts)
        if (e.implemented) s.add(e.id);
    // The AIA's CSRs come with the machine's interrupt controller, as on
    // QEMU's virt, where the harts have them only with aia=aplic-imsic: the
    // machine option --aia aplic-imsic adds them (an ISA string may too).
    s.remove(Ext::Smaia);
    s.remove(Ext::Ssaia);
    return s;
}

std::string parse_isa_string(std::string_view text, ExtSet& out, std::string* note) {
    std::string s;
    for (char c : text) s += char(std::tolower(static_cast<unsigned char>(c)));
    const std::string quoted = "ISA string '" + std::string(text) + "'";
    ExtSet set = always_present();

    // Adds one named extension; an error for unknown and unimplemented ones.
    auto take = [&](std::string_view name) -> std::string {
        const ExtInfo* x = find_extension(name);
        if (!x) return quoted + ": unknown extension '" + std::string(name) + "'";
        if (!x->implemented)
            return quoted + ": extension '" + std::string(name) + "' (" + std::string(x->summary) +
                   ") is not implemented";
        add_with_implied(set, x->id);
        return {};
    };

    size_t i = 0;
    const ProfileInfo* profile = nullptr;
    for (const auto& p : kProfiles)
        if (s.rfind(p.name, 0) == 0 && (s.size() == p.name.size() || s[p.name.size()] == '_')) profile = &p;
    if (profile) {
        std::string missing;
        for (const auto& e : kExts) {
            if (!(e.profiles & profile->bit)) continue;
            if (e.implemented) add_with_implied(set, e.id);
            else missing += " " + std::string(e.name);
        }
        if (note && !missing.empty())
            *note = std::string(profile->name) + " without" + missing + " (not implemented yet)";
        i = profile->name.size();
    } else {
        if (s.rfind("rv32", 0) == 0 || s.rfind("rv128", 0) == 0)
            return quoted + ": only rv64 is supported";
        if (s.rfind("rv64", 0) != 0)
            return quoted + " must start with rv64 or name a profile (rva22s64, rva23s64)";
        i = 4;
        if (i >= s.size() || (s[i] != 'i' && s[i] != 'g'))
            return quoted + " has no base (i or g) after rv64";
        // Single letters up to the first underscore or multi-letter name.
        for (; i < s.size() && s[i] != '_' && s[i] != 'z' && s[i] != 's' && s[i] != 'x'; ++i) {
            std::string err;
            switch (s[i]) {
            case 'g':
                for (auto n : {"i", "m", "a", "f", "d", "zicsr", "zifencei"})
                    if (err.empty()) err = take(n);
                break;
            case 'b':
                for (auto n : {"zba", "zbb", "zbs"})
                    if (err.empty()) err = take(n);
                break;
            case 'u': break;  // U mode is always present
            default:
                if (s[i] < 'a' || s[i] > 'z') return quoted + ": '" + s[i] + "' is not an extension letter";
                err = take(std::string(1, s[i]));
            }
            if (!err.empty()) return err;
        }
        // "s" and "u" as single letters in older strings (rv64imafdcsu): the modes.
        if (i < s.size() && s[i] == 's' && (i + 1 == s.size() || s[i + 1] == 'u' || s[i + 1] == '_')) {
            ++i;
            if (i < s.size() && s[i] == 'u') ++i;
        }
    }
    // The multi-letter part: names separated by underscores.
    while (i < s.size()) {
        if (s[i] == '_') { ++i; continue; }
        size_t j = s.find('_', i);
        if (j == std::string::npos) j = s.size();
        std::string_view name = std::string_view(s).substr(i, j - i);
        if (name == "b") {
            for (auto n : {"zba", "zbb", "zbs"})
                if (std::string err = take(n); !err.empty()) return err;
        } else if (name == "g") {
            return quoted + ": 'g' belongs right after rv64";
        } else if (std::string err = take(name); !err.empty()) {
            return err;
        }
        i = j;
    }
    for (const auto& e : kExts) {
        if (!set.has(e.id)) continue;
        for (auto w : words(e.needs)) {
            const ExtInfo* n = find_extension(w);
            if (n && !set.has(n->id))
                return quoted + ": " + std::string(e.name) + " needs " + std::string(w);
        }
    }
    out = set;
    return {};
}

std::string isa_base(const ExtSet& s) {
    std::string out = "rv64";
    for (const auto& e : kExts)
        if (e.name.size() == 1 && s.has(e.id)) out += e.name;
    return out;
}

std::vector<std::string> isa_multi_letter(const ExtSet& s) {
    std::vector<std::string> out;
    for (const auto& e : kExts)
        if (e.name.size() > 1 && s.has(e.id)) out.emplace_back(e.name);
    return out;
}

std::string isa_string(const ExtSet& s) {
    std::string out = isa_base(s);
    for (const auto& n : isa_multi_letter(s)) out += "_" + n;
    return out;
}

uint64_t misa_extensions(const ExtSet& s) {
    uint64_t v = (1ull << ('s' - 'a')) | (1ull << ('u' - 'a'));
    for (const auto& e : kExts)
        if (e.name.size() == 1 && s.has(e.id)) v |= 1ull << (e.name[0] - 'a');
    return v;
}

std::string isa_help() {
    std::string out;
    out += "  --isa STR        an ISA string as Spike takes it (rv64gc, rv64gch_zicbom,\n"
           "                   rv64imafdc_zicsr_zifencei; g = imafd_zicsr_zifencei, b = zba_zbb_zbs)\n"
           "                   or a profile: rva22s64, rva23s64 (RVA23S64 without V, Supm, Ssnpm),\n"
           "                   either optionally followed by _EXT...; zicsr, zifencei and zicntr are\n"
           "                   always present. Default: every extension below:\n";
    const ExtSet d = default_extensions();
    std::string line = "                   " + isa_base(d);
    std::string others;  // implemented, but not in the default
    for (const auto& e : kExts) {
        if (!e.implemented || e.name.size() == 1) continue;
        if (!d.has(e.id)) {
            others += " " + std::string(e.name);
            continue;
        }
        std::string item = " " + std::string(e.name);
        if (line.size() + item.size() > 88) {
            out += line + "\n";
            line = "                  ";
        }
        line += item;
    }
    out += line + "\n";
    if (!others.empty()) out += "                   Also implemented, with --aia aplic-imsic:" + others + "\n";
    return out;
}

}  // namespace isa
