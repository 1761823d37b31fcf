/* scaffold.c - entry and source skeletons, see scaffold.h. */
#include "scaffold.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

json_t *scaffold_entry(const char *id, const char *title, const char *source,
                       const char *section, const char *source_text)
{
    json_t *e = json_pack("{s:s, s:s, s:[], s:[], s:s, s:[{s:s, s:s}], s:[]}",
                          "id", id, "title", title, "questions", "keywords",
                          "answer", "", "citations", "source", source,
                          "section", section, "related");
    if (e && source_text &&
        json_object_set_new(e, "source_text", json_string(source_text)) < 0) {
        json_decref(e);
        return NULL;
    }
    return e;
}

json_t *scaffold_source(const char *id, const import_doc *doc,
                        const char *language)
{
    json_t *secs = json_array();
    for (size_t i = 0; secs && i < doc->n_sections; i++)
        if (json_array_append_new(secs, json_string(doc->sections[i].heading)) < 0) {
            json_decref(secs);
            secs = NULL;
        }
    if (!secs)
        return NULL;
    return json_pack("{s:s, s:s, s:n, s:s, s:o}", "id", id, "title",
                     doc->title ? doc->title : id, "url", "language", language,
                     "sections", secs);
}

int scaffold_write(const char *path, json_t *j, int force, char *err,
                   size_t errlen)
{
    char tmp[PATH_MAX];
    if (!force && access(path, F_OK) == 0) {
        snprintf(err, errlen, "%s exists (use --force to overwrite)", path);
        return -1;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    int fd = text ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
    size_t n = text ? strlen(text) : 0;
    int ok = fd >= 0 && write(fd, text, n) == (ssize_t)n &&
             write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) < 0)
        ok = 0;
    if (ok && rename(tmp, path) < 0)
        ok = 0;
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, text ? strerror(errno) : "out of memory");
        if (fd >= 0)
            unlink(tmp);
    }
    free(text);
    return ok ? 0 : -1;
}
