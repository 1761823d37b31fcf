/*
 * kb-load-text.c - kb_entry_text(): an entry's answer or one of its
 * questions, from memory, or, for a kb loaded with KB_LOAD_LAZY_TEXT,
 * read back from its entries file: the entry's object is at the span the
 * loader recorded (kb_span), parsed alone and checked to be the same
 * entry (same id).  The path is the one the kb was loaded with, so a
 * process that changes directory after loading a relative path cannot
 * read it back.
 */
#include "kb-impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* s[0..n) into buf, cut to fit and NUL-terminated; returns n. */
static long text_out(const char *s, size_t n, char *buf, size_t size)
{
    if (size > 0) {
        size_t m = n < size - 1 ? n : size - 1;
        memcpy(buf, s, m);
        buf[m] = '\0';
    }
    return (long)n;
}

/* The bytes of span sp of path, in a buffer the caller frees; NULL if the
 * file cannot be read or is shorter. */
static char *span_read(const char *path, const kb_span *sp, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    size_t n = sp->len;
    if (fstat(fd, &st) < 0)
        goto done;
    if (sp->len == KB_SPAN_FILE)
        n = (size_t)st.st_size;
    if ((uint64_t)st.st_size < sp->off + n || !(buf = malloc(n + 1)))
        goto done;
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)(sp->off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            free(buf);
            buf = NULL;
            goto done;
        }
        got += (size_t)r;
    }
    *len = n;
done:
    close(fd);
    return buf;
}

/* The field of the entry object read back from e's file. */
static long text_from_file(const kb *k, const kb_entry *e, int field,
                           size_t i, char *buf, size_t size)
{
    const kb_span *sp = &k->entry_src[e - k->entries];
    size_t len = 0;
    char *raw = span_read(e->file, sp, &len);
    if (!raw)
        return -1;
    json_error_t err;
    json_t *obj = json_loadb(raw, len, 0, &err);
    free(raw);
    const char *id = json_string_value(json_object_get(obj, "id"));
    json_t *v = NULL;
    if (id && strcmp(id, e->id) == 0)
        v = field == KB_TEXT_ANSWER ? json_object_get(obj, "answer") :
            json_array_get(json_object_get(obj, "questions"), i);
    long rc = json_is_string(v) ?
              text_out(json_string_value(v), json_string_length(v), buf,
                       size) : -1;
    json_decref(obj);
    return rc;
}

long kb_entry_text(const kb *k, const kb_entry *e, int field, size_t i,
                   char *buf, size_t size)
{
    if (!k || !e || e < k->entries || e >= k->entries + k->n_entries ||
        (field != KB_TEXT_ANSWER && field != KB_TEXT_QUESTION) ||
        (field == KB_TEXT_QUESTION && i >= e->n_questions))
        return -1;
    const char *s = field == KB_TEXT_ANSWER ? e->answer :
                    e->questions ? e->questions[i] : NULL;
    if (s)
        return text_out(s, strlen(s), buf, size);
    if (!k->entry_src || !k->entry_src[e - k->entries].len)
        return -1;
    return text_from_file(k, e, field, i, buf, size);
}
