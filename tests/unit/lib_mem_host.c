/* lib/mem.c compiled under other names for test_lib: on the host, the C library (and the
 * sanitizers' interceptors) must keep memcpy, memmove, memset and memcmp. */
#define memcpy lib_test_memcpy
#define memmove lib_test_memmove
#define memset lib_test_memset
#define memcmp lib_test_memcmp
#include "lib/mem.c"
