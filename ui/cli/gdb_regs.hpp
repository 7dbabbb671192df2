// The registers a gdb session sees: the target description (XML with gdb's
// standard RISC-V features org.gnu.gdb.riscv.cpu, .fpu and .csr, and
// org.gnu.gdb.riscv.virtual with QEMU's `priv` plus `virt`, the V bit) and
// the values behind its register numbers. The numbers are gdb's own
// (riscv-tdep): x0-x31 0-31, pc 32, f0-f31 33-64, CSR n at 65 + n, priv
// 4161, virt 4162. CSRs are the hart's own (csr_peek): sstatus is HS's,
// vsstatus the guest's, whatever V is.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "emu/hart.hpp"

namespace cli::gdbregs {

constexpr unsigned kPc = 32, kFirstFpr = 33, kFirstCsr = 65, kPriv = 4161, kVirt = 4162;
constexpr unsigned kCpuCount = 33;  // what the g packet carries: x0-x31, pc

std::string target_xml(emu::Hart& h);
// The register's value as gdb's bytes (little-endian, its size), or nullopt
// when the hart has no such register.
std::optional<std::string> read(emu::Hart& h, unsigned regnum);
// false when there is no such register or it cannot be written (priv, virt).
bool write(emu::Hart& h, unsigned regnum, const std::string& bytes);

}  // namespace cli::gdbregs
