#include "gdb_regs.hpp"

#include <cstring>

#include "isa/csr.hpp"

namespace cli::gdbregs {

namespace {
constexpr const char* kXAbi[32] = {"zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "fp", "s1", "a0",
                                   "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
                                   "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
constexpr const char* kFAbi[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
                                   "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
                                   "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
                                   "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

bool has_fpu(const emu::Hart& h) { return h.csrs().misa & (1u << 5); }
// fflags, frm and fcsr are 32 bits wide and belong to the fpu feature.
bool fp_csr(unsigned addr) { return addr >= 1 && addr <= 3; }

std::string reg(const std::string& name, unsigned bits, const char* type, unsigned regnum, const char* group = nullptr) {
    std::string s = "<reg name=\"" + name + "\" bitsize=\"" + std::to_string(bits) + "\" type=\"" + type +
                    "\" regnum=\"" + std::to_string(regnum) + "\"";
    if (group) s += std::string(" group=\"") + group + "\"";
    return s + "/>\n";
}

std::string bytes_of(uint64_t v, unsigned n) {
    std::string b(n, '\0');
    std::memcpy(b.data(), &v, n);
    return b;
}
}  // namespace

std::string target_xml(emu::Hart& h) {
    std::string x = "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
                    "<architecture>riscv:rv64</architecture>\n<feature name=\"org.gnu.gdb.riscv.cpu\">\n";
    for (unsigned i = 0; i < 32; ++i)
        x += reg(kXAbi[i], 64, i == 1 ? "code_ptr" : (i == 2 || i == 3 || i == 4 || i == 8) ? "data_ptr" : "int", i);
    x += reg("pc", 64, "code_ptr", kPc);
    x += "</feature>\n";
    if (has_fpu(h)) {
        x += "<feature name=\"org.gnu.gdb.riscv.fpu\">\n<union id=\"riscv_double\"><field name=\"float\" "
             "type=\"ieee_single\"/><field name=\"double\" type=\"ieee_double\"/></union>\n";
        for (unsigned i = 0; i < 32; ++i) x += reg(kFAbi[i], 64, "riscv_double", kFirstFpr + i);
        for (unsigned a = 1; a <= 3; ++a) x += reg(std::string(*isa::csr_name(uint16_t(a))), 32, "int", kFirstCsr + a);
        x += "</feature>\n";
    }
    x += "<feature name=\"org.gnu.gdb.riscv.csr\">\n";
    for (unsigned a = 0; a < 4096; ++a) {
        if (fp_csr(a)) continue;
        auto name = isa::csr_name(uint16_t(a));
        if (name && h.csr_peek(uint16_t(a))) x += reg(std::string(*name), 64, "int", kFirstCsr + a, "csr");
    }
    x += "</feature>\n<feature name=\"org.gnu.gdb.riscv.virtual\">\n";
    x += reg("priv", 64, "int", kPriv);
    x += reg("virt", 64, "int", kVirt);
    x += "</feature>\n</target>\n";
    return x;
}

std::optional<std::string> read(emu::Hart& h, unsigned n) {
    if (n < 32) return bytes_of(h.x[n], 8);
    if (n == kPc) return bytes_of(h.pc, 8);
    if (n >= kFirstFpr && n < kFirstFpr + 32) {
        if (!has_fpu(h)) return std::nullopt;
        return bytes_of(h.f[n - kFirstFpr], 8);
    }
    if (n >= kFirstCsr && n < kFirstCsr + 4096) {
        const unsigned a = n - kFirstCsr;
        if (fp_csr(a) && !has_fpu(h)) return std::nullopt;
        auto v = h.csr_peek(uint16_t(a));
        if (!v) return std::nullopt;
        return bytes_of(*v, fp_csr(a) ? 4 : 8);
    }
    if (n == kPriv) return bytes_of(uint64_t(h.priv), 8);  // 0 U, 1 S, 3 M, as QEMU's
    if (n == kVirt) return bytes_of(h.virt ? 1 : 0, 8);
    return std::nullopt;
}

bool write(emu::Hart& h, unsigned n, const std::string& bytes) {
    auto old = read(h, n);
    if (!old || old->size() != bytes.size()) return false;
    uint64_t v = 0;
    std::memcpy(&v, bytes.data(), bytes.size());
    if (n < 32) {
        if (n != 0) h.x[n] = v;
        return true;
    }
    if (n == kPc) { h.pc = v; return true; }
    if (n >= kFirstFpr && n < kFirstFpr + 32) { h.f[n - kFirstFpr] = v; return true; }
    if (n >= kFirstCsr && n < kFirstCsr + 4096) return h.csr_poke(uint16_t(n - kFirstCsr), v);
    return false;
}

}  // namespace cli::gdbregs
