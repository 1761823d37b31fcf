/*
 * pl-curl.h - shared by the connector plugins (not part of the core, not
 * part of the plugin ABI): one libcurl transfer that notices a stop
 * request promptly.
 */
#ifndef FAQBOT_PL_CURL_H
#define FAQBOT_PL_CURL_H

#include <curl/curl.h>

/* Returns nonzero when the transfer must be abandoned (shutting down). */
typedef int (*pl_curl_abort_fn)(void *ctx);

/* Run the transfer set up on easy through multi (an empty multi handle
 * the caller owns and reuses), waiting in slices of slice_ms and asking
 * abort_fn (may be NULL) between them: libcurl calls the progress
 * callback only about once a second on an idle long poll, too seldom
 * for a prompt shutdown.  Returns the transfer's CURLcode, or
 * CURLE_ABORTED_BY_CALLBACK when abort_fn said stop.  easy is removed
 * from multi again before returning. */
CURLcode pl_curl_perform(CURLM *multi, CURL *easy, pl_curl_abort_fn abort_fn,
                         void *ctx, int slice_ms);

#endif
