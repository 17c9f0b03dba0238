/* Unit tests of the freestanding library lib/: the formatter (lib/format.c), the string
 * functions (lib/string.c) and the memory functions (lib/mem.c, renamed by lib_mem_host.c). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include "lib/format.h"
#include "lib/string.h"

void *lib_test_memcpy(void *dst, const void *src, size_t n);
void *lib_test_memmove(void *dst, const void *src, size_t n);
void *lib_test_memset(void *dst, int c, size_t n);
int lib_test_memcmp(const void *a, const void *b, size_t n);

/* Hides a format from the compiler's printf checks, for formats those checks refuse on purpose. */
static const char *volatile hidden;

static const char *unchecked(const char *fmt)
{
    hidden = fmt;
    return hidden;
}

/* Formats into a 128-byte buffer and checks both the text and the returned length. */
#define EXPECT_FMT(want, ...)                                                                    \
    do {                                                                                         \
        char buf_[128];                                                                          \
        int n_ = lib_snprintf(buf_, sizeof(buf_), __VA_ARGS__);                                  \
        assert_string_equal(buf_, want);                                                         \
        assert_int_equal(n_, (int)strlen(want));                                                 \
    } while (0)

static void test_fmt_signed(void **state)
{
    (void)state;
    EXPECT_FMT("-42", "%d", -42);
    EXPECT_FMT("0", "%i", 0);
    EXPECT_FMT("-2147483648", "%d", INT_MIN);
    EXPECT_FMT("2147483647", "%d", INT_MAX);
    EXPECT_FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
    EXPECT_FMT("-1", "%lld", -1LL);
    EXPECT_FMT("-1", "%zd", (ssize_t)-1);
    EXPECT_FMT("-5", "%hd", (short)-5);
    EXPECT_FMT("-7", "%hhd", (signed char)-7);
}

static void test_fmt_unsigned(void **state)
{
    (void)state;
    EXPECT_FMT("4294967295", "%u", UINT_MAX);
    EXPECT_FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
    EXPECT_FMT("ab", "%x", 0xabU);
    EXPECT_FMT("ABCDEF", "%X", 0xabcdefU);
    EXPECT_FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
    EXPECT_FMT("123456789abcdef0", "%llx", 0x123456789abcdef0ULL);
    EXPECT_FMT("17", "%o", 15U);
    EXPECT_FMT("65535", "%hu", (unsigned short)65535);
}

static void test_fmt_width_and_flags(void **state)
{
    (void)state;
    EXPECT_FMT("    7", "%5u", 7U);
    EXPECT_FMT("ab  |", "%-4x|", 0xabU);
    EXPECT_FMT("001f", "%04lx", 0x1fUL);
    EXPECT_FMT("00000000deadbeef", "%016lx", 0xdeadbeefUL);
    EXPECT_FMT("000000ff", "%08x", 0xffU);
    EXPECT_FMT("-0005", "%05d", -5);
    EXPECT_FMT("   -5", "%5d", -5);
    EXPECT_FMT("-5   |", "%-5d|", -5);
    EXPECT_FMT("-5   |", unchecked("%-05d|"), -5); /* '-' wins over '0' */
    EXPECT_FMT("    42", "%*d", 6, 42);
    EXPECT_FMT("12345", "%3d", 12345); /* a width never cuts */
    EXPECT_FMT("0xff", "%#x", 0xffU);
    EXPECT_FMT("0xFF", "%#X", 0xffU);
    EXPECT_FMT("0xffff82d040000000", "%#lx", 0xffff82d040000000UL);
    EXPECT_FMT("0x00ff", "%#06x", 0xffU); /* the prefix counts in the width */
    EXPECT_FMT("42", "%+d", 42);          /* '+' and ' ' are accepted, ignored */
    EXPECT_FMT("42", "% d", 42);
}

