/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <config.h>

#include <glib.h>

#include "sevirt-error.h"

G_DEFINE_QUARK(sevirt-error-quark, sevirt_error)
