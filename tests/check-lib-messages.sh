#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# No message of the library names a sevirt command-line option: the library
# reports what is wrong (error codes, host-check hints) and src/cli words
# the "run with --X" advice.  Scans every string literal of src/lib/*.c
# (messages are also built from pieces), comments aside.  The only
# option allowed is --emu-info, the emulator program's own option, which
# the library runs.
. "$abs_top_srcdir/tests/test-lib.sh"

command -v perl >/dev/null 2>&1 || skip_or_fail "perl is needed to scan the sources"

# scan FILE...: prints FILE:LINE: OPTION for each option named in a message.
scan() {
    perl -e '
        my %allowed = ("--emu-info" => 1);
        for my $file (@ARGV) {
            open(my $fh, "<", $file) or die "$file: $!\n";
            local $/;
            my $src = <$fh>;
            close($fh);
            # blank out comments, keeping newlines for the line numbers
            $src =~ s{(/\*.*?\*/|//[^\n]*)}{ (my $c = $1) =~ s/[^\n]/ /g; $c }gse;
            # every string literal: a message is often built from pieces
            # (a table of N_() entries, an option name passed as an argument)
            while ($src =~ /"((?:[^"\\\n]|\\.)*)"/g) {
                my ($text, $end) = ($1, pos($src));
                my $line = 1 + (substr($src, 0, $end) =~ tr/\n//);
                while ($text =~ /(?<![\w-])(--[a-z][a-z0-9-]*)/g) {
                    print "$file:$line: $1\n" unless $allowed{$1};
                }
            }
        }
    ' "$@"
}

# The scanner itself finds an option, across a split literal, and lets
# comments and --emu-info pass: else this test could not fail.
cat >"$TEST_TMP/sample.c" <<'SAMPLE'
/* a comment may say --attest */
static const char *a = N_("run it with --emu-info");
static void f(void) { g_set_error(e, D, 1, _("give it a key, or "
                                             "pass --insecure-keys")); }
SAMPLE
scan "$TEST_TMP/sample.c" >"$TEST_TMP/sample.out"
grep -q ':4: --insecure-keys$' "$TEST_TMP/sample.out" ||
    die "the scanner missed an option in a split literal: $(cat "$TEST_TMP/sample.out")"
[ "$(wc -l <"$TEST_TMP/sample.out")" -eq 1 ] ||
    die "the scanner flagged a comment or --emu-info: $(cat "$TEST_TMP/sample.out")"

scan "$abs_top_srcdir"/src/lib/*.c >"$TEST_TMP/found"
if [ -s "$TEST_TMP/found" ]; then
    sed 's/^/FAIL: a library message names a command-line option: /' "$TEST_TMP/found" >&2
    exit 1
fi
exit 0
