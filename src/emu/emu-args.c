/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading and rewriting the QEMU command line libvirt built.
 */
#include <config.h>

#include <string.h>

#include <glib/gi18n.h>

#include "sevirt.h"
#include "sevirt-util.h"
#include "emu-args.h"

/* Options of QEMU that take a value, as far as libvirt uses them: the walk
 * below must not mistake a value for an option.  An option missing here is
 * passed through unchanged, as is the word after it. */
static const char *const value_options[] = {
    "accel", "add-fd", "append", "audiodev", "bios", "blockdev", "boot",
    "chardev", "cpu", "device", "display", "drive", "fsdev", "fw_cfg",
    "global", "incoming", "initrd", "k", "kernel", "L", "m", "M", "machine",
    "mem-path", "mon", "msg", "name", "net", "netdev", "numa", "object",
    "overcommit", "parallel", "pidfile", "qmp", "rtc", "run-with",
    "sandbox", "serial", "smbios", "smp", "spice", "uuid", "vga", "vnc",
    "D", "d", "trace", "dtb", "iscsi", "action", "compat", "icount",
    "set", "tpmdev", "virtfs", "watchdog-action", "g", "usbdevice",
    "mem-prealloc", "debugcon", "pflash", "loadvm", "monitor", "qmp-pretty",
    "runas", "chroot", "seed", "semihosting-config", "xen-domid", "plugin",
    NULL
};

typedef struct {
    char *key;
    char *value;
} EmuOpt;

static void
emu_opt_free(gpointer p)
{
    EmuOpt *opt = p;

    g_free(opt->key);
    g_free(opt->value);
    g_free(opt);
}

static void
emu_sev_guest_free(EmuSevGuest *sev)
{
    if (!sev)
        return;
    g_free(sev->id);
    g_free(sev->dh_cert_file);
    g_free(sev->session_file);
    g_free(sev->id_block);
    g_free(sev->id_auth);
    g_free(sev->host_data);
    g_free(sev->guest_visible_workarounds);
    g_free(sev);
}

void
emu_args_free(EmuArgs *args)
{
    if (!args)
        return;
    g_free(args->monitor_path);
    emu_sev_guest_free(args->sev);
    g_clear_pointer(&args->removed, g_ptr_array_unref);
    g_free(args->firmware);
    g_free(args->kernel);
    g_free(args->initrd);
    g_free(args->append);
    g_free(args->cpu_model);
    g_free(args->name);
    g_free(args->uuid);
    g_clear_pointer(&args->argv, g_ptr_array_unref);
    g_free(args);
}

/*
 * QEMU's key=value syntax: elements separated by ',', ",," a literal comma,
 * a bare leading word is the implied key's value, a bare later word is a
 * boolean ("server" = server=on, "nowait" = wait=off, as QEMU's legacy
 * option parser reads them).
 */
static GPtrArray *
keyval_split(const char *text, const char *implied_key)
{
    GPtrArray *opts = g_ptr_array_new_with_free_func(emu_opt_free);
    const char *p = text;
    gboolean first = TRUE;

    while (*p) {
        g_autoptr(GString) elem = g_string_new(NULL);
        EmuOpt *opt = g_new0(EmuOpt, 1);
        const char *eq;

        for (; *p; p++) {
            if (*p == ',') {
                if (p[1] == ',') {
                    g_string_append_c(elem, ',');
                    p++;
                    continue;
                }
                p++;
                break;
            }
            g_string_append_c(elem, *p);
        }
        eq = strchr(elem->str, '=');
        if (eq) {
            opt->key = g_strndup(elem->str, eq - elem->str);
            opt->value = g_strdup(eq + 1);
        } else if (first && implied_key) {
            opt->key = g_strdup(implied_key);
            opt->value = g_strdup(elem->str);
        } else if (g_str_has_prefix(elem->str, "no") && elem->len > 2) {
            opt->key = g_strdup(elem->str + 2);
            opt->value = g_strdup("off");
        } else {
            opt->key = g_strdup(elem->str);
            opt->value = g_strdup("on");
        }
        g_ptr_array_add(opts, opt);
        first = FALSE;
    }
    return opts;
}

