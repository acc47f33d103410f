/**
 * One `google.cloud.storage.object.v1.finalized` CloudEvent posted to a served function, in binary
 * content mode, as Eventarc delivers a Cloud Storage trigger. Resolves with the HTTP status.
 */
export async function postStorageEvent(
  port: number,
  object: { bucket: string; name: string; generation: string; size: string; id: string },
  timeoutMs = 300_000,
): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.storage.object.v1.finalized',
      'ce-source': `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
      'ce-subject': `objects/${object.name}`,
      'ce-id': object.id,
      'ce-time': '2026-03-01T00:00:00Z',
    },
    body: JSON.stringify({
      bucket: object.bucket,
      name: object.name,
      generation: object.generation,
      size: object.size,
    }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.text();
  return res.status;
}
