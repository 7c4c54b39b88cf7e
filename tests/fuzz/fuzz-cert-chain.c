/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz target: a whole SEV certificate chain, as 'verify-certs' and an
 * attested launch read it.  The input carries four files, each but the last
 * behind its length (16 bits, little-endian):
 *   ARK | ASK | PEK+OCA+CEK (libvirt's cert-chain, raw or base64) | PDH
 * The last two are read from files (sevirt_cert_chain_read_platform() and
 * sevirt_sev_cert_read() take paths), here memory files.
 */
#include <config.h>

#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "sevirt.h"

/* Takes the next length-prefixed piece of *data (all of it when @last). */
static GBytes *
take(const uint8_t **data, size_t *size, gboolean last)
{
    size_t len;
    GBytes *piece;

    if (last || *size < 2) {
        len = last ? *size : 0;
    } else {
        len = (*data)[0] | ((size_t) (*data)[1] << 8);
        *data += 2;
        *size -= 2;
        len = MIN(len, *size);
    }
    piece = g_bytes_new(*data, len);
    *data += len;
    *size -= len;
    return piece;
}

/* A memory file holding @bytes; its path is /proc/self/fd/N. */
static int
memory_file(GBytes *bytes, char **path)
{
    gsize len = 0;
    const guint8 *p = g_bytes_get_data(bytes, &len);
    int fd = memfd_create("fuzz-cert", MFD_CLOEXEC);

    g_assert(fd >= 0);
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        g_assert(n > 0);
        p += n;
        len -= n;
    }
    *path = g_strdup_printf("/proc/self/fd/%d", fd);
    return fd;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_auto(SevirtCertChain) chain = { 0 };
    g_autoptr(GBytes) ark = take(&data, &size, FALSE);
    g_autoptr(GBytes) ask = take(&data, &size, FALSE);
    g_autoptr(GBytes) platform = take(&data, &size, FALSE);
    g_autoptr(GBytes) pdh = take(&data, &size, TRUE);
    g_autoptr(GError) error = NULL;
    g_autofree char *platform_path = NULL;
    g_autofree char *pdh_path = NULL;
    gsize len = 0;
    const guint8 *p;
    SevirtChainLink failed = SEVIRT_CHAIN_LINK_COUNT;
    int platform_fd, pdh_fd;

    fuzz_init();
    p = g_bytes_get_data(ark, &len);
    chain.ark = sevirt_amd_cert_parse(p, len, "ark", NULL);
    p = g_bytes_get_data(ask, &len);
    chain.ask = sevirt_amd_cert_parse(p, len, "ask", NULL);

    platform_fd = memory_file(platform, &platform_path);
    pdh_fd = memory_file(pdh, &pdh_path);
    if (!sevirt_cert_chain_read_platform(&chain, platform_path, &error))
        g_assert(error && error->message && *error->message);
    g_clear_error(&error);
    chain.pdh = sevirt_sev_cert_read(pdh_path, NULL);
    close(platform_fd);
    close(pdh_fd);

    if (!sevirt_cert_chain_verify(&chain, &failed, &error))
        g_assert(error && error->message && *error->message);
    else
        g_assert(chain.ark && chain.ask && chain.cek && chain.oca && chain.pek && chain.pdh);
    return 0;
}
