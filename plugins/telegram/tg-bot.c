/*
 * tg-bot.c - the connector's stop flag and interruptible sleep, shared by
 * the polling loop, the webhook listener and the sender.
 */
#include "tg-bot.h"

#define SLEEP_SLICE_MS 200

int tg_bot_stopping(tg_bot *b)
{
    return atomic_load(&b->stopping) || b->host->should_stop(b->host);
}

int tg_bot_sleep(tg_bot *b, unsigned ms)
{
    while (ms > 0 && !tg_bot_stopping(b)) {
        unsigned slice = ms < SLEEP_SLICE_MS ? ms : SLEEP_SLICE_MS;
        if (b->host->sleep_ms(b->host, slice))
            return 1;
        ms -= slice;
    }
    return tg_bot_stopping(b);
}
