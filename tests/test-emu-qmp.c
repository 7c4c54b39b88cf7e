/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the emulated SEV platform's QMP proxy: the test plays QEMU
 * on one end of a socket pair and libvirt on the listening socket, the proxy
 * runs in a thread of its own.
 */
#include <config.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gio/gunixfdmessage.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "test-common.h"
#include "sevirt.h"
#include "emu-qmp.h"

typedef struct {
    GMainContext *ctx;
    GMainLoop *loop;
    int qemu_fd;
    int listen_fd;
    GThread *thread;
    gint commands_seen;      /* by the command hook */
} Proxy;

static EmuQmpAction
hook_command(const char *name, JsonObject *arguments, JsonNode **ret, GError **error,
             gpointer data)
{
    Proxy *proxy = data;

    g_atomic_int_inc(&proxy->commands_seen);
    if (g_str_equal(name, "query-sev-capabilities")) {
        JsonObject *obj = json_object_new();

        json_object_set_int_member(obj, "cbitpos", 51);
        *ret = json_node_init_object(json_node_alloc(), obj);
        json_object_unref(obj);
        return EMU_QMP_REPLY;
    }
    if (g_str_equal(name, "sev-inject-launch-secret")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "SEV: refused %s",
                    json_object_get_string_member(arguments, "secret"));
        return EMU_QMP_REPLY;
    }
    return EMU_QMP_FORWARD;
}

static gboolean
hook_response(const char *name, JsonObject *arguments G_GNUC_UNUSED, JsonObject *response,
              gpointer data G_GNUC_UNUSED)
{
    if (!g_str_equal(name, "qom-list-types"))
        return FALSE;
    json_object_set_boolean_member(response, "patched", TRUE);
    return TRUE;
}

static void
hook_qemu_gone(gpointer data)
{
    Proxy *proxy = data;

    g_main_loop_quit(proxy->loop);
}

static gpointer
proxy_thread(gpointer data)
{
    Proxy *proxy = data;
    const EmuQmpHooks hooks = { hook_command, hook_response, hook_qemu_gone };
    g_autoptr(GError) error = NULL;
    g_autoptr(EmuQmp) qmp = NULL;

    g_main_context_push_thread_default(proxy->ctx);
    qmp = emu_qmp_new(proxy->qemu_fd, proxy->listen_fd, &hooks, proxy, &error);
    g_assert_no_error(error);
    g_main_loop_run(proxy->loop);
    g_clear_pointer(&qmp, emu_qmp_free);
    g_main_context_pop_thread_default(proxy->ctx);
    return NULL;
}

static GSocket *
socket_from_fd(int fd)
{
    g_autoptr(GError) error = NULL;
    GSocket *sock = g_socket_new_from_fd(fd, &error);

    g_assert_no_error(error);
    g_socket_set_timeout(sock, 10);
    return sock;
}

static void
send_line(GSocket *sock, const char *line)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *text = g_strdup_printf("%s\r\n", line);

    assert_int_equal(g_socket_send(sock, text, strlen(text), NULL, &error), strlen(text));
}

/* One line without its "\r\n"; received fds are appended to @fds. */
static char *
recv_line_fds(GSocket *sock, GArray *fds)
{
    GString *line = g_string_new(NULL);

    for (;;) {
        char c;
        GInputVector vec = { &c, 1 };
        GSocketControlMessage **msgs = NULL;
        gint nmsgs = 0;
        g_autoptr(GError) error = NULL;
        gssize n = g_socket_receive_message(sock, NULL, &vec, 1, &msgs, &nmsgs, NULL, NULL, &error);

        for (gint i = 0; i < nmsgs; i++) {
            if (fds && G_IS_UNIX_FD_MESSAGE(msgs[i])) {
                gint count = 0;
                g_autofree gint *got = g_unix_fd_message_steal_fds(G_UNIX_FD_MESSAGE(msgs[i]), &count);

                g_array_append_vals(fds, got, count);
            }
            g_object_unref(msgs[i]);
        }
        g_free(msgs);
        g_assert_no_error(error);
        if (n == 0)
            return g_string_free(line, TRUE), NULL;
        if (c == '\n')
            break;
        g_string_append_c(line, c);
    }
    if (line->len && line->str[line->len - 1] == '\r')
        g_string_truncate(line, line->len - 1);
    return g_string_free(line, FALSE);
}

