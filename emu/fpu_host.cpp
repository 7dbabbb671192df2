#include "fpu_host.hpp"

namespace emu::fphost {

bool have_fma() {
    static const bool yes = __builtin_cpu_supports("fma");
    return yes;
}

__attribute__((target("fma"))) double fma(double a, double b, double c) { return __builtin_fma(a, b, c); }
__attribute__((target("fma"))) float fmaf(float a, float b, float c) { return __builtin_fmaf(a, b, c); }

}  // namespace emu::fphost
