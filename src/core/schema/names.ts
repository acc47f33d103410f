/**
 * The naming rules of Google Cloud, one definition each, for the flags, the wizard and the
 * function's variables alike. Dataset and table names: `validateTableNames` (table-schemas.ts).
 */

/**
 * A project id: 6–30 lowercase letters, digits and hyphens, starting with a letter and not ending
 * with a hyphen; a domain-scoped id (`example.com:my-project`) keeps its domain in front.
 * https://cloud.google.com/resource-manager/docs/creating-managing-projects
 */
export function isProjectId(id: string): boolean {
  return /^(?:[a-z0-9][a-z0-9.-]*[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(id);
}

/**
 * A bucket name: 3–222 characters of lowercase letters, digits, `-`, `_` and `.`, starting and
 * ending with a letter or digit. https://cloud.google.com/storage/docs/buckets#naming
 */
export function isBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(name);
}
