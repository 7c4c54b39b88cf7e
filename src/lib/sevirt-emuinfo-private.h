/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The members of the JSON object 'sevirt-qemu-emu --emu-info' prints: the
 * emulator writes them (src/emu/emu-platform.c) and the library reads them
 * (sevirt-emuprobe.c), so both sides spell them from here.  Not installed.
 */
#pragma once

#define SEVIRT_EMU_INFO_EMULATED          "emulated"   /* boolean, always true */
#define SEVIRT_EMU_INFO_NOTICE            "notice"
#define SEVIRT_EMU_INFO_STATE_DIR         "state_dir"
#define SEVIRT_EMU_INFO_QEMU              "qemu"
#define SEVIRT_EMU_INFO_CBITPOS           "cbitpos"
#define SEVIRT_EMU_INFO_REDUCED_PHYS_BITS "reduced_phys_bits"
#define SEVIRT_EMU_INFO_API_MAJOR         "api_major"
#define SEVIRT_EMU_INFO_API_MINOR         "api_minor"
#define SEVIRT_EMU_INFO_BUILD_ID          "build_id"
#define SEVIRT_EMU_INFO_CPU_FAMILY        "cpu_family"
#define SEVIRT_EMU_INFO_CPU_MODEL         "cpu_model"
#define SEVIRT_EMU_INFO_CPU_STEPPING      "cpu_stepping"
#define SEVIRT_EMU_INFO_VMSA_FPU_INIT     "vmsa_fpu_init"
/* An object describing the platform's identity, or null ... */
#define SEVIRT_EMU_INFO_IDENTITY          "identity"
/* ... and then why it has none. */
#define SEVIRT_EMU_INFO_IDENTITY_ERROR    "identity_error"

/* Members of the "identity" object. */
#define SEVIRT_EMU_INFO_IDENTITY_DIR        "dir"
#define SEVIRT_EMU_INFO_IDENTITY_PDH        "pdh"
#define SEVIRT_EMU_INFO_IDENTITY_CERT_CHAIN "cert_chain"
#define SEVIRT_EMU_INFO_IDENTITY_ARK        "ark"
#define SEVIRT_EMU_INFO_IDENTITY_ASK        "ask"
#define SEVIRT_EMU_INFO_IDENTITY_CPU0_ID    "cpu0_id"