static void test_fmt_strings_and_chars(void **state)
{
    (void)state;
    EXPECT_FMT("abc", "%s", "abc");
    EXPECT_FMT("(null)", unchecked("%s"), (const char *)NULL);
    EXPECT_FMT("abcd", "%.4s", "abcdefgh");
    EXPECT_FMT("ab", "%.4s", "ab");
    EXPECT_FMT("   ab|", "%5s|", "ab");
    EXPECT_FMT("ab   |", "%-5s|", "ab");
    EXPECT_FMT("Z", "%c", 'Z');
    EXPECT_FMT("100%", "100%%");
    EXPECT_FMT("-42|    7|ab  |001f|1f|x|c|%|0xf", "%d|%5u|%-4x|%04lx|%llx|%s|%c|%%|%#x", -42, 7U,
               0xabU, 0x1fUL, 0x1fULL, "x", 'c', 0xfU);
}

static void test_fmt_pointer_and_unknown(void **state)
{
    (void)state;
    EXPECT_FMT("0xffffffff80001000", "%p", (void *)0xffffffff80001000ULL);
    EXPECT_FMT("0x0", "%p", NULL);
    /* An unknown conversion prints itself and takes no argument; a lone '%' at the end stops. */
    char buf[16];

    assert_int_equal(lib_snprintf(buf, sizeof(buf), unchecked("a%qb"), 0), 4);
    assert_string_equal(buf, "a%qb");
    assert_int_equal(lib_snprintf(buf, sizeof(buf), unchecked("ab%"), 0), 2);
    assert_string_equal(buf, "ab");
}

/* Against the host's snprintf, for the conversions where both must agree. */
static void test_fmt_matches_libc(void **state)
{
    static const char *const fmts32[] = {"%d", "%5d", "%-5d|", "%05d", "%u", "%x", "%X",
                                         "%08x", "%-8x|", "%o", "%12u", "%i"};
    static const char *const fmts64[] = {"%ld", "%lu", "%lx", "%016lx", "%-20ld|", "%lo",
                                         "%20lu", "%llx", "%zu"};
    static const int v32[] = {0, 1, -1, 42, -42, 255, INT_MAX, INT_MIN, 123456789};
    static const long v64[] = {0, 1, -1, 4096, -4096, LONG_MAX, LONG_MIN, 0x7fffffffffff};
    char ours[64], theirs[64];

    (void)state;
    for (size_t f = 0; f < sizeof(fmts32) / sizeof(fmts32[0]); f++)
        for (size_t i = 0; i < sizeof(v32) / sizeof(v32[0]); i++) {
            int n = lib_snprintf(ours, sizeof(ours), fmts32[f], v32[i]);

            assert_int_equal(n, snprintf(theirs, sizeof(theirs), fmts32[f], v32[i]));
            assert_string_equal(ours, theirs);
        }
    for (size_t f = 0; f < sizeof(fmts64) / sizeof(fmts64[0]); f++)
        for (size_t i = 0; i < sizeof(v64) / sizeof(v64[0]); i++) {
            int n = lib_snprintf(ours, sizeof(ours), fmts64[f], v64[i]);

            assert_int_equal(n, snprintf(theirs, sizeof(theirs), fmts64[f], v64[i]));
            assert_string_equal(ours, theirs);
        }
}

static void test_fmt_truncation(void **state)
{
    char buf[8];

    (void)state;
    assert_int_equal(lib_snprintf(buf, 4, "%s", "truncated"), 9);
    assert_string_equal(buf, "tru");
    assert_int_equal(lib_snprintf(buf, 5, "%d", -123456), 7);
    assert_string_equal(buf, "-123");
    assert_int_equal(lib_snprintf(buf, 4, "%08x", 0xabU), 8);
    assert_string_equal(buf, "000");
    assert_int_equal(lib_snprintf(buf, 1, "%s", "abc"), 3);
    assert_string_equal(buf, "");
    /* Exactly full: the last byte is the NUL. */
    assert_int_equal(lib_snprintf(buf, sizeof(buf), "%s", "1234567"), 7);
    assert_string_equal(buf, "1234567");
    /* Size 0 writes nothing at all, not even a NUL (buf may be NULL). */
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(lib_snprintf(buf, 0, "%d", 12345), 5);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(lib_snprintf(NULL, 0, "%s", "abc"), 3);
}

