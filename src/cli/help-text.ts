/** `--help`: the flags, grouped as an operator reaches for them. */
export const HELP_TEXT = `analytics-backfill: send event files that were never ingested to the ingest function, or ingest them directly.

Usage:
  analytics-backfill                      open the wizard (in a terminal)
  analytics-backfill [flags] --yes        run without questions (scripts, CI)

Where from, where to:
  -b, --gcs-bucket gs://BUCKET|DIR    bucket to read, or a folder that mirrors one (env ANALYTICS_BACKFILL_BUCKET)
  -t, --topic TOPIC                   publish one notification per file to this Pub/Sub topic (name or projects/P/topics/T);
                                      without it, files are ingested directly into --warehouse
  -p, --gcp PROJECT                   Google Cloud project (env GOOGLE_CLOUD_PROJECT)
  -w, --warehouse duckdb:PATH|bigquery[:PROJECT]
                                      where rows land and what is already ingested;
                                      default bigquery for gs://, duckdb:analytics-backfill.duckdb for a folder

What (lists are comma-separated; all = every value present):
  -e, --analytics-environment LIST    testing, development, staging, production, live, or all
  -c, --event-category LIST           categories, or all
  -s, --event-ds-start YYYY-MM-DD     first day (inclusive)
  -u, --event-ds-stop YYYY-MM-DD      last day (inclusive)
  -T, --event-time LIST               0-8, 8-16, 16-24, or all (default all)
      --data-type json|unknown        default json

How:
  -y, --yes                           do not ask; fail if a choice is missing. Without a terminal
                                      (a pipe, a script, --json) or with --resume, nothing is
                                      written or published unless --yes is given (exit 2)
  -n, --dry-run                       show what would be sent, write nothing
      --json                          print a machine-readable summary on stdout, nothing else there
      --reprocess                     also send files already ingested
      --resume RUN                    finish an interrupted run (its id or record path); sends only what did not go out
      --record-dir DIR                where run records go (default ~/.local/state/analytics-backfill/runs)
      --job-name NAME                 job_name for directly ingested rows (default analytics-backfill-RUNID)
  -h, --help                          this help
  -V, --version                       the version

Exit codes: 0 done, 1 failed (some files did not go out: see the run record), 2 bad usage, 130 interrupted.
`;
