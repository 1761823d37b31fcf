/* stats.h - counts per status and per answered entry since start, for
 * `faqbot stats`: kept by the running bot (served on the control socket)
 * or rebuilt from its log.  Thread-safe. */
#ifndef FAQBOT_STATS_H
#define FAQBOT_STATS_H

#include "sbuf.h"

typedef struct stats stats;

/* Caller frees with stats_free(). NULL on OOM. */
stats *stats_new(void);
void stats_free(stats *st);
/* Count one event (entry may be NULL).  0, or -1 on OOM. */
int stats_add(stats *st, const char *status, const char *entry);
/* Count the answer event in one log line (text or JSON lines format).
 * Returns 1 when the line was an answer event, 0 when not, -1 on OOM. */
int stats_add_log_line(stats *st, const char *line);
/* {"total":N,"status":{"answered":N,...},"entries":{"sleep":N,...}}
 * appended to out.  0, or -1 on OOM. */
int stats_json(stats *st, sbuf *out);
/* The same as a small table, most frequent first. */
int stats_text_from_json(const char *json, sbuf *out);

#endif
