/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command's libvirt connection.  Apart from cli-util.c because the
 * front (main.c built with SEVIRT_CLI_FRONT) links cli-util.c but not
 * libvirt.
 */
#include <config.h>

#include "cli.h"

virConnectPtr
sevirt_cli_connect(SevirtCli *cli, GError **error)
{
    if (!cli->conn)
        cli->conn = sevirt_connect(cli->uri, virConnectAuthPtrDefault, error);
    return cli->conn;
}
