/*
 * kb-sort.c - Shell sort (Ciura's gaps, then x2.25) of plain integers,
 * for the short arrays of the engine (kb-topk.c's listed entries after a
 * cut, kb-altix.c's keys of one entry at load), where qsort's calls
 * through a comparison pointer cost more than the sort itself.
 */
#include "kb-impl.h"

/* The gaps for n items, largest last; returns how many. */
static size_t sort_gaps(size_t n, size_t gaps[48])
{
    static const size_t ciura[] = {1, 4, 10, 23, 57, 132, 301, 701};
    size_t ng = 0;
    for (size_t g = 0; ng < 48; ng++) {
        g = ng < 8 ? ciura[ng] : gaps[ng - 1] * 9 / 4;
        if (g >= n && ng > 0)
            break;
        gaps[ng] = g;
    }
    return ng;
}

#define KB_SHELL_SORT(name, type)                                        \
    void name(type *v, size_t n)                                         \
    {                                                                    \
        size_t gaps[48], ng = sort_gaps(n, gaps);                        \
        while (ng-- > 0) {                                               \
            size_t gap = gaps[ng];                                       \
            for (size_t i = gap; i < n; i++) {                           \
                type x = v[i];                                           \
                size_t j = i;                                            \
                for (; j >= gap && v[j - gap] > x; j -= gap)             \
                    v[j] = v[j - gap];                                   \
                v[j] = x;                                                \
            }                                                            \
        }                                                                \
    }

KB_SHELL_SORT(kb_sort_u32, uint32_t)
KB_SHELL_SORT(kb_sort_u64, uint64_t)
