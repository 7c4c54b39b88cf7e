/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One-shot jobs in a transient guest (see sevirt-run.h).
 *
 * The libvirt event loop (sevirt_event_loop_start()) runs in its own
 * thread: the stream and lifecycle callbacks only queue what they receive
 * under a lock and signal; the caller's thread hands output on, watches
 * the timeout and the cancellable, and tears everything down.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libvirt/virterror.h>
#include <libxml/tree.h>

#include "sevirt-autoptr.h"
#include "sevirt-conn.h"
#include "sevirt-domain-private.h"
#include "sevirt-domxml.h"
#include "sevirt-error.h"
#include "sevirt-hostcaps.h"
#include "sevirt-run.h"
#include "sevirt-storage.h"
#include "sevirt-xml-private.h"

#define say(opts, ...) sevirt_progress_say((opts)->progress, (opts)->progress_data, __VA_ARGS__)

/* How long output may still trail the status line, or the guest's stop. */
#define DRAIN_TIMEOUT_US (2 * G_TIME_SPAN_SECOND)
/* The guest writes its status after its output has left it: once the
 * status is in, output still on its way through libvirtd comes at once.
 * This much quiet after the status ends the job without waiting for the
 * guest to power off and its channels to close. */
#define QUIET_AFTER_STATUS_US (250 * G_TIME_SPAN_MILLISECOND)
/* How often the caller's thread looks at the cancellable. */
#define TICK_US (100 * G_TIME_SPAN_MILLISECOND)

void
sevirt_run_result_clear(SevirtRunResult *result)
{
    g_clear_pointer(&result->name, g_free);
    g_clear_pointer(&result->detail, g_free);
}

/* ---------------------------------------------------------------------- */
/* the kernel command line */

static gboolean
tag_is_safe(const char *tag)
{
    for (const char *p = tag; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("_.-", *p))
            return FALSE;
    }
    return *tag != '\0';
}

/* base64 of the strings of @strv, each NUL-terminated. */
static char *
encode_strv(char *const *strv)
{
    g_autoptr(GByteArray) bytes = g_byte_array_new();

    for (guint i = 0; strv && strv[i]; i++)
        g_byte_array_append(bytes, (const guint8 *) strv[i], strlen(strv[i]) + 1);
    return g_base64_encode(bytes->data, bytes->len);
}

static gboolean
check_env(char *const *env, GError **error)
{
    for (guint i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');

        if (!eq || eq == env[i]) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Environment item '%s' is not KEY=VALUE"), env[i]);
            return FALSE;
        }
    }
    return TRUE;
}

char *
sevirt_run_cmdline(const SevirtVmSpec *spec, char *const *argv, char *const *env,
                   GError **error)
{
    g_autoptr(GString) line = NULL;
    g_autofree char *args = NULL;

    if (!argv || !argv[0]) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID, _("No command to run"));
        return NULL;
    }
    if (!check_env(env, error))
        return NULL;
    /* quiet: kernel messages would only slow a TCG boot down; panic=-1: a
     * panicking guest reboots, and a reboot destroys it. */
    line = g_string_new("console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init");
    args = encode_strv(argv);
    g_string_append_printf(line, " sevirt.argv=%s", args);
    if (env && env[0]) {
        g_autofree char *envs = encode_strv(env);

        g_string_append_printf(line, " sevirt.env=%s", envs);
    }
    for (guint i = 0; i < spec->shares->len; i++) {
        const SevirtShareSpec *share = g_ptr_array_index(spec->shares, i);

        if (!tag_is_safe(share->tag)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("Share tag '%s' may only hold letters, digits, '_', '.' and '-'"),
                        share->tag);
            return NULL;
        }
        g_string_append_printf(line, " sevirt.share=%s%s", share->tag,
                               share->readonly ? ",ro" : "");
    }
    if (line->len > SEVIRT_RUN_CMDLINE_MAX) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("The command and its environment take %zu bytes of kernel command line; "
                      "at most %d fit"), line->len, SEVIRT_RUN_CMDLINE_MAX);
        return NULL;
    }
    return g_string_free(g_steal_pointer(&line), FALSE);
}

/* ---------------------------------------------------------------------- */
/* the domain XML */

static xmlNode *
child_named(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n; n = n->next) {
        if (n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name))
            return n;
    }
    return NULL;
}

static void
remove_child(xmlNode *parent, const char *name)
{
    xmlNode *n = child_named(parent, name);

    if (n) {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
    }
}

