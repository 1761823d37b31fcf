/* fuzz-config.c - config_load_text() on arbitrary text: it must either
 * load (and then hold sane values) or fail with at least one error
 * line, and never crash or leak. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    config cfg;
    config_errors errs;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    int rc = config_load_text(text, "fuzz.json", &cfg, &errs);
    if (rc != 0 && errs.count == 0)
        abort();               /* refused without saying why */
    if (rc == 0) {
        for (size_t i = 0; i < cfg.n_plugins; i++)
            if (!cfg.plugins[i].instance || !cfg.plugins[i].plugin ||
                !cfg.plugins[i].json)
                abort();
        (void)config_find_plugin(&cfg, "telegram");
        config_free(&cfg);
    }
    config_errors_free(&errs);
    free(text);
    return 0;
}
