export type MediaKind = 'image' | 'video' | 'document';

export interface MediaFormat {
  kind: MediaKind;
  mime: string;
  ext: string;
}

/** Bytes needed to recognise every format below. */
export const SNIFF_BYTES = 16;

const ascii = (bytes: Buffer, start: number, end: number) => bytes.subarray(start, end).toString('latin1');

/** What a file is, judged by its first bytes only (never by its name or declared type). */
export function sniffFormat(bytes: Buffer): MediaFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { kind: 'image', mime: 'image/jpeg', ext: 'jpg' };
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    return { kind: 'image', mime: 'image/png', ext: 'png' };
  }
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a'))
    return { kind: 'image', mime: 'image/gif', ext: 'gif' };
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
    return { kind: 'image', mime: 'image/webp', ext: 'webp' };
  if (bytes.length >= 4 && bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])))
    return { kind: 'video', mime: 'video/webm', ext: 'webm' };
  if (bytes.length >= 5 && ascii(bytes, 0, 5) === '%PDF-') return { kind: 'document', mime: 'application/pdf', ext: 'pdf' };
  // ISO base media: a box size, then "ftyp" and the major brand.
  if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (brand === 'qt  ') return { kind: 'video', mime: 'video/quicktime', ext: 'mov' };
    if (/^(isom|iso[2-9]|mp4[12]|avc1|M4V |M4VH|M4VP|dash|mmp4|MSNV|3gp[4-6])$/.test(brand)) {
      return { kind: 'video', mime: 'video/mp4', ext: 'mp4' };
    }
  }
  return undefined;
}

const KIND_DESCRIPTIONS: Record<MediaKind, string> = {
  image: 'an image (JPEG, PNG, WebP or GIF)',
  video: 'a video (MP4, WebM or QuickTime)',
  document: 'a PDF document',
};

/** The kinds a file field accepts: one, or several (a project's download may be a PDF or an image). */
export type MediaKinds = MediaKind | readonly MediaKind[];

export const kindsOf = (kinds: MediaKinds): readonly MediaKind[] => (typeof kinds === 'string' ? [kinds] : kinds);

export const describeKinds = (kinds: MediaKinds) =>
  kindsOf(kinds)
    .map((kind) => KIND_DESCRIPTIONS[kind])
    .join(' or ');

export const mimeOfExtension = (ext: string): string | undefined =>
  ({
    jpg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    webp: 'image/webp',
    webm: 'video/webm',
    mp4: 'video/mp4',
    mov: 'video/quicktime',
    pdf: 'application/pdf',
  })[ext];
