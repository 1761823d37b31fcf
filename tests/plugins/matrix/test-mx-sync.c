/* test-mx-sync.c - /sync parsing: joined rooms (state + timeline),
 * invites, leaves, redactions, m.notice, edits, threads, encrypted events,
 * malformed documents and malformed events. */
#include <criterion/criterion.h>
#include <string.h>

#include "mx-sync.h"

#define SELF "@faqbot:localhost"

static mx_sync parse_ok(const char *json)
{
    mx_sync s;
    char err[256] = "";
    int rc = mx_sync_parse(json, strlen(json), SELF, &s, err, sizeof(err));
    cr_assert_eq(rc, 0, "parse failed: %s", err);
    return s;
}

static const char *joined_fixture =
    "{\"next_batch\":\"s42_7\",\"rooms\":{\"join\":{\"!r:localhost\":{"
    "\"summary\":{\"m.joined_member_count\":3},"
    "\"state\":{\"events\":[{\"type\":\"m.room.member\",\"state_key\":\"@a:localhost\","
    "\"sender\":\"@a:localhost\",\"event_id\":\"$m1\",\"origin_server_ts\":1,"
    "\"content\":{\"membership\":\"join\",\"displayname\":\"Alice\"}}]},"
    "\"timeline\":{\"limited\":false,\"events\":["
    "{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$q1\","
    "\"origin_server_ts\":2,\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi bot\","
    "\"format\":\"org.matrix.custom.html\",\"formatted_body\":\"<b>hi</b> bot\","
    "\"m.mentions\":{\"user_ids\":[\"@faqbot:localhost\",\"@b:localhost\"]}}},"
    "{\"type\":\"m.room.message\",\"sender\":\"@b:localhost\",\"event_id\":\"$n1\","
    "\"origin_server_ts\":3,\"content\":{\"msgtype\":\"m.notice\",\"body\":\"beep\"}},"
    "{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$e1\","
    "\"origin_server_ts\":4,\"content\":{\"msgtype\":\"m.text\",\"body\":\" * hi\","
    "\"m.new_content\":{\"msgtype\":\"m.text\",\"body\":\"hi\"},"
    "\"m.relates_to\":{\"rel_type\":\"m.replace\",\"event_id\":\"$q1\"}}},"
    "{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$t1\","
    "\"origin_server_ts\":5,\"content\":{\"msgtype\":\"m.text\",\"body\":\"in thread\","
    "\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"$root\","
    "\"is_falling_back\":true,\"m.in_reply_to\":{\"event_id\":\"$q1\"}}}},"
    "{\"type\":\"m.room.redaction\",\"sender\":\"@a:localhost\",\"event_id\":\"$x1\","
    "\"origin_server_ts\":6,\"redacts\":\"$n1\",\"content\":{}},"
    "{\"type\":\"m.room.redaction\",\"sender\":\"@a:localhost\",\"event_id\":\"$x2\","
    "\"origin_server_ts\":7,\"content\":{\"redacts\":\"$q1\"}},"
    "{\"type\":\"m.room.encrypted\",\"sender\":\"@b:localhost\",\"event_id\":\"$c1\","
    "\"origin_server_ts\":8,\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"ciphertext\":\"AAA\"}},"
    "{\"type\":\"m.room.message\",\"sender\":\"@b:localhost\",\"event_id\":\"$gone\","
    "\"origin_server_ts\":9,\"content\":{},\"unsigned\":{\"redacted_because\":{\"type\":\"m.room.redaction\"}}},"
    "{\"type\":\"m.room.member\",\"state_key\":\"@b:localhost\",\"sender\":\"@b:localhost\","
    "\"event_id\":\"$m2\",\"origin_server_ts\":10,\"content\":{\"membership\":\"leave\"}},"
    "{\"type\":\"m.reaction\",\"sender\":\"@b:localhost\",\"event_id\":\"$r1\","
    "\"origin_server_ts\":11,\"content\":{}}"
    "]}}}}}";

