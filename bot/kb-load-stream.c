/*
 * kb-load-stream.c - an entries file of the form {"entries": [ {...},
 * ... ]} read one entry at a time: the file is mapped, each entry is
 * parsed on its own (JSON_DISABLE_EOF_CHECK), validated, copied into the
 * kb and its JSON tree freed, and the pages already read are handed back.
 * A 100 MB file therefore never has its whole jansson tree (several times
 * its size) nor its whole text resident.  Any other shape is left to the
 * whole-file parser (kb-load-entry.c).  Syntax errors are reported with
 * the line in the whole file, like the whole-file parser does.
 */
#include "kb-impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes read between two hand-backs of the pages behind the parser. */
#define STREAM_RELEASE (8u << 20)

typedef struct stream {
    const char *buf;
    size_t len, pos, released;
    int line;              /* 1-based line of buf[pos] */
    size_t page;
} stream;

static void skip_ws(stream *s)
{
    while (s->pos < s->len) {
        char c = s->buf[s->pos];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            break;
        s->line += c == '\n';
        s->pos++;
    }
}

/* Consume the literal lit (after white space); 1 if it was there. */
static int accept(stream *s, const char *lit)
{
    size_t n = strlen(lit);
    skip_ws(s);
    if (s->len - s->pos < n || memcmp(s->buf + s->pos, lit, n) != 0)
        return 0;
    s->pos += n;
    return 1;
}

/* Move to pos + n, counting lines; hand back whole pages behind. */
static void advance(stream *s, size_t n)
{
    const char *p = s->buf + s->pos, *end = p + n;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        s->line++;
        p++;
    }
    s->pos += n;
    if (s->pos - s->released >= STREAM_RELEASE) {
        size_t upto = s->pos / s->page * s->page;
        /* read-only private file mapping: dropped pages would simply be
         * read again from the file; the result is not needed */
        (void)madvise((char *)s->buf + s->released, upto - s->released,
                      MADV_DONTNEED);
        s->released = upto;
    }
}

static int syntax(stream *s, const char *path, int line, const char *msg,
                  kb_diag *d)
{
    return kb_diag_add(d, KB_ERROR, path, line, NULL, "%s", msg) < 0 ? -1 : 1;
}

/* One array element at s->pos: parsed, validated, appended.  1 on a
 * syntax error (reported), 0 on success, -1 on OOM. */
static int stream_one(kb *k, stream *s, const char *path, size_t i,
                      kb_diag *d)
{
    json_error_t err;
    skip_ws(s);
    json_t *e = json_loadb(s->buf + s->pos, s->len - s->pos,
                           JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY |
                           JSON_REJECT_DUPLICATES, &err);
    if (!e)
        return syntax(s, path, s->line + (err.line > 0 ? err.line - 1 : 0),
                      err.text, d);
    if (err.position < 0 || (size_t)err.position > s->len - s->pos) {
        json_decref(e);
        return syntax(s, path, s->line, "unreadable entry", d);
    }
    size_t at = s->pos;
    advance(s, (size_t)err.position);
    char label[32];
    const char *id = json_string_value(json_object_get(e, "id"));
    snprintf(label, sizeof label, "entries[%zu]", i);
    if ((size_t)err.position < KB_SPAN_FILE)   /* where it is, for lazy text */
        k->cur_src = (kb_span){at, (uint32_t)err.position, 0};
    int rc = kb_load_entry(k, e, path, id ? id : label, d);
    k->cur_src = (kb_span){0};
    json_decref(e);
    return rc < 0 ? -1 : 0;
}

/* What follows the array: "}" and the end, or more keys (ignored, as by
 * the whole-file reader; parsed behind a stand-in "entries" key so that a
 * second one is jansson's own duplicate-key error). */
static int stream_tail(stream *s, const char *path, kb_diag *d)
{
    static const char head[] = "{\"entries\": 0,";
    if (accept(s, "}")) {
        skip_ws(s);
        return s->pos == s->len ? 0 :
               syntax(s, path, s->line, "end of file expected", d);
    }
    if (!accept(s, ","))
        return syntax(s, path, s->line, "'}' or ',' expected", d);
    size_t h = sizeof head - 1, n = s->len - s->pos;
    char *rest = malloc(h + n);
    if (!rest)
        return -1;
    memcpy(rest, head, h);
    memcpy(rest + h, s->buf + s->pos, n);
    json_error_t err;
    json_t *o = json_loadb(rest, h + n, JSON_REJECT_DUPLICATES, &err);
    free(rest);
    int rc = 0;
    if (!o)
        rc = syntax(s, path, s->line + (err.line > 0 ? err.line - 1 : 0),
                    err.text, d);
    json_decref(o);
    return rc;
}

/* The elements of the array, then its end.  0, 1 (syntax error, in d),
 * -1 on OOM. */
static int stream_array(kb *k, stream *s, const char *path, kb_diag *d)
{
    if (accept(s, "]"))
        return stream_tail(s, path, d);
    for (size_t i = 0;; i++) {
        int rc = stream_one(k, s, path, i, d);
        if (rc != 0)
            return rc;
        if (accept(s, ","))
            continue;
        if (accept(s, "]"))
            return stream_tail(s, path, d);
        return syntax(s, path, s->line, "',' or ']' expected", d);
    }
}

/* Read path entry by entry if it is {"entries": [...]}.  Returns 1 when
 * it was (problems are in d), 0 when the file has another shape or
 * cannot be mapped (the caller reads it whole), -1 on OOM. */
int kb_load_stream(kb *k, const char *path, kb_diag *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    void *map = MAP_FAILED;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
        map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return 0;
    long page = sysconf(_SC_PAGESIZE);
    stream s = {map, (size_t)st.st_size, 0, 0, 1,
                page > 0 ? (size_t)page : 4096};
    int rc = 0;
    if (accept(&s, "{") && accept(&s, "\"entries\"") && accept(&s, ":") &&
        accept(&s, "[")) {
        (void)madvise(map, s.len, MADV_SEQUENTIAL);
        rc = stream_array(k, &s, path, d) < 0 ? -1 : 1;
    }
    munmap(map, s.len);
    return rc;
}
