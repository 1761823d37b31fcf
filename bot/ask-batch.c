/* ask-batch.c - `faqbot ask --batch`: questions read in big chunks; the
 * complete lines of a chunk answered ASK_ROUND at a time, cut into blocks
 * of ASK_BLOCK lines that workers (the calling thread and jobs - 1 more)
 * take in turn; then each block's JSON lines written in input order (a
 * round's output, about 1 KiB a line, is all that is held).  See ask.h. */
#include "ask.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ASK_BLOCK 8                /* lines a worker takes at once */
#define ASK_ROUND (64 * ASK_BLOCK) /* lines answered before writing */
#define ASK_CHUNK (64 * 1024)      /* bytes read before answering */
#define ASK_MAX_JOBS 64

typedef struct ask_line {
    const char *q;
    size_t len;
} ask_line;

/* Padded to 128 bytes: blocks side by side are written by different
 * workers, and must not share a cache line. */
typedef struct ask_block {
    size_t first, n;       /* lines[first .. first + n) */
    sbuf out;              /* their JSON lines */
    int failed;            /* OOM: out holds the lines before it */
    char pad[128 - 2 * sizeof(size_t) - sizeof(sbuf) - sizeof(int)];
} ask_block;

typedef struct ask_run {
    ask_worker *w[ASK_MAX_JOBS];
    int jobs;
    ask_line *lines;
    size_t n_lines, cap_lines;
    ask_block *blocks;
    size_t n_blocks, cap_blocks;
    atomic_size_t next;    /* the next block to take */
    atomic_int failed;
} ask_run;

typedef struct ask_job {
    ask_run *run;
    ask_worker *w;
} ask_job;

/* Answer blocks until none is left (or one failed). */
static void *ask_job_main(void *arg)
{
    ask_job *j = arg;
    ask_run *r = j->run;
    while (!atomic_load(&r->failed)) {
        size_t b = atomic_fetch_add(&r->next, 1);
        if (b >= r->n_blocks)
            break;
        ask_block *bl = &r->blocks[b];
        sbuf_reset(&bl->out);
        for (size_t i = bl->first; i < bl->first + bl->n && !bl->failed; i++) {
            const ask_line *l = &r->lines[i];
            if (ask_worker_line(j->w, l->q, l->len, 1, &bl->out) < 0) {
                bl->failed = 1;
                atomic_store(&r->failed, 1);
            }
        }
    }
    return NULL;
}

/* Cut lines [start, end) into blocks.  0, -1 on OOM. */
static int ask_make_blocks(ask_run *r, size_t start, size_t end)
{
    size_t n = (end - start + ASK_BLOCK - 1) / ASK_BLOCK;
    if (n > r->cap_blocks) {
        ask_block *b = realloc(r->blocks, n * sizeof *b);
        if (!b)
            return -1;
        for (size_t i = r->cap_blocks; i < n; i++)
            sbuf_init(&b[i].out);
        r->blocks = b;
        r->cap_blocks = n;
    }
    for (size_t i = 0; i < n; i++) {
        size_t first = start + i * ASK_BLOCK;
        r->blocks[i].first = first;
        r->blocks[i].n = end - first < ASK_BLOCK ? end - first : ASK_BLOCK;
        r->blocks[i].failed = 0;
    }
    r->n_blocks = n;
    return 0;
}

/* Answer lines [start, end) on the workers, write the blocks in order. */
static int ask_answer_round(ask_run *r, size_t start, size_t end, FILE *out)
{
    pthread_t th[ASK_MAX_JOBS];
    ask_job job[ASK_MAX_JOBS];
    int started = 0, rc = 0;
    if (ask_make_blocks(r, start, end) < 0)
        return -1;
    atomic_store(&r->next, 0);
    for (int i = 0; i < r->jobs; i++)
        job[i] = (ask_job){r, r->w[i]};
    /* helpers only when there is more than one block for them */
    for (int i = 1; i < r->jobs && (size_t)i < r->n_blocks; i++) {
        if (pthread_create(&th[started], NULL, ask_job_main, &job[i]) != 0)
            break;   /* fewer threads: the others take its blocks */
        started++;
    }
    ask_job_main(&job[0]);
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (size_t b = 0; b < r->n_blocks && rc == 0; b++) {
        const ask_block *bl = &r->blocks[b];
        if (bl->out.len && fwrite(bl->out.s, 1, bl->out.len, out) != bl->out.len)
            rc = -1;
        if (bl->failed)
            rc = -1;
    }
    return rc;
}

