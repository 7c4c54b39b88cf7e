/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QMP proxy between libvirt and the real QEMU (see emu-qmp.h).
 *
 * Both peers end every message with a newline (QEMU writes "\r\n" after
 * each answer and event, libvirt after each command), so messages are framed
 * by lines and each line is parsed with json-glib.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gunixfdmessage.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sevirt.h"
#include "emu-qmp.h"

/* QEMU's own JSON parser refuses tokens above 64 MiB. */
#define EMU_QMP_MAX_MESSAGE (64 * 1024 * 1024)

typedef struct _EmuChannel EmuChannel;
typedef void (*EmuChannelLineFunc)(EmuChannel *chan, const char *line, GArray *fds, gpointer data);
typedef void (*EmuChannelClosedFunc)(EmuChannel *chan, gpointer data);

/* One end of a stream socket: lines in, queued writes out. */
struct _EmuChannel {
    GSocket *socket;
    GSource *in_source;
    GSource *out_source;
    GSource *closed_source;  /* reports the close from the main loop */
    GByteArray *inbuf;
    GArray *in_fds;          /* received with the bytes now in inbuf */
    GQueue outq;             /* EmuOut */
    EmuChannelLineFunc on_line;
    EmuChannelClosedFunc on_closed;
    gpointer data;
    gboolean closed;
};

typedef struct {
    GBytes *bytes;
    gsize offset;
    GArray *fds;             /* to pass with the first byte, then closed */
} EmuOut;

typedef struct {
    char *name;
    JsonObject *arguments;
    JsonNode *id;
    guint generation;        /* the client that asked */
    JsonNode *local;         /* answered by the proxy: the whole reply */
    gboolean negotiation;    /* the first client's qmp_capabilities */
} EmuPending;

struct _EmuQmp {
    EmuQmpHooks hooks;
    gpointer hooks_data;
    EmuChannel *qemu;
    GSocket *listener;
    GSource *accept_source;
    EmuChannel *client;
    guint generation;
    gboolean client_negotiated;
    gboolean client_wants_greeting;
    char *greeting;          /* QEMU's greeting without "oob" */
    gboolean qemu_negotiated;
    GQueue pending;          /* EmuPending, in command order */
};

static void
close_fds(GArray *fds)
{
    if (!fds)
        return;
    for (guint i = 0; i < fds->len; i++)
        close(g_array_index(fds, int, i));
    g_array_set_size(fds, 0);
}

/* Detaches *@source from its main context and drops it; NULL is fine. */
static void
source_clear(GSource **source)
{
    if (!*source)
        return;
    g_source_destroy(*source);
    g_clear_pointer(source, g_source_unref);
}

static void
emu_out_free(EmuOut *out)
{
    g_bytes_unref(out->bytes);
    if (out->fds) {
        close_fds(out->fds);
        g_array_unref(out->fds);
    }
    g_free(out);
}

static void
emu_pending_free(EmuPending *p)
{
    g_free(p->name);
    if (p->arguments)
        json_object_unref(p->arguments);
    if (p->id)
        json_node_unref(p->id);
    if (p->local)
        json_node_unref(p->local);
    g_free(p);
}

static void
channel_free(EmuChannel *chan)
{
    if (!chan)
        return;
    source_clear(&chan->in_source);
    source_clear(&chan->out_source);
    source_clear(&chan->closed_source);
    g_queue_clear_full(&chan->outq, (GDestroyNotify) emu_out_free);
    close_fds(chan->in_fds);
    g_array_unref(chan->in_fds);
    g_byte_array_unref(chan->inbuf);
    g_socket_close(chan->socket, NULL);
    g_object_unref(chan->socket);
    g_free(chan);
}

/* Closing is reported once, from an idle callback, so that the owner may
 * free the channel. */
static gboolean
channel_report_closed(gpointer p)
{
    EmuChannel *chan = p;

    chan->on_closed(chan, chan->data);
    return G_SOURCE_REMOVE;
}

static void
channel_mark_closed(EmuChannel *chan)
{
    if (chan->closed)
        return;
    chan->closed = TRUE;
    source_clear(&chan->in_source);
    chan->closed_source = g_idle_source_new();
    g_source_set_callback(chan->closed_source, channel_report_closed, chan, NULL);
    g_source_attach(chan->closed_source, g_main_context_get_thread_default());
}

