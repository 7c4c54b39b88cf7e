/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include <glib.h>

#include "sevirt.h"

/* A VCEK the report target verifies against (NULL under libFuzzer). */
extern SevirtSnpCert *fuzz_vek;

/* Defined by each target for the driver: seed files under tests/data/,
 * NULL-terminated, and the VCEK to load (or NULL). */
extern const char *const fuzz_seeds[];
extern const char *const fuzz_vek_file;
/* Mutations per seed: a run must stay short under valgrind. */
extern const guint fuzz_iterations;

int LLVMFuzzerTestOneInput(const guint8 *data, size_t len);
