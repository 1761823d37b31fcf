/* reply.h - turning a routed answer into text: citations, the
 * not-medical-advice line, plain-text rendering of a faqbot_reply. */
#ifndef FAQBOT_REPLY_H
#define FAQBOT_REPLY_H

#include "faqbot/plugin.h"
#include "kb.h"
#include "sbuf.h"

#define REPLY_NOTICE "General information, not medical advice: if you are worried about your baby, talk to your doctor, midwife or health visitor."

/* "Source: <title>, section "<heading>"" for every citation of e,
 * grouped by source, appended to out. */
int reply_citation(const kb_entry *e, sbuf *out);

/* Plain-text rendering used by the console and `faqbot ask`. */
int reply_render_plain(const faqbot_reply *r, sbuf *out);

/* "answered", "ambiguous", ... for a faqbot_reply_kind. */
const char *reply_kind_name(int kind);

#endif