static void
add_channel(xmlNode *devices, const char *name)
{
    xmlNode *channel = xmlNewChild(devices, NULL, BAD_CAST "channel", NULL);
    xmlNode *target = xmlNewChild(channel, NULL, BAD_CAST "target", NULL);

    /* A UNIX socket (libvirt names it): virDomainOpenChannel() takes no pty. */
    xmlNewProp(channel, BAD_CAST "type", BAD_CAST "unix");
    xmlNewProp(target, BAD_CAST "type", BAD_CAST "virtio");
    xmlNewProp(target, BAD_CAST "name", BAD_CAST name);
}

char *
sevirt_run_domxml(const SevirtVmSpec *spec, GError **error)
{
    g_autoptr(xmlDoc) doc = sevirt_domxml_build(spec, error);
    xmlNode *root;
    xmlNode *node;

    if (!doc)
        return NULL;
    root = xmlDocGetRootElement(doc);
    /* A job that reboots (a panic) is over. */
    node = child_named(root, "on_reboot");
    if (node)
        xmlNodeSetContent(node, BAD_CAST "destroy");
    node = child_named(root, "os");
    if (node && spec->sev_type == SEVIRT_SEV_NONE && !spec->firmware) {
        xmlUnsetProp(node, BAD_CAST "firmware");
        remove_child(node, "firmware");
    }
    /* A transient job keeps no UEFI variables: no NVRAM file to make or leave. */
    node = node ? child_named(node, "loader") : NULL;
    if (node)
        xmlSetProp(node, BAD_CAST "stateless", BAD_CAST "yes");
    node = child_named(root, "devices");
    if (!node) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED, _("The domain XML has no <devices>"));
        return NULL;
    }
    /* No USB controller: the guest has no use for it, and the BIOS and the
     * kernel would spend boot time probing it. */
    xmlNewProp(xmlNewChild(node, NULL, BAD_CAST "controller", NULL), BAD_CAST "type", BAD_CAST "usb");
    xmlNewProp(node->last, BAD_CAST "model", BAD_CAST "none");
    add_channel(node, SEVIRT_RUN_CHANNEL_STDOUT);
    add_channel(node, SEVIRT_RUN_CHANNEL_STDERR);
    add_channel(node, SEVIRT_RUN_CHANNEL_STATUS);
    return sevirt_xml_doc_to_string(doc);
}

/* ---------------------------------------------------------------------- */
/* preparing the guest */

static char *
random_name(void)
{
    return g_strdup_printf(SEVIRT_RUN_NAME_PREFIX "%08x%08x", g_random_int(), g_random_int());
}

static gboolean
prepare_spec(const SevirtRunOptions *opts, GError **error)
{
    SevirtVmSpec *spec = opts->spec;
    g_autofree char *cmdline = sevirt_run_cmdline(spec, opts->argv, opts->env, error);

    if (!cmdline)
        return FALSE;
    if (!spec->kernel || !spec->initrd) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("A job needs a kernel and an initrd"));
        return FALSE;
    }
    g_free(spec->cmdline);
    spec->cmdline = g_steal_pointer(&cmdline);
    g_free(spec->name);
    spec->name = random_name();
    if (spec->networks->len == 0)
        g_ptr_array_add(spec->networks, sevirt_net_spec_new(SEVIRT_NET_NONE));
    if (spec->sev_type != SEVIRT_SEV_NONE && spec->kernel_hashes == SEVIRT_TRISTATE_DEFAULT)
        spec->kernel_hashes = SEVIRT_TRISTATE_YES;
    return sevirt_vm_spec_validate_full(spec, opts->caps, SEVIRT_SPEC_VALIDATE_DAEMON_DECIDES,
                                        NULL, error);
}

/* Remote hosts: @path goes into a new volume, whose path on the host replaces it. */
static gboolean
upload_file(virConnectPtr conn, const char *pool, const char *name, char **path,
            GPtrArray *uploaded, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(virStorageVol) vol = NULL;
    char *vol_path;

    if (!g_file_get_contents(*path, &data, &len, error))
        return FALSE;
    bytes = g_bytes_new_take(g_steal_pointer(&data), len);
    vol = sevirt_volume_upload(conn, pool, name, bytes, error);
    if (!vol)
        return FALSE;
    g_ptr_array_add(uploaded, g_strdup_printf("%s/%s", pool, name));
    vol_path = virStorageVolGetPath(vol);
    if (!vol_path) {
        sevirt_error_libvirt(error, _("Cannot get the path of volume '%s/%s'"), pool, name);
        return FALSE;
    }
    g_free(*path);
    *path = vol_path;
    return TRUE;
}