static char *
keyval_join(GPtrArray *opts, const char *implied_key)
{
    GString *out = g_string_new(NULL);

    for (guint i = 0; i < opts->len; i++) {
        const EmuOpt *opt = g_ptr_array_index(opts, i);
        g_auto(GStrv) parts = g_strsplit(opt->value, ",", -1);
        g_autofree char *value = g_strjoinv(",,", parts);

        if (out->len)
            g_string_append_c(out, ',');
        if (i == 0 && implied_key && g_str_equal(opt->key, implied_key))
            g_string_append(out, value);
        else
            g_string_append_printf(out, "%s=%s", opt->key, value);
    }
    return g_string_free(out, FALSE);
}

JsonObject *
emu_opts_parse(const char *text, const char *implied_key, GError **error)
{
    g_autoptr(GPtrArray) opts = NULL;
    JsonObject *obj;

    if (text[0] == '{') {
        g_autoptr(JsonParser) parser = json_parser_new();
        JsonNode *root;

        if (!json_parser_load_from_data(parser, text, -1, error))
            return NULL;
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("QEMU option value '%s' is not a JSON object"), text);
            return NULL;
        }
        return json_object_ref(json_node_get_object(root));
    }

    obj = json_object_new();
    opts = keyval_split(text, implied_key);
    for (guint i = 0; i < opts->len; i++) {
        const EmuOpt *opt = g_ptr_array_index(opts, i);

        json_object_set_string_member(obj, opt->key, opt->value);
    }
    return obj;
}

/* A member as a string, whether JSON gave a string, number or boolean. */
static char *
opts_get_string(JsonObject *obj, const char *key)
{
    JsonNode *node = json_object_get_member(obj, key);

    if (!node || !JSON_NODE_HOLDS_VALUE(node))
        return NULL;
    switch (json_node_get_value_type(node)) {
    case G_TYPE_STRING:
        return g_strdup(json_node_get_string(node));
    case G_TYPE_INT64:
        return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
    case G_TYPE_BOOLEAN:
        return g_strdup(json_node_get_boolean(node) ? "on" : "off");
    default:
        return NULL;
    }
}

static gboolean
opts_get_uint(JsonObject *obj, const char *key, guint64 max, guint64 *value,
              gboolean *present, GError **error)
{
    g_autofree char *text = opts_get_string(obj, key);
    g_autofree char *what = NULL;

    *present = text != NULL;
    if (!text)
        return TRUE;
    what = g_strdup_printf("sev-guest '%s'", key);
    return sevirt_parse_uint(what, text, max, value, error);
}

static gboolean
opts_get_bool(JsonObject *obj, const char *key, gboolean *value, GError **error)
{
    g_autofree char *text = opts_get_string(obj, key);

    if (!text)
        return TRUE;
    if (g_str_equal(text, "on") || g_str_equal(text, "true") ||
        g_str_equal(text, "yes")) {
        *value = TRUE;
    } else if (g_str_equal(text, "off") || g_str_equal(text, "false") ||
               g_str_equal(text, "no")) {
        *value = FALSE;
    } else {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-guest '%s' must be on or off, not '%s'"), key, text);
        return FALSE;
    }
    return TRUE;
}

/*
 * sev-snp-guest as QEMU 9.1 and later take it: a 64-bit policy (QEMU's
 * default 0x30000: SMT allowed, the must-be-one bit), the ID block and its
 * authentication information, host data; cbitpos and reduced-phys-bits as
 * for sev-guest, but QEMU finds them itself when they are not given.
 */
