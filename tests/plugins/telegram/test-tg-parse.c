/* Unit tests for plugins/telegram/tg-parse.c: Bot API responses and
 * updates, including malformed ones. */
#include <criterion/criterion.h>
#include <string.h>

#include "tg-parse.h"

static tg_result resp(const char *body, long http)
{
    tg_result r;
    tg_parse_response(body, strlen(body), http, &r);
    return r;
}

Test(tg_parse_response, ok_result_is_kept)
{
    tg_result r = resp("{\"ok\":true,\"result\":[{\"update_id\":1}]}", 200);
    cr_assert_eq(r.status, TG_OK);
    cr_assert(json_is_array(r.result));
    cr_assert_eq(json_array_size(r.result), 1);
    tg_result_clear(&r);
    cr_assert_null(r.result);
}

Test(tg_parse_response, error_429_carries_retry_after)
{
    tg_result r = resp("{\"ok\":false,\"error_code\":429,\"description\":"
                       "\"Too Many Requests: retry after 7\",\"parameters\":"
                       "{\"retry_after\":7}}", 429);
    cr_assert_eq(r.status, TG_E_RETRY);
    cr_assert_eq(r.retry_after, 7);
    cr_assert_str_eq(r.desc, "Too Many Requests: retry after 7");
    tg_result_clear(&r);
}

Test(tg_parse_response, error_429_without_parameters_waits_one_second)
{
    tg_result r = resp("{\"ok\":false,\"error_code\":429}", 429);
    cr_assert_eq(r.status, TG_E_RETRY);
    cr_assert_eq(r.retry_after, 1);
    cr_assert_str_eq(r.desc, "no description");
}

Test(tg_parse_response, error_codes_are_classified)
{
    static const struct { long code; int status; } cases[] = {
        {401, TG_E_AUTH}, {404, TG_E_AUTH}, {409, TG_E_CONFLICT},
        {400, TG_E_REQUEST}, {403, TG_E_REQUEST}, {500, TG_E_SERVER},
        {502, TG_E_SERVER}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[128];
        snprintf(body, sizeof body, "{\"ok\":false,\"error_code\":%ld,"
                 "\"description\":\"d\"}", cases[i].code);
        tg_result r = resp(body, cases[i].code);
        cr_assert_eq(r.status, cases[i].status, "code %ld", cases[i].code);
        cr_assert_eq(r.error_code, cases[i].code);
        tg_result_clear(&r);
    }
}

Test(tg_parse_response, garbage_is_malformed_not_a_crash)
{
    const char body[] = "\x00\xff{not json";
    tg_result r;
    tg_parse_response(body, sizeof body - 1, 200, &r);
    cr_assert_eq(r.status, TG_E_MALFORMED);
    cr_assert(strstr(r.desc, "not JSON") != NULL, "%s", r.desc);
    cr_assert_null(r.result);
}

Test(tg_parse_response, truncated_body_is_malformed)
{
    tg_result r = resp("{\"ok\":true,\"result\":[{\"update_id\":", 200);
    cr_assert_eq(r.status, TG_E_MALFORMED);
}

Test(tg_parse_response, html_error_page_on_5xx_is_a_server_error)
{
    tg_result r = resp("<html>502 Bad Gateway</html>", 502);
    cr_assert_eq(r.status, TG_E_SERVER);
    cr_assert_eq(r.http, 502);
}

Test(tg_parse_response, emulator_style_error_is_classified_by_http)
{
    /* telegram-test-api answers {"message": ...} with HTTP 500 */
    tg_result r = resp("{\"message\":\"boom\"}", 500);
    cr_assert_eq(r.status, TG_E_SERVER);
    r = resp("{\"ok\":true}", 200);
    cr_assert_eq(r.status, TG_E_MALFORMED);
}

Test(tg_parse_response, empty_body)
{
    tg_result r;
    tg_parse_response(NULL, 0, 200, &r);
    cr_assert_eq(r.status, TG_E_MALFORMED);
}

/* ---- updates ---------------------------------------------------------- */

static int parse(const char *json, tg_update *u)
{
    json_error_t e;
    char err[160] = "";
    json_t *j = json_loads(json, 0, &e);
    cr_assert_not_null(j, "fixture JSON: %s", e.text);
    int rc = tg_parse_update(j, u, err, sizeof err);
    json_decref(j);
    return rc;
}

#define MSG_HEAD "{\"update_id\":10,\"message\":{\"message_id\":5,"        \
    "\"date\":1700000000,\"chat\":{\"id\":-100,\"type\":\"supergroup\"},"    \
    "\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":\"Ana\","          \
    "\"last_name\":\"Lopez\"},"

