/*
 * kb-offtopic.c - knowledge/offtopic.txt (optional): one phrase a line,
 * '#' comments.  A question containing one of them ("tummy time", "for
 * adults") is outside what the knowledge base covers and gets no answer,
 * however well its other words match.  Phrases are compared like triage
 * phrases: folded, stemmed, stopwords kept, synonyms applied.  A long
 * message that names such a subject in passing may still be answered
 * (kb-match.c, offtopic_words), except for a phrase written with a
 * leading '!' ("!ignore previous instructions"): those decline always.
 */
#include "kb-impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFTOPIC_MAX 4096

/* Compile one line into the next phrase slot of its group ('!': the
 * hard one); 1 when it has no words. */
static int offtopic_line(kb *k, const char *line, kb_lexout *lx)
{
    kb_tgroup *g = line[0] == '!' ? &k->offtopic_hard : &k->offtopic;
    line += line[0] == '!';
    if (kb_lex_run(k, k->stem, line, strlen(line),
                   KB_LEX_INTERN | KB_LEX_KEEPSTOP | KB_LEX_SYN, (size_t)-1,
                   lx) < 0)
        return -1;
    if (lx->terms.n == 0)
        return 1;
    kb_phrase *p = &g->phrases[g->n];
    p->n = (uint32_t)lx->terms.n;
    p->terms = kb_arena_alloc(&k->arena, p->n * sizeof *p->terms);
    if (!p->terms)
        return -1;
    memcpy(p->terms, lx->terms.v, p->n * sizeof *p->terms);
    g->n++;
    return 0;
}

static int offtopic_read(kb *k, FILE *f, const char *path, kb_diag *d)
{
    kb_lexout lx = {0};
    char line[512];
    int rc = 0, lineno = 0;
    while (rc >= 0 && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        if (strspn(line, " \t\r\n") == strlen(line))
            continue;
        if (k->offtopic.n + k->offtopic_hard.n == OFFTOPIC_MAX) {
            kb_diag_add(d, KB_ERROR, path, lineno, NULL, "more than %d "
                        "phrases", OFFTOPIC_MAX);
            break;
        }
        rc = offtopic_line(k, line, &lx);
        if (rc == 1 && kb_diag_add(d, KB_WARNING, path, lineno, NULL,
                                   "phrase has no words (ignored)") < 0)
            rc = -1;
    }
    if (rc >= 0 && ferror(f))
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "read error");
    kb_lexout_free(&lx);
    return rc < 0 ? -1 : 0;
}

int kb_offtopic_load(kb *k, const char *dir, kb_diag *d)
{
    char path[4096];
    FILE *f;
    if (kb_open_optional(dir, "offtopic.txt", path, sizeof path, &f, d))
        return 0;   /* absent, or reported */
    k->offtopic.phrases = kb_arena_alloc(&k->arena, OFFTOPIC_MAX *
                                         sizeof *k->offtopic.phrases);
    k->offtopic_hard.phrases = kb_arena_alloc(&k->arena, OFFTOPIC_MAX *
                                         sizeof *k->offtopic.phrases);
    int rc = k->offtopic.phrases && k->offtopic_hard.phrases
                 ? offtopic_read(k, f, path, d) : -1;
    fclose(f);
    return rc;
}

int kb_offtopic_any(const kb *k)
{
    return k->offtopic.n + k->offtopic_hard.n > 0;
}

int kb_offtopic_hit(const kb *k, const kb_scratch *s)
{
    if (k->offtopic_hard.n > 0 && s->ghit[k->offtopic_hard.gid])
        return 2;
    return k->offtopic.n > 0 && s->ghit[k->offtopic.gid];
}

int kb_offtopic(const kb *k, kb_scratch *s, const char *text, size_t len)
{
    if (!kb_offtopic_any(k) || kb_triage_scan(k, s, text, len) < 0)
        return 0;
    return kb_offtopic_hit(k, s);
}
