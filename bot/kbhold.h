/* kbhold.h - the current knowledge base, shared read-only by every
 * connector thread and swapped whole on reload.  A reader takes a
 * reference for the duration of one message; the old kb is freed when its
 * last reader lets go. */
#ifndef FAQBOT_KBHOLD_H
#define FAQBOT_KBHOLD_H

#include "kb.h"

#include <pthread.h>

typedef struct kb_ref {
    kb *k;
    int refs;         /* readers + 1 while current */
} kb_ref;

typedef struct kbhold {
    pthread_mutex_t lock;
    kb_ref *cur;
} kbhold;

/* Takes ownership of k.  0, or -1 on OOM (k is freed). */
int kbhold_init(kbhold *h, kb *k);
void kbhold_destroy(kbhold *h);
const kb *kbhold_acquire(kbhold *h, kb_ref **ref);
void kbhold_release(kbhold *h, kb_ref *ref);
/* Make k current (takes ownership).  0, or -1 on OOM (k is freed). */
int kbhold_swap(kbhold *h, kb *k);

#endif
