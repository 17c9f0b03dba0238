/* Host tests: mm_frame_ptr (mm.h) is a function that each test (or its fake, mm_fake.c) defines
 * over its own memory. The hypervisor's build finds hypervisor/mm/inline/mm_frame_ptr.h
 * instead, where it is inline. */
#ifndef TEST_MM_FRAME_PTR_H
#define TEST_MM_FRAME_PTR_H
#include <stdint.h>

void *mm_frame_ptr(uint64_t mfn);
#endif /* TEST_MM_FRAME_PTR_H */