Test(mx_sync, joined_room_state_then_timeline)
{
    mx_sync s = parse_ok(joined_fixture);
    cr_assert_str_eq(s.next_batch, "s42_7");
    cr_assert_eq(s.n_joined, 1);
    cr_assert_eq(s.n_invites, 0);
    cr_assert_eq(s.n_left, 0);
    cr_assert_eq(s.n_skipped, 0);
    const mx_room *r = &s.joined[0];
    cr_assert_str_eq(r->room_id, "!r:localhost");
    cr_assert_eq(r->joined_count, 3);
    cr_assert_eq(r->n_events, 11);
    cr_assert_eq(r->events[0].kind, MX_EV_MEMBER);
    cr_assert_eq(r->events[0].is_state, 1);
    cr_assert_str_eq(r->events[0].state_key, "@a:localhost");
    cr_assert_str_eq(r->events[0].membership, "join");
    cr_assert_str_eq(r->events[0].displayname, "Alice");
    cr_assert_eq(r->events[1].is_state, 0);
    mx_sync_free(&s);
}

Test(mx_sync, message_fields_and_mentions)
{
    mx_sync s = parse_ok(joined_fixture);
    const mx_event *q = &s.joined[0].events[1];
    cr_assert_eq(q->kind, MX_EV_MESSAGE);
    cr_assert_str_eq(q->event_id, "$q1");
    cr_assert_str_eq(q->sender, "@a:localhost");
    cr_assert_str_eq(q->msgtype, "m.text");
    cr_assert_str_eq(q->body, "hi bot");
    cr_assert_str_eq(q->formatted_body, "<b>hi</b> bot");
    cr_assert_eq(q->is_edit, 0);
    cr_assert_null(q->reply_to);
    cr_assert_null(q->thread_root);
    cr_assert_eq(q->n_mentions, 2);
    cr_assert_str_eq(q->mentions[0], "@faqbot:localhost");
    cr_assert_str_eq(q->mentions[1], "@b:localhost");
    mx_sync_free(&s);
}

Test(mx_sync, notice_edit_thread)
{
    mx_sync s = parse_ok(joined_fixture);
    const mx_event *ev = s.joined[0].events;
    cr_assert_str_eq(ev[2].msgtype, "m.notice");
    cr_assert_eq(ev[2].is_edit, 0);
    cr_assert_eq(ev[3].is_edit, 1);
    cr_assert_str_eq(ev[3].body, " * hi");
    cr_assert_eq(ev[4].is_edit, 0);
    cr_assert_str_eq(ev[4].thread_root, "$root");
    cr_assert_str_eq(ev[4].reply_to, "$q1");
    mx_sync_free(&s);
}

Test(mx_sync, redactions_encrypted_redacted_leave_other)
{
    mx_sync s = parse_ok(joined_fixture);
    const mx_event *ev = s.joined[0].events;
    cr_assert_eq(ev[5].kind, MX_EV_REDACTION);
    cr_assert_str_eq(ev[5].redacts, "$n1");     /* top-level (room v1-v10) */
    cr_assert_eq(ev[6].kind, MX_EV_REDACTION);
    cr_assert_str_eq(ev[6].redacts, "$q1");     /* content (room v11) */
    cr_assert_eq(ev[7].kind, MX_EV_ENCRYPTED);
    cr_assert_null(ev[7].body);
    cr_assert_eq(ev[8].kind, MX_EV_MESSAGE);
    cr_assert_eq(ev[8].is_redacted, 1);
    cr_assert_null(ev[8].body);
    cr_assert_null(ev[8].msgtype);
    cr_assert_eq(ev[9].kind, MX_EV_MEMBER);
    cr_assert_str_eq(ev[9].membership, "leave");
    cr_assert_null(ev[9].displayname);
    cr_assert_eq(ev[10].kind, MX_EV_OTHER);
    cr_assert_str_eq(ev[10].type, "m.reaction");
    mx_sync_free(&s);
}

