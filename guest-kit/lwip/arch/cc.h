/* guest-kit/lwip: lwIP's compiler and platform definitions for a guest-kit guest (freestanding,
 * x86-64, little-endian, single-threaded: NO_SYS). */
#ifndef GK_LWIP_ARCH_CC_H
#define GK_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN
/* No <inttypes.h>, <ctype.h> or <unistd.h> in the kit: lwIP's own replacements. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H 1
#define LWIP_NO_UNISTD_H 1
#define X8_F "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

void gk_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void gk_lwip_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
uint32_t gk_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x) do { gk_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) gk_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND() gk_lwip_rand()

#endif /* GK_LWIP_ARCH_CC_H */
