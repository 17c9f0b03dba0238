/*
 * guest-kit: the test library. A test guest prints exactly one result line,
 *     TEST <name> PASS          or          TEST <name> FAIL <reason>
 * and then powers the domain off (also on failure: the runner reads the line).
 *
 *     #include "gk/test.h"
 *
 *     GK_TEST(trap_ud)
 *     {
 *         struct gk_trap_record rec;
 *
 *         GK_EXPECT_EQ(gk_hypercall_nr(999, 0, 0, 0, 0, 0), -PV_ENOSYS);
 *         GK_EXPECT_TRAP(GK_VEC_UD, &rec, __asm__ volatile("ud2"));
 *     }
 *
 * Expectations record the first failure and let the test go on; GK_ASSERT ends the test at
 * once. An unexpected trap or gk_panic() ends it with FAIL and the trap's description.
 */
#ifndef GK_TEST_H
#define GK_TEST_H

#include "gk/kit.h"

/* Define a test: its name (an identifier) and body. Provides gk_main(). */
#define GK_TEST(name)                                                                              \
    static void gk_test_body_(void);                                                               \
    void gk_main(void)                                                                             \
    {                                                                                              \
        gk_test_run(#name, gk_test_body_);                                                         \
    }                                                                                              \
    static void gk_test_body_(void)

/* Run body as test name, print the result line, power off. */
__attribute__((noreturn)) void gk_test_run(const char *name, void (*body)(void));

/* Record a failure (the first one becomes the reason; later ones are only logged). */
void gk_test_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* End the test now: PASS if nothing failed so far, else FAIL with the first reason. */
__attribute__((noreturn)) void gk_test_finish(void);

/* True if a failure has been recorded. */
bool gk_test_failed(void);

/* A diagnostic line ("# ..."), not a result. */
void gk_test_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define GK_FAIL(...) gk_test_fail_at(__FILE__, __LINE__, __VA_ARGS__)

#define GK_EXPECT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond))                                                                               \
            GK_FAIL("expected %s", #cond);                                                         \
    } while (0)

/* Compare as 64-bit integers; reports both values in decimal and hex. */
#define GK_EXPECT_CMP_(a, op, b)                                                                   \
    do {                                                                                           \
        int64_t gk_a_ = (int64_t)(a), gk_b_ = (int64_t)(b);                                        \
        if (!(gk_a_ op gk_b_))                                                                     \
            GK_FAIL("expected %s %s %s, got %ld (%#lx) vs %ld (%#lx)", #a, #op, #b, gk_a_,         \
                    (uint64_t)gk_a_, gk_b_, (uint64_t)gk_b_);                                      \
    } while (0)

#define GK_EXPECT_EQ(a, b) GK_EXPECT_CMP_(a, ==, b)
#define GK_EXPECT_NE(a, b) GK_EXPECT_CMP_(a, !=, b)
#define GK_EXPECT_LT(a, b) GK_EXPECT_CMP_(a, <, b)
#define GK_EXPECT_LE(a, b) GK_EXPECT_CMP_(a, <=, b)
#define GK_EXPECT_GT(a, b) GK_EXPECT_CMP_(a, >, b)
#define GK_EXPECT_GE(a, b) GK_EXPECT_CMP_(a, >=, b)

/* Like GK_EXPECT, but a failure ends the test at once. */
#define GK_ASSERT(cond)                                                                            \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            GK_FAIL("assertion %s failed", #cond);                                                 \
            gk_test_finish();                                                                      \
        }                                                                                          \
    } while (0)

#define GK_ASSERT_EQ(a, b)                                                                         \
    do {                                                                                           \
        int64_t gk_x_ = (int64_t)(a), gk_y_ = (int64_t)(b);                                        \
        if (gk_x_ != gk_y_) {                                                                      \
            GK_FAIL("expected %s == %s, got %ld (%#lx) vs %ld (%#lx)", #a, #b, gk_x_,              \
                    (uint64_t)gk_x_, gk_y_, (uint64_t)gk_y_);                                      \
            gk_test_finish();                                                                      \
        }                                                                                          \
    } while (0)

/*
 * Run stmt expecting trap vec: records a failure if no trap happens or another vector comes.
 * Execution resumes after the macro either way; *rec describes the trap (vector, error code,
 * rip, cr2 for #PF when shared_info is mapped). Use in a function that stays live, and mark
 * locals changed inside stmt volatile.
 */
#define GK_EXPECT_TRAP(vec, rec, stmt)                                                             \
    do {                                                                                           \
        if (gk_trap_catch(rec) == 0) {                                                             \
            stmt;                                                                                  \
            gk_trap_uncatch();                                                                     \
            GK_FAIL("expected trap %u from %s, none came", (unsigned int)(vec), #stmt);            \
        } else if ((rec)->vector != (uint64_t)(vec)) {                                             \
            GK_FAIL("expected trap %u from %s, got %lu (error %#lx at %#lx)", (unsigned int)(vec), \
                    #stmt, (rec)->vector, (rec)->error_code, (rec)->rip);                          \
        }                                                                                          \
    } while (0)

#endif /* GK_TEST_H */