Test(mx_sync, invites_and_leaves)
{
    const char *json =
        "{\"next_batch\":\"s9\",\"rooms\":{"
        "\"invite\":{\"!i:localhost\":{\"invite_state\":{\"events\":["
        "{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@a:x.org\",\"content\":{}},"
        "{\"type\":\"m.room.encryption\",\"state_key\":\"\",\"sender\":\"@a:x.org\","
        "\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}},"
        "{\"type\":\"m.room.member\",\"state_key\":\"@a:x.org\",\"sender\":\"@a:x.org\","
        "\"content\":{\"membership\":\"join\"}},"
        "{\"type\":\"m.room.member\",\"state_key\":\"@faqbot:localhost\",\"sender\":\"@a:x.org\","
        "\"content\":{\"membership\":\"invite\"}}]}},"
        "\"!j:localhost\":{\"invite_state\":{\"events\":[]}}},"
        "\"leave\":{\"!l:localhost\":{\"state\":{\"events\":[]},\"timeline\":{\"events\":[]}}}}}";
    mx_sync s = parse_ok(json);
    cr_assert_eq(s.n_invites, 2);
    const mx_invite *a = strcmp(s.invites[0].room_id, "!i:localhost") ? &s.invites[1] : &s.invites[0];
    const mx_invite *b = a == &s.invites[0] ? &s.invites[1] : &s.invites[0];
    cr_assert_str_eq(a->room_id, "!i:localhost");
    cr_assert_str_eq(a->inviter, "@a:x.org");
    cr_assert_eq(a->encrypted, 1);
    cr_assert_str_eq(b->room_id, "!j:localhost");
    cr_assert_null(b->inviter);
    cr_assert_eq(b->encrypted, 0);
    cr_assert_eq(s.n_left, 1);
    cr_assert_str_eq(s.left[0], "!l:localhost");
    cr_assert_eq(s.n_joined, 0);
    mx_sync_free(&s);
}

Test(mx_sync, empty_sync_has_only_next_batch)
{
    mx_sync s = parse_ok("{\"next_batch\":\"s1\"}");
    cr_assert_str_eq(s.next_batch, "s1");
    cr_assert_eq(s.n_joined + s.n_invites + s.n_left + s.n_skipped, 0);
    mx_sync_free(&s);
}

static void parse_fails(const char *json, const char *want)
{
    mx_sync s;
    char err[256] = "";
    cr_assert_eq(mx_sync_parse(json, strlen(json), SELF, &s, err, sizeof(err)), -1, "%s", json);
    cr_assert(strstr(err, want), "error '%s' lacks '%s'", err, want);
    cr_assert_null(s.next_batch);
    cr_assert_null(s.joined);
}

Test(mx_sync, malformed_documents_fail_cleanly)
{
    parse_fails("{\"next_batch\":\"s1\",\"rooms\":{", "malformed JSON");
    parse_fails("", "malformed JSON");
    parse_fails("[1,2]", "no next_batch");
    parse_fails("{\"rooms\":{}}", "no next_batch");
    parse_fails("{\"next_batch\":7}", "no next_batch");
    parse_fails("{\"next_batch\":\"\"}", "no next_batch");
    parse_fails("{\"next_batch\":\"s1\",\"rooms\":[]}", "no next_batch");
}

Test(mx_sync, malformed_events_are_skipped_and_counted)
{
    const char *json =
        "{\"next_batch\":\"s2\",\"rooms\":{\"join\":{\"!r:l\":{\"timeline\":{\"events\":["
        "42, \"text\", {\"type\":\"m.room.message\",\"event_id\":\"$a\",\"content\":{}},"
        "{\"type\":\"m.room.message\",\"sender\":\"@a:l\",\"event_id\":\"$b\",\"content\":\"x\"},"
        "{\"type\":7,\"sender\":\"@a:l\",\"event_id\":\"$c\",\"content\":{}},"
        "{\"type\":\"m.room.member\",\"sender\":\"@a:l\",\"event_id\":\"$d\",\"content\":{}},"
        "{\"type\":\"m.room.message\",\"sender\":\"@a:l\",\"event_id\":\"$ok\","
        "\"content\":{\"msgtype\":5,\"body\":[\"not a string\"]}}"
        "]},\"state\":{\"events\":\"not an array\"}}}}}";
    mx_sync s = parse_ok(json);
    cr_assert_eq(s.n_skipped, 6);
    cr_assert_eq(s.joined[0].n_events, 1);
    cr_assert_str_eq(s.joined[0].events[0].event_id, "$ok");
    cr_assert_null(s.joined[0].events[0].msgtype);
    cr_assert_null(s.joined[0].events[0].body);
    cr_assert_eq(s.joined[0].joined_count, -1);
    mx_sync_free(&s);
}

