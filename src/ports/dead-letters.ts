/** One notification Pub/Sub gave up on: its file, the run that sent it, and how often it was tried. */
export interface DeadLetter {
  name: string;
  generation: string;
  /** The backfill run that published it (absent for the bucket's own notifications). */
  runId?: string;
  /** Delivery attempts before Pub/Sub dead-lettered it, when it says. */
  deliveries?: number;
  /** Removes it from the dead-letter subscription (it is in the run record now). */
  ack(): void;
}

/** A dead-letter subscription being read (`--follow`): what arrived since the last `take`. */
export interface DeadLetters {
  readonly subscription: string;
  take(): DeadLetter[];
  close(): Promise<void>;
}
