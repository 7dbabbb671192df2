// Instruction identities, formats and the decoded form, all generated from
// instructions.def (the one instruction table).
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

#include "extensions.hpp"

namespace isa {

enum class Op : uint16_t {
#define INSN(id, name, mask, match, fmt, ext) id,
#include "instructions.def"
#undef INSN
    ILLEGAL,  // no row matches, or a reserved compressed encoding
};

// Operand layout of a row; the disassembler and the decoder's immediate
// extraction are driven by it.
enum class Format : uint8_t {
    R, I, SHIFT, SHIFTW, LOAD, STORE, B, U, J, JALR, CSR, CSRI, NONE, FENCE,
    AMO, LR, SFENCE, HLV, HSV,
    FLOAD, FSTORE, R4, FR_RM, FR, F1_RM, F2X_RM, F2X, FCMP, X2F_RM, X2F,
    R1,  // rd, rs1 (clz, sext.b, rev8, ...)
    CBO, PREFETCH,
    MOP_R, MOP_RR,  // Zimop: rd, rs1 (, rs2), the mnemonic numbered (mop_number)
    CMOP,           // Zcmop: no operands, the mnemonic numbered
    FLI,            // Zfa: fd, the constant selected by the rs1 field
};


struct InsnInfo {
    Op op;
    std::string_view name;
    uint32_t mask, match;
    Format format;
    Ext ext;
};

// Every row of the table, in table order.
std::span<const InsnInfo> instruction_table();
const InsnInfo& info(Op op);

// A decoded instruction: the form the decoded-instruction cache holds.
struct Decoded {
    Op op = Op::ILLEGAL;
    uint8_t cost = 0;  // cycles, filled in by the emulator's cycle model when it caches the instruction
    uint8_t rd = 0, rs1 = 0, rs2 = 0;
    uint8_t rm = 0;   // funct3: rounding mode, or the width of loads/stores
    uint8_t len = 4;  // 2 for a compressed instruction, else 4
    int64_t imm = 0;  // sign-extended immediate; CSR address for CSR*, shamt for shifts
    uint32_t raw = 0;   // the encoding as fetched (16 bits for compressed)
    uint32_t bits = 0;  // the 32-bit form (the expansion for compressed)
    unsigned rs3() const { return bits >> 27; }  // R4's third source
};

// Expands a 16-bit RVC encoding (RV64C, with the D-extension loads and
// stores) to its 32-bit equivalent; 0 when the encoding is reserved/illegal.
uint32_t expand_compressed(uint16_t c);

// Decodes one instruction. `raw` holds 32 bits where the low two bits are 11,
// otherwise only its low 16 bits are used. Every row of the table takes part:
// the disassembler's and the debugger's view.
Decoded decode(uint32_t raw);
// The hart's view: rows of extensions `have` lacks are passed over, so a
// HINT row (prefetch.*, pause, ntl.*) falls through to the base instruction
// it is an encoding of, and any other row to Op::ILLEGAL; so do the
// compressed forms of Zcb and Zcmop without them.
Decoded decode(uint32_t raw, const ExtSet& have);

// The N of mop.r.N, mop.rr.N and c.mop.N, from the encoding (d.bits).
unsigned mop_number(const Decoded& d);

inline bool is_compressed(uint32_t raw) { return (raw & 3) != 3; }

}  // namespace isa