static gboolean
snp_guest_from_opts(EmuSevGuest *sev, JsonObject *obj, GError **error)
{
    guint64 v;
    gboolean present;

    sev->snp = TRUE;
    sev->snp_policy = 0x30000;
    sev->cbitpos = EMU_DEFAULT_SNP_CBITPOS;
    sev->reduced_phys_bits = EMU_DEFAULT_SNP_REDUCED_PHYS_BITS;
    sev->id_block = opts_get_string(obj, "id-block");
    sev->id_auth = opts_get_string(obj, "id-auth");
    sev->host_data = opts_get_string(obj, "host-data");
    sev->guest_visible_workarounds = opts_get_string(obj, "guest-visible-workarounds");

    if (!opts_get_uint(obj, "cbitpos", 63, &v, &present, error))
        return FALSE;
    if (present)
        sev->cbitpos = v;
    if (!opts_get_uint(obj, "reduced-phys-bits", 63, &v, &present, error))
        return FALSE;
    if (present)
        sev->reduced_phys_bits = v;
    if (!opts_get_uint(obj, "policy", G_MAXUINT64, &v, &present, error))
        return FALSE;
    if (present)
        sev->snp_policy = v;
    if (!opts_get_bool(obj, "kernel-hashes", &sev->kernel_hashes, error) ||
        !opts_get_bool(obj, "author-key-enabled", &sev->author_key_enabled, error))
        return FALSE;
    if (!sev->id_block != !sev->id_auth) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-snp-guest '%s' needs both 'id-block' and 'id-auth', or neither"),
                    sev->id);
        return FALSE;
    }
    return TRUE;
}

static EmuSevGuest *
sev_guest_from_opts(JsonObject *obj, gboolean snp, GError **error)
{
    g_autoptr(GError) local = NULL;
    EmuSevGuest *sev = g_new0(EmuSevGuest, 1);
    guint64 v;
    gboolean present;

    sev->id = opts_get_string(obj, "id");
    sev->dh_cert_file = opts_get_string(obj, "dh-cert-file");
    sev->session_file = opts_get_string(obj, "session-file");
    /* QEMU's defaults: cbitpos and reduced-phys-bits must be given, policy
     * defaults to 0x1 (NODBG) */
    sev->policy = 0x1;

    if (!sev->id) {
        g_set_error(&local, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("%s object has no 'id'"), snp ? "sev-snp-guest" : "sev-guest");
        goto fail;
    }
    if (snp) {
        if (!snp_guest_from_opts(sev, obj, &local))
            goto fail;
        return sev;
    }
    if (!opts_get_uint(obj, "cbitpos", 63, &v, &present, &local))
        goto fail;
    sev->cbitpos = v;
    if (!present) {
        g_set_error(&local, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-guest '%s' has no 'cbitpos'"), sev->id);
        goto fail;
    }
    if (!opts_get_uint(obj, "reduced-phys-bits", 63, &v, &present, &local))
        goto fail;
    sev->reduced_phys_bits = v;
    if (!present) {
        g_set_error(&local, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-guest '%s' has no 'reduced-phys-bits'"), sev->id);
        goto fail;
    }
    if (!opts_get_uint(obj, "policy", G_MAXUINT32, &v, &present, &local))
        goto fail;
    if (present)
        sev->policy = v;
    if (!opts_get_bool(obj, "kernel-hashes", &sev->kernel_hashes, &local))
        goto fail;
    if (!sev->dh_cert_file != !sev->session_file) {
        g_set_error(&local, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("sev-guest '%s' needs both 'dh-cert-file' and 'session-file', or neither"),
                    sev->id);
        goto fail;
    }
    return sev;

 fail:
    g_propagate_error(error, g_steal_pointer(&local));
    emu_sev_guest_free(sev);
    return NULL;
}

static gboolean
is_value_option(const char *name)
{
    return g_strv_contains(value_options, name);
}

/* What the walk over argv collects before deciding on the firmware. */
typedef struct {
    GHashTable *objects;     /* object id -> qom-type */
    GHashTable *blockdevs;   /* node-name -> JsonObject */
    GHashTable *chardevs;    /* chardev id -> index of its value in argv */
    char *pflash0_node;      /* -machine pflash0= */
    char *pflash0_drive;     /* -drive if=pflash,unit=0 file */
    char *bios;
    char *cgs;               /* -machine confidential-guest-support= */
    char *monitor_chardev;   /* -mon chardev=X,mode=control */
} EmuWalk;

static void
emu_walk_clear(EmuWalk *walk)
{
    g_clear_pointer(&walk->objects, g_hash_table_unref);
    g_clear_pointer(&walk->blockdevs, g_hash_table_unref);
    g_clear_pointer(&walk->chardevs, g_hash_table_unref);
    g_free(walk->pflash0_node);
    g_free(walk->pflash0_drive);
    g_free(walk->bios);
    g_free(walk->cgs);
    g_free(walk->monitor_chardev);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(EmuWalk, emu_walk_clear)

/* What a handler decides about the option it read. */
typedef struct {
    char *rewritten;     /* the value to pass on instead of the original */
    gboolean drop;       /* remove the option and its value */
} EmuStep;

/* One option's handler: reads @value into @args or @walk. */
typedef gboolean (*EmuOptHandler)(EmuArgs *args, EmuWalk *walk, const char *value,
                                  EmuStep *step, GError **error);

static gboolean
handle_object(EmuArgs *args, EmuWalk *walk, const char *value, EmuStep *step,
              GError **error)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "qom-type", error);
    g_autofree char *type = NULL;
    g_autofree char *id = NULL;

    if (!obj)
        return FALSE;
    type = opts_get_string(obj, "qom-type");
    id = opts_get_string(obj, "id");
    if (type && id)
        g_hash_table_insert(walk->objects, g_strdup(id), g_strdup(type));
    if (!type || !(g_str_equal(type, "sev-guest") || g_str_equal(type, "sev-snp-guest")))
        return TRUE;
    if (args->sev) {
        g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                    _("more than one SEV guest object on the command line"));
        return FALSE;
    }
    args->sev = sev_guest_from_opts(obj, g_str_equal(type, "sev-snp-guest"), error);
    step->drop = TRUE;
    return args->sev != NULL;
}

