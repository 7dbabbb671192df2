// Zfa's fli.s/fli.d/fli.h constant table (the Zfa specification's): the
// value entry i (the instruction's rs1 field) loads. Entry 1 is the format's
// smallest positive normal, 30 +infinity, 31 the canonical NaN: those depend
// on the format and are left 0 here.
#pragma once

namespace isa {

inline constexpr double kFliValue[32] = {
    -1.0, 0, 0x1p-16, 0x1p-15, 0x1p-8, 0x1p-7, 0.0625, 0.125, 0.25, 0.3125, 0.375, 0.4375,
    0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 8.0, 16.0, 128.0,
    256.0, 32768.0, 65536.0, 0, 0};
inline constexpr unsigned kFliMinNormal = 1, kFliInf = 30, kFliNan = 31;

}  // namespace isa
