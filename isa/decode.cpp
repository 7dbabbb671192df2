#include "insn.hpp"

#include <array>
#include <vector>

namespace isa {
namespace {

constexpr InsnInfo kTable[] = {
#define INSN(id, name, mask, match, fmt, ext) {Op::id, name, mask, match, Format::fmt, Ext::ext},
#include "instructions.def"
#undef INSN
};

constexpr InsnInfo kIllegal{Op::ILLEGAL, "unknown", 0, 0, Format::NONE, Ext::I};

// Rows bucketed by major opcode (bits 6:0), so decode scans only a few rows.
// Rows of a 16-bit encoding with no 32-bit form (low bits not 11) are kept
// apart: they are matched against the compressed parcel itself.
struct Buckets {
    std::array<std::vector<const InsnInfo*>, 128> rows;
    std::vector<const InsnInfo*> compressed;
    Buckets() {
        for (const auto& r : kTable) {
            if ((r.match & 3) != 3) {
                compressed.push_back(&r);
                continue;
            }
            // A row whose mask does not cover all opcode bits goes in every
            // bucket it can match.
            for (uint32_t opc = 0; opc < 128; ++opc)
                if (((opc ^ r.match) & r.mask & 0x7f) == 0) rows[opc].push_back(&r);
        }
    }
};
const Buckets& buckets() {
    static const Buckets b;
    return b;
}

constexpr int64_t sext(uint64_t v, int bits) {
    return int64_t(v << (64 - bits)) >> (64 - bits);
}
constexpr uint32_t bit(uint32_t v, int hi, int lo) { return (v >> lo) & ((1u << (hi - lo + 1)) - 1); }

// 32-bit encoders used by the compressed expansion.
constexpr uint32_t enc_i(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm) {
    return (uint32_t(imm) & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
constexpr uint32_t enc_r(uint32_t op, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1, uint32_t rs2) {
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}
constexpr uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
    uint32_t u = uint32_t(imm);
    return bit(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | bit(u, 4, 0) << 7 | op;
}
constexpr uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm) {
    uint32_t u = uint32_t(imm);
    return bit(u, 12, 12) << 31 | bit(u, 10, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           bit(u, 4, 1) << 8 | bit(u, 11, 11) << 7 | 0x63;
}
constexpr uint32_t enc_j(uint32_t rd, int32_t imm) {
    uint32_t u = uint32_t(imm);
    return bit(u, 20, 20) << 31 | bit(u, 10, 1) << 21 | bit(u, 11, 11) << 20 | bit(u, 19, 12) << 12 |
           rd << 7 | 0x6f;
}
constexpr uint32_t enc_u(uint32_t op, uint32_t rd, int32_t imm) { return (uint32_t(imm) & 0xfffff000u) | rd << 7 | op; }

constexpr uint32_t OP_LOAD = 0x03, OP_LOAD_FP = 0x07, OP_IMM = 0x13, OP_IMM32 = 0x1b, OP_STORE = 0x23,
                   OP_STORE_FP = 0x27, OP_REG = 0x33, OP_LUI = 0x37, OP_REG32 = 0x3b, OP_JALR = 0x67;

}  // namespace

std::span<const InsnInfo> instruction_table() { return kTable; }

const InsnInfo& info(Op op) {
    auto i = size_t(op);
    return i < std::size(kTable) ? kTable[i] : kIllegal;
}

uint32_t expand_compressed(uint16_t c) {
    const uint32_t f3 = bit(c, 15, 13);
    const uint32_t rdp = bit(c, 4, 2) + 8;   // rd' / rs2'
    const uint32_t rs1p = bit(c, 9, 7) + 8;  // rs1' / rd'
    const uint32_t rd = bit(c, 11, 7);
    const uint32_t rs2 = bit(c, 6, 2);
    const int32_t imm6 = int32_t(sext(bit(c, 12, 12) << 5 | bit(c, 6, 2), 6));
    switch (c & 3) {
    case 0:
        switch (f3) {
        case 0: {  // c.addi4spn
            uint32_t imm = bit(c, 12, 11) << 4 | bit(c, 10, 7) << 6 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 3;
            if (imm == 0) return 0;
            return enc_i(OP_IMM, 0, rdp, 2, int32_t(imm));
        }
        case 1:  // c.fld
            return enc_i(OP_LOAD_FP, 3, rdp, rs1p, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6));
        case 2:  // c.lw
            return enc_i(OP_LOAD, 2, rdp, rs1p, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 6));
        case 3:  // c.ld
            return enc_i(OP_LOAD, 3, rdp, rs1p, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6));
        case 4:  // Zcb: c.lbu, c.lhu, c.lh, c.sb, c.sh (uimm[1:0] in bits 5 and 6)
            switch (bit(c, 12, 10)) {
            case 0: return enc_i(OP_LOAD, 4, rdp, rs1p, int32_t(bit(c, 5, 5) << 1 | bit(c, 6, 6)));
            case 1: return enc_i(OP_LOAD, bit(c, 6, 6) ? 1 : 5, rdp, rs1p, int32_t(bit(c, 5, 5) << 1));
            case 2: return enc_s(OP_STORE, 0, rs1p, rdp, int32_t(bit(c, 5, 5) << 1 | bit(c, 6, 6)));
            case 3: return bit(c, 6, 6) ? 0 : enc_s(OP_STORE, 1, rs1p, rdp, int32_t(bit(c, 5, 5) << 1));
            default: return 0;
            }
        case 5:  // c.fsd
            return enc_s(OP_STORE_FP, 3, rs1p, rdp, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6));
        case 6:  // c.sw
            return enc_s(OP_STORE, 2, rs1p, rdp, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 6) << 2 | bit(c, 5, 5) << 6));
        case 7:  // c.sd
            return enc_s(OP_STORE, 3, rs1p, rdp, int32_t(bit(c, 12, 10) << 3 | bit(c, 6, 5) << 6));
        default: return 0;
        }
    case 1:
        switch (f3) {
        case 0: return enc_i(OP_IMM, 0, rd, rd, imm6);  // c.addi / c.nop
        case 1:                                         // c.addiw
            if (rd == 0) return 0;
            return enc_i(OP_IMM32, 0, rd, rd, imm6);
        case 2: return enc_i(OP_IMM, 0, rd, 0, imm6);  // c.li
        case 3:
            if (rd == 2) {  // c.addi16sp
                int32_t imm = int32_t(sext(bit(c, 12, 12) << 9 | bit(c, 6, 6) << 4 | bit(c, 5, 5) << 6 |
                                               bit(c, 4, 3) << 7 | bit(c, 2, 2) << 5, 10));
                if (imm == 0) return 0;
                return enc_i(OP_IMM, 0, 2, 2, imm);
            } else {  // c.lui
                if (imm6 == 0) return 0;
                return enc_u(OP_LUI, rd, imm6 << 12);
            }
        case 4: {
            const uint32_t shamt = bit(c, 12, 12) << 5 | bit(c, 6, 2);
            switch (bit(c, 11, 10)) {
            case 0: return enc_i(OP_IMM, 5, rs1p, rs1p, int32_t(shamt));           // c.srli
            case 1: return enc_i(OP_IMM, 5, rs1p, rs1p, int32_t(shamt | 0x400));   // c.srai
            case 2: return enc_i(OP_IMM, 7, rs1p, rs1p, imm6);                     // c.andi
            default: {
                uint32_t sel = bit(c, 6, 5);
                if (bit(c, 12, 12) == 0) {
                    static constexpr uint32_t f3s[] = {0, 4, 6, 7};  // sub xor or and
                    return enc_r(OP_REG, f3s[sel], sel == 0 ? 0x20 : 0, rs1p, rs1p, rdp);
                }
                if (sel == 0) return enc_r(OP_REG32, 0, 0x20, rs1p, rs1p, rdp);  // c.subw
                if (sel == 1) return enc_r(OP_REG32, 0, 0, rs1p, rs1p, rdp);     // c.addw
                if (sel == 2) return enc_r(OP_REG, 0, 1, rs1p, rs1p, rdp);       // Zcb c.mul
                switch (bit(c, 4, 2)) {  // Zcb's unary group
                case 0: return enc_i(OP_IMM, 7, rs1p, rs1p, 0xff);                  // c.zext.b
                case 1: return enc_i(OP_IMM, 1, rs1p, rs1p, 0x604);                 // c.sext.b
                case 2: return enc_r(OP_REG32, 4, 0x04, rs1p, rs1p, 0);             // c.zext.h
                case 3: return enc_i(OP_IMM, 1, rs1p, rs1p, 0x605);                 // c.sext.h
                case 4: return enc_r(OP_REG32, 0, 0x04, rs1p, rs1p, 0);             // c.zext.w (add.uw rd, rd, zero)
                case 5: return enc_i(OP_IMM, 4, rs1p, rs1p, -1);                    // c.not
                default: return 0;
                }
            }
            }
        }
        case 5: {  // c.j
            int32_t imm = int32_t(sext(bit(c, 12, 12) << 11 | bit(c, 11, 11) << 4 | bit(c, 10, 9) << 8 |
                                           bit(c, 8, 8) << 10 | bit(c, 7, 7) << 6 | bit(c, 6, 6) << 7 |
                                           bit(c, 5, 3) << 1 | bit(c, 2, 2) << 5, 12));
            return enc_j(0, imm);
        }
        default: {  // c.beqz / c.bnez
            int32_t imm = int32_t(sext(bit(c, 12, 12) << 8 | bit(c, 11, 10) << 3 | bit(c, 6, 5) << 6 |
                                           bit(c, 4, 3) << 1 | bit(c, 2, 2) << 5, 9));
            return enc_b(f3 == 6 ? 0 : 1, rs1p, 0, imm);
        }
        }
    case 2:
        switch (f3) {
        case 0: return enc_i(OP_IMM, 1, rd, rd, int32_t(bit(c, 12, 12) << 5 | bit(c, 6, 2)));  // c.slli
        case 1:  // c.fldsp
            return enc_i(OP_LOAD_FP, 3, rd, 2, int32_t(bit(c, 12, 12) << 5 | bit(c, 6, 5) << 3 | bit(c, 4, 2) << 6));
        case 2:  // c.lwsp
            if (rd == 0) return 0;
            return enc_i(OP_LOAD, 2, rd, 2, int32_t(bit(c, 12, 12) << 5 | bit(c, 6, 4) << 2 | bit(c, 3, 2) << 6));
        case 3:  // c.ldsp
            if (rd == 0) return 0;
            return enc_i(OP_LOAD, 3, rd, 2, int32_t(bit(c, 12, 12) << 5 | bit(c, 6, 5) << 3 | bit(c, 4, 2) << 6));
        case 4:
            if (bit(c, 12, 12) == 0) {
                if (rs2 == 0) return rd == 0 ? 0 : enc_i(OP_JALR, 0, 0, rd, 0);  // c.jr
                return enc_r(OP_REG, 0, 0, rd, 0, rs2);                           // c.mv
            }
            if (rs2 == 0) {
                if (rd == 0) return 0x00100073;           // c.ebreak
                return enc_i(OP_JALR, 0, 1, rd, 0);       // c.jalr
            }
            return enc_r(OP_REG, 0, 0, rd, rd, rs2);      // c.add
        case 5:  // c.fsdsp
            return enc_s(OP_STORE_FP, 3, 2, rs2, int32_t(bit(c, 12, 10) << 3 | bit(c, 9, 7) << 6));
        case 6:  // c.swsp
            return enc_s(OP_STORE, 2, 2, rs2, int32_t(bit(c, 12, 9) << 2 | bit(c, 8, 7) << 6));
        default:  // c.sdsp
            return enc_s(OP_STORE, 3, 2, rs2, int32_t(bit(c, 12, 10) << 3 | bit(c, 9, 7) << 6));
        }
    default: return 0;
    }
}

