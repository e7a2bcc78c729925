// A ZIP archive of a skill's files, streamed as it is built (fflate's streaming writer, files read one at a time).
import { createReadStream } from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipDeflate } from 'fflate';
import type { SkillFile } from './files.js';

export function zipSkillFiles(folderName: string, files: readonly SkillFile[]): Readable {
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (err) return void out.destroy(err);
    out.write(Buffer.from(chunk));
    if (final) out.end();
  });
  void (async () => {
    for (const file of files) {
      const entry = new ZipDeflate(`${folderName}/${file.path}`, { level: 6 });
      zip.add(entry);
      if ('text' in file) entry.push(Buffer.from(file.text), true);
      else {
        for await (const chunk of createReadStream(file.absolute)) entry.push(chunk as Buffer, false);
        entry.push(new Uint8Array(0), true);
      }
    }
    zip.end();
  })().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
