#!/usr/bin/env bash
# Regenerates the sample figures of README.md (the blocks between the `samples:begin` and
# `samples:end` markers and between `show:begin` and `show:end`) from fresh runs at the
# shipped scenarios' own settings, and the forward-scenario table of docs/calibration.md §4
# (between `forward:begin` and `forward:end`: 2,000 paths, seed 42, a few seconds more), so that
# no figure there is typed by hand. Usage: scripts/readme_samples.sh [--check]
# With --check it exits 1 if either file differs from what the runs give (nothing is written).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo build --release --quiet
bin=target/release/sanctions-sim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$bin" run scenarios/baseline.toml --quiet --no-charts --no-report --out "$out"
"$bin" run scenarios/summit_failure.toml --quiet --no-charts --no-report --out "$out" \
    --prob 'flow_india_mbd<1' --prob 'arrivals_india_mbd<1'
"$bin" compare scenarios/baseline.toml scenarios/summit_failure.toml --quiet --no-charts \
    --no-report --out "$out"
"$bin" compare scenarios/summit_failure.toml scenarios/china_sanctions.toml --quiet \
    --no-charts --no-report --out "$out"

# field NAME FILE KEY...: the column NAME of the first row of FILE containing every KEY.
field() {
    local name=$1 file=$2
    shift 2
    awk -F, -v name="$name" -v keys="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { ok = 1; n = split(keys, k, " "); for (j = 1; j <= n; j++) if (index("," $0 ",", "," k[j] ",") == 0) ok = 0
          if (ok) { print $(col[name]); exit } }' "$file"
}

base="$out/baseline/summary.csv"
fail_probs="$out/summit_failure/probabilities.csv"
cmp_a="$out/compare_baseline_vs_summit_failure/compare.csv"
cmp_c="$out/compare_summit_failure_vs_china_sanctions/compare.csv"
tot_c="$out/compare_summit_failure_vs_china_sanctions/compare_totals.csv"
last=$(tail -1 "$base" | cut -d, -f2)