Test(mx_sync, invalid_utf8_is_rejected_not_crashed)
{
    const char json[] = "{\"next_batch\":\"s\xff\"}";
    mx_sync s;
    char err[256] = "";
    cr_assert_eq(mx_sync_parse(json, sizeof(json) - 1, SELF, &s, err, sizeof(err)), -1);
    cr_assert(strstr(err, "malformed JSON"));
}

Test(mx_sync, limited_timeline_keeps_prev_batch)
{
    mx_sync s = parse_ok(
        "{\"next_batch\":\"s9\",\"rooms\":{\"join\":{"
        "\"!gap:localhost\":{\"timeline\":{\"limited\":true,\"prev_batch\":\"t41\",\"events\":[]}},"
        "\"!ok:localhost\":{\"timeline\":{\"limited\":false,\"events\":[]}}}}}");
    cr_assert_eq(s.n_joined, 2);
    const mx_room *gap = !strcmp(s.joined[0].room_id, "!gap:localhost") ? &s.joined[0] : &s.joined[1];
    const mx_room *ok = gap == &s.joined[0] ? &s.joined[1] : &s.joined[0];
    cr_assert_eq(gap->limited, 1);
    cr_assert_str_eq(gap->prev_batch, "t41");
    cr_assert_eq(ok->limited, 0);
    cr_assert_null(ok->prev_batch);
    mx_sync_free(&s);
}

Test(mx_sync, nul_in_a_body_becomes_a_space)
{
    /* "\u0000" is valid JSON: the body survives, NUL read as a space */
    mx_sync s = parse_ok(
        "{\"next_batch\":\"s2\",\"rooms\":{\"join\":{\"!r:localhost\":{\"timeline\":{\"events\":["
        "{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$q\","
        "\"origin_server_ts\":1,\"content\":{\"msgtype\":\"m.text\","
        "\"body\":\"colic\\u0000 massage?\\u0000\"}}]}}}}}");
    cr_assert_eq(s.joined[0].n_events, 1);
    cr_assert_str_eq(s.joined[0].events[0].body, "colic  massage? ");
    mx_sync_free(&s);
}

Test(mx_sync, room_events_from_a_messages_chunk)
{
    json_error_t jerr;
    json_t *arr = json_loads(
        "[{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$1\","
        "\"content\":{\"msgtype\":\"m.text\",\"body\":\"older\"}},"
        "{\"type\":\"m.room.message\",\"event_id\":\"$bad\",\"content\":{}},"
        "{\"type\":\"m.room.message\",\"sender\":\"@a:localhost\",\"event_id\":\"$2\","
        "\"content\":{\"msgtype\":\"m.text\",\"body\":\"newer\"}}]", 0, &jerr);
    mx_room r = {0};
    size_t skipped = 0;
    cr_assert_not_null(arr);
    r.room_id = strdup("!r:localhost");
    cr_assert_eq(mx_sync_room_events(&r, arr, &skipped), 0);
    cr_assert_eq(r.n_events, 2);
    cr_assert_eq(skipped, 1, "the event without a sender");
    cr_assert_str_eq(r.events[0].body, "older");
    cr_assert_str_eq(r.events[1].body, "newer");
    cr_assert_eq(r.events[1].is_state, 0);
    mx_sync_room_free(&r);
    cr_assert_null(r.events);
    cr_assert_null(r.room_id);
    json_decref(arr);
}
