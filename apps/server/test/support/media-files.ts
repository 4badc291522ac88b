import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file a server keeps in its local media storage (`DATA_DIR/media`), sorted: to prove a refused upload left nothing. */
export function storedMediaFiles(dataDir: string): string[] {
  const root = join(dataDir, 'media');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  } catch {
    return [];
  }
}
