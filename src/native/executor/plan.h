/* Bounds-checked reader for the launch plan. Every read either succeeds inside the buffer or marks
 * the reader as failed; nothing reads past the end, and lengths are checked before they are used. */
#ifndef CONTAINMENT_PLAN_H
#define CONTAINMENT_PLAN_H
#include <stddef.h>
#include <stdint.h>

struct reader {
    const uint8_t *p;
    const uint8_t *end;
    int ok;
};

struct op {
    uint32_t code;
    uint32_t index; /* the step number reported on failure */
    struct reader args;
};

/* Validates the header; leaves r at the first op. Returns the op count, or -1. */
int plan_open(struct reader *r, const uint8_t *buf, size_t len);
/* Reads the next op header; its payload lands in op->args. Returns 1, or 0 on a malformed plan. */
int plan_next(struct reader *r, struct op *op, uint32_t index);

uint32_t rd_u32(struct reader *r);
int32_t rd_i32(struct reader *r);
uint64_t rd_u64(struct reader *r);
/* A string: u32 length (including the trailing NUL), then the bytes. NULL when malformed. */
const char *rd_str(struct reader *r);
/* A string vector: u32 count, then count strings. Returns a NULL-terminated array (malloc), or NULL. */
char **rd_strv(struct reader *r);
/* Raw bytes: a pointer into the plan, len bytes long. */
const uint8_t *rd_bytes(struct reader *r, size_t len);

#endif
