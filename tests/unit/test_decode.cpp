// Decoder and RVC expansion against encodings taken from the ISA manual and
// from GNU as output (the 32-bit forms below were assembled by
// riscv64-unknown-elf-as and read back with objdump).
#include <doctest/doctest.h>

#include "isa/insn.hpp"

using namespace isa;

TEST_CASE("32-bit decode: fields and immediates") {
    Decoded d = decode(0x00b50533);  // add a0,a0,a1
    CHECK(d.op == Op::ADD);
    CHECK(d.rd == 10);
    CHECK(d.rs1 == 10);
    CHECK(d.rs2 == 11);
    CHECK(d.len == 4);
    d = decode(0xff010113);  // addi sp,sp,-16
    CHECK(d.op == Op::ADDI);
    CHECK(d.imm == -16);
    d = decode(0xfe5ff06f);  // j -28 (jal zero,-28)
    CHECK(d.op == Op::JAL);
    CHECK(d.imm == -28);
    d = decode(0x00c5b423);  // sd a2,8(a1)
    CHECK(d.op == Op::SD);
    CHECK(d.imm == 8);
    d = decode(0xfe0508e3);  // beqz a0,-16
    CHECK(d.op == Op::BEQ);
    CHECK(d.imm == -16);
    d = decode(0x30200073);
    CHECK(d.op == Op::MRET);
    d = decode(0x6c054573);  // hlv.d a0,(a0)
    CHECK(d.op == Op::HLV_D);
    d = decode(0x0000000b);  // custom-0: no row
    CHECK(d.op == Op::ILLEGAL);
}

TEST_CASE("RVC expansion matches the 32-bit equivalents") {
    CHECK(expand_compressed(0x1141) == 0xff010113);  // c.addi sp,-16 -> addi sp,sp,-16
    CHECK(expand_compressed(0x8082) == 0x00008067);  // c.jr ra -> jalr zero,0(ra)
    CHECK(expand_compressed(0x4501) == 0x00000513);  // c.li a0,0 -> addi a0,zero,0
    CHECK(expand_compressed(0x852e) == 0x00b00533);  // c.mv a0,a1 -> add a0,zero,a1
    CHECK(expand_compressed(0x9002) == 0x00100073);  // c.ebreak
    CHECK(expand_compressed(0x0000) == 0);           // all-zero: illegal
    CHECK(expand_compressed(0x7139) == 0xfc010113);  // c.addi16sp sp,-64 -> addi sp,sp,-64
    Decoded d = decode(0x0000);
    CHECK(d.op == Op::ILLEGAL);
    CHECK(d.len == 2);
    CHECK(d.raw == 0);
    d = decode(0xe406);  // c.sdsp ra,8(sp)
    CHECK(d.op == Op::SD);
    CHECK(d.rs2 == 1);
    CHECK(d.rs1 == 2);
    CHECK(d.imm == 8);
    CHECK(d.len == 2);
}

TEST_CASE("Reserved compressed encodings decode as illegal") {
    CHECK(decode(0x6101).op == Op::ILLEGAL);            // c.addi16sp with imm 0
    CHECK(decode(0x6001).op == Op::ILLEGAL);            // c.lui with a zero immediate
    CHECK(decode(0x4002).op == Op::ILLEGAL);            // c.lwsp with rd=0
    CHECK(decode(0x8002).op == Op::ILLEGAL);            // c.jr with rs1=0
}
