/* gaps.c - the knowledge-gap log writer, see gaps.h. */
#include "gaps.h"

#include "log.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The log stops growing here (one warning): gaps are for reading, and a
 * flood of nonsense must not fill the disk. */
#define GAPS_MAX_BYTES (64L << 20)

struct gaps {
    int fd;
    atomic_int full;   /* warned that the cap was reached (any thread) */
};

gaps *gaps_open(const char *file)
{
    gaps *g = malloc(sizeof *g);
    if (!g)
        return NULL;
    if (paths_mkdirs_for(file, 0700) < 0)
        log_msg(LOG_WARN, "gaps", "cannot create the directory of %s: %s", file,
                strerror(errno));
    atomic_init(&g->full, 0);
    g->fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (g->fd < 0) {
        log_msg(LOG_ERROR, "gaps", "cannot open the gap log %s: %s", file,
                strerror(errno));
        free(g);
        return NULL;
    }
    return g;
}

void gaps_close(gaps *g)
{
    if (!g)
        return;
    close(g->fd);
    free(g);
}

/* The line for one question; caller frees with free(). */
static char *gaps_line(const char *status, const char *text,
                       const char *const *sugg, size_t n)
{
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, json_string(sugg[i])) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    json_t *o = arr ? json_pack("{s:s, s:s, s:s, s:o}", "ts", ts, "status", status, "q",
                                text, "suggestions", arr) : NULL;
    char *line = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!line)
        return NULL;
    size_t len = strlen(line);
    char *nl = realloc(line, len + 2);
    if (!nl) {
        free(line);
        return NULL;
    }
    nl[len] = '\n';
    nl[len + 1] = '\0';
    return nl;
}

int gaps_log(gaps *g, const char *status, const char *text,
             const char *const *sugg, size_t n)
{
    struct stat st;
    if (!g)
        return 0;
    if (fstat(g->fd, &st) == 0 && st.st_size >= GAPS_MAX_BYTES) {
        if (!atomic_exchange(&g->full, 1))
            log_msg(LOG_WARN, "gaps", "the gap log reached %ld MiB; no more "
                    "questions are logged until it is emptied or rotated",
                    GAPS_MAX_BYTES >> 20);
        return 0;
    }
    char *line = gaps_line(status, text, sugg, n);
    if (!line)
        return -1;
    size_t len = strlen(line);
    ssize_t w = write(g->fd, line, len);
    free(line);
    if (w != (ssize_t)len) {
        log_msg(LOG_WARN, "gaps", "gap log write failed: %s",
                w < 0 ? strerror(errno) : "short write");
        return -1;
    }
    return 0;
}
