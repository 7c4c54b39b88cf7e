/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Host preflight checks in the spirit of virt-host-validate: they read the
 * local host's /sys, /proc and /dev (or a test's fake tree), apart from the
 * libvirt queries of sevirt-hostcaps.c.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sevirt.h"
#include "sevirt-util.h"
#include "sevirt-preflight.h"

/* ---------------------------------------------------------------------- */
/* preflight checks */

const char *
sevirt_check_status_to_string(SevirtCheckStatus status)
{
    static const char *const names[] = { "PASS", "WARN", "FAIL" };

    g_return_val_if_fail(status < G_N_ELEMENTS(names), NULL);
    return names[status];
}

void
sevirt_host_check_free(SevirtHostCheck *check)
{
    if (!check)
        return;
    g_free(check->name);
    g_free(check->detail);
    g_free(check->fix);
    g_free(check->hint_arg);
    g_free(check);
}

static SevirtHostCheck *add_check(GPtrArray *checks, SevirtCheckStatus status,
                                  const char *name, const char *fix,
                                  const char *fmt, ...) G_GNUC_PRINTF(5, 6);

static SevirtHostCheck *
add_check(GPtrArray *checks, SevirtCheckStatus status, const char *name,
          const char *fix, const char *fmt, ...)
{
    SevirtHostCheck *check = g_new0(SevirtHostCheck, 1);
    va_list ap;

    va_start(ap, fmt);
    check->detail = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    check->status = status;
    check->name = g_strdup(name);
    check->fix = status == SEVIRT_CHECK_PASS ? NULL : g_strdup(fix);
    g_ptr_array_add(checks, check);
    return check;
}

/* A fix done through the caller's interface: the caller words it. */
static void
set_hint(SevirtHostCheck *check, SevirtCheckHint hint, const char *arg)
{
    check->hint = hint;
    check->hint_arg = g_strdup(arg);
}

static const char *
type_label(SevirtSevType type)
{
    switch (type) {
    case SEVIRT_SEV_ES:
        return "SEV-ES";
    case SEVIRT_SEV_SNP:
        return "SEV-SNP";
    case SEVIRT_SEV_SEV:
    case SEVIRT_SEV_NONE:
    default:
        return "SEV";
    }
}

static void
check_libvirt_version(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    g_autofree char *found = sevirt_version_string(caps->libvirt_version);

    if (type == SEVIRT_SEV_SNP && caps->libvirt_version < SEVIRT_LIBVIRT_SNP_VERSION)
        add_check(checks, SEVIRT_CHECK_FAIL, _("libvirt version"),
                  _("upgrade libvirt on the host to 10.5 or later"),
                  _("SEV-SNP guests need libvirt 10.5 or later, the host runs %s"), found);
    else
        add_check(checks, SEVIRT_CHECK_PASS, _("libvirt version"), NULL,
                  _("libvirt %s can run %s guests"), found, type_label(type));
}

/* Reads a kvm_amd module parameter ("Y"/"N" or "1"/"0"); NULL when absent. */
static char *
read_kvm_amd_param(const char *root, const char *param)
{
    g_autofree char *path = g_build_filename(root, "sys", "module", "kvm_amd",
                                             "parameters", param, NULL);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    return g_strdup(g_strstrip(text));
}