static gboolean
handle_machine(EmuArgs *args G_GNUC_UNUSED, EmuWalk *walk, const char *value, EmuStep *step,
               GError **error G_GNUC_UNUSED)
{
    g_autoptr(GPtrArray) opts = keyval_split(value, "type");
    gboolean changed = FALSE;

    for (guint i = 0; i < opts->len;) {
        EmuOpt *opt = g_ptr_array_index(opts, i);

        if (g_str_equal(opt->key, "confidential-guest-support") ||
            g_str_equal(opt->key, "memory-encryption")) {
            g_free(walk->cgs);
            walk->cgs = g_strdup(opt->value);
            g_ptr_array_remove_index(opts, i);
            changed = TRUE;
            continue;
        }
        if (g_str_equal(opt->key, "pflash0")) {
            g_free(walk->pflash0_node);
            walk->pflash0_node = g_strdup(opt->value);
        }
        i++;
    }
    if (changed)
        step->rewritten = keyval_join(opts, "type");
    return TRUE;
}

static gboolean
handle_blockdev(EmuArgs *args G_GNUC_UNUSED, EmuWalk *walk, const char *value,
                EmuStep *step G_GNUC_UNUSED, GError **error)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, NULL, error);
    g_autofree char *node = NULL;

    if (!obj)
        return FALSE;
    node = opts_get_string(obj, "node-name");
    if (node)
        g_hash_table_insert(walk->blockdevs, g_steal_pointer(&node),
                            json_object_ref(obj));
    return TRUE;
}

static gboolean
handle_drive(EmuArgs *args G_GNUC_UNUSED, EmuWalk *walk, const char *value,
             EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, NULL, NULL);
    g_autofree char *iface = NULL;
    g_autofree char *unit = NULL;

    if (!obj)
        return TRUE;
    iface = opts_get_string(obj, "if");
    unit = opts_get_string(obj, "unit");
    if (!iface || !g_str_equal(iface, "pflash") || walk->pflash0_drive)
        return TRUE;
    if (!unit || g_str_equal(unit, "0"))
        walk->pflash0_drive = opts_get_string(obj, "file");
    return TRUE;
}

/* -chardev: remembered by id, for the monitor -mon names. */
static gboolean
handle_chardev(EmuArgs *args, EmuWalk *walk, const char *value,
               EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "backend", NULL);
    g_autofree char *id = obj ? opts_get_string(obj, "id") : NULL;

    /* the value goes in after the option name: at argv->len + 1 */
    if (id)
        g_hash_table_insert(walk->chardevs, g_steal_pointer(&id),
                            GINT_TO_POINTER(args->argv->len + 1));
    return TRUE;
}

static gboolean
handle_mon(EmuArgs *args G_GNUC_UNUSED, EmuWalk *walk, const char *value,
           EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "chardev", NULL);
    g_autofree char *mode = NULL;

    if (!obj || walk->monitor_chardev)
        return TRUE;
    mode = opts_get_string(obj, "mode");
    if (mode && g_str_equal(mode, "control"))
        walk->monitor_chardev = opts_get_string(obj, "chardev");
    return TRUE;
}