static gboolean channel_writable(GSocket *socket, GIOCondition cond, gpointer p);

static void
channel_flush(EmuChannel *chan)
{
    while (!chan->closed && !g_queue_is_empty(&chan->outq)) {
        EmuOut *out = g_queue_peek_head(&chan->outq);
        gsize len = 0;
        const guint8 *data = g_bytes_get_data(out->bytes, &len);
        GOutputVector vec = { data + out->offset, len - out->offset };
        GSocketControlMessage *msg = NULL;
        g_autoptr(GError) error = NULL;
        gssize n;

        if (out->fds && out->fds->len) {
            g_autoptr(GUnixFDList) list =
                g_unix_fd_list_new_from_array((gint *) (void *) out->fds->data, out->fds->len);

            /* the fd list now owns them */
            g_array_set_size(out->fds, 0);
            msg = g_unix_fd_message_new_with_fd_list(list);
        }
        n = g_socket_send_message(chan->socket, NULL, &vec, 1,
                                  msg ? &msg : NULL, msg ? 1 : 0,
                                  G_SOCKET_MSG_NONE, NULL, &error);
        g_clear_object(&msg);
        if (n < 0) {
            if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                break;
            channel_mark_closed(chan);
            return;
        }
        out->offset += n;
        if (out->offset == len)
            emu_out_free(g_queue_pop_head(&chan->outq));
    }
    if (g_queue_is_empty(&chan->outq) || chan->closed) {
        source_clear(&chan->out_source);
    } else if (!chan->out_source) {
        chan->out_source = g_socket_create_source(chan->socket, G_IO_OUT, NULL);
        g_source_set_callback(chan->out_source, (GSourceFunc) (void (*)(void)) channel_writable,
                              chan, NULL);
        g_source_attach(chan->out_source, g_main_context_get_thread_default());
    }
}

static gboolean
channel_writable(GSocket *socket G_GNUC_UNUSED, GIOCondition cond G_GNUC_UNUSED, gpointer p)
{
    channel_flush(p);
    return G_SOURCE_CONTINUE;
}

/* Queues @text plus "\r\n"; @fds (taken) go with its first byte. */
static void
channel_send(EmuChannel *chan, const char *text, gsize len, GArray *fds)
{
    EmuOut *out = g_new0(EmuOut, 1);
    GByteArray *buf = g_byte_array_sized_new(len + 2);

    if (chan->closed) {
        g_byte_array_unref(buf);
        g_free(out);
        close_fds(fds);
        return;
    }
    g_byte_array_append(buf, (const guint8 *) text, len);
    g_byte_array_append(buf, (const guint8 *) "\r\n", 2);
    out->bytes = g_byte_array_free_to_bytes(buf);
    if (fds && fds->len) {
        out->fds = g_array_new(FALSE, FALSE, sizeof(int));
        g_array_append_vals(out->fds, fds->data, fds->len);
        g_array_set_size(fds, 0);
    }
    g_queue_push_tail(&chan->outq, out);
    channel_flush(chan);
}

static void
channel_take_fds(EmuChannel *chan, GSocketControlMessage **msgs, gint nmsgs)
{
    for (gint i = 0; i < nmsgs; i++) {
        if (G_IS_UNIX_FD_MESSAGE(msgs[i])) {
            gint n = 0;
            g_autofree gint *fds = g_unix_fd_message_steal_fds(G_UNIX_FD_MESSAGE(msgs[i]), &n);

            g_array_append_vals(chan->in_fds, fds, n);
        }
        g_object_unref(msgs[i]);
    }
    g_free(msgs);
}