static gboolean
upload_boot_files(virConnectPtr conn, const SevirtRunOptions *opts, GPtrArray *uploaded,
                  GError **error)
{
    SevirtVmSpec *spec = opts->spec;
    const char *pool = opts->pool ? opts->pool : "default";
    g_autofree char *kernel = g_strconcat(spec->name, "-", SEVIRT_RUN_KERNEL_FILE, NULL);
    g_autofree char *initrd = g_strconcat(spec->name, "-", SEVIRT_RUN_INITRD_FILE, NULL);

    say(opts, _("Uploading the kernel and initrd into pool '%s'"), pool);
    return upload_file(conn, pool, kernel, &spec->kernel, uploaded, error) &&
           upload_file(conn, pool, initrd, &spec->initrd, uploaded, error);
}

static void
delete_uploads(virConnectPtr conn, GPtrArray *uploaded)
{
    for (guint i = 0; i < uploaded->len; i++) {
        g_autoptr(GError) ignored = NULL;

        sevirt_volume_delete(conn, g_ptr_array_index(uploaded, i), &ignored);
    }
}

/* ---------------------------------------------------------------------- */
/* the running job */

typedef struct {
    GMutex lock;
    GCond cond;
    GByteArray *pending[2];       /* output not handed on yet, by SevirtRunStream */
    GString *status;              /* the status channel's bytes */
    guint open_streams;           /* output streams not at their end yet */
    gboolean stopped;             /* the lifecycle event said so */
    int stop_detail;              /* its VIR_DOMAIN_EVENT_STOPPED_* */
} RunState;

typedef struct {
    RunState *state;
    int which;                    /* SevirtRunStream, or -1 for the status channel */
    gboolean done;                /* at its end: its callback is removed */
} StreamCtx;

static void
stream_finished(virStreamPtr st, StreamCtx *ctx, gboolean error)
{
    virStreamEventRemoveCallback(st);
    if (error)
        virStreamAbort(st);
    else
        virStreamFinish(st);
    ctx->done = TRUE;
    if (ctx->which >= 0)
        ctx->state->open_streams--;
}

static void
stream_event(virStreamPtr st, int events, void *opaque)
{
    StreamCtx *ctx = opaque;
    RunState *state = ctx->state;
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&state->lock);
    char buf[16384];
    int n;

    if (!(events & (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
                    VIR_STREAM_EVENT_ERROR)))
        return;
    for (;;) {
        n = virStreamRecv(st, buf, sizeof(buf));
        if (n > 0) {
            if (ctx->which >= 0)
                g_byte_array_append(state->pending[ctx->which], (guint8 *) buf, n);
            else if (state->status->len < 4096)
                g_string_append_len(state->status, buf, n);
            continue;
        }
        if (n == -2)
            break;
        /* 0: the end; -1: the channel went away with the guest */
        if (n < 0)
            virResetLastError();
        stream_finished(st, ctx, n < 0);
        break;
    }
    g_cond_signal(&state->cond);
}

