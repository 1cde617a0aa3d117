/* The executor's plan decoder as a plain program, to compare two builds of it (x64 and aarch64 under qemu-user):
 * the real decode() of main.c (plan_open, plan_next, validate_plan) on each plan file given, as if it had arrived with
 * the most descriptors a plan can carry, and on variants of it: every truncation at a multiple of 8 bytes and every
 * single byte inverted. Prints one line per variant: the file, the variant, and "refused" or "accepted" with each op's
 * code and argument length. Two builds that decode alike print the same lines. Nothing in a plan is performed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_only.h"

static void check(const char *name, const char *variant, long at, const uint8_t *plan, size_t size)
{
    static struct executor x;
    memset(&x, 0, sizeof x);
    x.nfds = PLAN_MAX_FDS;
    for (int i = 0; i < x.nfds; i++)
        x.fds[i] = -1;
    int rc = decode(&x, plan, size);
    printf("%s %s %ld %s", name, variant, at, rc < 0 ? "refused" : "accepted");
    if (rc == 0)
        for (int i = 0; i < x.nops; i++)
            printf(" %u:%zu", (unsigned)x.ops[i].code, (size_t)(x.ops[i].args.end - x.ops[i].args.p));
    putchar('\n');
    free(x.ops);
}

int main(int argc, char **argv)
{
    for (int a = 1; a < argc; a++) {
        FILE *f = fopen(argv[a], "rb");
        if (!f) {
            perror(argv[a]);
            return 2;
        }
        static uint8_t buf[PLAN_MAX_BYTES];
        size_t size = fread(buf, 1, sizeof buf, f);
        fclose(f);
        const char *name = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        uint8_t *copy = malloc(size ? size : 1);
        if (!copy)
            return 2;
        check(name, "whole", (long)size, buf, size);
        for (size_t n = 0; n < size; n += 8) {
            memcpy(copy, buf, n);
            check(name, "truncated", (long)n, copy, n);
        }
        for (size_t i = 0; i < size; i++) {
            memcpy(copy, buf, size);
            copy[i] ^= 0xff;
            check(name, "inverted", (long)i, copy, size);
        }
        free(copy);
    }
    return 0;
}
