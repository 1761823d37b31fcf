/* kbhold.c - refcounted current knowledge base, see kbhold.h. */
#include "kbhold.h"

#include <stdlib.h>

static kb_ref *ref_new(kb *k)
{
    kb_ref *r = malloc(sizeof *r);
    if (!r) {
        kb_free(k);
        return NULL;
    }
    r->k = k;
    r->refs = 1;
    return r;
}

/* Caller holds the lock; returns the ref to free outside it, or NULL. */
static kb_ref *ref_drop_locked(kb_ref *r)
{
    return --r->refs == 0 ? r : NULL;
}

static void ref_free(kb_ref *r)
{
    if (r) {
        kb_free(r->k);
        free(r);
    }
}

int kbhold_init(kbhold *h, kb *k)
{
    pthread_mutex_init(&h->lock, NULL);
    h->cur = ref_new(k);
    return h->cur ? 0 : -1;
}

void kbhold_destroy(kbhold *h)
{
    pthread_mutex_lock(&h->lock);
    kb_ref *dead = h->cur ? ref_drop_locked(h->cur) : NULL;
    h->cur = NULL;
    pthread_mutex_unlock(&h->lock);
    ref_free(dead);
    pthread_mutex_destroy(&h->lock);
}

const kb *kbhold_acquire(kbhold *h, kb_ref **ref)
{
    pthread_mutex_lock(&h->lock);
    *ref = h->cur;
    h->cur->refs++;
    pthread_mutex_unlock(&h->lock);
    return (*ref)->k;
}

void kbhold_release(kbhold *h, kb_ref *ref)
{
    pthread_mutex_lock(&h->lock);
    kb_ref *dead = ref_drop_locked(ref);
    pthread_mutex_unlock(&h->lock);
    ref_free(dead);
}

int kbhold_swap(kbhold *h, kb *k)
{
    kb_ref *r = ref_new(k);
    if (!r)
        return -1;
    pthread_mutex_lock(&h->lock);
    kb_ref *old = h->cur;
    h->cur = r;
    kb_ref *dead = old ? ref_drop_locked(old) : NULL;
    pthread_mutex_unlock(&h->lock);
    ref_free(dead);
    return 0;
}
