/* bench-sys-fts5.c - SQLite FTS5 as a peer: an in-memory table with
 * columns questions, keywords, title, answer (tokenize='porter'), bulk
 * loaded in one transaction then merged ('optimize'); a query is the OR
 * of its quoted words, ranked by bm25(), top 5. */
#include "bench.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FTS_QUERY_MAX 8192

typedef struct fts {
    sqlite3 *db;
    sqlite3_stmt *ins, *sel;
    bench_ids ids;
    char q[FTS_QUERY_MAX];
} fts;

static int fts_exec(fts *h, const char *sql, char *err, size_t len)
{
    char *msg = NULL;
    if (sqlite3_exec(h->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    snprintf(err, len, "sqlite: %s", msg ? msg : "error");
    sqlite3_free(msg);
    return -1;
}

static int fts_add(const bench_doc *d, void *ctx)
{
    fts *h = ctx;
    sqlite3_stmt *s = h->ins;
    if (bench_ids_add(&h->ids, d->id) < 0 ||
        sqlite3_bind_int64(s, 1, (sqlite3_int64)d->ord + 1) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, d->questions, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 3, d->keywords, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 4, d->title, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_bind_text(s, 5, d->answer, -1, SQLITE_STATIC) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void fts_close(void *vh)
{
    fts *h = vh;
    if (!h)
        return;
    sqlite3_finalize(h->ins);
    sqlite3_finalize(h->sel);
    sqlite3_close(h->db);
    bench_ids_free(&h->ids);
    free(h);
}

/* Caller frees with fts_close(). */
static void *fts_open(const char *dir, bench_build *b, char *err, size_t len)
{
    fts *h = calloc(1, sizeof *h);
    double t0 = bench_now(), parse = 0;
    if (!h || sqlite3_open(":memory:", &h->db) != SQLITE_OK) {
        snprintf(err, len, "sqlite: cannot open an in-memory database");
        goto fail;
    }
    if (fts_exec(h, "CREATE VIRTUAL TABLE kb USING fts5(questions, keywords,"
                 " title, answer, tokenize='porter'); BEGIN", err, len) < 0)
        goto fail;
    if (sqlite3_prepare_v2(h->db, "INSERT INTO kb(rowid, questions, keywords,"
                           " title, answer) VALUES(?,?,?,?,?)", -1, &h->ins,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h->db, "SELECT rowid FROM kb WHERE kb MATCH ? "
                           "ORDER BY bm25(kb) LIMIT 5", -1, &h->sel,
                           NULL) != SQLITE_OK) {
        snprintf(err, len, "sqlite: %s", sqlite3_errmsg(h->db));
        goto fail;
    }
    if (bench_corpus_each(dir, fts_add, h, &parse, err, len) < 0 ||
        fts_exec(h, "COMMIT; INSERT INTO kb(kb) VALUES('optimize')", err,
                 len) < 0)
        goto fail;
    b->load_s = bench_now() - t0;
    b->parse_s = parse;
    b->entries = h->ids.n;
    return h;
fail:
    fts_close(h);
    return NULL;
}

static int isalnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* '"w1" OR "w2" ...' into h->q from the words (letters, digits, any
 * non-ASCII byte) of text.  Returns the number of words. */
static size_t fts_build(fts *h, const char *text, size_t len)
{
    size_t o = 0, words = 0, i = 0;
    while (i < len) {
        while (i < len && !(((unsigned char)text[i] & 0x80) ||
                            isalnum_ascii(text[i])))
            i++;
        size_t s = i;
        while (i < len && (((unsigned char)text[i] & 0x80) ||
                           isalnum_ascii(text[i])))
            i++;
        if (i == s)
            break;
        if (o + (i - s) + 8 >= sizeof h->q)
            break;
        if (words++)
            memcpy(h->q + o, " OR ", 4), o += 4;
        h->q[o++] = '"';
        memcpy(h->q + o, text + s, i - s);
        o += i - s;
        h->q[o++] = '"';
    }
    h->q[o] = '\0';
    return words;
}

static const char *fts_query(void *vh, const char *text, size_t len, int *fail,
                             int *declined)
{
    (void)declined;
    fts *h = vh;
    if (fts_build(h, text, len) == 0)
        return NULL;
    sqlite3_stmt *s = h->sel;
    const char *best = NULL;
    if (sqlite3_bind_text(s, 1, h->q, -1, SQLITE_STATIC) != SQLITE_OK) {
        *fail = 1;
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        if (!best && id >= 1 && (size_t)id <= h->ids.n)
            best = h->ids.v[id - 1];
    }
    if (rc != SQLITE_DONE)
        *fail = 1;
    sqlite3_reset(s);
    return best;
}

const bench_sys bench_sys_fts5 = {"fts5", fts_open, fts_query, fts_close};