static void
check_kvm_amd(GPtrArray *checks, const char *root, SevirtSevType type)
{
    static const struct {
        const char *param;
        SevirtSevType needed_by;
    } params[] = {
        { "sev", SEVIRT_SEV_SEV },
        { "sev_es", SEVIRT_SEV_ES },
        { "sev_snp", SEVIRT_SEV_SNP },
    };
    g_autofree char *moddir = g_build_filename(root, "sys", "module", "kvm_amd", NULL);

    if (!g_file_test(moddir, G_FILE_TEST_IS_DIR)) {
        add_check(checks, SEVIRT_CHECK_FAIL, _("kvm_amd module"),
                  _("load it with 'modprobe kvm_amd' (needs an AMD CPU with AMD-V enabled in the firmware setup)"),
                  _("the kvm_amd module is not loaded"));
        return;
    }
    add_check(checks, SEVIRT_CHECK_PASS, _("kvm_amd module"), NULL, _("kvm_amd is loaded"));

    for (guint i = 0; i < G_N_ELEMENTS(params); i++) {
        g_autofree char *value = read_kvm_amd_param(root, params[i].param);
        g_autofree char *name = g_strdup_printf(_("kvm_amd %s parameter"), params[i].param);
        g_autofree char *fix = g_strdup_printf(_("add kvm_amd.%s=1 to the kernel command line "
                                                 "(or 'options kvm_amd %s=1' in /etc/modprobe.d) "
                                                 "and reload kvm_amd"),
                                               params[i].param, params[i].param);
        /* A type needs its own parameter and those of the types below it. */
        gboolean needed = params[i].needed_by <= type;

        if (value && (g_str_equal(value, "Y") || g_str_equal(value, "1")))
            add_check(checks, SEVIRT_CHECK_PASS, name, NULL, _("%s is enabled"), params[i].param);
        else if (!value)
            add_check(checks, needed ? SEVIRT_CHECK_FAIL : SEVIRT_CHECK_WARN, name,
                      _("use a host kernel whose kvm_amd supports it"),
                      _("this kvm_amd has no '%s' parameter"), params[i].param);
        else
            add_check(checks, needed ? SEVIRT_CHECK_FAIL : SEVIRT_CHECK_WARN, name, fix,
                      _("%s is disabled ('%s')"), params[i].param, value);
    }
}

gboolean
sevirt_dev_sev_examine(const char *path, SevirtDevSev *kind, GError **error)
{
    struct stat st;

    if (stat(path, &st) < 0) {
        if (errno != ENOENT) {
            g_set_error(error, SEVIRT_ERROR, SEVIRT_ERROR_FAILED,
                        _("Cannot examine '%s': %s"), path, g_strerror(errno));
            return FALSE;
        }
        *kind = SEVIRT_DEV_SEV_ABSENT;
    } else if (!S_ISCHR(st.st_mode)) {
        *kind = SEVIRT_DEV_SEV_NOT_DEVICE;
    } else if (major(st.st_rdev) == SEVIRT_DEV_SEV_PLACEHOLDER_MAJOR &&
               minor(st.st_rdev) == SEVIRT_DEV_SEV_PLACEHOLDER_MINOR) {
        *kind = SEVIRT_DEV_SEV_PLACEHOLDER;
    } else {
        *kind = SEVIRT_DEV_SEV_DEVICE;
    }
    return TRUE;
}

/* SEV hardware: the ccp driver's device. */
static void
check_dev_sev_hardware(GPtrArray *checks, SevirtDevSev kind)
{
    const char *name = SEVIRT_DEV_SEV_PATH;

    switch (kind) {
    case SEVIRT_DEV_SEV_DEVICE:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL, _("/dev/sev is a character device"));
        break;
    case SEVIRT_DEV_SEV_PLACEHOLDER:
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, name, NULL,
                           _("/dev/sev is the null device (1:3) that 'sevirt emulator-setup' "
                             "created for the emulated platform: harmless, but no SEV "
                             "hardware is behind it")),
                 SEVIRT_CHECK_HINT_EMULATOR_UNDO, NULL);
        break;
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        add_check(checks, SEVIRT_CHECK_FAIL, name,
                  _("remove it; the ccp driver creates /dev/sev once the platform is initialised"),
                  _("/dev/sev is not a character device"));
        break;
    case SEVIRT_DEV_SEV_ABSENT:
    default:
        add_check(checks, SEVIRT_CHECK_FAIL, name,
                  _("enable SEV in the firmware setup and check 'dmesg | grep -i sev': "
                    "the ccp driver creates /dev/sev once the platform is initialised"),
                  _("/dev/sev does not exist"));
        break;
    }
}

