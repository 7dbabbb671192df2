// The disassembler: text of one decoded instruction in GNU objdump's syntax.
//
// Driven by the instruction table: the mnemonic is the table's, the operand
// layout follows the row's Format; objdump's pseudo-instructions (aliases) are
// chosen by looking at operand values, in objdump's order of preference.
// The output is checked against riscv64-unknown-elf-objdump 2.40 by
// tests/integration/disasm_vs_objdump.py over every table row and every
// 16-bit encoding; the few deliberate differences are listed there.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "insn.hpp"

namespace isa {

// Symbol lookup for branch/jump targets: returns the symbol name for an
// address, or empty. Whatever it returns is printed inside "<...>", so a
// lookup may return "main+0x10" (objdump's style) as well as "main".
using SymbolLookup = std::function<std::string(uint64_t addr)>;

struct DisasmOptions {
    // objdump's default pseudo-instructions (li, mv, ret, j, beqz, csrr, ...);
    // false = like objdump -M no-aliases (compressed instructions then print
    // as their c.* forms, e.g. "c.addi\ta0,1").
    bool aliases = true;
};

// Text of one instruction at pc, in GNU objdump's syntax: "mnemonic\toperands"
// exactly as objdump -d prints after the hex field, e.g. "addi\tsp,sp,-16"
// (objdump 2.40 prints "add\tsp,sp,-16"), "jal\t80000010 <main>". An encoding
// objdump does not accept prints as ".4byte\t0x..." / ".2byte\t0x...".
// objdump's trailing "# address" comments (which depend on earlier
// instructions) are not produced.
std::string disassemble(const Decoded& d, uint64_t pc, const SymbolLookup& lookup = {},
                        DisasmOptions opt = {});

// ABI register names as objdump prints them ("zero", "ra", ..., "t6"; "ft0"..."ft11").
std::string_view xreg_name(unsigned r);
std::string_view freg_name(unsigned r);

}  // namespace isa
