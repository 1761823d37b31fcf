// bench-xapian.cc - Xapian as a peer, behind the C interface of bench.h:
// an in-memory database, one document per entry (title, questions,
// keywords, answer through a TermGenerator with the English stemmer),
// queries through a QueryParser (English stemmer, default operator OR),
// BM25 (Xapian's default weighting), top 5.
#include "bench.h"

#include <xapian.h>

#include <cstdio>
#include <new>
#include <string>

struct bench_xap {
    Xapian::WritableDatabase db;
    Xapian::TermGenerator tg;
    Xapian::QueryParser qp;
    Xapian::Enquire *enq = nullptr;
    std::string text;
    bench_xap() : db(std::string(), Xapian::DB_BACKEND_INMEMORY) {}
};

static void xap_err(char *err, size_t len, const char *what)
{
    if (err && len)
        std::snprintf(err, len, "xapian: %s", what);
}

// Caller frees with bench_xap_free().
bench_xap *bench_xap_new(char *err, size_t len)
{
    try {
        bench_xap *x = new bench_xap();
        Xapian::Stem stem("english");
        x->tg.set_stemmer(stem);
        x->qp.set_stemmer(stem);
        x->qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        x->qp.set_default_op(Xapian::Query::OP_OR);
        return x;
    } catch (const Xapian::Error &e) {
        xap_err(err, len, e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        xap_err(err, len, "out of memory");
    }
    return nullptr;
}

int bench_xap_add(bench_xap *x, const bench_doc *d, char *err, size_t len)
{
    try {
        Xapian::Document doc;
        x->tg.set_document(doc);
        const char *fields[4] = {d->title, d->questions, d->keywords,
                                 d->answer};
        for (const char *f : fields) {
            x->tg.index_text(f);
            x->tg.increase_termpos();
        }
        // Documents arrive in ordinal order: ids are 1 + the ordinal.
        if (x->db.add_document(doc) != Xapian::docid(d->ord + 1)) {
            xap_err(err, len, "document ids out of step");
            return -1;
        }
        return 0;
    } catch (const Xapian::Error &e) {
        xap_err(err, len, e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        xap_err(err, len, "out of memory");
    }
    return -1;
}

int bench_xap_search(bench_xap *x, const char *text, size_t *ord)
{
    try {
        if (!x->enq) {
            x->db.commit();
            x->enq = new Xapian::Enquire(x->db);
        }
        x->text.assign(text);
        x->enq->set_query(x->qp.parse_query(x->text));
        Xapian::MSet m = x->enq->get_mset(0, 5);
        if (m.empty())
            return 0;
        *ord = (size_t)(*m.begin()) - 1;
        return 1;
    } catch (const Xapian::Error &) {
        return -1;
    } catch (const std::bad_alloc &) {
        return -1;
    }
}

void bench_xap_free(bench_xap *x)
{
    if (!x)
        return;
    delete x->enq;
    delete x;
}
