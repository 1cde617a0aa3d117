#include "plan.h"
#include "protocol.h"
#include <stdlib.h>
#include <string.h>

static int need(struct reader *r, size_t n)
{
    if (!r->ok || (size_t)(r->end - r->p) < n) {
        r->ok = 0;
        return 0;
    }
    return 1;
}

const uint8_t *rd_bytes(struct reader *r, size_t len)
{
    if (!need(r, len))
        return NULL;
    const uint8_t *at = r->p;
    r->p += len;
    return at;
}

uint32_t rd_u32(struct reader *r)
{
    uint32_t v = 0;
    const uint8_t *b = rd_bytes(r, 4);
    if (b)
        memcpy(&v, b, 4);
    return v;
}

int32_t rd_i32(struct reader *r)
{
    return (int32_t)rd_u32(r);
}

uint64_t rd_u64(struct reader *r)
{
    uint64_t v = 0;
    const uint8_t *b = rd_bytes(r, 8);
    if (b)
        memcpy(&v, b, 8);
    return v;
}

const char *rd_str(struct reader *r)
{
    uint32_t len = rd_u32(r);
    if (len == 0) {
        r->ok = 0;
        return NULL;
    }
    const uint8_t *b = rd_bytes(r, len);
    if (!b || b[len - 1] != 0 || memchr(b, 0, len) != b + len - 1) {
        r->ok = 0;
        return NULL;
    }
    return (const char *)b;
}

char **rd_strv(struct reader *r)
{
    uint32_t count = rd_u32(r);
    /* Each string takes at least 5 bytes: a count that cannot fit is malformed. */
    if (!r->ok || count > (size_t)(r->end - r->p) / 5) {
        r->ok = 0;
        return NULL;
    }
    char **v = calloc((size_t)count + 1, sizeof(char *));
    if (!v) {
        r->ok = 0;
        return NULL;
    }
    for (uint32_t i = 0; i < count; i++) {
        v[i] = (char *)rd_str(r);
        if (!v[i]) {
            free(v);
            return NULL;
        }
    }
    return v;
}

int plan_open(struct reader *r, const uint8_t *buf, size_t len)
{
    r->p = buf;
    r->end = buf + len;
    r->ok = 1;
    uint32_t magic = rd_u32(r);
    uint32_t version = rd_u32(r);
    uint32_t count = rd_u32(r);
    if (!r->ok || magic != PLAN_MAGIC || version != PLAN_VERSION || count > len / 8)
        return -1;
    return (int)count;
}

int plan_next(struct reader *r, struct op *op, uint32_t index)
{
    op->code = rd_u32(r);
    uint32_t len = rd_u32(r);
    const uint8_t *payload = rd_bytes(r, len);
    if (!payload)
        return 0;
    op->index = index;
    op->args.p = payload;
    op->args.end = payload + len;
    op->args.ok = 1;
    return 1;
}