static gboolean
channel_readable(GSocket *socket, GIOCondition cond G_GNUC_UNUSED, gpointer p)
{
    EmuChannel *chan = p;
    guint8 buf[65536];
    GInputVector vec = { buf, sizeof(buf) };
    GSocketControlMessage **msgs = NULL;
    gint nmsgs = 0;
    gint flags = 0;
    g_autoptr(GError) error = NULL;
    gssize n;
    guint8 *nl;

    n = g_socket_receive_message(socket, NULL, &vec, 1, &msgs, &nmsgs, &flags, NULL, &error);
    if (n < 0 && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
    if (msgs)
        channel_take_fds(chan, msgs, nmsgs);
    if (n <= 0) {
        channel_mark_closed(chan);
        return G_SOURCE_REMOVE;
    }
    g_byte_array_append(chan->inbuf, buf, n);

    while (!chan->closed &&
           (nl = memchr(chan->inbuf->data, '\n', chan->inbuf->len))) {
        gsize len = nl - chan->inbuf->data;
        g_autofree char *line = g_strndup((const char *) chan->inbuf->data, len);

        g_byte_array_remove_range(chan->inbuf, 0, len + 1);
        g_strstrip(line);
        if (*line)
            chan->on_line(chan, line, chan->in_fds, chan->data);
    }
    if (chan->inbuf->len > EMU_QMP_MAX_MESSAGE) {
        g_printerr(_("sevirt-qemu-emu: QMP message larger than %d bytes, closing the connection\n"),
                   EMU_QMP_MAX_MESSAGE);
        channel_mark_closed(chan);
        return G_SOURCE_REMOVE;
    }
    return chan->closed ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static EmuChannel *
channel_new(GSocket *socket, EmuChannelLineFunc on_line, EmuChannelClosedFunc on_closed,
            gpointer data)
{
    EmuChannel *chan = g_new0(EmuChannel, 1);

    chan->socket = socket;
    g_socket_set_blocking(socket, FALSE);
    chan->inbuf = g_byte_array_new();
    chan->in_fds = g_array_new(FALSE, FALSE, sizeof(int));
    g_queue_init(&chan->outq);
    chan->on_line = on_line;
    chan->on_closed = on_closed;
    chan->data = data;
    chan->in_source = g_socket_create_source(socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
    g_source_set_callback(chan->in_source, (GSourceFunc) (void (*)(void)) channel_readable,
                          chan, NULL);
    g_source_attach(chan->in_source, g_main_context_get_thread_default());
    return chan;
}

static char *
node_to_string(JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();

    json_generator_set_root(gen, node);
    return json_generator_to_data(gen, NULL);
}

/* {"error": {"class": CLASS, "desc": DESC}} with the command's id. */
static JsonNode *
make_error_reply(const char *klass, const char *desc, JsonNode *id)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "class");
    json_builder_add_string_value(b, klass);
    json_builder_set_member_name(b, "desc");
    json_builder_add_string_value(b, desc);
    json_builder_end_object(b);
    if (id) {
        json_builder_set_member_name(b, "id");
        json_builder_add_value(b, json_node_copy(id));
    }
    json_builder_end_object(b);
    return json_builder_get_root(b);
}

static JsonNode *
make_return_reply(JsonNode *ret, JsonNode *id)
{
    JsonObject *obj = json_object_new();
    JsonNode *node = json_node_new(JSON_NODE_OBJECT);

    if (!ret) {
        ret = json_node_new(JSON_NODE_OBJECT);
        json_node_take_object(ret, json_object_new());
    }
    json_object_set_member(obj, "return", ret);
    if (id)
        json_object_set_member(obj, "id", json_node_copy(id));
    json_node_take_object(node, obj);
    return node;
}

static void
send_to_client(EmuQmp *qmp, JsonNode *node)
{
    g_autofree char *text = NULL;

    if (!qmp->client)
        return;
    text = node_to_string(node);
    channel_send(qmp->client, text, strlen(text), NULL);
}

/* Sends the answers the proxy made itself once nothing is queued before them. */
static void
flush_local_replies(EmuQmp *qmp)
{
    EmuPending *p;

    while ((p = g_queue_peek_head(&qmp->pending)) && p->local) {
        g_queue_pop_head(&qmp->pending);
        if (p->generation == qmp->generation)
            send_to_client(qmp, p->local);
        emu_pending_free(p);
    }
}

static void
queue_local_reply(EmuQmp *qmp, EmuPending *p, JsonNode *reply)
{
    p->local = reply;
    g_queue_push_tail(&qmp->pending, p);
    flush_local_replies(qmp);
}

/*
 * QEMU's answer to a client's qmp_capabilities.  A client that went away
 * before QEMU answered its own qmp_capabilities took QEMU out of negotiation
 * mode; the next client's, sent before that answer arrived, then gets
 * QEMU's "already complete" error, and the client would stay refused: it
 * is negotiated as when QEMU had answered before it asked.  Returns TRUE
 * when the proxy answered the client itself.
 */
static gboolean
settle_negotiation(EmuQmp *qmp, EmuPending *p, JsonObject *msg)
{
    gboolean current = p->generation == qmp->generation;

    if (json_object_has_member(msg, "return")) {
        qmp->qemu_negotiated = TRUE;
        if (current)
            qmp->client_negotiated = TRUE;
        return FALSE;
    }
    /* a client's second qmp_capabilities gets QEMU's error, as from QEMU */
    if (!qmp->qemu_negotiated || !current || qmp->client_negotiated)
        return FALSE;
    qmp->client_negotiated = TRUE;
    {
        g_autoptr(JsonNode) reply = make_return_reply(NULL, p->id);

        send_to_client(qmp, reply);
    }
    return TRUE;
}

static void
handle_qemu_answer(EmuQmp *qmp, JsonObject *msg, const char *line)
{
    g_autoptr(JsonNode) patched = NULL;
    EmuPending *p = g_queue_pop_head(&qmp->pending);
    g_autofree char *text = NULL;

    if (!p || p->local) {
        g_printerr(_("sevirt-qemu-emu: QEMU sent an answer nobody asked for: %s\n"), line);
        if (p)
            emu_pending_free(p);
        return;
    }
    if (p->negotiation && settle_negotiation(qmp, p, msg)) {
        emu_pending_free(p);
        flush_local_replies(qmp);
        return;
    }
    if (p->generation == qmp->generation && qmp->client) {
        if (qmp->hooks.response &&
            qmp->hooks.response(p->name, p->arguments, msg, qmp->hooks_data)) {
            patched = json_node_init_object(json_node_alloc(), msg);
            text = node_to_string(patched);
            channel_send(qmp->client, text, strlen(text), NULL);
        } else {
            channel_send(qmp->client, line, strlen(line), NULL);
        }
    }
    emu_pending_free(p);
    flush_local_replies(qmp);
}

static void
handle_qemu_greeting(EmuQmp *qmp, JsonObject *msg)
{
    JsonNode *qmpnode = json_object_get_member(msg, "QMP");
    /* a "QMP" member that is no object has no capabilities to clear */
    JsonObject *qmpobj = qmpnode && JSON_NODE_HOLDS_OBJECT(qmpnode) ?
                         json_node_get_object(qmpnode) : NULL;
    g_autoptr(JsonNode) node = NULL;

    /* no out-of-band execution through the proxy: answers stay in order */
    if (qmpobj && json_object_has_member(qmpobj, "capabilities"))
        json_object_set_array_member(qmpobj, "capabilities", json_array_new());
    node = json_node_init_object(json_node_alloc(), msg);
    g_free(qmp->greeting);
    qmp->greeting = node_to_string(node);
    if (qmp->client && qmp->client_wants_greeting) {
        channel_send(qmp->client, qmp->greeting, strlen(qmp->greeting), NULL);
        qmp->client_wants_greeting = FALSE;
    }
}

static void
on_qemu_line(EmuChannel *chan G_GNUC_UNUSED, const char *line, GArray *fds, gpointer data)
{
    EmuQmp *qmp = data;
    g_autoptr(JsonParser) parser = json_parser_new();
    JsonNode *root;
    JsonObject *msg;

    /* QEMU never passes descriptors to its monitor clients */
    close_fds(fds);
    /* a blank line parses, to no root at all */
    if (!json_parser_load_from_data(parser, line, -1, NULL) ||
        !(root = json_parser_get_root(parser)) || !JSON_NODE_HOLDS_OBJECT(root)) {
        g_printerr(_("sevirt-qemu-emu: QEMU sent something that is not a JSON object: %s\n"), line);
        return;
    }
    msg = json_node_get_object(root);
    if (json_object_has_member(msg, "QMP")) {
        handle_qemu_greeting(qmp, msg);
    } else if (json_object_has_member(msg, "event")) {
        if (qmp->client && qmp->client_negotiated)
            channel_send(qmp->client, line, strlen(line), NULL);
    } else {
        handle_qemu_answer(qmp, msg, line);
    }
}

static void
handle_client_command(EmuQmp *qmp, JsonObject *msg, const char *line, GArray *fds)
{
    EmuPending *p = g_new0(EmuPending, 1);
    JsonNode *args_node = json_object_get_member(msg, "arguments");
    JsonNode *id = json_object_get_member(msg, "id");
    JsonNode *exec = json_object_get_member(msg, "execute");
    g_autoptr(GError) error = NULL;
    JsonNode *ret = NULL;

    p->generation = qmp->generation;
    if (id)
        p->id = json_node_copy(id);
    if (json_object_has_member(msg, "exec-oob")) {
        queue_local_reply(qmp, p, make_error_reply("GenericError",
            "QMP input member 'exec-oob' requires the 'oob' capability, which the emulated SEV platform does not offer", id));
        return;
    }
    if (!exec || !JSON_NODE_HOLDS_VALUE(exec) || json_node_get_value_type(exec) != G_TYPE_STRING) {
        queue_local_reply(qmp, p, make_error_reply("GenericError",
                                                   "QMP input lacks member 'execute'", id));
        return;
    }
    p->name = g_strdup(json_node_get_string(exec));
    if (args_node && JSON_NODE_HOLDS_OBJECT(args_node))
        p->arguments = json_object_ref(json_node_get_object(args_node));
    else if (args_node) {
        queue_local_reply(qmp, p, make_error_reply("GenericError",
                                                   "QMP input member 'arguments' must be an object", id));
        return;
    }

    if (g_str_equal(p->name, "qmp_capabilities")) {
        if (qmp->client_negotiated) {
            queue_local_reply(qmp, p, make_error_reply("CommandNotFound",
                "Capabilities negotiation is already complete, command ignored", id));
        } else if (qmp->qemu_negotiated) {
            /* QEMU left negotiation mode with an earlier client */
            qmp->client_negotiated = TRUE;
            queue_local_reply(qmp, p, make_return_reply(NULL, id));
        } else {
            p->negotiation = TRUE;
            g_queue_push_tail(&qmp->pending, p);
            channel_send(qmp->qemu, line, strlen(line), fds);
        }
        return;
    }
    if (!qmp->client_negotiated) {
        queue_local_reply(qmp, p, make_error_reply("CommandNotFound",
            "Expecting capabilities negotiation with 'qmp_capabilities'", id));
        return;
    }

    if (qmp->hooks.command &&
        qmp->hooks.command(p->name, p->arguments, &ret, &error, qmp->hooks_data) == EMU_QMP_REPLY) {
        close_fds(fds);
        if (error)
            queue_local_reply(qmp, p, make_error_reply("GenericError", error->message, id));
        else
            queue_local_reply(qmp, p, make_return_reply(ret, id));
        return;
    }
    g_queue_push_tail(&qmp->pending, p);
    channel_send(qmp->qemu, line, strlen(line), fds);
}

static void
on_client_line(EmuChannel *chan G_GNUC_UNUSED, const char *line, GArray *fds, gpointer data)
{
    EmuQmp *qmp = data;
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) error = NULL;
    JsonNode *root;

    if (!json_parser_load_from_data(parser, line, -1, &error)) {
        EmuPending *p = g_new0(EmuPending, 1);
        g_autofree char *desc = g_strdup_printf("JSON parse error, %s", error->message);

        close_fds(fds);
        p->generation = qmp->generation;
        queue_local_reply(qmp, p, make_error_reply("GenericError", desc, NULL));
        return;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        EmuPending *p = g_new0(EmuPending, 1);

        close_fds(fds);
        p->generation = qmp->generation;
        queue_local_reply(qmp, p, make_error_reply("GenericError",
                                                   "QMP input must be a JSON object", NULL));
        return;
    }
    handle_client_command(qmp, json_node_get_object(root), line, fds);
}