Test(tg_parse_update, text_message)
{
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"text\":\"does massage help sleep?\"}}",
                       &u), 0);
    cr_assert_eq(u.update_id, 10);
    cr_assert_eq(u.kind, TG_UPD_MESSAGE);
    cr_assert_eq(u.chat_id, -100);
    cr_assert_str_eq(u.chat_type, "supergroup");
    cr_assert_eq(u.message_id, 5);
    cr_assert_eq(u.date, 1700000000);
    cr_assert_eq(u.from_id, 42);
    cr_assert_eq(u.from_is_bot, 0);
    cr_assert_str_eq(u.from_name, "Ana Lopez");
    cr_assert_str_eq(u.text, "does massage help sleep?");
    cr_assert_eq(u.is_caption, 0);
    tg_update_clear(&u);
}

Test(tg_parse_update, edited_message_and_channel_post)
{
    tg_update u;
    cr_assert_eq(parse("{\"update_id\":11,\"edited_message\":{\"message_id\""
                       ":5,\"chat\":{\"id\":1,\"type\":\"private\"},\"text\":"
                       "\"x\"}}", &u), 0);
    cr_assert_eq(u.kind, TG_UPD_EDITED);
    tg_update_clear(&u);
    cr_assert_eq(parse("{\"update_id\":12,\"channel_post\":{\"message_id\":9"
                       ",\"chat\":{\"id\":-5,\"type\":\"channel\"},\"text\":"
                       "\"news\"}}", &u), 0);
    cr_assert_eq(u.kind, TG_UPD_CHANNEL_POST);
    cr_assert_eq(u.has_from, 0);
    cr_assert_str_eq(u.chat_type, "channel");
    tg_update_clear(&u);
}

Test(tg_parse_update, callback_query)
{
    tg_update u;
    cr_assert_eq(parse("{\"update_id\":13,\"callback_query\":{\"id\":\"q1\","
                       "\"from\":{\"id\":42,\"is_bot\":false,\"first_name\":"
                       "\"Ana\"},\"message\":{\"message_id\":77,\"chat\":"
                       "{\"id\":42,\"type\":\"private\"}},\"chat_instance\":"
                       "\"c\",\"data\":\"p:sleep\"}}", &u), 0);
    cr_assert_eq(u.kind, TG_UPD_CALLBACK);
    cr_assert_str_eq(u.callback_id, "q1");
    cr_assert_str_eq(u.callback_data, "p:sleep");
    cr_assert_eq(u.chat_id, 42);
    cr_assert_eq(u.message_id, 77);
    cr_assert_eq(u.from_id, 42);
    tg_update_clear(&u);
}

Test(tg_parse_update, callback_without_message_still_parses)
{
    tg_update u;
    cr_assert_eq(parse("{\"update_id\":14,\"callback_query\":{\"id\":\"q2\","
                       "\"from\":{\"id\":9,\"is_bot\":false,\"first_name\":"
                       "\"B\"},\"data\":\"p:x\"}}", &u), 0);
    cr_assert_eq(u.chat_id, 0);
    cr_assert_eq(u.message_id, 0);
    tg_update_clear(&u);
}

Test(tg_parse_update, sticker_has_no_text)
{
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"sticker\":{\"file_id\":\"f\",\"emoji\":"
                       "\"\xF0\x9F\x98\x80\"}}}", &u), 0);
    cr_assert_eq(u.has_sticker, 1);
    cr_assert_null(u.text);
    tg_update_clear(&u);
}

Test(tg_parse_update, caption_is_the_text)
{
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"photo\":[],\"caption\":\"@FaqBot is "
                       "this rash ok\",\"caption_entities\":[{\"type\":"
                       "\"mention\",\"offset\":0,\"length\":7}]}}", &u), 0);
    cr_assert_str_eq(u.text, "@FaqBot is this rash ok");
    cr_assert_eq(u.is_caption, 1);
    cr_assert_eq(u.n_entities, 1);
    cr_assert_str_eq(u.entities[0].type, "mention");
    cr_assert_eq(u.entities[0].off, 0);
    cr_assert_eq(u.entities[0].len, 7);
    tg_update_clear(&u);
}