static char *
recv_line(GSocket *sock)
{
    return recv_line_fds(sock, NULL);
}

static GSocket *
connect_client(const char *path)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);
    GSocket *sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_DEFAULT, &error);

    g_assert_no_error(error);
    g_socket_set_timeout(sock, 10);
    g_assert_true(g_socket_connect(sock, addr, NULL, &error));
    return sock;
}

#define assert_line(sock, expected) do { \
        g_autofree char *got_ = recv_line(sock); \
        assert_non_null(got_); \
        assert_string_equal(got_, expected); \
    } while (0)

static void
test_proxy(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-qmp-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "monitor.sock", NULL);
    g_autoptr(GSocket) qemu = NULL;
    g_autoptr(GSocket) client = NULL;
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    Proxy proxy = { 0 };
    int sv[2];
    int pipefd[2];
    char buf[8] = { 0 };

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    proxy.qemu_fd = sv[0];
    proxy.listen_fd = emu_qmp_listen_unix(path, &error);
    g_assert_no_error(error);
    proxy.ctx = g_main_context_new();
    proxy.loop = g_main_loop_new(proxy.ctx, FALSE);
    proxy.thread = g_thread_new("proxy", proxy_thread, &proxy);
    qemu = socket_from_fd(sv[1]);

    /* QEMU greets; a client connecting later gets the greeting without oob */
    send_line(qemu, "{\"QMP\": {\"version\": {\"qemu\": {\"major\": 7}}, \"capabilities\": [\"oob\"]}}");
    client = connect_client(path);
    assert_line(client, "{\"QMP\":{\"version\":{\"qemu\":{\"major\":7}},\"capabilities\":[]}}");

    /* before negotiation: refused by the proxy, QEMU sees nothing */
    send_line(client, "{\"execute\":\"query-status\",\"id\":\"a\"}");
    assert_line(client, "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"Expecting capabilities negotiation with 'qmp_capabilities'\"},\"id\":\"a\"}");
    send_line(client, "{\"execute\":\"exec-oob\",\"exec-oob\":\"x\"}");
    {
        g_autofree char *line = recv_line(client);
        assert_non_null(strstr(line, "'oob' capability"));
    }

    /* the first negotiation goes to QEMU */
    send_line(client, "{\"execute\":\"qmp_capabilities\",\"id\":\"b\"}");
    assert_line(qemu, "{\"execute\":\"qmp_capabilities\",\"id\":\"b\"}");
    send_line(qemu, "{\"return\": {}, \"id\": \"b\"}");
    assert_line(client, "{\"return\": {}, \"id\": \"b\"}");

    /* events pass through */
    send_line(qemu, "{\"event\": \"STOP\"}");
    assert_line(client, "{\"event\": \"STOP\"}");

    /* an answer the proxy makes waits for the QEMU answer queued before it */
    send_line(client, "{\"execute\":\"query-status\",\"id\":\"c\"}\r\n"
                      "{\"execute\":\"query-sev-capabilities\",\"id\":\"d\"}");
    assert_line(qemu, "{\"execute\":\"query-status\",\"id\":\"c\"}");
    send_line(qemu, "{\"return\": {\"status\": \"prelaunch\"}, \"id\": \"c\"}");
    assert_line(client, "{\"return\": {\"status\": \"prelaunch\"}, \"id\": \"c\"}");
    assert_line(client, "{\"return\":{\"cbitpos\":51},\"id\":\"d\"}");

    /* a hook's error is a GenericError; an answer can be patched */
    send_line(client, "{\"execute\":\"sev-inject-launch-secret\",\"arguments\":{\"secret\":\"AA==\"},\"id\":\"e\"}");
    assert_line(client, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"SEV: refused AA==\"},\"id\":\"e\"}");
    send_line(client, "{\"execute\":\"qom-list-types\",\"id\":\"f\"}");
    assert_line(qemu, "{\"execute\":\"qom-list-types\",\"id\":\"f\"}");
    send_line(qemu, "{\"return\": [], \"id\": \"f\"}");
    assert_line(client, "{\"return\":[],\"id\":\"f\",\"patched\":true}");

    /* malformed input */
    send_line(client, "[1]");
    assert_line(client, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"QMP input must be a JSON object\"}}");
    send_line(client, "{\"arguments\":{}}");
    assert_line(client, "{\"error\":{\"class\":\"GenericError\",\"desc\":\"QMP input lacks member 'execute'\"}}");

    /* a descriptor passed with a command reaches QEMU with that command */
    assert_int_equal(pipe(pipefd), 0);
    {
        g_autoptr(GUnixFDList) list = g_unix_fd_list_new_from_array(&pipefd[1], 1);
        g_autoptr(GSocketControlMessage) msg = g_unix_fd_message_new_with_fd_list(list);
        const char *cmd = "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"x\"},\"id\":\"g\"}\r\n";
        GOutputVector vec = { cmd, strlen(cmd) };

        assert_int_equal(g_socket_send_message(client, NULL, &vec, 1, &msg, 1, 0, NULL, &error),
                         strlen(cmd));
    }
    {
        g_autofree char *line = recv_line_fds(qemu, fds);

        assert_string_equal(line, "{\"execute\":\"getfd\",\"arguments\":{\"fdname\":\"x\"},\"id\":\"g\"}");
        assert_int_equal(fds->len, 1);
        assert_int_equal(write(g_array_index(fds, int, 0), "ok", 2), 2);
        assert_int_equal(read(pipefd[0], buf, 2), 2);
        assert_string_equal(buf, "ok");
        close(g_array_index(fds, int, 0));
        close(pipefd[0]);
    }
    send_line(qemu, "{\"return\": {}, \"id\": \"g\"}");
    assert_line(client, "{\"return\": {}, \"id\": \"g\"}");

    /* libvirtd goes away with a command pending, and comes back */
    send_line(client, "{\"execute\":\"query-name\",\"id\":\"h\"}");
    assert_line(qemu, "{\"execute\":\"query-name\",\"id\":\"h\"}");
    g_socket_close(client, NULL);
    g_clear_object(&client);
    send_line(qemu, "{\"event\": \"RESUME\"}");
    send_line(qemu, "{\"return\": {}, \"id\": \"h\"}");
    client = connect_client(path);
    assert_line(client, "{\"QMP\":{\"version\":{\"qemu\":{\"major\":7}},\"capabilities\":[]}}");
    /* QEMU already left negotiation mode: the proxy negotiates itself */
    send_line(client, "{\"execute\":\"qmp_capabilities\",\"id\":1}");
    assert_line(client, "{\"return\":{},\"id\":1}");
    send_line(client, "{\"execute\":\"qmp_capabilities\"}");
    assert_line(client, "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"Capabilities negotiation is already complete, command ignored\"}}");
    send_line(client, "{\"execute\":\"query-status\",\"id\":2}");
    /* the first line QEMU sees is this command: nothing of the
     * reconnection reached it */
    assert_line(qemu, "{\"execute\":\"query-status\",\"id\":2}");
    send_line(qemu, "{\"return\": {\"running\": true}, \"id\": 2}");
    assert_line(client, "{\"return\": {\"running\": true}, \"id\": 2}");

    /* QEMU exits: the proxy stops */
    g_socket_close(qemu, NULL);
    g_thread_join(proxy.thread);
    {
        g_autofree char *line = recv_line(client);

        assert_null(line);
    }
    g_main_loop_unref(proxy.loop);
    g_main_context_unref(proxy.ctx);
    g_unlink(path);
    g_rmdir(dir);
}

