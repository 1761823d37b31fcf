/*
 * kb-stems.c - knowledge/stems.txt (optional): words the stemmer would
 * merge with unrelated ones ("affection" -> "affect").  Each line is
 * "word [more words]": every word on it is read as the first word,
 * unstemmed, wherever it appears (entries, synonyms, triage, questions).
 * The words go into the token cache before anything is lexed, so a
 * listed word costs nothing at query time.
 */
#include "kb-impl.h"

#include <string.h>

typedef struct stems_ctx {
    kb *k;
    kb_diag *d;
    const char *path;
    int line;
    uint32_t term;         /* the line's term once its first word is in */
    int have;
} stems_ctx;

static int stems_cb(const char *tok, size_t len, void *vctx)
{
    stems_ctx *c = vctx;
    uint32_t old;
    if (kb_map_find(&c->k->tokens, tok, len, &old) &&
        kb_diag_add(c->d, KB_WARNING, c->path, c->line, NULL, "\"%.*s\" "
                    "is listed twice: the last line wins", (int)len, tok) < 0)
        return -1;
    if (!c->have) {
        if (kb_lex_intern(c->k, tok, len, &c->term) < 0)
            return -1;
        c->have = 1;
    }
    return kb_map_put(&c->k->tokens, tok, len, c->term, NULL);
}

typedef struct stems_file {
    kb *k;
    kb_diag *d;
} stems_file;

/* One line (comment cut off); -1 on OOM. */
static int stems_line(void *vctx, char *line, const char *path, int no)
{
    stems_file *sf = vctx;
    stems_ctx c = {sf->k, sf->d, path, no, 0, 0};
    return kb_text_tokenize(line, strlen(line), (size_t)-1, stems_cb, &c);
}

/* dir/stems.txt, when present.  0, -1 on error (reported in d). */
int kb_stems_load(kb *k, const char *dir, kb_diag *d)
{
    stems_file sf = {k, d};
    return kb_lines_read(dir, "stems.txt", d, stems_line, &sf) < 0 ? -1 : 0;
}
