/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: the emulator's QMP proxy between libvirt and QEMU
 * (emu-qmp.c): line framing, JSON parsing and the negotiation and answer
 * bookkeeping, over real sockets as in tests/test-emu-qmp.c but in one
 * thread.  Each input line is one event, picked by its first byte:
 *   '<' the rest of the line comes from QEMU
 *   '!' libvirt hangs up and connects again
 *   '>' (or anything else) the rest of the line comes from libvirt
 * After each event the proxy's main context runs until it is idle and
 * whatever it sent is read and dropped.
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "fuzz.h"
#include "sevirt.h"
#include "emu-qmp.h"

/* Bounds the work per input: each event costs system calls. */
#define FUZZ_MAX_EVENTS 64

static EmuQmpAction
hook_command(const char *name, JsonObject *arguments, JsonNode **ret, GError **error,
             gpointer data G_GNUC_UNUSED)
{
    if (g_str_equal(name, "query-sev-capabilities")) {
        JsonObject *obj = json_object_new();

        json_object_set_int_member(obj, "cbitpos", 51);
        *ret = json_node_init_object(json_node_alloc(), obj);
        json_object_unref(obj);
        return EMU_QMP_REPLY;
    }
    if (g_str_equal(name, "sev-inject-launch-secret")) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_VERIFY, "refused (%u arguments)",
                    arguments ? json_object_get_size(arguments) : 0);
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

static const char *
socket_path(void)
{
    static char *path;

    if (!path) {
        g_autoptr(GError) error = NULL;
        g_autofree char *dir = g_dir_make_tmp("sevirt-fuzz-qmp-XXXXXX", &error);

        g_assert_no_error(error);
        path = g_build_filename(dir, "qmp.sock", NULL);
    }
    return path;
}

static int
client_connect(void)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

    g_assert(fd >= 0);
    g_strlcpy(addr.sun_path, socket_path(), sizeof(addr.sun_path));
    g_assert(connect(fd, (struct sockaddr *) &addr, sizeof(addr)) == 0);
    return fd;
}

/* Runs the proxy until idle, dropping what it sent to @qemu_fd and @client_fd. */
static void
settle(GMainContext *ctx, int qemu_fd, int client_fd)
{
    for (guint round = 0; round < 16; round++) {
        gboolean busy = FALSE;
        char buf[4096];

        while (g_main_context_iteration(ctx, FALSE))
            busy = TRUE;
        while (recv(qemu_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
            busy = TRUE;
        while (client_fd >= 0 && recv(client_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
            busy = TRUE;
        if (!busy)
            return;
    }
}

static void
send_line(int fd, const char *line, gsize len)
{
    g_autofree char *text = g_strdup_printf("%.*s\r\n", (int) len, line);
    gsize left = strlen(text);
    const char *p = text;

    while (left > 0) {
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n <= 0)
            return;   /* the proxy hung up or is full: the line is lost */
        p += n;
        left -= n;
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const EmuQmpHooks hooks = { hook_command, hook_response, NULL };
    g_autoptr(GMainContext) ctx = g_main_context_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    EmuQmp *qmp;
    int pair[2];
    int listen_fd, client_fd;

    fuzz_init();
    g_main_context_push_thread_default(ctx);
    g_assert(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
    listen_fd = emu_qmp_listen_unix(socket_path(), &error);
    g_assert_no_error(error);
    qmp = emu_qmp_new(pair[0], listen_fd, &hooks, NULL, &error);
    g_assert_no_error(error);
    client_fd = client_connect();
    settle(ctx, pair[1], client_fd);

    lines = fuzz_split(data, size, "\n", FUZZ_MAX_EVENTS);
    for (guint i = 0; i < lines->len; i++) {
        gsize len = 0;
        const char *line = g_bytes_get_data(lines->pdata[i], &len);

        if (!line)
            line = "";   /* an empty piece has no data at all */
        if (len > 0 && line[0] == '!') {
            close(client_fd);
            settle(ctx, pair[1], -1);
            client_fd = client_connect();
        } else if (len > 0 && line[0] == '<') {
            send_line(pair[1], line + 1, len - 1);
        } else {
            gsize skip = len > 0 && line[0] == '>' ? 1 : 0;

            send_line(client_fd, line + skip, len - skip);
        }
        settle(ctx, pair[1], client_fd);
    }

    close(client_fd);
    close(pair[1]);
    settle(ctx, -1, -1);
    emu_qmp_free(qmp);
    g_main_context_pop_thread_default(ctx);
    return 0;
}