/*
 * libvirtd restarting between its qmp_capabilities and QEMU's answer: the
 * next client's qmp_capabilities reaches QEMU after QEMU left negotiation
 * mode for the first, and QEMU refuses it; that client must be negotiated
 * all the same, or every later command of it is refused.
 */
static void
test_reconnect_during_negotiation(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-qmp-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "monitor.sock", NULL);
    g_autoptr(GSocket) qemu = NULL;
    g_autoptr(GSocket) client = NULL;
    Proxy proxy = { 0 };
    int sv[2];

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    proxy.qemu_fd = sv[0];
    proxy.listen_fd = emu_qmp_listen_unix(path, &error);
    g_assert_no_error(error);
    proxy.ctx = g_main_context_new();
    proxy.loop = g_main_loop_new(proxy.ctx, FALSE);
    proxy.thread = g_thread_new("proxy", proxy_thread, &proxy);
    qemu = socket_from_fd(sv[1]);
    send_line(qemu, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}");

    /* the first client asks, and goes away before QEMU answers */
    client = connect_client(path);
    assert_line(client, "{\"QMP\":{\"version\":{},\"capabilities\":[]}}");
    send_line(client, "{\"execute\":\"qmp_capabilities\",\"id\":\"old\"}");
    assert_line(qemu, "{\"execute\":\"qmp_capabilities\",\"id\":\"old\"}");
    g_socket_close(client, NULL);
    g_clear_object(&client);

    /* the next one asks too, before that answer */
    client = connect_client(path);
    assert_line(client, "{\"QMP\":{\"version\":{},\"capabilities\":[]}}");
    send_line(client, "{\"execute\":\"qmp_capabilities\",\"id\":\"new\"}");
    assert_line(qemu, "{\"execute\":\"qmp_capabilities\",\"id\":\"new\"}");
    send_line(qemu, "{\"return\": {}, \"id\": \"old\"}");
    send_line(qemu, "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
                    "\"Capabilities negotiation is already complete, command ignored\"}, \"id\": \"new\"}");
    assert_line(client, "{\"return\":{},\"id\":\"new\"}");

    /* negotiated: its commands reach QEMU, events reach it */
    send_line(client, "{\"execute\":\"query-status\",\"id\":1}");
    assert_line(qemu, "{\"execute\":\"query-status\",\"id\":1}");
    send_line(qemu, "{\"event\": \"STOP\"}");
    send_line(qemu, "{\"return\": {\"running\": false}, \"id\": 1}");
    assert_line(client, "{\"event\": \"STOP\"}");
    assert_line(client, "{\"return\": {\"running\": false}, \"id\": 1}");
    /* a second qmp_capabilities of the same client: QEMU's error, unchanged */
    send_line(client, "{\"execute\":\"qmp_capabilities\",\"id\":2}");
    assert_line(client, "{\"error\":{\"class\":\"CommandNotFound\",\"desc\":\"Capabilities negotiation is already complete, command ignored\"},\"id\":2}");

    g_socket_close(qemu, NULL);
    g_thread_join(proxy.thread);
    g_main_loop_unref(proxy.loop);
    g_main_context_unref(proxy.ctx);
    g_unlink(path);
    g_rmdir(dir);
}