/* The emulated platform: libvirt (9.0) still allows and opens /dev/sev for
 * every SEV domain, so a node that gives access to nothing stands in. */
static void
check_dev_sev_emulated(GPtrArray *checks, SevirtDevSev kind, const char *emulator)
{
    const char *name = SEVIRT_DEV_SEV_PATH;

    switch (kind) {
    case SEVIRT_DEV_SEV_PLACEHOLDER:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                  _("/dev/sev is the placeholder 'sevirt emulator-setup' created (the null "
                    "device 1:3): libvirt needs the path for SEV domains; it gives access to nothing"));
        break;
    case SEVIRT_DEV_SEV_DEVICE:
        add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                  _("/dev/sev is a character device (libvirt only needs the path with the "
                    "emulated platform)"));
        break;
    case SEVIRT_DEV_SEV_NOT_DEVICE:
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, name, NULL,
                           _("/dev/sev is not a character device: libvirt cannot open it "
                             "for SEV domains")),
                 SEVIRT_CHECK_HINT_EMULATOR_SETUP, emulator);
        break;
    case SEVIRT_DEV_SEV_ABSENT:
    default:
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, name, NULL,
                           _("/dev/sev does not exist: libvirt refuses to start SEV domains "
                             "without it")),
                 SEVIRT_CHECK_HINT_EMULATOR_SETUP, emulator);
        break;
    }
}

static void
check_dev_sev(GPtrArray *checks, const char *root, const SevirtHostCaps *caps)
{
    g_autofree char *path = g_build_filename(root, SEVIRT_DEV_SEV_PATH, NULL);
    g_autoptr(GError) error = NULL;
    SevirtDevSev kind;

    if (!sevirt_dev_sev_examine(path, &kind, &error))
        add_check(checks, SEVIRT_CHECK_FAIL, SEVIRT_DEV_SEV_PATH,
                  _("run host-check as root"), "%s", error->message);
    else if (caps->emulated)
        check_dev_sev_emulated(checks, kind, caps->emulator);
    else
        check_dev_sev_hardware(checks, kind);
}

static void
check_virt_type(GPtrArray *checks, const SevirtHostCaps *caps)
{
    if (caps->emulated || g_strcmp0(caps->domain_type, "kvm") == 0)
        add_check(checks, SEVIRT_CHECK_PASS, _("virtualization type"), NULL,
                  _("guests run as '%s' domains"), caps->domain_type ? caps->domain_type : "?");
    else
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, _("virtualization type"), NULL,
                           _("domain type '%s' (TCG) cannot run encrypted guests"),
                           caps->domain_type ? caps->domain_type : "?"),
                 SEVIRT_CHECK_HINT_VIRT_TYPE_KVM, NULL);
}

static void
check_domcaps(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    const char *emu = caps->emulator ? caps->emulator : "?";

    if (!caps->sev) {
        add_check(checks, SEVIRT_CHECK_FAIL, _("SEV in domain capabilities"),
                  _("libvirt reports SEV once the kernel and QEMU can use it: fix the checks above, "
                    "then restart libvirtd so it probes QEMU again"),
                  _("libvirt reports no SEV support for %s"), emu);
        return;
    }
    add_check(checks, SEVIRT_CHECK_PASS, _("SEV in domain capabilities"), NULL,
              _("libvirt reports SEV for %s (cbitpos %d, reduced-phys-bits %d)"),
              emu, caps->cbitpos, caps->reduced_phys_bits);
    if (type == SEVIRT_SEV_ES)
        add_check(checks, caps->sev_es ? SEVIRT_CHECK_PASS : SEVIRT_CHECK_FAIL,
                  _("SEV-ES in domain capabilities"),
                  _("enable SEV-ES (kvm_amd sev_es=1) and give it ASIDs in the firmware setup"),
                  caps->sev_es ? _("the host has SEV-ES slots") : _("the host has no SEV-ES slots"));
    if (type == SEVIRT_SEV_SNP)
        add_check(checks, caps->sev_snp ? SEVIRT_CHECK_PASS : SEVIRT_CHECK_FAIL,
                  _("SEV-SNP in domain capabilities"),
                  _("SEV-SNP needs libvirt 10.5, QEMU 9.1 and a host kernel with SNP enabled"),
                  caps->sev_snp ? _("libvirt lists the sev-snp launch security type")
                                : _("libvirt does not list the sev-snp launch security type"));
}

