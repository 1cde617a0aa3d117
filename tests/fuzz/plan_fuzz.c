/* libFuzzer harness for the executor's plan decoder: the real decode() of main.c (plan_open, plan_next and
 * validate_plan) on a copy of each input, as if it had arrived with the most descriptors a plan can carry.
 * Nothing is performed: the monitor is never entered, no system call with an effect is made. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode_only.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size heap copy, so that any read past the plan's end is one AddressSanitizer sees. */
    uint8_t *plan = malloc(size ? size : 1);
    if (!plan)
        return 0;
    memcpy(plan, data, size);
    static struct executor x;
    memset(&x, 0, sizeof x);
    x.nfds = PLAN_MAX_FDS;
    for (int i = 0; i < x.nfds; i++)
        x.fds[i] = -1;
    decode(&x, plan, size);
    free(x.ops);
    free(plan);
    return 0;
}
