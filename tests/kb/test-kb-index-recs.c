/* kb-index-recs.c: the index build's packed records give back every
 * frequency exactly, those over 14 (kept aside) included, read in
 * order. */
#include <criterion/criterion.h>
#include <string.h>

#include "kb-index.h"

Test(kb_index_recs, every_frequency_reads_back_exactly)
{
    static const uint8_t vals[] = {0, 1, 7, 14, 15, 16, 99, 255};
    const size_t nv = sizeof vals;
    ix_recs r = {0};
    ix_rec batch[64];
    size_t n = 0;
    /* every field takes every value, records spread over 9 entries */
    for (size_t i = 0; i < nv * nv; i++) {
        ix_rec *x = &batch[n++];
        x->term = (uint32_t)(1000 + i);
        for (int f = 0; f < KB_NFIELDS; f++)
            x->tf[f] = vals[(i / (f % 2 ? nv : 1) + (size_t)f) % nv];
        if (n == 7 || i + 1 == nv * nv) {
            cr_assert_eq(ix_recs_push(&r, batch, n), 0);
            n = 0;
        }
    }
    cr_assert_eq(r.n, nv * nv);
    cr_assert_gt(r.n_big, 0);
    size_t at = 0;
    for (size_t i = 0; i < r.n; i++) {
        uint8_t tf[KB_NFIELDS];
        ix_recs_tf(&r, i, &at, tf);
        cr_assert_eq(r.term[i], 1000 + i);
        for (int f = 0; f < KB_NFIELDS; f++)
            cr_assert_eq(tf[f], vals[(i / (f % 2 ? nv : 1) + (size_t)f) % nv],
                         "record %zu field %d", i, f);
    }
    ix_recs_free(&r);
    cr_assert_null(r.term);
}