/* Beyond the end: an exact-size heap buffer, so ASan reports any byte written past it. */
static void test_fmt_never_writes_past_size(void **state)
{
    (void)state;
    for (size_t size = 1; size <= 24; size++) {
        char *buf = malloc(size);
        int n = lib_snprintf(buf, size, "%s=%016lx", "key", 0x1234UL);

        assert_int_equal(n, 20);
        assert_int_equal(strlen(buf), size - 1 < 20 ? size - 1 : 20);
        assert_memory_equal(buf, "key=0000000000001234", strlen(buf));
        free(buf);
    }
}

static int fmt_twice(char *a, char *b, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = lib_vsnprintf(a, size, fmt, ap);
    assert_int_equal(lib_vsnprintf(b, size, fmt, ap), n); /* ap is not consumed */
    va_end(ap);
    return n;
}

static void test_vsnprintf_leaves_ap(void **state)
{
    char a[32], b[32];

    (void)state;
    assert_int_equal(fmt_twice(a, b, sizeof(a), "%s %d %lx", "x", -3, 0xffUL), 7);
    assert_string_equal(a, "x -3 ff");
    assert_string_equal(b, "x -3 ff");
}

static void test_strlen_strnlen(void **state)
{
    char *raw = malloc(4);

    (void)state;
    assert_int_equal(lib_strlen(""), 0);
    assert_int_equal(lib_strlen("abc"), 3);
    assert_int_equal(lib_strnlen("abcdef", 3), 3);
    assert_int_equal(lib_strnlen("abc", 3), 3);
    assert_int_equal(lib_strnlen("abc", 10), 3);
    assert_int_equal(lib_strnlen("abc", 0), 0);
    memcpy(raw, "abcd", 4); /* no NUL: strnlen must stop at max (ASan checks) */
    assert_int_equal(lib_strnlen(raw, 4), 4);
    free(raw);
}

static void test_strcmp_strncmp(void **state)
{
    (void)state;
    assert_int_equal(lib_strcmp("abc", "abc"), 0);
    assert_int_equal(lib_strcmp("", ""), 0);
    assert_true(lib_strcmp("abc", "abd") < 0);
    assert_true(lib_strcmp("abd", "abc") > 0);
    assert_true(lib_strcmp("ab", "abc") < 0);
    assert_true(lib_strcmp("abc", "ab") > 0);
    assert_true(lib_strcmp("\x80", "a") > 0); /* bytes compare as unsigned char */
    assert_int_equal(lib_strncmp("abcX", "abcY", 3), 0);
    assert_true(lib_strncmp("abcX", "abcY", 4) < 0);
    assert_int_equal(lib_strncmp("a", "b", 0), 0);
    assert_int_equal(lib_strncmp("ab", "ab", 100), 0); /* stops at the NUL */
    assert_true(lib_strncmp("ab", "abc", 100) < 0);
}

static void test_strchr(void **state)
{
    const char *s = "hello";

    (void)state;
    assert_ptr_equal(lib_strchr(s, 'l'), s + 2);
    assert_ptr_equal(lib_strchr(s, 'h'), s);
    assert_null(lib_strchr(s, 'z'));
    assert_ptr_equal(lib_strchr(s, '\0'), s + 5);
    assert_null(lib_strchr("", 'a'));
}