/*
 * -qmp unix:PATH,server=on,wait=off: libvirt's capability probe.  Anything
 * else, an empty or missing PATH included, is no probe: QEMU gets it as it
 * is and judges it.  A repeated key counts with its last value, as in QEMU.
 */
static gboolean
handle_qmp(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
           EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    g_autoptr(GPtrArray) opts = NULL;
    const EmuOpt *addr;
    const char *server = NULL;

    if (!g_str_has_prefix(value, "unix:") || args->mode != EMU_MODE_PASSTHROUGH)
        return TRUE;
    opts = keyval_split(value + strlen("unix:"), "path");
    if (opts->len == 0)
        return TRUE;
    addr = g_ptr_array_index(opts, 0);
    if (!g_str_equal(addr->key, "path") || !*addr->value)
        return TRUE;
    for (guint i = 1; i < opts->len; i++) {
        const EmuOpt *opt = g_ptr_array_index(opts, i);

        if (g_str_equal(opt->key, "server"))
            server = opt->value;
    }
    if (!server || !(g_str_equal(server, "on") || g_str_equal(server, "true")))
        return TRUE;
    args->mode = EMU_MODE_PROBE;
    args->monitor_path = g_strdup(addr->value);
    /* the value goes in after the option name: at argv->len + 1 */
    args->monitor_mon_at = args->argv->len + 1;
    return TRUE;
}

/* Options whose value replaces an earlier one's: -bios, -kernel, ... */
static void
replace_string(char **field, const char *value)
{
    g_free(*field);
    *field = g_strdup(value);
}

static gboolean
handle_bios(EmuArgs *args G_GNUC_UNUSED, EmuWalk *walk, const char *value,
            EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&walk->bios, value);
    return TRUE;
}

static gboolean
handle_kernel(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
              EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&args->kernel, value);
    return TRUE;
}

static gboolean
handle_initrd(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
              EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&args->initrd, value);
    return TRUE;
}

static gboolean
handle_append(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
              EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&args->append, value);
    return TRUE;
}

static gboolean
handle_cpu(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
           EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&args->cpu_model, value);
    return TRUE;
}

static gboolean
handle_uuid(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
            EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    replace_string(&args->uuid, value);
    return TRUE;
}

/* -name guest=NAME,debug-threads=on or -name NAME */
static gboolean
handle_name(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
            EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "guest", NULL);

    g_free(args->name);
    args->name = obj ? opts_get_string(obj, "guest") : NULL;
    return TRUE;
}

static guint
parse_smp(const char *value)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "cpus", NULL);
    g_autofree char *cpus = NULL;
    guint64 n = 0;

    if (!obj)
        return 1;
    cpus = opts_get_string(obj, "cpus");
    if (cpus && sevirt_parse_uint("-smp", cpus, 4096, &n, NULL) && n > 0)
        return n;
    return 1;
}

/* -m 256, -m 1G, -m size=262144k,slots=16,maxmem=...: MiB unless suffixed */
static guint64
parse_ram(const char *value)
{
    g_autoptr(JsonObject) obj = emu_opts_parse(value, "size", NULL);
    g_autofree char *size = obj ? opts_get_string(obj, "size") : NULL;
    guint64 n;
    char *end = NULL;
    guint64 unit = 1024 * 1024;

    if (!size)
        return 0;
    n = g_ascii_strtoull(size, &end, 10);
    switch (g_ascii_tolower(*end)) {
    case 'b': unit = 1; break;
    case 'k': unit = 1024; break;
    case 'm': unit = 1024 * 1024; break;
    case 'g': unit = 1024ull * 1024 * 1024; break;
    case 't': unit = 1024ull * 1024 * 1024 * 1024; break;
    default: break;
    }
    return n * unit;
}

/* The file behind a block node: a "file" driver node, or what the node's
 * "file" child refers to (libvirt: raw format node -> file storage node). */
static gboolean
handle_smp(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
           EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    args->smp_cpus = parse_smp(value);
    return TRUE;
}

