/*
 * kb-small-index.c - the dense impacts of a small kb (at most
 * KB_SMALL_ENTRIES entries, every impact above 0), for kb-small-topk.c:
 * a term listed in more than small_pad / 4 entries (more postings than
 * a row has 4-float adds) gets a row of small_pad floats, entry e's
 * impact at e (0 where the term is not in e), and the 64-bit mask of the
 * entries it is in; the others are read from their postings.  Memory:
 * 4 bytes a term (small_row) + (4 small_pad + 8) bytes a row; the
 * bundled kb (29 entries, 2,252 terms, 26 rows): 12.7 KB.
 */
#include "kb-impl.h"

#include <stdlib.h>
#include <string.h>

/* 1 if term t gets a row. */
static int small_has_row(const kb *k, uint32_t t, size_t pad)
{
    return k->post_off[t + 1] - k->post_off[t] > pad / 4;
}

/* k->small_row, small_imp and small_mask for a kb of at most
 * KB_SMALL_ENTRIES entries whose impacts are all above 0 (none
 * otherwise); 0, -1 on OOM (then none).  The kb owns them:
 * kb_small_free. */
int kb_small_build(kb *k)
{
    kb_small_free(k);
    size_t ne = k->n_entries, nt = k->n_terms, rows = 0;
    /* an impact at or below 0: kb-topk.c's add_all passes such a
     * posting over, its add_listed may set the hold bit: the general
     * path only */
    if (ne == 0 || ne > KB_SMALL_ENTRIES || !k->post_off || !k->imp_pos)
        return 0;
    size_t pad = (ne + 3) & ~(size_t)3;
    for (uint32_t t = 0; t < nt; t++)
        rows += small_has_row(k, t, pad);
    k->small_row = calloc(nt + 1, sizeof *k->small_row);
    k->small_imp = aligned_alloc(16, (rows + 1) * pad * sizeof(float));
    k->small_mask = calloc(rows + 1, sizeof *k->small_mask);
    if (!k->small_row || !k->small_imp || !k->small_mask) {
        kb_small_free(k);
        return -1;
    }
    memset(k->small_imp, 0, (rows + 1) * pad * sizeof(float));
    uint32_t r = 0;
    for (uint32_t t = 0; t < nt; t++) {
        if (!small_has_row(k, t, pad))
            continue;
        float *row = k->small_imp + (size_t)r * pad;
        for (uint32_t p = k->post_off[t]; p < k->post_off[t + 1]; p++) {
            uint32_t e = kb_post_doc(k, t, p);
            row[e] = k->post_imp[p];
            k->small_mask[r] |= (uint64_t)1 << e;
        }
        k->small_row[t] = ++r;
    }
    k->small_pad = (uint32_t)pad;
    return 0;
}

/* Idempotent. */
void kb_small_free(kb *k)
{
    free(k->small_row);
    free(k->small_imp);
    free(k->small_mask);
    k->small_row = NULL;
    k->small_imp = NULL;
    k->small_mask = NULL;
    k->small_pad = 0;
}
