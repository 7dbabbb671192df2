/* Just enough of a flattened-device-tree reader (devicetree spec v0.4,
 * chapter 5) to learn the machine from the blob the firmware passes in a1. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

bool fdt_valid(const void *fdt);
/* The property of the node at path ("/cpus"; a component without '@' also
 * matches "name@unit"), or 0. */
const void *fdt_getprop(const void *fdt, const char *path, const char *prop, uint32_t *len);
/* A 1- or 2-cell property as a number, or dflt when absent. */
uint64_t fdt_getprop_u64(const void *fdt, const char *path, const char *prop, uint64_t dflt);