static void
check_slots(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    gint free_slots = sevirt_host_caps_free_slots(caps, type);
    gint max = type == SEVIRT_SEV_SEV ? caps->max_guests : caps->max_es_guests;
    const char *pool = type == SEVIRT_SEV_SEV ? "SEV" : "SEV-ES";

    if (!sevirt_host_caps_supports(caps, type))
        return;
    if (caps->emulated)
        add_check(checks, SEVIRT_CHECK_PASS, _("free ASID slots"), NULL,
                  _("no ASID limit: the platform is emulated"));
    else if (free_slots < 0)
        add_check(checks, SEVIRT_CHECK_WARN, _("free ASID slots"),
                  _("upgrade libvirt (8.0 or later reports maxGuests/maxESGuests)"),
                  _("the host does not report how many %s guests it can hold"), pool);
    else if (free_slots == 0)
        add_check(checks, SEVIRT_CHECK_FAIL, _("free ASID slots"),
                  _("stop a running encrypted guest, or raise the ASID split in the firmware setup"),
                  g_dngettext(GETTEXT_PACKAGE, "the %d %s slot is in use",
                              "all %d %s slots are in use", max), max, pool);
    else
        add_check(checks, SEVIRT_CHECK_PASS, _("free ASID slots"), NULL,
                  g_dngettext(GETTEXT_PACKAGE, "%d of %d %s slot free", "%d of %d %s slots free", max),
                  free_slots, max, pool);
}

static void
check_firmware(GPtrArray *checks, const SevirtHostCaps *caps, SevirtSevType type)
{
    const char *feature = sevirt_firmware_feature_for(type);
    const SevirtFirmware *fw;

    if (!caps->firmware_known) {
        set_hint(add_check(checks, SEVIRT_CHECK_WARN, _("firmware"), NULL,
                           _("cannot read the firmware descriptors of a remote host")),
                 SEVIRT_CHECK_HINT_FIRMWARE_REMOTE, NULL);
        return;
    }
    fw = sevirt_firmware_list_find(caps->firmware, type);
    if (fw)
        add_check(checks, SEVIRT_CHECK_PASS, _("firmware"), NULL,
                  _("%s supports %s (%s)"), fw->executable, feature, fw->descriptor);
    else
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, _("firmware"), NULL,
                           _("no firmware descriptor lists '%s' (without Secure Boot)"), feature),
                 SEVIRT_CHECK_HINT_FIRMWARE_MISSING, NULL);
}

/*
 * ROOT/proc/PID of the daemon that runs the QEMU driver: virtqemud with
 * libvirt's modular daemons, else libvirtd; NULL when neither left a pid
 * file (sevirt's own limits would say nothing about the daemon's).
 */
static char *
qemu_daemon_proc(const char *root)
{
    static const char *const pidfiles[] = { "virtqemud.pid", "libvirtd.pid" };

    for (guint i = 0; i < G_N_ELEMENTS(pidfiles); i++) {
        g_autofree char *path = g_build_filename(root, "run", pidfiles[i], NULL);
        g_autofree char *text = NULL;
        guint64 pid;

        if (g_file_get_contents(path, &text, NULL, NULL) &&
            sevirt_parse_uint(pidfiles[i], g_strstrip(text), G_MAXINT, &pid, NULL)) {
            g_autofree char *name = g_strdup_printf("%" G_GUINT64_FORMAT, pid);

            return g_build_filename(root, "proc", name, NULL);
        }
    }
    return NULL;
}

