/* test-import.c - import.c: headings of plain-text and Markdown articles,
 * and slugs. */
#include <criterion/criterion.h>

#include "import.h"

#include <string.h>

static void parse(const char *text, int md, import_doc *d)
{
    cr_assert_eq(import_parse(text, strlen(text), md, d), 0);
}

Test(import, plain_text_headings_title_intro_and_furniture)
{
    import_doc d;
    parse("top of page\n\n\nMy Great Article: A Subtitle\n\n\n"
          "Opening words of the article, a sentence.\n\n"
          "Why it matters\n\nBody of the first section. It has two sentences.\n\n"
          "A short line that ends like a sentence.\n\n"
          "Q1. Does it work?\n\nYes, it does.\n\n\xc2\xa0\n\nComments\n\n\nbottom of page\n",
          0, &d);
    cr_assert_str_eq(d.title, "My Great Article: A Subtitle");
    cr_assert_eq(d.n_sections, 3);
    cr_assert_str_eq(d.sections[0].heading, "Introduction");
    cr_assert_str_eq(d.sections[0].text, "Opening words of the article, a sentence.");
    cr_assert_str_eq(d.sections[1].heading, "Why it matters");
    cr_assert_str_eq(d.sections[1].text, "Body of the first section. It has two "
                     "sentences.\n\nA short line that ends like a sentence.");
    cr_assert_str_eq(d.sections[2].heading, "Q1. Does it work?");
    cr_assert_str_eq(d.sections[2].text, "Yes, it does.");
    import_doc_free(&d);
}

Test(import, no_intro_when_a_heading_follows_the_title)
{
    import_doc d;
    parse("Title Here\r\n\r\nFirst\r\n\r\nText one.\r\n", 0, &d);
    cr_assert_str_eq(d.title, "Title Here");
    cr_assert_eq(d.n_sections, 1);
    cr_assert_str_eq(d.sections[0].heading, "First");
    cr_assert_str_eq(d.sections[0].text, "Text one.");
    import_doc_free(&d);
}

Test(import, markdown_atx_and_setext)
{
    import_doc d;
    parse("# The Title #\n\nIntro para\nstill intro.\n\n## One\n\nBody one.\n\n"
          "Two\n---\n\nBody two.\n### Three ###\nBody three.\n", -1, &d);
    cr_assert_str_eq(d.title, "The Title");
    cr_assert_eq(d.n_sections, 4);
    cr_assert_str_eq(d.sections[0].heading, "Introduction");
    cr_assert_str_eq(d.sections[0].text, "Intro para still intro.");
    cr_assert_str_eq(d.sections[1].heading, "One");
    cr_assert_str_eq(d.sections[2].heading, "Two");
    cr_assert_str_eq(d.sections[2].text, "Body two.");
    cr_assert_str_eq(d.sections[3].heading, "Three");
    cr_assert_str_eq(d.sections[3].text, "Body three.");
    import_doc_free(&d);
}

Test(import, markdown_code_fences_hold_no_headings)
{
    import_doc d;
    parse("# T\n\n## Setup\n\n```sh\n# not a heading\n\nmake\n```\n\nDone.\n", 1, &d);
    cr_assert_eq(d.n_sections, 1);
    cr_assert_str_eq(d.sections[0].heading, "Setup");
    cr_assert_str_eq(d.sections[0].text, "```sh # not a heading make ```\n\nDone.");
    import_doc_free(&d);
}

Test(import, empty_input_has_no_sections)
{
    import_doc d;
    parse("", 0, &d);
    cr_assert_null(d.title);
    cr_assert_eq(d.n_sections, 0);
    import_doc_free(&d);
}

Test(import, slugs)
{
    char out[48];
    cr_assert_str_eq(import_slug("Improves sleep and digestion", out, 40),
                     "improves-sleep-and-digestion");
    cr_assert_str_eq(import_slug("Q1. How does infant massage contribute to a baby's "
                                 "physical development?", out, 40),
                     "q1-how-does-infant-massage-contribute");
    cr_assert_str_eq(import_slug("Your Baby\xe2\x80\x99s Sleep!", out, 40), "your-babys-sleep");
    cr_assert_str_eq(import_slug("!!!", out, 40), "section");
}
