/* Tests for kb-age.c: the baby's age stated in a question, in days. */
#include <criterion/criterion.h>
#include <string.h>

#include "kb-impl.h"

static long age(const char *q)
{
    return kb_age_days(q, strlen(q));
}

Test(kb_age, stated_ages)
{
    cr_assert_eq(age("my 6 week old has a fever"), 42);
    cr_assert_eq(age("3-wk-old temp 38.2"), 21);
    cr_assert_eq(age("our 6wk old is hot"), 42);
    cr_assert_eq(age("she's 10 weeks and hot"), 70);
    cr_assert_eq(age("DS is 9 Months"), 270);
    cr_assert_eq(age("aged four months"), 120);
    cr_assert_eq(age("my 10 day old"), 10);
    cr_assert_eq(age("2 mths old temp 100.6F"), 60);
    cr_assert_eq(age("5mo, afebrile, mild coryza"), 150);
    cr_assert_eq(age("coughing but no fever, 10 months. would a rub help"),
                 300);
    cr_assert_eq(age("a mild fever after her 12 month jabs"), 360);
}

Test(kb_age, the_lowest_of_two)
{
    char q[1200] = "my 9 month old is fine";
    for (int i = 0; i < 60; i++)
        strcat(q, " and so on");
    strcat(q, ", but my 3 week old has a fever");
    cr_assert_eq(age(q), 21);   /* a young age stated late still counts */
    cr_assert_eq(age("my 3 year old and my 5 week old both have colds, "
                     "her brother is 9 months old"), 35);
}

Test(kb_age, durations_and_readings_are_not_ages)
{
    cr_assert_eq(age("fever for 2 days"), -1);
    cr_assert_eq(age("massage for 10 minutes a day"), -1);
    cr_assert_eq(age("temp of 38.5 since 3 days"), -1);
    cr_assert_eq(age("my 4 year old"), -1);
    cr_assert_eq(age("born at 34 weeks, temp of 38.5"), -1);
    cr_assert_eq(age("fever for 2 days."), -1);
    cr_assert_eq(age("we start solids at 6 months, she has a fever"), -1);
    cr_assert_eq(age("can we start when she's 4 months."), -1);
    cr_assert_eq(age("wait until he is 6 weeks old"), -1);
    cr_assert_eq(age("temp 38.5 in 2 days, is that ok"), -1);
    cr_assert_eq(age(""), -1);
    cr_assert_eq(kb_age_days(NULL, 0), -1);
}