/* Found by fuzzing (tests/fuzz/fuzz-emu-qmp): a greeting whose "QMP" member
 * is no object failed json-glib's precondition (a critical). */
static void
test_greeting_not_object(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("sevirt-emu-qmp-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "monitor.sock", NULL);
    g_autoptr(GSocket) qemu = NULL;
    g_autoptr(GSocket) client = NULL;
    GLogLevelFlags fatal = g_log_set_always_fatal(G_LOG_FATAL_MASK);
    Proxy proxy = { 0 };
    int sv[2];

    /* any critical in the proxy thread ends the test */
    g_log_set_always_fatal(fatal | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    proxy.qemu_fd = sv[0];
    proxy.listen_fd = emu_qmp_listen_unix(path, &error);
    g_assert_no_error(error);
    proxy.ctx = g_main_context_new();
    proxy.loop = g_main_loop_new(proxy.ctx, FALSE);
    proxy.thread = g_thread_new("proxy", proxy_thread, &proxy);
    qemu = socket_from_fd(sv[1]);

    /* passed on as it came, there being no capabilities to clear */
    send_line(qemu, "{\"QMP\": [\"oob\"]}");
    client = connect_client(path);
    assert_line(client, "{\"QMP\":[\"oob\"]}");

    g_socket_close(qemu, NULL);
    g_thread_join(proxy.thread);
    g_main_loop_unref(proxy.loop);
    g_main_context_unref(proxy.ctx);
    g_unlink(path);
    g_rmdir(dir);
    g_log_set_always_fatal(fatal);
}

static void
test_listen_errors(void **state G_GNUC_UNUSED)
{
    g_autoptr(GError) error = NULL;

    assert_int_equal(emu_qmp_listen_unix("/nonexistent-dir/sock", &error), -1);
    assert_non_null(error);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy),
        cmocka_unit_test(test_reconnect_during_negotiation),
        cmocka_unit_test(test_greeting_not_object),
        cmocka_unit_test(test_listen_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