/* Whether /proc/PID/status gives the process CAP_SYS_RESOURCE. */
static gboolean
status_has_sys_resource(const char *status)
{
    g_auto(GStrv) lines = g_strsplit(status, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        guint64 caps_eff;

        if (g_str_has_prefix(lines[i], "CapEff:") &&
            g_ascii_string_to_unsigned(g_strstrip(lines[i] + 7), 16, 0, G_MAXUINT64, &caps_eff, NULL))
            return (caps_eff >> 24) & 1;   /* CAP_SYS_RESOURCE */
    }
    return FALSE;
}

/* The hard limit of the "Max locked memory" line of /proc/PID/limits. */
static gboolean
limits_memlock_hard(const char *limits, guint64 *hard, gboolean *unlimited)
{
    static const char prefix[] = "Max locked memory";
    g_auto(GStrv) lines = g_strsplit(limits, "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) fields = NULL;

        if (!g_str_has_prefix(lines[i], prefix))
            continue;
        /* soft, hard, units, with empty strings between the spaces */
        fields = g_strsplit_set(lines[i] + strlen(prefix), " \t", -1);
        for (guint j = 0, n = 0; fields[j]; j++) {
            if (!*fields[j] || ++n < 2)
                continue;
            *unlimited = g_str_equal(fields[j], "unlimited");
            return *unlimited ||
                   g_ascii_string_to_unsigned(fields[j], 10, 0, G_MAXUINT64, hard, NULL);
        }
    }
    return FALSE;
}

/* The memlock hard limit and CAP_SYS_RESOURCE of the QEMU driver's daemon. */
static gboolean
read_memlock(const char *root, guint64 *hard, gboolean *unlimited, gboolean *can_raise)
{
    g_autofree char *proc = qemu_daemon_proc(root);
    g_autofree char *lpath = NULL;
    g_autofree char *spath = NULL;
    g_autofree char *limits = NULL;
    g_autofree char *status = NULL;

    if (!proc)
        return FALSE;
    lpath = g_build_filename(proc, "limits", NULL);
    spath = g_build_filename(proc, "status", NULL);
    if (!g_file_get_contents(lpath, &limits, NULL, NULL) ||
        !g_file_get_contents(spath, &status, NULL, NULL))
        return FALSE;
    *can_raise = status_has_sys_resource(status);
    return limits_memlock_hard(limits, hard, unlimited);
}

static void
check_memlock(GPtrArray *checks, const char *root, const SevirtHostCaps *caps, SevirtSevType type)
{
    guint64 hard = 0;
    gboolean unlimited = FALSE, can_raise = FALSE;

    /* Neither asks for <locked/> (see sevirt_domxml_build()). */
    if (caps->emulated)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("not needed: guests of the emulated platform lock no memory"));
    else if (type == SEVIRT_SEV_SNP)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("not needed: SEV-SNP guests do not lock their memory"));
    else if (!read_memlock(root, &hard, &unlimited, &can_raise))
        add_check(checks, SEVIRT_CHECK_WARN, _("locked memory limit"),
                  _("make sure libvirtd may raise RLIMIT_MEMLOCK (LimitMEMLOCK=infinity)"),
                  _("cannot read the locked memory limit of libvirtd (or virtqemud)"));
    else if (unlimited || can_raise)
        add_check(checks, SEVIRT_CHECK_PASS, _("locked memory limit"), NULL,
                  _("libvirtd can lock guest memory (%s)"),
                  unlimited ? _("no limit") : _("it may raise its limit"));
    else
        add_check(checks, SEVIRT_CHECK_FAIL, _("locked memory limit"),
                  _("start libvirtd with an unlimited memlock hard limit (ulimit -l unlimited, "
                    "LimitMEMLOCK=infinity) or with CAP_SYS_RESOURCE"),
                  _("libvirtd's memlock hard limit is %" G_GUINT64_FORMAT " KiB and it lacks "
                    "CAP_SYS_RESOURCE: SEV guests, whose memory is locked, cannot start"),
                  hard / 1024);
}

