#include "commit_log.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "isa/causes.hpp"
#include "isa/csr.hpp"

namespace emu {
using isa::Csr;

void CommitRecord::reg(Kind k, unsigned num, uint64_t value) {
    const uint32_t key = (uint32_t(num) << 4) | k;
    auto it = std::lower_bound(writes.begin(), writes.end(), key, [](const Write& w, uint32_t k) { return w.key < k; });
    if (it != writes.end() && it->key == key) it->value = value;
    else writes.insert(it, {key, value});
}

void CommitRecord::clear() {
    writes.clear();
    loads.clear();
    stores.clear();
}

namespace {

// Spike's commit_log_print_value: 0x and width/4 hex digits.
void hexval(std::string& s, unsigned width_bits, uint64_t v) {
    char b[24];
    const unsigned digits = width_bits / 4;
    if (digits < 16) v &= (1ull << width_bits) - 1;
    std::snprintf(b, sizeof b, "0x%0*" PRIx64, int(digits), v);
    s += b;
}

}  // namespace

std::string format_commit(const CommitRecord& r) {
    std::string s;
    s.reserve(96);
    char b[48];
    std::snprintf(b, sizeof b, "core%4u: %1u ", r.hart, r.priv);
    s += b;
    hexval(s, 64, r.pc);
    s += " (";
    hexval(s, r.len * 8, r.insn);
    s += ")";
    for (const auto& w : r.writes) {
        if (w.key == 0) continue;  // x0
        const unsigned num = w.key >> 4;
        switch (w.key & 0xf) {
        case CommitRecord::X:
            std::snprintf(b, sizeof b, " x%-2u ", num);
            s += b;
            hexval(s, 64, w.value);
            break;
        case CommitRecord::F:
            std::snprintf(b, sizeof b, " f%-2u ", num);
            s += b;
            hexval(s, r.flen, w.value);
            break;
        default: {
            auto name = isa::csr_name(uint16_t(num));
            s += " c" + std::to_string(num) + "_" + std::string(name ? *name : "unknown") + " ";
            hexval(s, 64, w.value);
            break;
        }
        }
    }
    for (uint64_t a : r.loads) {
        s += " mem ";
        hexval(s, 64, a);
    }
    for (const auto& st : r.stores) {
        s += " mem ";
        hexval(s, 64, st.addr);
        s += " ";
        hexval(s, st.size * 8, st.value);
    }
    return s;
}

struct CommitLog::Sink {
    FILE* file = nullptr;
    gzFile gz = nullptr;
};

std::unique_ptr<CommitLog> CommitLog::open(const std::string& path, std::string& error) {
    std::unique_ptr<CommitLog> log(new CommitLog);
    log->sink_ = std::make_unique<Sink>();
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    errno = 0;
    if (gz) log->sink_->gz = gzopen(path.c_str(), "wb6");
    else log->sink_->file = std::fopen(path.c_str(), "w");
    if (!log->sink_->gz && !log->sink_->file) {
        error = "--log-commits: cannot write '" + path + "'" + (errno ? std::string(": ") + std::strerror(errno) : "");
        return nullptr;
    }
    return log;
}

CommitLog::~CommitLog() {
    if (!sink_) return;
    if (sink_->gz) gzclose(sink_->gz);
    if (sink_->file) std::fclose(sink_->file);
}

void CommitLog::write(const CommitRecord& r) {
    if (paused_) return;
    std::string line = format_commit(r);
    line += '\n';
    if (sink_->gz) gzwrite(sink_->gz, line.data(), unsigned(line.size()));
    else std::fwrite(line.data(), 1, line.size(), sink_->file);
}

void CommitLog::flush() {
    if (sink_->gz) gzflush(sink_->gz, Z_SYNC_FLUSH);
    else std::fflush(sink_->file);
}

namespace {

// The CSRs Spike logs for an instruction's write of `addr`: its proxies
// log the register that holds the bits (riscv-isa-sim riscv/csrs.cc:
// sstatus_proxy_csr_t writes mstatus, composite_csr_t writes frm and fflags,
// the interrupt proxies write mie/mip; sie_csr_t logs itself and mie, hvip
// itself and mip).
template <typename F> void logged_for_write(uint16_t addr, F&& log) {
    switch (Csr(addr)) {
    case Csr::SSTATUS: log(uint16_t(Csr::MSTATUS)); break;
    case Csr::FCSR: log(uint16_t(Csr::FFLAGS)); log(uint16_t(Csr::FRM)); break;
    case Csr::SIE: log(addr); log(uint16_t(Csr::MIE)); break;
    case Csr::SIP: case Csr::HIP: case Csr::VSIP: log(uint16_t(Csr::MIP)); break;
    case Csr::HIE: case Csr::VSIE: log(uint16_t(Csr::MIE)); break;
    case Csr::HVIP: log(addr); log(uint16_t(Csr::MIP)); break;  // hvip.VSSIP is mip.VSSIP (hvip_csr_t)
    default: log(addr); break;
    }
}

// Each CSR-file field with the CSR that holds it: a change of the field
// during an instruction is a write Spike logs under that CSR (FS becoming
// Dirty, fflags accruing, an xRET's status update).
struct FieldCsr {
    uint64_t CsrFile::*field;
    Csr csr;
};
constexpr FieldCsr kFields[] = {
    {&CsrFile::mstatus, Csr::MSTATUS},     {&CsrFile::misa, Csr::MISA},
    {&CsrFile::medeleg, Csr::MEDELEG},     {&CsrFile::mideleg, Csr::MIDELEG},
    {&CsrFile::mie, Csr::MIE},             {&CsrFile::mip, Csr::MIP},
    {&CsrFile::mtvec, Csr::MTVEC},         {&CsrFile::mscratch, Csr::MSCRATCH},
    {&CsrFile::mepc, Csr::MEPC},           {&CsrFile::mcause, Csr::MCAUSE},
    {&CsrFile::mtval, Csr::MTVAL},         {&CsrFile::mtinst, Csr::MTINST},
    {&CsrFile::mtval2, Csr::MTVAL2},       {&CsrFile::mcounteren, Csr::MCOUNTEREN},
    {&CsrFile::mcountinhibit, Csr::MCOUNTINHIBIT}, {&CsrFile::menvcfg, Csr::MENVCFG},
    {&CsrFile::stvec, Csr::STVEC},         {&CsrFile::sscratch, Csr::SSCRATCH},
    {&CsrFile::sepc, Csr::SEPC},           {&CsrFile::scause, Csr::SCAUSE},
    {&CsrFile::stval, Csr::STVAL},         {&CsrFile::satp, Csr::SATP},
    {&CsrFile::scounteren, Csr::SCOUNTEREN}, {&CsrFile::senvcfg, Csr::SENVCFG},
    {&CsrFile::stimecmp, Csr::STIMECMP},   {&CsrFile::hstatus, Csr::HSTATUS},
    {&CsrFile::hedeleg, Csr::HEDELEG},     {&CsrFile::hideleg, Csr::HIDELEG},
    {&CsrFile::hvip, Csr::HVIP},           {&CsrFile::hcounteren, Csr::HCOUNTEREN},
    {&CsrFile::htimedelta, Csr::HTIMEDELTA}, {&CsrFile::htval, Csr::HTVAL},
    {&CsrFile::htinst, Csr::HTINST},       {&CsrFile::hgatp, Csr::HGATP},
    {&CsrFile::henvcfg, Csr::HENVCFG},     {&CsrFile::hgeie, Csr::HGEIE},
    {&CsrFile::vsstatus, Csr::VSSTATUS},   {&CsrFile::vstvec, Csr::VSTVEC},
    {&CsrFile::vsscratch, Csr::VSSCRATCH}, {&CsrFile::vsepc, Csr::VSEPC},
    {&CsrFile::vscause, Csr::VSCAUSE},     {&CsrFile::vstval, Csr::VSTVAL},
    {&CsrFile::vsatp, Csr::VSATP},         {&CsrFile::vstimecmp, Csr::VSTIMECMP},
    {&CsrFile::tselect, Csr::TSELECT},
};

enum class Dest { None, X, F };
Dest destination(isa::Format f) {
    using F = isa::Format;
    switch (f) {
    case F::R: case F::I: case F::SHIFT: case F::SHIFTW: case F::LOAD: case F::U: case F::J: case F::JALR:
    case F::CSR: case F::CSRI: case F::AMO: case F::LR: case F::HLV: case F::F2X_RM: case F::F2X: case F::FCMP:
    case F::R1: case F::MOP_R: case F::MOP_RR:
        return Dest::X;
    case F::FLOAD: case F::R4: case F::FR_RM: case F::FR: case F::F1_RM: case F::X2F_RM: case F::X2F: case F::FLI:
        return Dest::F;
    default: return Dest::None;
    }
}

}  // namespace

void CommitTracer::store(uint64_t va, uint64_t value, unsigned size) {
    if (size < 8) value &= (1ull << (8 * size)) - 1;
    rec_.stores.push_back({va, value, size});
}

void CommitTracer::begin(const Hart& h) {
    rec_.clear();
    csrs_.clear();
    trapped_ = false;
    pc_ = h.pc;
    priv_ = h.priv;
    virt_ = h.virt;
    before_ = h.csrs();
}

void CommitTracer::end(Hart& h, const isa::Decoded& d, uint64_t executed) {
    if (executed == 0 || trapped_) return;  // Spike prints no line for an instruction that trapped
    rec_.hart = h.id;
    rec_.priv = unsigned(priv_);
    rec_.flen = (h.csrs().misa & (1u << 3)) ? 64 : 32;
    rec_.pc = pc_;
    rec_.len = d.len;
    rec_.insn = d.len == 2 ? (d.raw & 0xffff) : d.raw;
    switch (destination(isa::info(d.op).format)) {
    case Dest::X:
        if (d.rd != 0 && d.rd != Hart::kZeroSink) rec_.reg(CommitRecord::X, d.rd, h.x[d.rd]);
        break;
    case Dest::F: rec_.reg(CommitRecord::F, d.rd, h.f[d.rd]); break;
    case Dest::None: break;
    }
    auto log_csr = [&](uint16_t addr) {
        if (auto v = h.csr_peek(addr)) rec_.reg(CommitRecord::C, addr, *v);
    };
    for (uint16_t a : csrs_) logged_for_write(a, log_csr);
    // xRETs write their status registers whether or not a bit changes
    // (riscv-isa-sim riscv/insns/mret.h, sret.h), vsstatus too on a return to VU.
    if (d.op == isa::Op::MRET) {
        log_csr(uint16_t(Csr::MSTATUS));
        const bool to_vu = (before_.mstatus & mstatus::MPV) && !(before_.mstatus & mstatus::MPP);
        if (to_vu) log_csr(uint16_t(Csr::VSSTATUS));
    }
    if (d.op == isa::Op::SRET) {
        if (virt_) {
            log_csr(uint16_t(Csr::VSSTATUS));
        } else {
            if (h.h_ext) log_csr(uint16_t(Csr::HSTATUS));
            log_csr(uint16_t(Csr::MSTATUS));
            const bool to_vu = h.h_ext && (before_.hstatus & hstatus::SPV) && !(before_.mstatus & mstatus::SPP);
            if (to_vu) log_csr(uint16_t(Csr::VSSTATUS));
        }
    }
    // FS becoming Dirty in mstatus or vsstatus with V=1 writes both, even
    // the one that was Dirty already (riscv-isa-sim sstatus_csr_t::dirty).
    auto dirtied = [&](uint64_t CsrFile::*status) {
        return (before_.*status & mstatus::FS) != mstatus::FS && (h.csrs().*status & mstatus::FS) == mstatus::FS;
    };
    const bool status_written = std::any_of(csrs_.begin(), csrs_.end(), [](uint16_t a) {
        return a == uint16_t(Csr::SSTATUS) || a == uint16_t(Csr::VSSTATUS) || a == uint16_t(Csr::MSTATUS);
    });
    if (virt_ && (dirtied(&CsrFile::vsstatus) || dirtied(&CsrFile::mstatus)) && !status_written) {
        log_csr(uint16_t(Csr::MSTATUS));
        log_csr(uint16_t(Csr::VSSTATUS));
    }
    for (const auto& fc : kFields) {
        const uint64_t changed = before_.*fc.field ^ h.csrs().*fc.field;
        // hvip.VSSIP is held in mip (riscv-isa-sim hvip_csr_t): a change of it
        // alone, by a write of hip, vsip or sip, is logged as mip's.
        const bool vssip_only = fc.csr == Csr::HVIP && changed == isa::irq::bit(isa::irq::VSSI);
        if (changed && !vssip_only) log_csr(uint16_t(fc.csr));
    }
    if (before_.fflags != h.csrs().fflags) log_csr(uint16_t(Csr::FFLAGS));
    if (before_.frm != h.csrs().frm) log_csr(uint16_t(Csr::FRM));
    out_.write(rec_);
}

}  // namespace emu