static gboolean
handle_ram(EmuArgs *args, EmuWalk *walk G_GNUC_UNUSED, const char *value,
           EmuStep *step G_GNUC_UNUSED, GError **error G_GNUC_UNUSED)
{
    guint64 ram = parse_ram(value);

    if (ram)
        args->ram_bytes = ram;
    return TRUE;
}

/* The options the emulator reads; every other one passes through. */
static const struct {
    const char *name;
    EmuOptHandler handler;
} option_handlers[] = {
    { "object", handle_object },
    { "machine", handle_machine },
    { "M", handle_machine },
    { "blockdev", handle_blockdev },
    { "drive", handle_drive },
    { "chardev", handle_chardev },
    { "mon", handle_mon },
    { "qmp", handle_qmp },
    { "bios", handle_bios },
    { "kernel", handle_kernel },
    { "initrd", handle_initrd },
    { "append", handle_append },
    { "cpu", handle_cpu },
    { "m", handle_ram },
    { "smp", handle_smp },
    { "uuid", handle_uuid },
    { "name", handle_name },
};

static EmuOptHandler
find_handler(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(option_handlers); i++) {
        if (g_str_equal(option_handlers[i].name, name))
            return option_handlers[i].handler;
    }
    return NULL;
}

static char *
blockdev_filename(GHashTable *blockdevs, const char *node, guint depth)
{
    JsonObject *obj = g_hash_table_lookup(blockdevs, node);
    JsonNode *child;
    g_autofree char *driver = NULL;

    if (!obj || depth > 8)
        return NULL;
    driver = opts_get_string(obj, "driver");
    if (driver && g_str_equal(driver, "file"))
        return opts_get_string(obj, "filename");
    child = json_object_get_member(obj, "file");
    if (!child)
        return NULL;
    if (JSON_NODE_HOLDS_OBJECT(child)) {
        JsonObject *inline_obj = json_node_get_object(child);

        return opts_get_string(inline_obj, "filename");
    }
    if (JSON_NODE_HOLDS_VALUE(child) && json_node_get_value_type(child) == G_TYPE_STRING)
        return blockdev_filename(blockdevs, json_node_get_string(child), depth + 1);
    return NULL;
}

static gboolean
resolve_monitor(EmuArgs *args, EmuWalk *walk, GError **error)
{
    gpointer at;
    g_autoptr(JsonObject) obj = NULL;
    g_autofree char *fd = NULL;
    g_autofree char *path = NULL;
    g_autofree char *server = NULL;
    guint64 n;

    if (args->mode == EMU_MODE_PROBE || !walk->monitor_chardev)
        return TRUE;
    if (!g_hash_table_lookup_extended(walk->chardevs, walk->monitor_chardev, NULL, &at))
        return TRUE;
    obj = emu_opts_parse(g_ptr_array_index(args->argv, GPOINTER_TO_INT(at)), "backend", error);
    if (!obj)
        return FALSE;
    fd = opts_get_string(obj, "fd");
    path = opts_get_string(obj, "path");
    server = opts_get_string(obj, "server");
    if (!server || !(g_str_equal(server, "on") || g_str_equal(server, "true")))
        return TRUE;
    if (fd) {
        if (!sevirt_parse_uint("-chardev fd", fd, G_MAXINT, &n, error))
            return FALSE;
        args->monitor_fd = n;
    } else if (path) {
        args->monitor_path = g_steal_pointer(&path);
    } else {
        return TRUE;
    }
    args->mode = EMU_MODE_DOMAIN;
    args->monitor_chardev_at = GPOINTER_TO_INT(at);
    return TRUE;
}

static gboolean
resolve_confidential_guest(EmuArgs *args, EmuWalk *walk, GError **error)
{
    const char *type;

    if (!walk->cgs) {
        if (args->sev) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("sev-guest object '%s' is not used by the machine's confidential-guest-support"),
                        args->sev->id);
            return FALSE;
        }
        return TRUE;
    }
    g_ptr_array_add(args->removed, g_strdup_printf("confidential-guest-support=%s", walk->cgs));
    if (args->sev && g_str_equal(walk->cgs, args->sev->id))
        return TRUE;
    type = g_hash_table_lookup(walk->objects, walk->cgs);
    g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_UNSUPPORTED,
                _("the emulated SEV platform cannot provide confidential guest support '%s' (%s): only sev-guest and sev-snp-guest are emulated"),
                walk->cgs, type ? type : _("no such object"));
    return FALSE;
}

