/*
 * kb-age.c - the baby's age stated in a question ("my 6 week old",
 * "3-wk-old", "she's 10 weeks", "aged 4 months"), so a triage rule with
 * "max_age_days" (fever: under 3 months) does not fire for an older baby.
 * A number and a unit count as an age when "old" follows, "is", "aged",
 * "turned"... comes before, they are written as one word ("5mo",
 * "6wk"), an event of that age follows ("12 month jabs") or they end a
 * clause ("no fever, 10 months."), unless a word of duration comes before
 * ("a fever for 2 days", "since 3 days", "at 6 months") or of the
 * future ("when she's 4 months") in the three words before.  A wrong age
 * could silence a fever rule, so when in doubt there is none.
 */
#include "kb-impl.h"

#include <string.h>

#define AGE_WORDS 256  /* words of the question read */

typedef struct age_word {
    const char *p;
    size_t n;
    int glued;             /* letters follow these digits at once: "6wk" */
    int end;               /* punctuation or the end of text follows */
} age_word;

static int word_is(const age_word *w, const char *s)
{
    return w->n == strlen(s) && !strncmp(w->p, s, w->n);
}

static int word_in(const age_word *w, const char *const *set)
{
    for (; *set; set++)
        if (word_is(w, *set))
            return 1;
    return 0;
}

/* Days per unit, 0 when w is no unit of age. */
static long unit_days(const age_word *w)
{
    static const char *const day[] = {"d", "day", "days", "dy", "dys", NULL};
    static const char *const week[] = {"w", "wk", "wks", "week", "weeks",
                                       "wek", "weks", NULL};
    static const char *const month[] = {"m", "mo", "mos", "mth", "mths",
                                        "mnth", "mnths", "month", "months",
                                        "mon", "mons", NULL};
    return word_in(w, day) ? 1 : word_in(w, week) ? 7
           : word_in(w, month) ? 30 : 0;
}

/* The number w says (digits, or one..twelve), -1 if none.  Most words
 * are none: a word of letters is only compared when its length and first
 * letter can be a number's (this runs on every word of every question). */
static long number(const age_word *w)
{
    static const char *const names[] = {"one", "two", "three", "four",
        "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        NULL};
    char c = w->p[0];
    if (c >= '0' && c <= '9') {
        long v = 0;
        for (size_t i = 0; i < w->n && w->n < 4; i++)
            v = v * 10 + (w->p[i] - '0');
        return w->n < 4 ? v : -1;
    }
    if (w->n < 3 || w->n > 6 || !strchr("otfsen", c))
        return -1;
    for (long i = 0; names[i]; i++)
        if (word_is(w, names[i]))
            return i + 1;
    return -1;
}

/* Split text into lower-case ASCII words; a run of digits and one of
 * letters are separate words ("6wk" is "6" "wk").  Returns the count. */
static size_t age_split(const char *t, size_t len, char *buf, age_word *w)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < AGE_WORDS;) {
        char c = t[i];
        int dig = c >= '0' && c <= '9';
        int alpha = (c | 32) >= 'a' && (c | 32) <= 'z';
        if (!dig && !alpha) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && (dig ? (t[j] >= '0' && t[j] <= '9')
                               : ((t[j] | 32) >= 'a' && (t[j] | 32) <= 'z'))) {
            buf[j] = (char)(dig ? t[j] : (t[j] | 32));
            j++;
        }
        size_t k = j;
        while (k < len && t[k] == ' ')
            k++;
        int glued = dig && j < len && (t[j] | 32) >= 'a' && (t[j] | 32) <= 'z';
        int end = k == len || (t[k] != ' ' && !((t[k] | 32) >= 'a' &&
                  (t[k] | 32) <= 'z') && !(t[k] >= '0' && t[k] <= '9') &&
                  t[k] != '-' && t[k] != '\'');
        w[n++] = (age_word){buf + i, j - i, glued, end};
        i = j;
    }
    return n;
}

/* 1 if the number at w[i] with its unit at w[i + 1] states an age. */
static int is_age(const age_word *w, size_t i, size_t n)
{
    static const char *const before[] = {"is", "s", "hes", "shes", "aged",
        "age", "turned", "turns", "only", "just", "now", NULL};
    /* "when she's 4 months", "until he is 6 weeks": a future age */
    static const char *const future[] = {"when", "until", "till", "before",
        "by", "once", "wait", "from", "will", "be", NULL};
    static const char *const duration[] = {"for", "since", "over", "in",
        "within", "every", "past", "last", "each", "per", "after", "about",
        "around", "than", "till", "until", "nearly", "almost", "born",
        "gestation", "at", NULL};
    static const char *const event[] = {"old", "jabs", "jab", "shots",
        "vaccines", "vaccine", "vaccinations", "immunisations",
        "immunizations", "injections", "checkup", "check", NULL};
    if (i > 0 && word_in(&w[i - 1], duration))
        return 0;
    for (size_t j = i; j > 0 && j + 3 > i; j--)
        if (word_in(&w[j - 1], future))
            return 0;
    return w[i].glued || w[i + 1].end ||
           (i + 2 < n && word_in(&w[i + 2], event)) ||
           (i > 0 && word_in(&w[i - 1], before));
}

/* The lowest age in days stated in text (its first 2 KB), or -1.  A
 * young age stated late must not be lost to an older one stated early. */
long kb_age_days(const char *text, size_t len)
{
    char buf[2048];
    age_word w[AGE_WORDS];
    if (!text)
        return -1;
    size_t n = age_split(text, len < sizeof buf ? len : sizeof buf, buf, w);
    long best = -1;
    for (size_t i = 0; i + 1 < n; i++) {
        long v = number(&w[i]), unit = v < 0 ? 0 : unit_days(&w[i + 1]);
        if (!unit || !is_age(w, i, n))
            continue;
        if (best < 0 || v * unit < best)
            best = v * unit;
    }
    return best;
}

/* 1 unless r has "max_age_days" and s's question states an older age. */
int kb_trule_age_ok(const kb_trule *r, const kb_scratch *s)
{
    return !r->max_age_days || s->age_days < 0 ||
           s->age_days <= r->max_age_days;
}