/* What the emulated platform is, and whether it was set up. */
static void
check_emulated(GPtrArray *checks, const SevirtHostCaps *caps, gboolean local)
{
    const SevirtEmuInfo *info = caps->emu_info;

    add_check(checks, SEVIRT_CHECK_WARN, _("emulated platform"),
              _("run real guests with the host's QEMU on an AMD EPYC host"),
              _("%s is sevirt's emulated SEV platform: guests get no memory encryption "
                "and no confidentiality"), caps->emulator);
    if (!local)
        set_hint(add_check(checks, SEVIRT_CHECK_WARN, _("emulated platform identity"), NULL,
                           _("the emulator of a remote host cannot be asked about its state")),
                 SEVIRT_CHECK_HINT_CHECK_ON_HOST, NULL);
    else if (!info)
        add_check(checks, SEVIRT_CHECK_FAIL, _("emulated platform identity"),
                  _("check that the emulator is built and installed"),
                  "%s", caps->emu_info_error ? caps->emu_info_error : _("unknown"));
    else if (!info->identity_dir)
        set_hint(add_check(checks, SEVIRT_CHECK_FAIL, _("emulated platform identity"), NULL,
                           _("no platform identity in %s: %s"),
                           info->state_dir ? info->state_dir : "?", info->identity_error),
                 SEVIRT_CHECK_HINT_EMULATOR_SETUP, caps->emulator);
    else {
        g_autofree char *summary = sevirt_emu_info_summary(info);

        add_check(checks, SEVIRT_CHECK_PASS, _("emulated platform identity"), NULL,
                  _("certificates in %s (%s)"), info->identity_dir, summary);
    }
}

/* Not an SEV matter, but the first thing a user tries (user-mode networking)
 * and the first thing Debian 12's libvirt refuses. */
static void
check_passt(GPtrArray *checks, const SevirtHostCaps *caps)
{
    const char *name = _("user-mode networking (passt)");

    switch (caps->passt) {
    case SEVIRT_TRISTATE_YES:
        set_hint(add_check(checks, SEVIRT_CHECK_PASS, name, NULL,
                           _("libvirt accepts the passt backend")),
                 SEVIRT_CHECK_HINT_NETWORK_USER_OK, NULL);
        break;
    case SEVIRT_TRISTATE_NO: {
        g_autofree char *why = sevirt_host_caps_passt_refusal(caps);

        set_hint(add_check(checks, SEVIRT_CHECK_WARN, name, NULL, "%s", why),
                 SEVIRT_CHECK_HINT_NETWORK, NULL);
        break;
    }
    case SEVIRT_TRISTATE_DEFAULT:
    default:
        set_hint(add_check(checks, SEVIRT_CHECK_WARN, name, NULL,
                           _("cannot tell whether libvirt accepts the passt backend")),
                 SEVIRT_CHECK_HINT_NETWORK, NULL);
        break;
    }
}

GPtrArray *
sevirt_host_check(const SevirtHostCaps *caps, SevirtSevType type, const char *local_root)
{
    GPtrArray *checks = g_ptr_array_new_with_free_func((GDestroyNotify) sevirt_host_check_free);

    g_return_val_if_fail(type != SEVIRT_SEV_NONE, checks);

    check_libvirt_version(checks, caps, type);
    if (caps->emulated)
        check_emulated(checks, caps, local_root != NULL);
    else if (local_root)
        check_kvm_amd(checks, local_root, type);
    if (local_root)
        check_dev_sev(checks, local_root, caps);
    check_virt_type(checks, caps);
    check_domcaps(checks, caps, type);
    check_slots(checks, caps, type);
    check_firmware(checks, caps, type);
    if (local_root)
        check_memlock(checks, local_root, caps, type);
    check_passt(checks, caps);
    return checks;
}

gboolean
sevirt_host_check_failed(const GPtrArray *checks)
{
    for (guint i = 0; i < checks->len; i++) {
        const SevirtHostCheck *check = g_ptr_array_index(checks, i);

        if (check->status == SEVIRT_CHECK_FAIL)
            return TRUE;
    }
    return FALSE;
}
