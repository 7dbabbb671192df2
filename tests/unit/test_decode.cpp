#include <doctest/doctest.h>
#include "isa/insn.hpp"
