/* pl-curl.c - see pl-curl.h. */
#include "pl-curl.h"

CURLcode pl_curl_perform(CURLM *multi, CURL *easy, pl_curl_abort_fn abort_fn,
                         void *ctx, int slice_ms)
{
    CURLcode rc = CURLE_OK;
    CURLMsg *msg;
    int running = 1, left;
    if (curl_multi_add_handle(multi, easy) != CURLM_OK)
        return CURLE_OUT_OF_MEMORY;
    while (running && rc == CURLE_OK) {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            rc = CURLE_RECV_ERROR;
        else if (running && abort_fn && abort_fn(ctx))
            rc = CURLE_ABORTED_BY_CALLBACK;
        else if (running &&
                 curl_multi_poll(multi, NULL, 0, slice_ms, NULL) != CURLM_OK)
            rc = CURLE_RECV_ERROR;
    }
    while (rc == CURLE_OK && (msg = curl_multi_info_read(multi, &left)))
        if (msg->msg == CURLMSG_DONE)
            rc = msg->data.result;
    curl_multi_remove_handle(multi, easy);
    return rc;
}
