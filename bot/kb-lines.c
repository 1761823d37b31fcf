/*
 * kb-lines.c - the optional files of a knowledge directory: opening one
 * (offtopic.txt, triage-model.tsv too), and reading a line file
 * (stopwords.txt, stems.txt): one item a line, '#' starts a comment.
 */
#include "kb-impl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int kb_open_optional(const char *dir, const char *name, char *path,
                     size_t cap, FILE **f, kb_diag *d)
{
    int n = snprintf(path, cap, "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= cap)
        return kb_diag_add(d, KB_ERROR, dir, 0, NULL, "path too long"), -1;
    *f = fopen(path, "r");
    if (*f)
        return 0;
    if (errno == ENOENT)
        return 1;
    kb_diag_add(d, KB_ERROR, path, 0, NULL, "cannot open: %s",
                strerror(errno));
    return -1;
}

int kb_lines_read(const char *dir, const char *name, kb_diag *d,
                  kb_line_fn fn, void *ctx)
{
    char path[4096], line[512];
    FILE *f;
    int rc = kb_open_optional(dir, name, path, sizeof path, &f, d), no = 0;
    if (rc != 0)
        return rc;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        rc = fn(ctx, line, path, ++no);
    }
    if (rc == 0 && ferror(f)) {
        kb_diag_add(d, KB_ERROR, path, 0, NULL, "read error");
        rc = -1;
    }
    fclose(f);
    return rc < 0 ? -1 : 0;
}