static void
lifecycle_event(virConnectPtr conn G_GNUC_UNUSED, virDomainPtr dom G_GNUC_UNUSED, int event,
                int detail, void *opaque)
{
    RunState *state = opaque;
    g_autoptr(GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new(&state->lock);

    if (event != VIR_DOMAIN_EVENT_STOPPED && event != VIR_DOMAIN_EVENT_CRASHED)
        return;
    if (!state->stopped) {
        state->stopped = TRUE;
        state->stop_detail = event == VIR_DOMAIN_EVENT_CRASHED ? -1 : detail;
    }
    g_cond_signal(&state->cond);
}

typedef struct {
    virConnectPtr conn;
    const SevirtRunOptions *opts;
    RunState state;
    StreamCtx ctx[3];
    virStreamPtr streams[3];
    gboolean watched[3];          /* a stream callback is registered */
    virDomainPtr dom;
    int lifecycle_id;
} RunJob;

static const char *const channel_names[3] = {
    SEVIRT_RUN_CHANNEL_STDOUT, SEVIRT_RUN_CHANNEL_STDERR, SEVIRT_RUN_CHANNEL_STATUS,
};

static gboolean
open_channel(RunJob *job, guint i, GError **error)
{
    job->ctx[i].state = &job->state;
    job->ctx[i].which = i < 2 ? (int) i : -1;
    job->streams[i] = virStreamNew(job->conn, VIR_STREAM_NONBLOCK);
    if (!job->streams[i] ||
        virDomainOpenChannel(job->dom, channel_names[i], job->streams[i], 0) < 0) {
        sevirt_error_libvirt(error, _("Cannot open channel '%s' of domain '%s'"),
                             channel_names[i], job->opts->spec->name);
        return FALSE;
    }
    if (virStreamEventAddCallback(job->streams[i],
                                  VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP |
                                  VIR_STREAM_EVENT_ERROR,
                                  stream_event, &job->ctx[i], NULL) < 0) {
        sevirt_error_libvirt(error, _("Cannot watch channel '%s' of domain '%s'"),
                             channel_names[i], job->opts->spec->name);
        return FALSE;
    }
    job->watched[i] = TRUE;
    if (i < 2)
        job->state.open_streams++;
    return TRUE;
}

static gboolean
start_guest(RunJob *job, const char *xml, GError **error)
{
    const SevirtRunOptions *opts = job->opts;

    say(opts, _("Starting transient domain '%s'"), opts->spec->name);
    /* Paused, so that no output is written before the channels are open;
     * autodestroy, so that a killed sevirt leaves no guest behind. */
    job->dom = virDomainCreateXML(job->conn, xml,
                                  VIR_DOMAIN_START_PAUSED | VIR_DOMAIN_START_AUTODESTROY);
    if (!job->dom) {
        sevirt_error_libvirt(error, _("Cannot start transient domain '%s'"), opts->spec->name);
        return FALSE;
    }
    job->lifecycle_id = virConnectDomainEventRegisterAny(job->conn, job->dom,
                                                         VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                         VIR_DOMAIN_EVENT_CALLBACK(lifecycle_event),
                                                         &job->state, NULL);
    if (job->lifecycle_id < 0) {
        sevirt_error_libvirt(error, _("Cannot watch domain '%s'"), opts->spec->name);
        return FALSE;
    }
    for (guint i = 0; i < 3; i++) {
        if (!open_channel(job, i, error))
            return FALSE;
    }
    if (virDomainResume(job->dom) < 0) {
        sevirt_error_libvirt(error, _("Cannot resume domain '%s'"), opts->spec->name);
        return FALSE;
    }
    return TRUE;
}

/* Hands queued output to the caller; called with the lock held, drops it meanwhile. */
static void
flush_output(RunJob *job)
{
    for (guint i = 0; i < 2; i++) {
        GByteArray *bytes = job->state.pending[i];
        g_autoptr(GByteArray) out = NULL;

        if (bytes->len == 0)
            continue;
        out = g_byte_array_sized_new(bytes->len);
        g_byte_array_append(out, bytes->data, bytes->len);
        g_byte_array_set_size(bytes, 0);
        g_mutex_unlock(&job->state.lock);
        if (job->opts->output)
            job->opts->output(i, (const char *) out->data, out->len, job->opts->output_data);
        g_mutex_lock(&job->state.lock);
    }
}

/* The status line, once complete: "exit N" or "init-error TEXT". */
static gboolean
parse_status(const GString *status, SevirtRunResult *result)
{
    const char *nl = memchr(status->str, '\n', status->len);
    g_autofree char *line = NULL;
    guint64 code;

    if (!nl)
        return FALSE;
    line = g_strndup(status->str, nl - status->str);
    if (g_str_has_prefix(line, "exit ") &&
        g_ascii_string_to_unsigned(line + 5, 10, 0, 255, &code, NULL)) {
        result->end = SEVIRT_RUN_EXITED;
        result->exit_status = (int) code;
    } else {
        result->end = SEVIRT_RUN_INIT_FAILED;
        result->detail = sevirt_escape_control(g_str_has_prefix(line, "init-error ")
                                               ? line + strlen("init-error ") : line, FALSE);
    }
    return TRUE;
}

static const char *
stop_reason(int detail)
{
    switch (detail) {
    case -1:
        return _("it crashed");
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED:
        return _("it was destroyed");
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN:
        return _("it shut down");
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED:
        return _("it crashed");
    case VIR_DOMAIN_EVENT_STOPPED_FAILED:
        return _("its emulator failed");
    default:
        return _("it stopped");
    }
}

/* Waits, relaying output, until the job ends one way or another. */
static void
wait_job(RunJob *job, SevirtRunResult *result)
{
    RunState *state = &job->state;
    const SevirtRunOptions *opts = job->opts;
    gint64 deadline = opts->timeout_s ? g_get_monotonic_time() +
                      (gint64) opts->timeout_s * G_TIME_SPAN_SECOND : G_MAXINT64;
    gint64 drain_until = 0;
    gint64 last_output = 0;
    gboolean have_status = FALSE;

    g_mutex_lock(&state->lock);
    for (;;) {
        gint64 now;

        if (state->pending[0]->len || state->pending[1]->len)
            last_output = g_get_monotonic_time();
        flush_output(job);
        if (!have_status && parse_status(state->status, result))
            have_status = TRUE;
        now = g_get_monotonic_time();
        if ((have_status || state->stopped) && !drain_until)
            drain_until = now + DRAIN_TIMEOUT_US;
        /* Done once the output channels are at their end, or nothing came
         * for a while after the status or the stop. */
        if (drain_until && (state->open_streams == 0 || now >= drain_until))
            break;
        if (have_status && now - MAX(last_output, drain_until - DRAIN_TIMEOUT_US) >=
                           QUIET_AFTER_STATUS_US)
            break;
        if (!have_status && !state->stopped) {
            if (now >= deadline) {
                result->end = SEVIRT_RUN_TIMED_OUT;
                break;
            }
            if (g_cancellable_is_cancelled(opts->cancellable)) {
                result->end = SEVIRT_RUN_CANCELLED;
                break;
            }
        }
        g_cond_wait_until(&state->cond, &state->lock, MIN(now + TICK_US, deadline));
    }
    if (!have_status && state->stopped && result->end != SEVIRT_RUN_TIMED_OUT &&
        result->end != SEVIRT_RUN_CANCELLED) {
        result->end = SEVIRT_RUN_GUEST_STOPPED;
        result->detail = g_strdup(stop_reason(state->stop_detail));
    }
    flush_output(job);
    g_mutex_unlock(&state->lock);
}

static void
destroy_guest(virDomainPtr dom)
{
    /* A transient domain that stopped is gone: nothing to do then. */
    if (virDomainIsActive(dom) > 0 && virDomainDestroy(dom) < 0 && virDomainIsActive(dom) > 0)
        virDomainDestroyFlags(dom, 0);
    virResetLastError();
}

static void
teardown(RunJob *job)
{
    for (guint i = 0; i < 3; i++) {
        if (!job->streams[i])
            continue;
        gboolean done;

        /* No libvirt call under the lock: the event thread takes it in callbacks. */
        g_mutex_lock(&job->state.lock);
        done = job->ctx[i].done;
        g_mutex_unlock(&job->state.lock);
        /* stream_event() may still finish it meanwhile: then these calls fail, harmlessly */
        if (job->watched[i] && !done && virStreamEventRemoveCallback(job->streams[i]) == 0)
            virStreamAbort(job->streams[i]);
        virStreamFree(job->streams[i]);
        job->streams[i] = NULL;
    }
    if (job->dom) {
        if (job->lifecycle_id >= 0)
            virConnectDomainEventDeregisterAny(job->conn, job->lifecycle_id);
        destroy_guest(job->dom);
        virDomainFree(job->dom);
        job->dom = NULL;
    }
    virResetLastError();
}

gboolean
sevirt_run(virConnectPtr conn, const SevirtRunOptions *opts, SevirtRunResult *result,
           GError **error)
{
    g_autoptr(GPtrArray) uploaded = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *xml = NULL;
    RunJob job = { .conn = conn, .opts = opts, .lifecycle_id = -1 };
    gboolean ok = FALSE;

    memset(result, 0, sizeof(*result));
    if (!prepare_spec(opts, error))
        return FALSE;
    result->name = g_strdup(opts->spec->name);
    g_mutex_init(&job.state.lock);
    g_cond_init(&job.state.cond);
    job.state.pending[0] = g_byte_array_new();
    job.state.pending[1] = g_byte_array_new();
    job.state.status = g_string_new(NULL);

    /* A remote host cannot read our files; a pool asked for is used anyway. */
    if ((opts->pool || !sevirt_conn_is_local(conn)) &&
        !upload_boot_files(conn, opts, uploaded, error))
        goto out;
    xml = sevirt_run_domxml(opts->spec, error);
    if (!xml || !start_guest(&job, xml, error))
        goto out;
    wait_job(&job, result);
    ok = TRUE;

out:
    teardown(&job);
    delete_uploads(conn, uploaded);
    g_byte_array_unref(job.state.pending[0]);
    g_byte_array_unref(job.state.pending[1]);
    g_string_free(job.state.status, TRUE);
    g_cond_clear(&job.state.cond);
    g_mutex_clear(&job.state.lock);
    return ok;
}
