/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the cmocka unit tests.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <glib.h>
#include <openssl/evp.h>

#include "sevirt-cert.h"
#include "sevirt-certmint.h"
#include "sevirt-util.h"

/* Exit status automake treats as "skipped". */
#define SEVIRT_TEST_SKIP 77

/**
 * sevirt_test_srcdir_path:
 * Path of a file under the source tree's tests/data/ (uses $abs_top_srcdir,
 * set by 'make check'; falls back to the compiled-in source directory).
 */
char *sevirt_test_data_path(const char *relpath);

/**
 * sevirt_test_vector:
 * @relpath: a file or folder under tests/data/vectors/ (the published vectors)
 *
 * Returns its path.  When it is absent, skips the calling test (cmocka's
 * skip()), except when the environment variable CI is "true", where that
 * fails the test: CI must have everything.
 */
char *sevirt_test_vector(const char *relpath);

/**
 * sevirt_test_status:
 * @failed: what cmocka_run_group_tests() returned
 *
 * The program's exit status: 77 (skipped) when nothing failed but a test
 * skipped for want of a vector, so that the skip shows in the test summary.
 */
int sevirt_test_status(int failed);

/**
 * sevirt_test_require:
 * @ok: whether what the test needs is present
 * @why: what is missing
 *
 * When @ok is FALSE: prints why and exits 77 (skip), or exits 1 when the
 * environment variable CI is "true", because CI must have everything.
 */
void sevirt_test_require(gboolean ok, const char *why);

/**
 * sevirt_test_golden:
 * @relpath: path under tests/data/ of the expected output
 * @actual: what the code produced
 *
 * Compares byte for byte; prints a unified diff on mismatch and fails the
 * test.  With SEVIRT_TEST_REGENERATE=1 the golden file is rewritten instead.
 */
void sevirt_test_golden(const char *relpath, const char *actual);

/** Asserts that @error is set with the given code and that its message
 * contains @needle; frees and clears it. */
void sevirt_test_assert_error(GError **error, GQuark domain, int code, const char *needle);

/** Reads a whole file under tests/data/ as a NUL-terminated string. */
char *sevirt_test_read_data(const char *relpath, gsize *len);

/**
 * sevirt_test_key_load:
 * @relpath: a PEM private key under tests/data/test-only-keys/
 *
 * Key material committed for tests (TEST USE ONLY: it is public), so that
 * they need not generate slow RSA-4096 and P-384 keys; fails the test when
 * it cannot be read.
 */
EVP_PKEY *sevirt_test_key_load(const char *relpath);

/**
 * sevirt_test_platform_load:
 * @chain: (out) the certificate chain, verified under its own ARK
 * @pdh_key: (out) the PDH private key
 *
 * The emulated platform identity committed under
 * tests/data/test-only-keys/emu-platform (TEST USE ONLY).
 */
void sevirt_test_platform_load(SevirtCertChain *chain, EVP_PKEY **pdh_key);
