/* reply.c - citation lines and plain-text rendering, see reply.h. */
#include "reply.h"

#include <string.h>

int reply_citation(const kb_entry *e, sbuf *out)
{
    for (size_t i = 0; i < e->n_citations; i++) {
        const kb_citation *c = &e->citations[i];
        int first_of_source = 1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(e->citations[j].source_id, c->source_id) == 0)
                first_of_source = 0;
        if (!first_of_source)
            continue;
        size_t count = 0;
        for (size_t j = i; j < e->n_citations; j++)
            count += strcmp(e->citations[j].source_id, c->source_id) == 0;
        sbuf_add(out, i == 0 ? "Source: " : "; ");
        sbuf_add(out, c->source_title);
        sbuf_add(out, count > 1 ? ", sections " : ", section ");
        int n = 0;
        for (size_t j = i; j < e->n_citations; j++) {
            if (strcmp(e->citations[j].source_id, c->source_id) != 0)
                continue;
            sbuf_add(out, n++ ? ", \"" : "\"");
            sbuf_add(out, e->citations[j].section);
            sbuf_addn(out, "\"", 1);
        }
    }
    return out->oom ? -1 : 0;
}

static void render_list(sbuf *out, const char *head,
                        const faqbot_suggestion *s, size_t n, int numbered)
{
    if (n == 0)
        return;
    sbuf_addn(out, "\n\n", 2);
    sbuf_add(out, head);
    for (size_t i = 0; i < n; i++) {
        if (numbered)
            sbuf_addf(out, "\n  %zu. ", i + 1);
        else
            sbuf_addn(out, "\n  - ", 5);
        sbuf_add(out, s[i].title);
    }
}

int reply_render_plain(const faqbot_reply *r, sbuf *out)
{
    sbuf_add(out, r->text ? r->text : "");
    if (r->citation) {
        sbuf_addn(out, "\n\n", 2);
        sbuf_add(out, r->citation);
    }
    if (r->notice) {
        sbuf_addn(out, "\n", 1);
        sbuf_add(out, r->notice);
    }
    render_list(out, "Did you mean:", r->suggestions, r->n_suggestions, 1);
    if (r->n_suggestions)
        sbuf_add(out, "\n(Reply with a number to pick one.)");
    render_list(out, "Related:", r->related, r->n_related, 0);
    return out->oom ? -1 : 0;
}

const char *reply_kind_name(int kind)
{
    switch (kind) {
    case FAQBOT_REPLY_ANSWER: return "answered";
    case FAQBOT_REPLY_AMBIGUOUS: return "ambiguous";
    case FAQBOT_REPLY_NO_ANSWER: return "no_answer";
    case FAQBOT_REPLY_URGENT: return "urgent";
    case FAQBOT_REPLY_COMMAND: return "command";
    default: return "notice";
    }
}
