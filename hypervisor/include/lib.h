/* The freestanding library (lib/, no C library here): memory and string functions, lib_snprintf. */
#ifndef HV_LIB_H
#define HV_LIB_H
#include "lib/format.h"
#include "lib/string.h"
#include "types.h"

#endif