block=$(cat <<MD
The first rows of \`output/baseline/summary.csv\` (10,000 paths, seed 42, 36 months; the
numbers change whenever the model does):

\`\`\`csv
$(head -7 "$base")
\`\`\`

One row per month and variable ($(($(wc -l <"$base") - 1)) rows: 36 months × $((($(wc -l <"$base") - 1) / 36)) variables). Bands widen
over the horizon: Brent in the last month ($last) has p05 $(field p05 "$base" "$last" brent_usd_bbl),
p50 $(field p50 "$base" "$last" brent_usd_bbl) and p95 $(field p95 "$base" "$last" brent_usd_bbl) USD/bbl.

Three questions, each answered by one command and one file:

- *How much does Russia's monthly crude revenue fall if the summit fails, after 12 months,
  with an 80 % band?* \`compare scenarios/baseline.toml scenarios/summit_failure.toml\`,
  \`compare.csv\` row \`2026-07-01,russia_export_revenue_usd_bn\`: mean change
  $(field mean_diff "$cmp_a" 2026-07-01 russia_export_revenue_usd_bn) USD bn/month
  ($(field pct_change "$cmp_a" 2026-07-01 russia_export_revenue_usd_bn) %), 80 % band
  $(field p10_diff "$cmp_a" 2026-07-01 russia_export_revenue_usd_bn) to
  $(field p90_diff "$cmp_a" 2026-07-01 russia_export_revenue_usd_bn).
- *How likely is India's intake below 1 mb/d by mid-2026?* On loadings (\`flow_india_mbd\`,
  barrels loaded for India that month):
  \`run scenarios/summit_failure.toml --prob 'flow_india_mbd<1'\`, \`probabilities.csv\` row
  \`2026-06-01\`: $(field share_now "$fail_probs" 2026-06-01 'flow_india_mbd<1') of paths in June 2026
  (\`share_now\`, ± $(field mc_se_now "$fail_probs" 2026-06-01 'flow_india_mbd<1')), and $(field share_so_far "$fail_probs" 2026-06-01 'flow_india_mbd<1') (\`share_so_far\`) have been below 1 mb/d in some month
  since August 2025; in some month of 2026 itself, $(field share_this_year "$fail_probs" 2026-12-01 'flow_india_mbd<1') (\`share_this_year\`, row
  \`2026-12-01\`). On arrivals (\`arrivals_india_mbd\`, what India's import statistics and
  Kpler's monthly figures count, a voyage later), \`--prob 'arrivals_india_mbd<1'\`: in some month since
  August 2025, $(field share_so_far "$fail_probs" 2026-06-01 'arrivals_india_mbd<1') (\`share_so_far\`, row \`2026-06-01\`).
- *If the US extends sanctions to China, where does Brent go, and is China better or worse
  off?* \`compare scenarios/summit_failure.toml scenarios/china_sanctions.toml\`: Brent
  $(field mean_diff "$cmp_c" 2026-07-01 brent_usd_bbl) USD/bbl on average in July 2026
  (80 % band $(field p10_diff "$cmp_c" 2026-07-01 brent_usd_bbl) to $(field p90_diff "$cmp_c" 2026-07-01 brent_usd_bbl)); China's welfare (savings less tariff cost, plus any deal carrot earned) over the 36 months
  changes by $(field mean_diff "$tot_c" horizon china_welfare_usd_bn) USD bn (80 % band $(field p10_diff "$tot_c" horizon china_welfare_usd_bn) to
  $(field p90_diff "$tot_c" horizon china_welfare_usd_bn); \`compare_totals.csv\`, \`horizon,…,china_welfare_usd_bn\`).
MD
)

# The `show` example of the "Command line" section, from the same runs.
shown=$("$bin" show "$out/baseline" "$out/summit_failure" \
    --var russia_export_revenue_usd_bn --from 2026-01 --to 2026-06)
show_block=$(cat <<MD
\`sanctions-sim show output/baseline output/summit_failure --var russia_export_revenue_usd_bn
--from 2026-01 --to 2026-06\` prints (10,000 paths, seed 42):

\`\`\`text
$shown
\`\`\`
MD
)

# The forward scenarios of calibration.md §4: the 2026-07 medians of the five shipped scenarios.
fwd_cmd="run scenarios/ --paths 2000 --seed 42 --no-charts --no-report"
# shellcheck disable=SC2086 # fwd_cmd is split into its words on purpose
"$bin" $fwd_cmd --quiet --out "$out/fwd"
rows=""
for s in baseline summit_success summit_failure china_sanctions summit_uncertain; do
    rows+=$(awk -F, -v s="$s" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        $(col["date"]) == "2026-07-01" { v[$(col["variable"])] = $(col["p50"]) }
        END { printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f |", s, v["brent_usd_bbl"],
              v["urals_discount_usd_bbl"], v["espo_discount_usd_bbl"],
              v["russia_export_revenue_usd_bn"], v["freight_w_in_usd_bbl"] }' \
        "$out/fwd/$s/summary.csv")$'\n'
done
rows=${rows%$'\n'}
calib=docs/calibration.md
# The date changes only with the figures, so that --check passes on a later day.
old_rows=$(awk '/<!-- forward:begin -->/ { on = 1; next } /<!-- forward:end -->/ { on = 0 }
    on && /^\| [a-z_]+ \| [0-9]/' "$calib")
fwd_date=$(awk '/<!-- forward:begin -->/ { on = 1 } /<!-- forward:end -->/ { on = 0 }
    on && match($0, /measured [0-9]+-[0-9]+-[0-9]+/) { print substr($0, RSTART + 9, RLENGTH - 9); exit }' "$calib")
if [ "$old_rows" != "$rows" ] || [ -z "$fwd_date" ]; then
    fwd_date=$(date -u +%F)
fi
fwd_block=$(cat <<MD
2026-07 medians (\`p50\` of the \`2026-07-01\` rows of each \`summary.csv\`) from
\`sanctions-sim $fwd_cmd\`, measured $fwd_date:

| scenario | Brent | Urals discount | ESPO discount | revenue \$bn | W→IN freight |
|---|---|---|---|---|---|
$rows
MD
)
new_calib=$(awk -v block="$fwd_block" '
    /<!-- forward:begin -->/ { print; print block; skip = 1; next }
    /<!-- forward:end -->/ { skip = 0 }
    !skip { print }' "$calib")

new=$(awk -v block="$block" -v show="$show_block" '
    /<!-- samples:begin -->/ { print; print block; skip = 1; next }
    /<!-- samples:end -->/ { skip = 0 }
    /<!-- show:begin -->/ { print; print show; skip = 1; next }
    /<!-- show:end -->/ { skip = 0 }
    !skip { print }' README.md)

if [ "${1:-}" = "--check" ]; then
    stale=0
    if [ "$new" != "$(cat README.md)" ]; then
        echo "README.md sample figures are out of date: run scripts/readme_samples.sh" >&2
        stale=1
    fi
    if [ "$new_calib" != "$(cat "$calib")" ]; then
        echo "$calib: the forward-scenario table is out of date: run scripts/readme_samples.sh" >&2
        stale=1
    fi
    [ "$stale" = 0 ] || exit 1
    echo "README.md sample figures and the $calib forward-scenario table are current"
else
    printf '%s\n' "$new" >README.md
    printf '%s\n' "$new_calib" >"$calib"
    echo "README.md sample figures and the $calib forward-scenario table regenerated"
fi
