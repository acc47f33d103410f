/** `--help`: the flags, grouped as an operator reaches for them. Every line fits 80 columns. */
export const HELP_TEXT = `analytics-backfill: send event files that were never ingested to the
ingest function, or ingest them directly into BigQuery or a DuckDB file.

Usage:
  analytics-backfill                  open the wizard (in a terminal)
  analytics-backfill [flags] --yes    run without questions (scripts, CI)
  analytics-backfill status [flags]   map what landed against what the bucket
                                      holds (reads only; default: every
                                      environment and category, 4 weeks);
                                      failures come from --record-dir

Where from, where to:
  -b, --gcs-bucket gs://BUCKET|DIR  bucket to read, or a folder mirroring one
                                    (env ANALYTICS_BACKFILL_BUCKET)
  -t, --topic TOPIC                 publish one notification per file to
                                    this Pub/Sub topic (a name, or
                                    projects/P/topics/T); without it, files
                                    are ingested directly
  -p, --gcp PROJECT                 Google Cloud project
                                    (env GOOGLE_CLOUD_PROJECT)
      --local-sa-key KEY.json       a service-account key file for every
                                    Google Cloud client (else
                                    GOOGLE_APPLICATION_CREDENTIALS or ADC)
      --execution-environment RUNNER
                                    the Beam script's runner: accepted,
                                    changes nothing (this runs here)
  -w, --warehouse duckdb:PATH|bigquery[:PROJECT]
                                    where rows land and what is ingested;
                                    default bigquery for gs://, else
                                    duckdb:analytics-backfill.duckdb

What (comma-separated lists; all = every value the bucket holds; a value the
bucket does not hold is refused):
  -e, --analytics-environment LIST  environments, e.g. testing,live, or all
  -c, --event-category LIST         categories, or all
  -s, --event-ds-start YYYY-MM-DD   first day (inclusive)
  -u, --event-ds-stop YYYY-MM-DD    last day (inclusive)
  -T, --event-time LIST             0-8, 8-16, 16-24, or all (default all)
      --cells LIST                  only these cells of the status map
                                    (ENV/YYYY-MM-DD/TIME each, every -c
                                    category); replaces -e, -s, -u, -T
      --data-type json|unknown      default json

How:
  -y, --yes              do not ask; fail if a choice is missing. Without a
                         terminal (a pipe, a script, --json) or with --resume,
                         nothing is written or published unless --yes is given
  -n, --dry-run          show what would be sent, write nothing
      --json             print one machine-readable summary on stdout
      --reprocess        send files already ingested again; each generation
                         still lands once, so this helps only after their
                         ledger rows were deleted
      --max-files N      refuse (exit 2, nothing sent) a run that would send
      --max-bytes SIZE   more files or bytes than this (SIZE: 500MB, 2GiB)
      --follow           with --topic: after publishing, watch every published
                         file until it lands (one line per look: landed,
                         staged for the next promotion, waiting); the
                         wizard follows a --topic run by default
      --follow-timeout D stop following after D (default 1h; 90s, 10m, 2h)
      --dead-letter-subscription SUB
                         where --follow reads files Pub/Sub gave up on
                         (default TOPIC-dead-hold); each is named, exit 1
      --follow-interval D
                         look every D (default 15s); also status --watch
      --resume RUN       finish an interrupted run (its id or record path);
                         sends only what did not go out; takes no selection
      --record-dir DIR   where run records go
                         (default ~/.local/state/analytics-backfill/runs)
      --job-name NAME    job_name of directly ingested rows
                         (default analytics-backfill-RUNID)
      --partition ENV/CATEGORY/YYYY-MM-DD/TIME
                         with status: that partition's files and their state
      --sessions         with status: gaps in event_index within sessions of
                         landed events, by partition
  -h, --help             this help
  -V, --version          the version

Examples (npm run demo writes .demo/bucket; RUN_ID is a run's id):
  analytics-backfill -b gs://my-events -t ingest -p my-project -e testing \\
    -c all -s 2026-03-01 -u 2026-03-03 --dry-run
  analytics-backfill -b .demo/bucket -w duckdb:events.duckdb -e all -c all \\
    -s 2026-03-01 -u 2026-03-01 --yes
  analytics-backfill --resume RUN_ID --yes
  analytics-backfill status -b .demo/bucket -w duckdb:events.duckdb -e testing
  analytics-backfill -b .demo/bucket -w duckdb:events.duckdb -c all \\
    --cells testing/2026-03-02/8-16,staging/2026-03-03/0-8 --yes

Exit codes: 0 done, 1 some files failed (see the run record), 2 bad usage,
3 --follow timed out before every file landed, 130 interrupted (Ctrl-C),
143 by SIGTERM, 129 by SIGHUP, 141 stdout closed: each stops as Ctrl-C does,
prints the run and its resume command.
`;

/** `status --help`: what status reads and the flags it takes. Every line fits 80 columns. */
export const STATUS_HELP_TEXT = `analytics-backfill status: map what landed against what the bucket holds.
Reads listings and the warehouse's ledger only: nothing is sent or written (a
DuckDB file is opened read-only). Failures come from the run records.

Usage:
  analytics-backfill status [flags]

Flags (default: every environment and category, the last four weeks):
  -b, --gcs-bucket gs://BUCKET|DIR  bucket to read, or a folder mirroring one
  -w, --warehouse duckdb:PATH|bigquery[:PROJECT]
                                    whose ledger says what landed
  -p, --gcp PROJECT                 Google Cloud project
  -e, --analytics-environment LIST  environments, or all
  -c, --event-category LIST         categories, or all
  -s, --event-ds-start YYYY-MM-DD   first day (inclusive)
  -u, --event-ds-stop YYYY-MM-DD    last day (inclusive)
  -T, --event-time LIST             0-8, 8-16, 16-24, or all
      --cells LIST                  only these cells (ENV/YYYY-MM-DD/TIME)
      --data-type json|unknown      default json
      --partition ENV/CATEGORY/YYYY-MM-DD/TIME
                                    that partition's files and their state
      --sessions                    gaps in event_index within sessions
      --json                        the map as one JSON document on stdout
      --watch                       draw the map again every 15 s (or
                                    --follow-interval D) until Ctrl-C
      --record-dir DIR              where run records (and failures) are
  -h, --help                        this help

Example (after npm run demo):
  analytics-backfill status -b .demo/bucket -w duckdb:.demo/analytics.duckdb

Exit codes: 0 done, 2 bad usage.
`;