EmuArgs *
emu_args_parse(const char *const *argv, GError **error)
{
    g_autoptr(EmuArgs) args = g_new0(EmuArgs, 1);
    g_auto(EmuWalk) walk = { 0 };

    args->mode = EMU_MODE_PASSTHROUGH;
    args->monitor_fd = -1;
    args->monitor_chardev_at = -1;
    args->monitor_mon_at = -1;
    args->smp_cpus = 1;
    args->ram_bytes = 128 * 1024 * 1024;
    args->removed = g_ptr_array_new_with_free_func(g_free);
    args->argv = g_ptr_array_new_with_free_func(g_free);
    walk.objects = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    walk.blockdevs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_object_unref);
    walk.chardevs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; argv[i]; i++) {
        const char *arg = argv[i];
        const char *name = arg[0] == '-' ? arg + (arg[1] == '-' ? 2 : 1) : NULL;
        const char *value;
        EmuOptHandler handler;
        EmuStep step = { 0 };

        if (!name || !is_value_option(name)) {
            g_ptr_array_add(args->argv, g_strdup(arg));
            continue;
        }
        value = argv[i + 1];
        if (!value) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_INVALID,
                        _("option '%s' needs a value"), arg);
            return NULL;
        }
        i++;

        handler = find_handler(name);
        if (handler && !handler(args, &walk, value, &step, error)) {
            g_free(step.rewritten);
            return NULL;
        }

        if (step.drop) {
            g_free(step.rewritten);
            g_ptr_array_add(args->removed, g_strdup_printf("%s %s", arg, value));
            continue;
        }
        g_ptr_array_add(args->argv, g_strdup(arg));
        g_ptr_array_add(args->argv, step.rewritten ? step.rewritten : g_strdup(value));
    }

    if (!resolve_confidential_guest(args, &walk, error))
        return NULL;
    if (!resolve_monitor(args, &walk, error))
        return NULL;

    if (walk.pflash0_node) {
        args->firmware = blockdev_filename(walk.blockdevs, walk.pflash0_node, 0);
        args->firmware_pflash = TRUE;
    } else if (walk.pflash0_drive) {
        args->firmware = g_steal_pointer(&walk.pflash0_drive);
        args->firmware_pflash = TRUE;
    } else if (walk.bios) {
        args->firmware = g_steal_pointer(&walk.bios);
    }
    return g_steal_pointer(&args);
}

char **
emu_args_qemu_argv(const EmuArgs *args, const char *qemu, int qemu_monitor_fd)
{
    GPtrArray *out = g_ptr_array_new();

    g_ptr_array_add(out, g_strdup(qemu));
    for (guint i = 0; i < args->argv->len; i++) {
        const char *arg = g_ptr_array_index(args->argv, i);

        if (args->mode == EMU_MODE_DOMAIN && (gint) i == args->monitor_chardev_at) {
            g_autoptr(JsonObject) obj = emu_opts_parse(arg, "backend", NULL);
            g_autofree char *id = opts_get_string(obj, "id");

            /* A connected socket: QEMU is the client of the emulator. */
            g_ptr_array_add(out, g_strdup_printf("socket,id=%s,fd=%d", id, qemu_monitor_fd));
        } else if (args->mode == EMU_MODE_PROBE && (gint) i == args->monitor_mon_at) {
            /* "-qmp unix:..." becomes "-chardev socket,fd=N -mon ..." */
            g_free(g_ptr_array_steal_index(out, out->len - 1));
            g_ptr_array_add(out, g_strdup("-chardev"));
            g_ptr_array_add(out, g_strdup_printf("socket,id=sevirt-emu-qmp,fd=%d", qemu_monitor_fd));
            g_ptr_array_add(out, g_strdup("-mon"));
            g_ptr_array_add(out, g_strdup("chardev=sevirt-emu-qmp,mode=control"));
        } else {
            g_ptr_array_add(out, g_strdup(arg));
        }
    }
    g_ptr_array_add(out, NULL);
    return (char **) g_ptr_array_free(out, FALSE);
}