static gboolean on_accept(GSocket *listener, GIOCondition cond, gpointer data);

static void
watch_listener(EmuQmp *qmp)
{
    qmp->accept_source = g_socket_create_source(qmp->listener, G_IO_IN, NULL);
    g_source_set_callback(qmp->accept_source, (GSourceFunc) (void (*)(void)) on_accept, qmp, NULL);
    g_source_attach(qmp->accept_source, g_main_context_get_thread_default());
}

static void
on_client_closed(EmuChannel *chan, gpointer data)
{
    EmuQmp *qmp = data;

    if (chan != qmp->client)
        return;
    channel_free(qmp->client);
    qmp->client = NULL;
    qmp->generation++;
    qmp->client_negotiated = FALSE;
    qmp->client_wants_greeting = FALSE;
    /* Like QEMU's monitor: the next client may connect now. */
    if (!qmp->accept_source && qmp->listener)
        watch_listener(qmp);
}

static gboolean
on_accept(GSocket *listener, GIOCondition cond G_GNUC_UNUSED, gpointer data)
{
    EmuQmp *qmp = data;
    g_autoptr(GError) error = NULL;
    GSocket *conn = g_socket_accept(listener, NULL, &error);

    if (!conn)
        return G_SOURCE_CONTINUE;
    qmp->client = channel_new(conn, on_client_line, on_client_closed, qmp);
    qmp->client_negotiated = FALSE;
    if (qmp->greeting)
        channel_send(qmp->client, qmp->greeting, strlen(qmp->greeting), NULL);
    else
        qmp->client_wants_greeting = TRUE;
    /* One client at a time, as QEMU's monitor: others wait in the backlog. */
    g_clear_pointer(&qmp->accept_source, g_source_unref);
    return G_SOURCE_REMOVE;
}