/* Answer and write every line of r, then flush. */
static int ask_answer_lines(ask_run *r, FILE *out)
{
    for (size_t at = 0; at < r->n_lines; at += ASK_ROUND) {
        size_t end = r->n_lines - at < ASK_ROUND ? r->n_lines : at + ASK_ROUND;
        if (ask_answer_round(r, at, end, out) < 0)
            return -1;
    }
    return fflush(out) == 0 ? 0 : -1;
}

/* Add the line buf[0..len) ("\r"s stripped; NUL-terminated in place). */
static int ask_add_line(ask_run *r, char *buf, size_t len)
{
    while (len > 0 && buf[len - 1] == '\r')
        len--;
    buf[len] = '\0';
    if (r->n_lines == r->cap_lines) {
        size_t cap = r->cap_lines ? 2 * r->cap_lines : 1024;
        ask_line *l = realloc(r->lines, cap * sizeof *l);
        if (!l)
            return -1;
        r->lines = l;
        r->cap_lines = cap;
    }
    r->lines[r->n_lines++] = (ask_line){buf, len};
    return 0;
}

/* Every complete line of buf[0..len); *used: the bytes they took. */
static int ask_split(ask_run *r, char *buf, size_t len, size_t *used)
{
    size_t at = 0;
    char *nl;
    r->n_lines = 0;
    while (at < len && (nl = memchr(buf + at, '\n', len - at)) != NULL) {
        if (ask_add_line(r, buf + at, (size_t)(nl - (buf + at))) < 0)
            return -1;
        at = (size_t)(nl - buf) + 1;
    }
    *used = at;
    return 0;
}

/* Read into buf[*len .. cap - 1) while input is ready (blocking for the
 * first byte only).  1 at end of input, 0, or -1 on error. */
static int ask_fill(int fd, char *buf, size_t cap, size_t *len)
{
    int first = 1;
    while (*len + 1 < cap) {
        struct pollfd p = {fd, POLLIN, 0};
        if (!first && poll(&p, 1, 0) <= 0)
            return 0;
        ssize_t n = read(fd, buf + *len, cap - 1 - *len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 1;
        *len += (size_t)n;
        first = 0;
    }
    return 0;
}

/* Read, answer and write until the end of input.  buf is r's chunk. */
static int ask_loop(ask_run *r, int fd, FILE *out, char **bufp, size_t *capp)
{
    size_t len = 0, used;
    int eof = 0;
    while (!eof) {
        if (len + 1 >= *capp) {   /* a line longer than the buffer */
            char *b = realloc(*bufp, 2 * *capp);
            if (!b)
                return -1;
            *bufp = b;
            *capp *= 2;
        }
        if ((eof = ask_fill(fd, *bufp, *capp, &len)) < 0)
            return -1;
        if (ask_split(r, *bufp, len, &used) < 0)
            return -1;
        if (eof && used < len) {  /* the last line, without "\n" */
            if (ask_add_line(r, *bufp + used, len - used) < 0)
                return -1;
            used = len;
        }
        if (r->n_lines && ask_answer_lines(r, out) < 0)
            return -1;
        memmove(*bufp, *bufp + used, len - used);
        len -= used;
    }
    return 0;
}

int ask_batch(const kb *k, const router_env *env, int fd, FILE *out,
              const ask_batch_opts *o)
{
    ask_run r;
    size_t cap = ASK_CHUNK;
    char *buf = malloc(cap);
    int rc = -1;
    memset(&r, 0, sizeof r);
    r.jobs = o->jobs < 1 ? 1 : o->jobs > ASK_MAX_JOBS ? ASK_MAX_JOBS : o->jobs;
    if (!buf)
        goto done;
    for (int i = 0; i < r.jobs; i++) {
        if (!(r.w[i] = ask_worker_new(k, env, o->cache)))
            goto done;
    }
    rc = ask_loop(&r, fd, out, &buf, &cap);
done:
    for (int i = 0; i < r.jobs; i++)
        ask_worker_free(r.w[i]);
    for (size_t i = 0; i < r.cap_blocks; i++)
        sbuf_free(&r.blocks[i].out);
    free(r.blocks);
    free(r.lines);
    free(buf);
    return rc;
}
