/* The index build gives memory back as it goes (kb-index-recs.c,
 * kb-index-post.c: the records' and the frequency codes' pages, the
 * codes chunk by chunk); no page may be given back twice.  Once
 * unmapped, its addresses may already be another mapping's: the typo
 * index's, made beside the postings by the second thread, was unmapped
 * under it that way (a crash of test-kb-topk under load; fixed by
 * ix_impacts_rest).  The engine's mmap, mremap and munmap are wrapped
 * (-Wl,--wrap, tests/kb/CMakeLists.txt): each range it unmaps is
 * recorded until it maps those addresses again, and a second unmap of
 * a recorded page is counted. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kb-index.h"

#define MAX_GONE 65536

typedef struct span {
    uintptr_t lo, hi;
} span;

static span gone[MAX_GONE];
static size_t n_gone, n_unmaps, n_twice;

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off);
void *__real_mremap(void *old, size_t old_len, size_t new_len, int flags,
                    ...);
int __real_munmap(void *addr, size_t len);

static uintptr_t page_up(uintptr_t x)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    return (x + pg - 1) / pg * pg;
}

/* [lo, hi) mapped again: no longer recorded as given back. */
static void remapped(uintptr_t lo, uintptr_t hi)
{
    for (size_t i = 0; i < n_gone;) {
        if (gone[i].lo < hi && lo < gone[i].hi)
            gone[i] = gone[--n_gone];
        else
            i++;
    }
}

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd,
                  off_t off)
{
    void *p = __real_mmap(addr, len, prot, flags, fd, off);
    if (p != MAP_FAILED)
        remapped((uintptr_t)p, page_up((uintptr_t)p + len));
    return p;
}

void *__wrap_mremap(void *old, size_t old_len, size_t new_len, int flags,
                    ...)
{
    void *p;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        void *to = va_arg(ap, void *);
        va_end(ap);
        p = __real_mremap(old, old_len, new_len, flags, to);
    } else {
        p = __real_mremap(old, old_len, new_len, flags);
    }
    if (p != MAP_FAILED)
        remapped((uintptr_t)p, page_up((uintptr_t)p + new_len));
    return p;
}

int __wrap_munmap(void *addr, size_t len)
{
    uintptr_t lo = (uintptr_t)addr, hi = page_up(lo + len);
    n_unmaps++;
    for (size_t i = 0; i < n_gone; i++)
        n_twice += gone[i].lo < hi && lo < gone[i].hi;
    if (n_gone < MAX_GONE)
        gone[n_gone++] = (span){lo, hi};
    return __real_munmap(addr, len);
}

static char dir[] = "/tmp/faqbot-unmap-XXXXXX";

/* A kb big enough for the codes to be given back in chunks. */
static void make_kb(void)
{
    char cmd[256];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "python3 tests/kb/bench/gen-synthetic.py %s "
             "3000 7 >/dev/null", dir);
    cr_assert_eq(system(cmd), 0);
}

static void remove_kb(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Load and free dir with the build's switches set: no page unmapped
 * twice, and some given back during the build (the check is live). */
static void load_once(int in_line, size_t par_min)
{
    int keep_inline = kb_index_inline;
    size_t keep_min = kb_index_par_min;
    kb_index_inline = in_line;
    kb_index_par_min = par_min;
    n_gone = n_unmaps = n_twice = 0;
    kb *k = kb_load(dir, NULL);
    size_t during = n_unmaps;
    kb_free(k);
    kb_index_inline = keep_inline;
    kb_index_par_min = keep_min;
    cr_assert_not_null(k);
    cr_assert_gt(during, 16, "only %zu unmaps while loading", during);
    cr_assert_eq(n_twice, 0, "%zu unmaps of a range given back already "
                 "(in_line %d, par_min %zu)", n_twice, in_line, par_min);
}

Test(kb_unmap, no_page_given_back_twice, .init = make_kb, .fini = remove_kb)
{
    load_once(1, 0);             /* in line, the codes in 16 chunks */
    load_once(0, 0);             /* the chunks shared with a thread */
    load_once(1, (size_t)-1);    /* one chunk */
    load_once(0, kb_index_par_min);   /* as the bot runs */
}
