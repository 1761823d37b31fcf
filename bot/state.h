/* state.h - a small persisted key-value store per plugin instance:
 * <dir>/<instance>.json = {"version":1,"data":{"key":"value",...}}.
 * Every set rewrites the file atomically (temp file, fsync, rename, fsync
 * of the directory), so a crash leaves the old or the new store, never a
 * torn one.  A corrupt or truncated file is reported, kept aside as
 * <file>.corrupt, and the store starts empty.  Thread-safe. */
#ifndef FAQBOT_STATE_H
#define FAQBOT_STATE_H

typedef struct state_store state_store;

/* Open (creating dir, mode 0700, if needed).  Returns NULL and logs why
 * on failure.  Caller closes with state_close(). */
state_store *state_open(const char *dir, const char *instance);
void state_close(state_store *st);
/* A copy of the value (caller frees with free()), or NULL if unset. */
char *state_get(state_store *st, const char *key);
/* Set (value NULL: delete) and persist.  0, or -1 (logged). */
int state_set(state_store *st, const char *key, const char *value);

#endif
