import { describe, expect, it } from 'vitest';
import { isBucketName, isProjectId } from './names.js';

describe('naming rules', () => {
  it('project ids: 6–30 characters, a letter first, no hyphen last; domain-scoped ids', () => {
    for (const ok of ['my-project', 'abcdef', 'a23456789012345678901234567890', 'example.com:my-project'])
      expect(isProjectId(ok)).toBe(true);
    for (const bad of [
      'abcde',
      'a234567890123456789012345678901',
      '1project',
      'project-',
      'My-Project',
      ':my-project',
      'my project',
    ]) {
      expect(isProjectId(bad)).toBe(false);
    }
  });

  it('bucket names: lowercase letters, digits, -, _ and ., a letter or digit at each end', () => {
    for (const ok of ['abc', 'my_bucket-1', 'a.b.c']) expect(isBucketName(ok)).toBe(true);
    for (const bad of ['ab', 'Bucket', '-abc', 'abc.', 'a/b']) expect(isBucketName(bad)).toBe(false);
  });
});