static_assert(sizeof(Decoded) == 24, "the decoded-instruction cache holds Decoded");

namespace {
// The compressed encodings Zcb adds (quadrant 0's funct3 100; quadrant 1's
// 100 111 with funct2 10 or 11); their expansions are rows of I, M, Zba, Zbb.
bool zcb_form(uint32_t c) {
    return (c & 0xe003) == 0x8000 || ((c & 0xfc03) == 0x9c01 && bit(c, 6, 5) >= 2);
}
}  // namespace

Decoded decode(uint32_t raw) { return decode(raw, ExtSet::all()); }

Decoded decode(uint32_t raw, const ExtSet& have) {
    Decoded d;
    uint32_t bits = raw;
    if (is_compressed(raw)) {
        d.raw = raw & 0xffff;
        d.len = 2;
        for (const InsnInfo* r : buckets().compressed) {
            if ((d.raw & r->mask) == r->match && have.has(r->ext)) {
                d.op = r->op;
                d.bits = d.raw;
                return d;
            }
        }
        if (zcb_form(d.raw) && !have.has(Ext::Zcb)) return d;  // Op::ILLEGAL
        bits = expand_compressed(uint16_t(raw));
        if (bits == 0) return d;  // Op::ILLEGAL
    } else {
        d.raw = raw;
    }
    d.bits = bits;
    const InsnInfo* row = nullptr;
    for (const InsnInfo* r : buckets().rows[bits & 0x7f])
        if ((bits & r->mask) == r->match && have.has(r->ext)) { row = r; break; }
    if (!row) return d;
    d.op = row->op;
    d.rd = uint8_t(bit(bits, 11, 7));
    d.rs1 = uint8_t(bit(bits, 19, 15));
    d.rs2 = uint8_t(bit(bits, 24, 20));
    d.rm = uint8_t(bit(bits, 14, 12));
    switch (row->format) {
    case Format::I: case Format::LOAD: case Format::JALR: case Format::FLOAD:
        d.imm = sext(bits >> 20, 12); break;
    case Format::STORE: case Format::FSTORE:
        d.imm = sext(bit(bits, 31, 25) << 5 | bit(bits, 11, 7), 12); break;
    case Format::B:
        d.imm = sext(bit(bits, 31, 31) << 12 | bit(bits, 7, 7) << 11 | bit(bits, 30, 25) << 5 | bit(bits, 11, 8) << 1, 13);
        break;
    case Format::U: d.imm = sext(bits & 0xfffff000u, 32); break;
    case Format::J:
        d.imm = sext(bit(bits, 31, 31) << 20 | bit(bits, 19, 12) << 12 | bit(bits, 20, 20) << 11 | bit(bits, 30, 21) << 1, 21);
        break;
    case Format::SHIFT: d.imm = bit(bits, 25, 20); break;
    case Format::SHIFTW: d.imm = bit(bits, 24, 20); break;
    case Format::CSR: case Format::CSRI: d.imm = bits >> 20; break;
    case Format::FENCE: d.imm = bits >> 20; break;  // fm, pred, succ
    case Format::PREFETCH: d.imm = sext(bits >> 20, 12) & ~31ll; break;  // offset[11:5]
    default: break;
    }
    return d;
}

unsigned mop_number(const Decoded& d) {
    const uint32_t b = d.bits;
    switch (info(d.op).format) {
    case Format::MOP_R: return bit(b, 30, 30) << 4 | bit(b, 27, 26) << 2 | bit(b, 21, 20);
    case Format::MOP_RR: return bit(b, 30, 30) << 2 | bit(b, 27, 26);
    case Format::CMOP: return bit(b, 10, 8) << 1 | 1;
    default: return 0;
    }
}

}  // namespace isa
