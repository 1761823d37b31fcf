/* kb-index-recs.c: the index build's packed records give back every
 * frequency exactly, those over 14 and those met once every code is
 * taken (kept aside) included, read in order; narrowed term ids read
 * back (the maps are tested in test-kb-map.c). */
#include <criterion/criterion.h>
#include <stdio.h>
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

/* ix_recs_release gives whole pages of the records read so far back a
 * step (1 MB) at a time; the records after them still read back, and
 * the records can no longer grow. */
Test(kb_index_recs, released_records_leave_the_rest_intact)
{
    const size_t total = 1200000;      /* 4.8 MB of terms, 1.2 MB of codes */
    ix_recs r = {0};
    ix_rec batch[100];
    for (size_t i = 0; i < total; i += 100) {
        for (size_t j = 0; j < 100; j++) {
            batch[j].term = (uint32_t)(i + j) * 7u;
            memset(batch[j].tf, 0, sizeof batch[j].tf);
            batch[j].tf[(i + j) % KB_NFIELDS] = (uint8_t)((i + j) % 15);
        }
        cr_assert_eq(ix_recs_push(&r, batch, 100), 0);
    }
    ix_recs_release(&r, 100000);       /* 400 kB of terms: under a step */
    cr_assert_eq(r.gone_term, 0);
    ix_recs_release(&r, 600000);       /* 2.4 MB of terms, 600 kB of codes */
    cr_assert_eq(r.gone_term % 4096, 0);
    cr_assert_geq(r.gone_term, (size_t)2 << 20);
    cr_assert_leq(r.gone_term, 600000 * sizeof *r.term);
    cr_assert_eq(r.gone_tf, 0);
    ix_recs_release(&r, 1150000);      /* 1.15 MB of codes */
    cr_assert_eq(r.gone_tf, 1150000 / 4096 * 4096);
    size_t at = 0;
    for (size_t i = 1150000; i < total; i++) {
        uint8_t tf[KB_NFIELDS];
        ix_recs_tf(&r, i, &at, tf);
        cr_assert_eq(r.term[i], (uint32_t)i * 7u);
        cr_assert_eq(tf[i % KB_NFIELDS], i % 15, "record %zu", i);
    }
    cr_assert_eq(ix_recs_reserve(&r, r.cap + 1), -1);
    ix_recs_free(&r);
    cr_assert_null(r.term);
}

/* Frequency set number i of 15^4 (each field under 15: a code). */
static void nth_set(size_t i, uint8_t tf[KB_NFIELDS])
{
    for (int f = 0; f < KB_NFIELDS; f++, i /= 15)
        tf[f] = (uint8_t)(i % 15);
}

/* 255 codes go to the first 255 distinct sets in the order met; the sets
 * met later are kept aside whole, and every record reads back. */
Test(kb_index_recs, sets_past_the_last_code_read_back_exactly)
{
    const size_t nset = 400, n = 3 * nset;
    ix_recs r = {0};
    for (size_t i = 0; i < n; i++) {
        ix_rec x = {(uint32_t)i, {0}};
        nth_set((i * 7) % nset, x.tf);         /* each set three times */
        cr_assert_eq(ix_recs_push(&r, &x, 1), 0);
    }
    cr_assert_eq(r.n_dict, IX_CODES);
    cr_assert_eq(r.n_big, 3 * (nset - IX_CODES));
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t tf[KB_NFIELDS], want[KB_NFIELDS];
        nth_set((i * 7) % nset, want);
        ix_recs_tf(&r, i, &at, tf);
        cr_assert_eq(memcmp(tf, want, KB_NFIELDS), 0, "record %zu", i);
        /* set (i * 7) % nset is first met at record i % nset */
        cr_assert_eq(r.tf[i] == IX_CODE_BIG, i % nset >= IX_CODES,
                     "record %zu", i);
    }
    ix_recs_free(&r);
}

/* ix_recs_narrow stores the term ids in 3 bytes in place: every record
 * reads back, the pages past the narrowed ids are given back, released
 * records count 3 bytes each; over 2^24 terms they stay 4 bytes. */
Test(kb_index_recs, narrowed_terms_read_back_and_release_by_three_bytes)
{
    const size_t total = 1000000;
    ix_recs r = {0}, w = {0};
    for (size_t i = 0; i < total; i++) {
        ix_rec x = {(uint32_t)((i * 2654435761u) & 0xffffffu), {1, 0, 0, 2}};
        cr_assert_eq(ix_recs_push(&r, &x, 1), 0);
        cr_assert_eq(ix_recs_push(&w, &x, 1), 0);
    }
    size_t mapped = r.len_term;
    ix_recs_narrow(&r, 1u << 24);
    ix_recs_narrow(&w, (1u << 24) + 1);
    cr_assert_eq(r.narrow, 1);
    cr_assert_eq(w.narrow, 0);
    cr_assert_eq(r.len_term, (3 * total + 4095) / 4096 * 4096);
    cr_assert_lt(r.len_term, mapped);
    cr_assert_eq(ix_recs_reserve(&r, r.cap + 1), -1);
    ix_recs_release(&r, 400000);       /* 1.2 MB of narrowed ids */
    cr_assert_eq(r.gone_term, 400000 * 3 / 4096 * 4096);
    size_t at = 0;
    for (size_t i = 400000; i < total; i++) {
        uint32_t want = (uint32_t)((i * 2654435761u) & 0xffffffu);
        uint8_t tf[KB_NFIELDS];
        cr_assert_eq(ix_recs_term(&r, i), want, "record %zu", i);
        cr_assert_eq(ix_recs_term(&w, i), want, "record %zu", i);
        ix_recs_tf(&r, i, &at, tf);
        cr_assert_eq(tf[0], 1);
        cr_assert_eq(tf[3], 2);
    }
    ix_recs_free(&r);
    ix_recs_free(&w);
}