Test(tg_parse_update, entity_offsets_are_utf16_converted_to_bytes)
{
    /* "\U0001F37C e " : the emoji is 4 bytes, 2 UTF-16 units; "é" 2 bytes */
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"text\":\"\xF0\x9F\x8D\xBC \xC3\xA9 "
                       "@FaqBot hi\",\"entities\":[{\"type\":\"mention\","
                       "\"offset\":5,\"length\":7},{\"type\":\"bold\","
                       "\"offset\":1,\"length\":2}]}}", &u), 0);
    /* the second entity starts inside the surrogate pair: dropped */
    cr_assert_eq(u.n_entities, 1);
    cr_assert_eq(u.entities[0].off, 8);
    cr_assert_eq(u.entities[0].len, 7);
    cr_assert_eq(strncmp(u.text + 8, "@FaqBot", 7), 0);
    tg_update_clear(&u);
}

Test(tg_parse_update, entity_beyond_text_is_dropped)
{
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"text\":\"hi\",\"entities\":[{\"type\":"
                       "\"mention\",\"offset\":1,\"length\":50},{\"type\":"
                       "7}]}}", &u), 0);
    cr_assert_eq(u.n_entities, 0);
    tg_update_clear(&u);
}

Test(tg_parse_update, reply_to_message_author)
{
    tg_update u;
    cr_assert_eq(parse(MSG_HEAD "\"text\":\"and at night?\","
                       "\"reply_to_message\":{\"message_id\":4,\"from\":"
                       "{\"id\":7000001,\"is_bot\":true,\"first_name\":"
                       "\"FAQ\"},\"chat\":{\"id\":-100,\"type\":"
                       "\"supergroup\"}}}}", &u), 0);
    cr_assert_eq(u.has_reply_to, 1);
    cr_assert_eq(u.reply_to_from_id, 7000001);
    tg_update_clear(&u);
}

Test(tg_parse_update, malformed_shapes_fail_without_crashing)
{
    static const char *const bad[] = {
        "[]", "{}", "{\"update_id\":\"7\"}", "{\"update_id\":-3}",
        "{\"update_id\":8,\"message\":[]}",
        "{\"update_id\":8,\"message\":{\"chat\":5}}",
        "{\"update_id\":8,\"message\":{\"message_id\":1,\"chat\":{}}}",
        "{\"update_id\":8,\"callback_query\":{\"data\":\"p:x\"}}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tg_update u;
        cr_assert_eq(parse(bad[i], &u), -1, "%s", bad[i]);
        tg_update_clear(&u);
    }
}

Test(tg_parse_update, malformed_update_keeps_its_id_for_skipping)
{
    tg_update u;
    cr_assert_eq(parse("{\"update_id\":8,\"message\":{\"chat\":5}}", &u), -1);
    cr_assert_eq(u.update_id, 8);
    tg_update_clear(&u);
    cr_assert_eq(parse("{\"message\":{}}", &u), -1);
    cr_assert_eq(u.update_id, -1);
    tg_update_clear(&u);
}

Test(tg_parse_update, unknown_update_type_is_other)
{
    tg_update u;
    cr_assert_eq(parse("{\"update_id\":15,\"poll\":{\"id\":\"1\"}}", &u), 0);
    cr_assert_eq(u.kind, TG_UPD_OTHER);
    tg_update_clear(&u);
}

Test(tg_parse_u16, conversions)
{
    const char *t = "a\xC3\xA9\xF0\x9F\x8D\xBC" "b";
    cr_assert_eq(tg_parse_u16_to_byte(t, 0), 0);
    cr_assert_eq(tg_parse_u16_to_byte(t, 2), 3);
    cr_assert_eq(tg_parse_u16_to_byte(t, 3), (size_t)-1);
    cr_assert_eq(tg_parse_u16_to_byte(t, 4), 7);
    cr_assert_eq(tg_parse_u16_to_byte(t, 5), 8);
    cr_assert_eq(tg_parse_u16_to_byte(t, 6), (size_t)-1);
}

Test(tg_parse_response, invalid_utf8_is_repaired_not_refused)
{
    const char body[] = "{\"ok\":true,\"result\":[{\"update_id\":3,\"message\":"
                        "{\"message_id\":1,\"chat\":{\"id\":1,\"type\":"
                        "\"private\"},\"text\":\"a\xff" "b\"}}]}";
    tg_result r;
    tg_update u;
    char err[100];
    tg_parse_response(body, sizeof body - 1, 200, &r);
    cr_assert_eq(r.status, TG_OK, "%s", r.desc);
    cr_assert_eq(tg_parse_update(json_array_get(r.result, 0), &u, err,
                                 sizeof err), 0);
    cr_assert_str_eq(u.text, "a\xEF\xBF\xBD" "b");
    tg_update_clear(&u);
    tg_result_clear(&r);
}