static void test_strlcpy(void **state)
{
    char buf[8];

    (void)state;
    assert_int_equal(lib_strlcpy(buf, "abc", sizeof(buf)), 3);
    assert_string_equal(buf, "abc");
    assert_int_equal(lib_strlcpy(buf, "1234567", sizeof(buf)), 7); /* exactly fits */
    assert_string_equal(buf, "1234567");
    assert_int_equal(lib_strlcpy(buf, "123456789", sizeof(buf)), 9); /* truncated */
    assert_string_equal(buf, "1234567");
    assert_int_equal(lib_strlcpy(buf, "abc", 1), 3);
    assert_string_equal(buf, "");
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(lib_strlcpy(buf, "abc", 0), 3); /* size 0: nothing written */
    assert_int_equal(buf[0], 'x');
}

/* Every source and destination alignment, lengths 0..200 (memcpy's 64-byte steps, its 8-byte
 * steps and its bytes, alone and together), against a byte-by-byte reference. */
static void test_memcpy_memset(void **state)
{
    unsigned char src[216], dst[216], want[216];

    (void)state;
    for (size_t i = 0; i < sizeof(src); i++)
        src[i] = (unsigned char)(i * 7 + 1);
    for (size_t so = 0; so < 8; so++)
        for (size_t d = 0; d < 8; d++)
            for (size_t n = 0; n <= 200; n++) {
                memset(dst, 0xee, sizeof(dst));
                memcpy(want, dst, sizeof(dst));
                for (size_t i = 0; i < n; i++)
                    want[d + i] = src[so + i];
                assert_ptr_equal(lib_test_memcpy(dst + d, src + so, n), dst + d);
                assert_memory_equal(dst, want, sizeof(dst));
                for (size_t i = 0; i < n; i++)
                    want[d + i] = 0x5a;
                assert_ptr_equal(lib_test_memset(dst + d, 0x5a, n), dst + d);
                assert_memory_equal(dst, want, sizeof(dst));
            }
}

/* Overlapping moves both ways, by 1..9 bytes and by 63..65 (around memcpy's 64-byte step),
 * lengths 0..140. */
static void test_memmove(void **state)
{
    unsigned char buf[216], want[216];

    (void)state;
    for (size_t shift = 1; shift <= 65; shift = shift == 9 ? 63 : shift + 1)
        for (size_t n = 0; n <= 140; n++)
            for (int up = 0; up <= 1; up++) {
                size_t from = up ? 4 : 4 + shift, to = up ? 4 + shift : 4;

                for (size_t i = 0; i < sizeof(buf); i++)
                    buf[i] = (unsigned char)i;
                memcpy(want, buf, sizeof(buf));
                memmove(want + to, want + from, n); /* the host's, as the reference */
                assert_ptr_equal(lib_test_memmove(buf + to, buf + from, n), buf + to);
                assert_memory_equal(buf, want, sizeof(buf));
            }
}

static void test_memcmp(void **state)
{
    (void)state;
    assert_int_equal(lib_test_memcmp("abc", "abd", 2), 0);
    assert_true(lib_test_memcmp("abc", "abd", 3) < 0);
    assert_true(lib_test_memcmp("\x80", "\x01", 1) > 0); /* unsigned bytes */
    assert_int_equal(lib_test_memcmp("x", "y", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_signed),
        cmocka_unit_test(test_fmt_unsigned),
        cmocka_unit_test(test_fmt_width_and_flags),
        cmocka_unit_test(test_fmt_strings_and_chars),
        cmocka_unit_test(test_fmt_pointer_and_unknown),
        cmocka_unit_test(test_fmt_matches_libc),
        cmocka_unit_test(test_fmt_truncation),
        cmocka_unit_test(test_fmt_never_writes_past_size),
        cmocka_unit_test(test_vsnprintf_leaves_ap),
        cmocka_unit_test(test_strlen_strnlen),
        cmocka_unit_test(test_strcmp_strncmp),
        cmocka_unit_test(test_strchr),
        cmocka_unit_test(test_strlcpy),
        cmocka_unit_test(test_memcpy_memset),
        cmocka_unit_test(test_memmove),
        cmocka_unit_test(test_memcmp),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
