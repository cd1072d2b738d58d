#!/bin/sh
# run_fuzzer.sh FUZZER SEEDS REGRESSIONS WORKDIR SECONDS [OPTION...]: first runs the libFuzzer
# binary FUZZER once on each input saved in REGRESSIONS (if that directory exists), then fuzzes for
# SECONDS on WORKDIR/corpus (the seeds copied in, plus whatever earlier runs found there), so that
# the seed directory is never written; crash inputs (and, for a failure that depends on earlier
# inputs, their history) go to WORKDIR/artifacts/. Fails as the fuzzer does, with exit status 1
# (libFuzzer's own default, 77, would read as "skipped" to meson).
set -eu
if [ $# -lt 5 ]; then
    echo "usage: run_fuzzer.sh FUZZER SEEDS REGRESSIONS WORKDIR SECONDS [OPTION...]" >&2
    exit 2
fi
fuzzer=$1 seeds=$2 regressions=$3 work=$4 seconds=$5
shift 5
mkdir -p "$work/corpus" "$work/artifacts"
export FUZZ_HISTORY_DIR="$work/artifacts" # where a stateful target saves what led to a failure
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "run_fuzzer: replaying $regressions"
    "$fuzzer" -error_exitcode=1 -rss_limit_mb=2048 -timeout=30 "$regressions"/*
fi
cp -R "$seeds/." "$work/corpus/"
echo "run_fuzzer: $(basename "$fuzzer") for ${seconds}s on $work/corpus," \
    "artifacts in $work/artifacts/"
exec "$fuzzer" -error_exitcode=1 -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$@" "$work/corpus"
