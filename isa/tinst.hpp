// The H extension's "transformed instruction" written to htinst/mtinst on a
// trap caused by an explicit memory access (privileged spec, "Transformed
// Instruction or Pseudoinstruction for mtinst or htinst").
#pragma once
#include <cstdint>

#include "insn.hpp"

namespace isa {

// Pseudoinstructions for guest-page faults on implicit VS-stage page-table
// accesses (RV64): a 64-bit read, and a 64-bit write (an A/D update).
constexpr uint32_t kTinstPteRead = 0x00003000, kTinstPteWrite = 0x00003020;

// The transformation of a load, store, AMO/LR/SC, HLV/HLVX/HSV that trapped;
// addr_offset is the faulting address minus the instruction's address
// (non-zero only for misaligned accesses). 0 for any other instruction.
uint32_t transformed_instruction(const Decoded& d, uint64_t addr_offset);

}  // namespace isa
