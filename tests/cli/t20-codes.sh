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

# --- counties (from the state/county table), by name
run codes countyAtDx
expect_out "^510 +county of .*MD" "without SEARCH: each code with the states that have it"
run codes countyAtDx 510
expect_out "^510 +Baltimore city, MD$" "Baltimore city"
expect_out "^510 +Alexandria city, VA$" "a code searched lists it in every state, by name"
run codes countyCurrent prince george
expect_rc 0 "counties found by name"
expect_out "^033 +Prince George's County, MD$" "Prince George's County, MD by its name"
run codes countyCurrent --state PR
expect_out "^127 +San Juan Municipio, PR$" "Puerto Rico's municipios by name"
expect_out "^097 +Mayagüez Municipio, PR$" "a municipio with its accent (UTF-8)"
expect_eq "$(grep -c 'Municipio, PR$' "$TMP/out")" 78 "all 78 municipios of Puerto Rico"
run codes countyCurrent --state CT
expect_out "^110 +Capitol Planning Region, CT$" "Connecticut's planning regions (2022)"
expect_out "^001 +Fairfield County, CT$" "beside its former counties"
run codes countyCurrent --state va 999
expect_out "^999 +county unknown$" "999 with --state"
run codes countyCurrent --state XX
expect_rc 2 "--state XX"
run codes sex --state MD
expect_rc 2 "--state with an item that is not a county"
# every Maryland county of the NAACCR lookup (../shared/codes/naaccr-lookups/countyCurrent.csv, names in
# capitals without "County") has the same name here
LOOKUP=${CRTK_SHARED:-/nonexistent}/codes/naaccr-lookups/countyCurrent.csv
if have_reference "$LOOKUP"; then
    run codes countyCurrent --state MD
    got=$(awk '{code=$1; $1=""; sub(/^ /, ""); sub(/, MD$/, ""); print code "," $0}' "$TMP/out" | grep -v '^99[89],' |
          python3 -c 'import sys; [print(l.split(",")[0] + "," + l.split(",",1)[1].strip().upper().replace(" COUNTY","").replace("\x27","")) for l in sys.stdin]' | sort)
    want=$(grep -v '^99[89],' "$LOOKUP" | tr -d '\r' | sort)
    expect_eq "$got" "$want" "Maryland county names agree with the NAACCR lookup"
fi

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