static void
on_qemu_closed(EmuChannel *chan G_GNUC_UNUSED, gpointer data)
{
    EmuQmp *qmp = data;

    if (qmp->hooks.qemu_gone)
        qmp->hooks.qemu_gone(qmp->hooks_data);
}

EmuQmp *
emu_qmp_new(int qemu_fd, int listen_fd, const EmuQmpHooks *hooks, gpointer hooks_data,
            GError **error)
{
    g_autoptr(EmuQmp) qmp = g_new0(EmuQmp, 1);
    GSocket *qemu_sock;

    if (hooks)
        qmp->hooks = *hooks;
    qmp->hooks_data = hooks_data;
    g_queue_init(&qmp->pending);

    qmp->listener = g_socket_new_from_fd(listen_fd, error);
    if (!qmp->listener) {
        close(listen_fd);
        close(qemu_fd);
        return NULL;
    }
    g_socket_set_blocking(qmp->listener, FALSE);
    qemu_sock = g_socket_new_from_fd(qemu_fd, error);
    if (!qemu_sock) {
        close(qemu_fd);
        return NULL;
    }
    qmp->qemu = channel_new(qemu_sock, on_qemu_line, on_qemu_closed, qmp);
    watch_listener(qmp);
    return g_steal_pointer(&qmp);
}

void
emu_qmp_free(EmuQmp *qmp)
{
    if (!qmp)
        return;
    source_clear(&qmp->accept_source);
    channel_free(qmp->client);
    channel_free(qmp->qemu);
    if (qmp->listener) {
        g_socket_close(qmp->listener, NULL);
        g_object_unref(qmp->listener);
    }
    g_queue_clear_full(&qmp->pending, (GDestroyNotify) emu_pending_free);
    g_free(qmp->greeting);
    g_free(qmp);
}

int
emu_qmp_listen_unix(const char *path, GError **error)
{
    g_autoptr(GSocketAddress) addr = g_unix_socket_address_new(path);
    g_autoptr(GSocket) sock = NULL;
    int fd;

    sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, error);
    if (!sock)
        return -1;
    /* a socket file left by an earlier run would make bind() fail */
    if (g_unlink(path) < 0 && errno != ENOENT) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot remove '%s': %s"), path, g_strerror(errno));
        return -1;
    }
    if (!g_socket_bind(sock, addr, FALSE, error) || !g_socket_listen(sock, error))
        return -1;
    fd = fcntl(g_socket_get_fd(sock), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                    _("Cannot listen on '%s': %s"), path, g_strerror(errno));
        return -1;
    }
    return fd;
}
