#!/bin/bash
# t20-codes.sh — `crtk codes` run as a user would: listing, searching, JSON Lines, exit codes.
# Needs only the binary (the code tables are built into it).
# Environment (set by ctest): CRTK (the binary).  Exit 77 = skipped.
. "$(dirname "$0")/lib.sh" t20



# --- search by words: the breast sites, found through the group title (C500 is "Nipple")
run codes primarySite breast
expect_rc 0 "primarySite breast"
expect_lines 9 "primarySite breast"
expect_out "^C500 +Nipple$" "nipple is a breast site"
expect_out "^C509 +Breast, NOS$" "breast NOS"
expect_no_out "C619" "no prostate"

# --- search by code prefix, dots ignored; case does not matter
run codes primarySite C50.4
expect_rc 0 "code prefix"
expect_lines 1 "code prefix"
expect_out "^C504 +Upper-outer quadrant of breast$" "C50.4"
run codes primarySite LUNG upper
expect_out "^C341 " "two words, any case"

# --- full list of a small item; the item number works too
run codes laterality
expect_rc 0 "laterality list"
expect_lines 7 "laterality list"
expect_out "^5 +Midline$" "midline"
run codes 410
expect_lines 7 "item number 410"
run codes sexAssignedAtBirth
expect_lines 3 "sex assigned at birth"

# --- JSON Lines
run codes laterality --format json
expect_rc 0 "json"
expect_lines 7 "json lines"
expect_out '^\{"item":"laterality","code":"0","label":"Not Paired"\}$' "json object"
run codes morphology 8256/3 --format json
expect_out '"code":"8256/3".*"validFrom":2018' "morphology year note in json"
run codes morphology 9835 --format json
expect_out '"validTo":2009' "pre-2010 code"

# --- histology and morphology
run codes histologicTypeIcdO3 8140
expect_out "^8140 +Adenocarcinoma, NOS$" "histology 4 digits"
run codes morphology adenocarcinoma in situ
expect_out "^8140/2 " "words in any order across the label"

# --- ranges: a size inside the range entry
run codes tumorSizeSummary 025
expect_rc 0 "range"
expect_out "^002-988 " "range entry"

# --- counties (from the state/county table)
run codes countyAtDx 510
expect_out "^510 +county of .*MD" "Baltimore city"

# --- items with lists
run codes
expect_rc 0 "item list"
expect_out "^laterality +7 codes$" "laterality in the item list"
expect_out "^primarySite +330 codes$" "330 sites"

# --- exit 1: nothing matches; exit 2: no such list, bad option
run codes primarySite xyzzy
expect_rc 1 "no match"
expect_err "no code of primarySite matches" "no match message"
run codes nameLast
expect_rc 2 "item without a list"
expect_err "no code list for \"nameLast\"" "no list message"
run codes laterality --format xml
expect_rc 2 "bad format"

finish
