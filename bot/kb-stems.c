/*
 * kb-stems.c - knowledge/stems.txt (optional): words the stemmer would
 * merge with unrelated ones ("affection" -> "affect").  Each line is
 * "word [more words]": every word on it is read as the first word,
 * unstemmed, wherever it appears (entries, synonyms, triage, questions).
 * The words go into the token cache before anything is lexed, so a
 * listed word costs nothing at query time.
 */
#include "kb-impl.h"

#include <errno.h>
#include <stdio.h>
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

/* One line (comment cut off); -1 on OOM. */
static int stems_line(kb *k, const char *line, const char *path,
                      int no, kb_diag *d)
{
    stems_ctx c = {k, d, path, no, 0, 0};
    return kb_text_tokenize(line, strlen(line), (size_t)-1, stems_cb, &c);
}

/* dir/stems.txt, when present.  0, -1 on error (reported in d). */
int kb_stems_load(kb *k, const char *dir, kb_diag *d)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/stems.txt", dir);
    if (n < 0 || (size_t)n >= sizeof path)
        return kb_diag_add(d, KB_ERROR, dir, 0, NULL, "path too long"), -1;
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "cannot open: %s",
                    strerror(errno));
        return -1;
    }
    char line[512];
    int rc = 0;
    int no = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = stems_line(k, line, path, ++no, d);
    }
    if (rc == 0 && ferror(f)) {
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "read error");
        rc = -1;
    }
    fclose(f);
    return rc;
}
