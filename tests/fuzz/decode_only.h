/* The executor's main.c with its decode() reachable and nothing else: the plan decoder harnesses (plan_fuzz.c,
 * plan_check.c) include it. main.c's callers of the monitor and of the orphan cleanup (orphan.c, which removes
 * directories) are linked, never run. */
#ifndef DECODE_ONLY_H
#define DECODE_ONLY_H

#define main executor_main
#include "../../src/native/executor/main.c"
#undef main

_Noreturn void run_monitor(struct executor *x)
{
    (void)x;
    abort();
}

int take_announcement(struct executor *x, const uint8_t *buf, size_t len)
{
    (void)x, (void)buf, (void)len;
    abort();
}

int take_placement(struct executor *x)
{
    (void)x;
    abort();
}

_Noreturn void orphaned(struct executor *x)
{
    (void)x;
    abort();
}

#endif
